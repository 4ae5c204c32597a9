// The multi-thread scheduler (Tokio's tests/rt_threaded.rs): many tasks, many threads, thread
// hooks and names, block_in_place, shutdown_timeout / shutdown_background.
//
// Synchronisation rule: no sleeps. Waiting inside the runtime uses the JoinHandle of a
// spawn_blocking job that waits on a std::latch ("gate"); waiting outside uses latches,
// barriers and condition variables.
#include <pthread.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::Task;
using tokio::runtime::Builder;
using tokio::runtime::Handle;
using tokio::runtime::Runtime;
using tokio::runtime::RuntimeFlavor;

Task<int> value(int v) {
  co_return v;
}

tokio::JoinHandle<void> gate(std::shared_ptr<std::latch> latch) {
  return tokio::task::spawn_blocking([latch] { latch->wait(); });
}

std::string current_thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// What the thread hooks saw. Shared (by shared_ptr) with the hooks, which may outlive a test
// that abandoned a thread with shutdown_timeout / shutdown_background.
struct ThreadLog {
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::thread::id, int> starts;
  std::map<std::thread::id, int> stops;
  std::vector<std::string> names;  // thread name seen by on_thread_start
  int start_count = 0;
  int stop_count = 0;

  void on_start() {
    std::lock_guard lock(mutex);
    ++starts[std::this_thread::get_id()];
    ++start_count;
    names.push_back(current_thread_name());
  }
  void on_stop() {
    std::lock_guard lock(mutex);
    ++stops[std::this_thread::get_id()];
    ++stop_count;
    cv.notify_all();
  }
  bool started_here() {
    std::lock_guard lock(mutex);
    return starts.count(std::this_thread::get_id()) == 1;
  }
  // Waits until every started thread has called on_thread_stop. The 60 s bound is only a
  // watchdog that turns a deadlocked runtime into a failure instead of a hung test binary.
  bool wait_all_stopped() {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(60), [&] { return stop_count == start_count; });
  }
};

Builder logged_multi_thread(const std::shared_ptr<ThreadLog>& log, std::size_t workers) {
  auto builder = Builder::new_multi_thread();
  builder.worker_threads(workers)
      .enable_all()
      .on_thread_start([log] { log->on_start(); })
      .on_thread_stop([log] { log->on_stop(); });
  return builder;
}

}  // namespace

// --- Many tasks ---------------------------------------------------------------------------

// A million spawned tasks complete (about a second in a debug build). Each task is tiny, so
// this is all scheduler overhead: spawn, queue overflow to the inject queue, stealing.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kManyTasks = 200'000;  // sanitizers are 5-10x slower; keep the test a few seconds
#else
constexpr int kManyTasks = 1'000'000;
#endif

TOKIO_TEST(RtThreaded, million_tasks_complete, .flavor = RuntimeFlavor::MultiThread,
           .worker_threads = 4) {
  struct Shared {
    std::atomic<int> count{0};
    std::latch all_done{1};
  };
  auto shared = std::make_shared<Shared>();
  // Spawned from a worker (local queues, LIFO slot, overflow to the inject queue) and from the
  // block_on thread (inject queue), detached: the last task to finish opens the gate.
  auto finish = [](std::shared_ptr<Shared> s) -> Task<void> {
    if (s->count.fetch_add(1, std::memory_order_relaxed) + 1 == kManyTasks)
      s->all_done.count_down();
    co_return;
  };
  auto spawner = tokio::spawn([shared, finish]() -> Task<void> {
    for (int i = 0; i < kManyTasks / 2; ++i)
      (void)tokio::spawn(finish(shared));
    co_return;
  });
  for (int i = 0; i < kManyTasks - kManyTasks / 2; ++i)
    (void)tokio::spawn(finish(shared));
  co_await spawner;
  // Not `co_await spawn_blocking([shared] {...})`: GCC 12 destroys a capturing lambda
  // temporary of a co_await expression twice (a compiler bug), so name the handle first.
  auto all_done = tokio::task::spawn_blocking([shared] { shared->all_done.wait(); });
  co_await all_done;
  EXPECT_EQ(shared->count.load(), kManyTasks);
}

