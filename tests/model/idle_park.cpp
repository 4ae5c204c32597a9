// Idle workers and parking under the model checker: no lost wake-up between a worker going to
// sleep and work arriving for it.
#include <memory>
#include <vector>

#include "model/model.hpp"
#include "model/scenario.hpp"
#include "runtime/scheduler/inject.hpp"
#include "runtime/scheduler/multi_thread/idle.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"
#include "runtime/scheduler/parker.hpp"

namespace {

using tokio::detail::Header;
using tokio_model::check;
using tokio_model::Thread;

constexpr tokio::detail::TaskVTable kInertVTable{
    [](Header*) { return true; }, [](Header*) noexcept {},
    [](Header*) noexcept { return std::exception_ptr(); }, [](Header*) noexcept {}};

// One thread parks until a flag is set; another sets it and unparks. A lost unpark leaves the
// parker asleep for ever: a deadlock.
MODEL_SCENARIO(parker_unpark_vs_park) {
  check("parker: unpark races park (condition-variable mode)", [] {
    tokio::detail::Parker parker(nullptr);
    tokio::detail::seam::atomic<bool> ready{false};
    Thread waker([&] {
      ready.store(true);
      parker.unpark();
    });
    while (!ready.load())
      parker.park();
    waker.join();
  });
}

// Two workers, the multi-thread scheduler's idle protocol (the transitions of
// MultiThread::next_task, next_remote_batch, steal_work, transition_to_parked, park and
// transition_from_parked, with local queues and batches taken from the global queue), and a
// producer that queues tasks into Inject and notifies as schedule_remote does. Every task must
// be taken: a task stranded while the workers sleep is a deadlock.
//
// With `blocking_tasks`, a worker that takes a task keeps its thread until every task is taken
// (a task blocked on a barrier, as RtThreaded.all_workers_run_in_parallel does): the tasks
// left in its local queue can then only run if another worker is woken to steal them.
struct Pool {
  static constexpr std::size_t kWorkers = 2;

  explicit Pool(int tasks, bool blocking) : num_tasks(tasks), blocking_tasks(blocking) {
    for (std::size_t i = 0; i < kWorkers; ++i) {
      parkers.push_back(std::make_unique<tokio::detail::Parker>(nullptr));
      queues.push_back(std::make_unique<Queue>());
    }
  }

  void notify_parked() {
    if (auto worker = idle.worker_to_notify()) parkers[*worker]->unpark();
  }
  void notify_if_work_pending() {
    for (auto& queue : queues) {
      if (!queue->is_empty()) {
        notify_parked();
        return;
      }
    }
    if (!inject.is_empty()) notify_parked();
  }

  void take(Header*) {
    std::unique_lock lock(mutex);
    if (++taken == num_tasks) all_taken.notify_all();
    if (blocking_tasks) all_taken.wait(lock, [&] { return taken == num_tasks; });
  }

  Header* next_remote_batch(std::size_t index, bool searching) {
    if (inject.is_empty()) return nullptr;
    const std::size_t want = inject.len() / kWorkers + 1;
    std::size_t got = 0;
    Header* first = inject.pop_n(want, got);
    if (!first) return nullptr;
    for (Header* task = first->queue_next; task;) {
      Header* next = task->queue_next;
      queues[index]->push_back_or_overflow(task, inject);
      task = next;
    }
    // MultiThread::announce_work.
    if (got > 1 && !searching) {
      idle.order_after_queued_work();
      notify_parked();
    }
    return first;
  }

  void run_worker(std::size_t index) {
    bool searching = false;
    while (!shutdown.load()) {
      Header* task = queues[index]->pop();
      if (!task) task = next_remote_batch(index, searching);
      if (!task && (searching || idle.transition_worker_to_searching())) {
        searching = true;
        task = queues[1 - index]->steal_into(*queues[index]);
        if (!task) task = next_remote_batch(index, searching);
      }
      if (task) {
        if (searching) {
          searching = false;
          if (idle.transition_worker_from_searching()) notify_parked();
        }
        take(task);
        continue;
      }
      // Park.
      if (!queues[index]->is_empty()) continue;
      const bool none_searching = idle.transition_worker_to_parked(index, searching);
      searching = false;
      if (none_searching) notify_if_work_pending();
      for (;;) {
        parkers[index]->park();
        if (shutdown.load()) {
          idle.unpark_worker_by_id(index);
          return;
        }
        if (!idle.is_parked(index)) {
          searching = true;  // woken by worker_to_notify, which counted it as searching
          break;
        }
      }
    }
  }

  using Queue = tokio::detail::LocalQueue<4>;
  int num_tasks;
  bool blocking_tasks;
  tokio::detail::Inject inject;
  tokio::detail::Idle idle{kWorkers};
  std::vector<std::unique_ptr<tokio::detail::Parker>> parkers;
  std::vector<std::unique_ptr<Queue>> queues;
  tokio::detail::seam::atomic<bool> shutdown{false};
  tokio_model::Mutex mutex;
  tokio_model::CondVar all_taken;
  int taken = 0;  // under mutex
};

void run_pool(int num_tasks, bool blocking_tasks) {
  Pool pool(num_tasks, blocking_tasks);
  std::vector<std::unique_ptr<Header>> tasks;
  for (int i = 0; i < num_tasks; ++i)
    tasks.push_back(std::make_unique<Header>(&kInertVTable, tokio::detail::state::REF_ONE));
  Thread w0([&] { pool.run_worker(0); });
  Thread w1([&] { pool.run_worker(1); });
  for (auto& task : tasks) {
    MODEL_ASSERT(pool.inject.push(task.get()));
    pool.notify_parked();
  }
  {
    std::unique_lock lock(pool.mutex);
    pool.all_taken.wait(lock, [&] { return pool.taken == num_tasks; });
  }
  pool.shutdown.store(true);
  for (auto& parker : pool.parkers)
    parker->unpark();
  w0.join();
  w1.join();
}

MODEL_SCENARIO(idle_park_no_lost_wakeup) {
  check("idle: workers park while work is queued for them", [] { run_pool(3, false); });
}

// The lost wake-up of RtThreaded.all_workers_run_in_parallel: a worker that is not searching
// took two tasks from the global queue and blocked in the first, while the other worker, the
// last searcher, had checked the queues just before the second landed in a local queue.
MODEL_SCENARIO(idle_park_blocking_tasks_all_run) {
  check("idle: every blocking task gets its own worker", [] { run_pool(2, true); });
}

}  // namespace
