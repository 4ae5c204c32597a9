// Idle workers and parking under the model checker: no lost wake-up between a worker going to
// sleep and work arriving for it.
#include <memory>
#include <vector>

#include "model/model.hpp"
#include "model/scenario.hpp"
#include "runtime/scheduler/inject.hpp"
#include "runtime/scheduler/multi_thread/idle.hpp"
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
// MultiThread::steal_work, transition_to_parked, park and transition_from_parked, without local
// queues), and a producer that queues two tasks into Inject and notifies as schedule_remote
// does. Every task must be taken: a task stranded while both workers sleep is a deadlock.
struct Pool {
  static constexpr std::size_t kWorkers = 2;
  static constexpr int kTasks = 2;

  tokio::detail::Inject inject;
  tokio::detail::Idle idle{kWorkers};
  std::vector<std::unique_ptr<tokio::detail::Parker>> parkers;
  tokio::detail::seam::atomic<bool> shutdown{false};
  tokio_model::Mutex mutex;
  tokio_model::CondVar all_taken;
  int taken = 0;  // under mutex

  Pool() {
    for (std::size_t i = 0; i < kWorkers; ++i)
      parkers.push_back(std::make_unique<tokio::detail::Parker>(nullptr));
  }

  void notify_parked() {
    if (auto worker = idle.worker_to_notify()) parkers[*worker]->unpark();
  }
  void take(Header*) {
    std::lock_guard lock(mutex);
    if (++taken == kTasks) all_taken.notify_all();
  }

  void run_worker(std::size_t index) {
    bool searching = false;
    while (!shutdown.load()) {
      if (Header* task = inject.pop()) {
        if (searching) {
          searching = false;
          if (idle.transition_worker_from_searching()) notify_parked();
        }
        take(task);
        continue;
      }
      if (!searching && idle.transition_worker_to_searching()) {
        searching = true;
        continue;  // search once more (the steal step, over the global queue)
      }
      // Park.
      const bool last_searcher = idle.transition_worker_to_parked(index, searching);
      searching = false;
      if (last_searcher && !inject.is_empty()) notify_parked();
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
};

MODEL_SCENARIO(idle_park_no_lost_wakeup) {
  check("idle: workers park while work is queued for them", [] {
    Pool pool;
    std::vector<std::unique_ptr<Header>> tasks;
    for (int i = 0; i < Pool::kTasks; ++i)
      tasks.push_back(std::make_unique<Header>(&kInertVTable, tokio::detail::state::REF_ONE));
    Thread w0([&] { pool.run_worker(0); });
    Thread w1([&] { pool.run_worker(1); });
    for (auto& task : tasks) {
      MODEL_ASSERT(pool.inject.push(task.get()));
      pool.notify_parked();
    }
    {
      std::unique_lock lock(pool.mutex);
      pool.all_taken.wait(lock, [&] { return pool.taken == Pool::kTasks; });
    }
    pool.shutdown.store(true);
    for (auto& parker : pool.parkers)
      parker->unpark();
    w0.join();
    w1.join();
  });
}

}  // namespace