TEST(RtThreaded, spawn_from_many_outside_threads_concurrently) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1'000;
  auto rt = Builder::new_multi_thread().worker_threads(4).build();
  auto handle = rt.handle();
  auto counter = std::make_shared<std::atomic<int>>(0);
  std::vector<std::vector<tokio::JoinHandle<int>>> spawned(kThreads);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        spawned[t].push_back(handle.spawn([counter, i]() -> Task<int> {
          counter->fetch_add(1, std::memory_order_relaxed);
          co_return i;
        }));
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  const long long sum = rt.block_on([](auto* all) -> Task<long long> {
    long long total = 0;
    for (auto& handles : *all)
      for (auto& h : handles)
        total += co_await h;
    co_return total;
  }(&spawned));
  EXPECT_EQ(counter->load(), kThreads * kPerThread);
  EXPECT_EQ(sum, static_cast<long long>(kThreads) * kPerThread * (kPerThread - 1) / 2);
}

TEST(RtThreaded, block_on_from_an_outside_thread_while_main_thread_blocks) {
  auto rt = Builder::new_multi_thread().worker_threads(2).build();
  auto handle = rt.handle();
  auto opened = std::make_shared<std::latch>(1);
  std::thread outside([handle, opened] {
    const int v = handle.block_on([](std::shared_ptr<std::latch> l) -> Task<int> {
      auto child = tokio::spawn(value(5));
      const int got = co_await child;
      l->count_down();
      co_return got;
    }(opened));
    EXPECT_EQ(v, 5);
  });
  // Two threads inside block_on on the same runtime at once: this one waits for the other.
  rt.block_on([](std::shared_ptr<std::latch> l) -> Task<void> { co_await gate(l); }(opened));
  outside.join();
}

namespace {
Task<int> ping(int remaining) {
  if (remaining == 0) co_return 0;
  // Each hop spawns the next and awaits it: wakes cross workers all the time.
  auto next = tokio::spawn(ping(remaining - 1));
  co_return 1 + co_await next;
}

Task<int> relay(tokio::JoinHandle<int> previous) {
  const int v = co_await previous;
  co_await tokio::task::yield_now();
  co_return v + 1;
}
}  // namespace

TOKIO_TEST(RtThreaded, many_tasks_ping_pong_join_handles, .flavor = RuntimeFlavor::MultiThread,
           .worker_threads = 4) {
  constexpr int kRoots = 100;
  constexpr int kDepth = 50;
  std::vector<tokio::JoinHandle<int>> roots;
  for (int i = 0; i < kRoots; ++i)
    roots.push_back(tokio::spawn(ping(kDepth)));
  // Relay chains whose handles are handed from task to task.
  constexpr int kChains = 50;
  constexpr int kLength = 40;
  std::vector<tokio::JoinHandle<int>> tails;
  for (int c = 0; c < kChains; ++c) {
    auto h = tokio::spawn(value(0));
    for (int i = 0; i < kLength; ++i)
      h = tokio::spawn(relay(std::move(h)));
    tails.push_back(std::move(h));
  }
  for (auto& root : roots)
    EXPECT_EQ(co_await root, kDepth);
  for (auto& tail : tails)
    EXPECT_EQ(co_await tail, kLength);
}

// --- Worker counts ------------------------------------------------------------------------

TEST(RtThreaded, worker_threads_1_to_4_all_work) {
  for (std::size_t workers = 1; workers <= 4; ++workers) {
    SCOPED_TRACE(workers);
    auto rt = Builder::new_multi_thread().worker_threads(workers).enable_all().build();
    EXPECT_EQ(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    auto threads = rt.block_on([]() -> Task<std::set<std::thread::id>> {
      std::vector<tokio::JoinHandle<std::thread::id>> handles;
      for (int i = 0; i < 200; ++i) {
        handles.push_back(tokio::spawn([]() -> Task<std::thread::id> {
          co_await tokio::task::yield_now();
          co_return std::this_thread::get_id();
        }));
      }
      std::set<std::thread::id> ids;
      for (auto& h : handles)
        ids.insert(co_await h);
      co_return ids;
    }());
    // Tasks only ever run on the runtime's workers (never on the block_on thread).
    EXPECT_LE(threads.size(), workers);
    EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  }
}

TEST(RtThreaded, all_workers_run_in_parallel) {
  // `workers` tasks that each block their worker until all of them run: this only finishes if
  // every worker picks one up (idle workers steal from the one that took them all).
  for (std::size_t workers = 1; workers <= 4; ++workers) {
    SCOPED_TRACE(workers);
    auto rt = Builder::new_multi_thread().worker_threads(workers).build();
    auto barrier = std::make_shared<std::barrier<>>(static_cast<std::ptrdiff_t>(workers));
    const std::size_t distinct =
        rt.block_on([](std::shared_ptr<std::barrier<>> b, std::size_t n) -> Task<std::size_t> {
          std::vector<tokio::JoinHandle<std::thread::id>> handles;
          for (std::size_t i = 0; i < n; ++i) {
            handles.push_back(tokio::spawn([b]() -> Task<std::thread::id> {
              b->arrive_and_wait();
              co_return std::this_thread::get_id();
            }));
          }
          std::set<std::thread::id> ids;
          for (auto& h : handles)
            ids.insert(co_await h);
          co_return ids.size();
        }(barrier, workers));
    EXPECT_EQ(distinct, workers);
  }
}

// --- Thread hooks and names ---------------------------------------------------------------

TEST(RtThreaded, on_thread_start_and_stop_called_once_per_thread) {
  auto log = std::make_shared<ThreadLog>();
  {
    auto rt = logged_multi_thread(log, 3).build();
    const bool all_started_first = rt.block_on([](std::shared_ptr<ThreadLog> l) -> Task<bool> {
      std::vector<tokio::JoinHandle<bool>> handles;
      for (int i = 0; i < 50; ++i) {
        handles.push_back(tokio::spawn([l]() -> Task<bool> {
          co_await tokio::task::yield_now();
          co_return l->started_here();
        }));
      }
      // A blocking-pool thread is a runtime thread too.
      handles.push_back(tokio::task::spawn_blocking([l] { return l->started_here(); }));
      bool ok = true;
      for (auto& h : handles)
        ok = (co_await h) && ok;
      co_return ok;
    }(log));
    EXPECT_TRUE(all_started_first) << "a task ran on a thread before its on_thread_start";
  }  // the destructor joins every thread
  std::lock_guard lock(log->mutex);
  EXPECT_GE(log->start_count, 4);  // three workers and a blocking thread
  EXPECT_EQ(log->stop_count, log->start_count);
  EXPECT_EQ(log->starts.size(), static_cast<std::size_t>(log->start_count));
  for (const auto& [id, count] : log->starts) {
    EXPECT_EQ(count, 1);
    EXPECT_EQ(log->stops.count(id), 1u);
  }
  for (const auto& [id, count] : log->stops)
    EXPECT_EQ(count, 1);
}

TEST(RtThreaded, runtime_destructor_joins_threads) {
  for (std::size_t workers = 1; workers <= 4; ++workers) {
    SCOPED_TRACE(workers);
    auto log = std::make_shared<ThreadLog>();
    {
      auto rt = logged_multi_thread(log, workers).build();
      EXPECT_EQ(rt.block_on(value(1)), 1);
    }
    std::lock_guard lock(log->mutex);
    EXPECT_GE(log->start_count, static_cast<int>(workers));
    EXPECT_EQ(log->stop_count, log->start_count);
  }
}

TEST(RtThreaded, thread_name_is_applied) {
  auto log = std::make_shared<ThreadLog>();
  {
    auto builder = logged_multi_thread(log, 2);
    builder.thread_name("rt-test-worker");
    auto rt = builder.build();
    auto names = rt.block_on([]() -> Task<std::vector<std::string>> {
      std::vector<std::string> seen;
      for (int i = 0; i < 10; ++i) {
        seen.push_back(
            co_await tokio::spawn([]() -> Task<std::string> { co_return current_thread_name(); }));
      }
      seen.push_back(co_await tokio::task::spawn_blocking([] { return current_thread_name(); }));
      co_return seen;
    }());
    for (const auto& name : names)
      EXPECT_EQ(name, "rt-test-worker");
  }
  std::lock_guard lock(log->mutex);
  EXPECT_FALSE(log->names.empty());
  for (const auto& name : log->names)
    EXPECT_EQ(name, "rt-test-worker");
}

TEST(RtThreaded, thread_name_is_truncated_to_15_characters) {
  auto log = std::make_shared<ThreadLog>();
  {
    auto builder = logged_multi_thread(log, 1);
    builder.thread_name("a-very-long-runtime-thread-name");
    auto rt = builder.build();
    const auto blocking_name = rt.block_on([]() -> Task<std::string> {
      co_return co_await tokio::task::spawn_blocking([] { return current_thread_name(); });
    }());
    EXPECT_EQ(blocking_name, "a-very-long-run");
  }
  std::lock_guard lock(log->mutex);
  EXPECT_FALSE(log->names.empty());
  for (const auto& name : log->names)
    EXPECT_EQ(name, "a-very-long-run");
}

TEST(RtThreaded, thread_name_fn_names_each_thread) {
  auto log = std::make_shared<ThreadLog>();
  auto next = std::make_shared<std::atomic<int>>(0);
  {
    auto builder = logged_multi_thread(log, 3);
    builder.thread_name_fn([next] { return "named-" + std::to_string(next->fetch_add(1)); });
    auto rt = builder.build();
    EXPECT_EQ(rt.block_on(value(1)), 1);
  }
  std::lock_guard lock(log->mutex);
  EXPECT_EQ(static_cast<int>(log->names.size()), log->start_count);
  const std::set<std::string> distinct(log->names.begin(), log->names.end());
  EXPECT_EQ(distinct.size(), log->names.size());
  for (const auto& name : log->names)
    EXPECT_EQ(name.rfind("named-", 0), 0u) << name;
}

// --- block_in_place -----------------------------------------------------------------------

namespace {
// A task blocks its worker in block_in_place until another task, which it spawned just before
// (so it sits in this worker's LIFO slot), has run: only a hand-off of the worker lets it run.
Task<int> block_in_place_until_sibling_runs() {
  auto released = std::make_shared<std::latch>(1);
  auto sibling = tokio::spawn([released]() -> Task<void> {
    released->count_down();
    co_return;
  });
  const int v = tokio::task::block_in_place([&] {
    released->wait();
    return 42;
  });
  co_await sibling;  // the task carries on normally afterwards
  co_await tokio::task::yield_now();
  co_return v;
}
}  // namespace

TOKIO_TEST(RtThreaded, block_in_place_lets_other_tasks_run_1_worker,
           .flavor = RuntimeFlavor::MultiThread, .worker_threads = 1) {
  EXPECT_EQ(co_await tokio::spawn(block_in_place_until_sibling_runs()), 42);
  // Again, now that the worker moved to another thread.
  EXPECT_EQ(co_await tokio::spawn(block_in_place_until_sibling_runs()), 42);
}

TOKIO_TEST(RtThreaded, block_in_place_lets_other_tasks_run_4_workers,
           .flavor = RuntimeFlavor::MultiThread, .worker_threads = 4) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 8; ++i)
    handles.push_back(tokio::spawn(block_in_place_until_sibling_runs()));
  for (auto& h : handles)
    EXPECT_EQ(co_await h, 42);
}

TEST(RtThreaded, block_in_place_task_released_by_task_spawned_from_outside) {
  for (std::size_t workers : {1u, 2u}) {
    SCOPED_TRACE(workers);
    auto rt = Builder::new_multi_thread().worker_threads(workers).build();
    auto released = std::make_shared<std::latch>(1);
    auto blocker = rt.spawn([released]() -> Task<int> {
      co_return tokio::task::block_in_place([&] {
        released->wait();
        return 7;
      });
    });
    auto opener = rt.spawn([released]() -> Task<void> {
      released->count_down();
      co_return;
    });
    const int v = rt.block_on([](tokio::JoinHandle<int> b, tokio::JoinHandle<void> o) -> Task<int> {
      co_await o;
      co_return co_await b;
    }(std::move(blocker), std::move(opener)));
    EXPECT_EQ(v, 7);
  }
}

TEST(RtThreaded, many_tasks_in_block_in_place_at_once) {
  // Every task blocks in block_in_place until all of them are blocked there: each hand-off
  // must give the worker to a new thread that runs the next task.
  constexpr int kTasks = 4;
  for (std::size_t workers : {1u, 2u}) {
    SCOPED_TRACE(workers);
    auto rt = Builder::new_multi_thread().worker_threads(workers).build();
    auto all_in = std::make_shared<std::latch>(kTasks);
    const int sum = rt.block_on([](std::shared_ptr<std::latch> l) -> Task<int> {
      std::vector<tokio::JoinHandle<int>> handles;
      for (int i = 0; i < kTasks; ++i) {
        handles.push_back(tokio::spawn([l, i]() -> Task<int> {
          co_return tokio::task::block_in_place([&] {
            l->arrive_and_wait();
            return i;
          });
        }));
      }
      int total = 0;
      for (auto& h : handles)
        total += co_await h;
      co_return total;
    }(all_in));
    EXPECT_EQ(sum, kTasks * (kTasks - 1) / 2);
  }
}

TOKIO_TEST(RtThreaded, block_in_place_rethrows_the_closure_exception,
           .flavor = RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto handle = tokio::spawn([]() -> Task<bool> {
    try {
      tokio::task::block_in_place([]() -> int { throw std::out_of_range("inside"); });
    } catch (const std::out_of_range& e) {
      co_return std::string(e.what()) == "inside";
    }
    co_return false;
  });
  EXPECT_TRUE(co_await handle);
  EXPECT_EQ(co_await tokio::spawn(value(1)), 1);  // the runtime still works
}

TOKIO_TEST(RtThreaded, block_in_place_in_block_on_body_just_runs,
           .flavor = RuntimeFlavor::MultiThread, .worker_threads = 2) {
  const auto here = std::this_thread::get_id();
  const auto ran_on = tokio::task::block_in_place([] { return std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, here);
  EXPECT_EQ(co_await tokio::spawn(value(2)), 2);
  co_return;
}

TEST(RtThreaded, block_in_place_outside_a_runtime_just_runs) {
  EXPECT_EQ(tokio::task::block_in_place([] { return 5; }), 5);
  int side_effect = 0;
  tokio::task::block_in_place([&] { side_effect = 1; });
  EXPECT_EQ(side_effect, 1);
  EXPECT_THROW(tokio::task::block_in_place([]() -> int { throw std::runtime_error("x"); }),
               std::runtime_error);
}

TOKIO_TEST(RtThreaded, block_in_place_on_current_thread_throws_logic_error) {
  bool threw = false;
  try {
    tokio::task::block_in_place([] {});
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
  co_return;
}

// --- Shutdown -----------------------------------------------------------------------------

namespace {
// A blocking job that has started and waits for `release`; returns the Runtime (with the job
// known to be running) so that a shutdown call can be made on it.
struct StuckJob {
  std::shared_ptr<std::latch> started = std::make_shared<std::latch>(1);
  std::shared_ptr<std::latch> release = std::make_shared<std::latch>(1);
  std::shared_ptr<std::atomic<bool>> finished = std::make_shared<std::atomic<bool>>(false);

  void spawn_on(Runtime& rt) const {
    auto job = rt.spawn_blocking([started = started, release = release, finished = finished] {
      started->count_down();
      release->wait();
      finished->store(true);
    });
    started->wait();
    (void)job;  // dropped: detached
  }
};
}  // namespace

TEST(RtThreaded, shutdown_timeout_returns_while_a_blocking_job_is_stuck) {
  auto log = std::make_shared<ThreadLog>();
  StuckJob stuck;
  {
    auto rt = logged_multi_thread(log, 2).build();
    EXPECT_EQ(rt.block_on(value(1)), 1);
    stuck.spawn_on(rt);
    std::move(rt).shutdown_timeout(std::chrono::milliseconds(1));
    // Returned although the job cannot have finished: it waits for `release`.
    EXPECT_FALSE(stuck.finished->load());
  }
  stuck.release->count_down();
  // The abandoned thread finishes on its own.
  ASSERT_TRUE(log->wait_all_stopped()) << "a runtime thread never stopped (deadlock)";
  EXPECT_TRUE(stuck.finished->load());
}

TEST(RtThreaded, shutdown_background_returns_without_waiting) {
  auto log = std::make_shared<ThreadLog>();
  StuckJob stuck;
  {
    auto rt = logged_multi_thread(log, 2).build();
    stuck.spawn_on(rt);
    std::move(rt).shutdown_background();
    EXPECT_FALSE(stuck.finished->load());
  }
  stuck.release->count_down();
  ASSERT_TRUE(log->wait_all_stopped()) << "a runtime thread never stopped (deadlock)";
  EXPECT_TRUE(stuck.finished->load());
}

TEST(RtThreaded, shutdown_timeout_with_nothing_stuck_joins_everything) {
  auto log = std::make_shared<ThreadLog>();
  auto rt = logged_multi_thread(log, 3).build();
  EXPECT_EQ(rt.block_on([]() -> Task<int> {
    co_return co_await tokio::task::spawn_blocking([] { return 3; });
  }()),
            3);
  // A long timeout that is never needed: everything ends on its own.
  std::move(rt).shutdown_timeout(std::chrono::hours(1));
  std::lock_guard lock(log->mutex);
  EXPECT_EQ(log->stop_count, log->start_count);
}

TEST(RtThreaded, shutdown_cancels_tasks_spinning_on_workers) {
  // Tasks that never stop yielding keep every worker busy; shutdown still cancels them.
  struct Probe {
    std::atomic<int> dropped{0};
    std::latch running{8};
  };
  auto probe = std::make_shared<Probe>();
  std::vector<tokio::JoinHandle<void>> handles;
  {
    auto rt = Builder::new_multi_thread().worker_threads(4).build();
    for (int i = 0; i < 8; ++i) {
      handles.push_back(rt.spawn([](std::shared_ptr<Probe> p) -> Task<void> {
        struct Guard {
          Probe* p;
          ~Guard() { p->dropped.fetch_add(1); }
        } guard{p.get()};
        p->running.count_down();
        for (;;)
          co_await tokio::task::yield_now();
      }(probe)));
    }
    probe->running.wait();
  }
  EXPECT_EQ(probe->dropped.load(), 8);
  for (auto& h : handles)
    EXPECT_TRUE(h.is_finished());
}
