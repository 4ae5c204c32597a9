// spawn_blocking and block_in_place: results, errors, threads, the max_blocking_threads bound,
// aborting queued jobs, and shutdown waiting for running jobs.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using tokio_test::DropCounter;

namespace {

tokio::Task<int> add_one(int value) {
  co_await tokio::task::yield_now();
  co_return value + 1;
}

tokio::Task<std::thread::id> thread_of_task() {
  co_return std::this_thread::get_id();
}

// Runs `body` on a runtime built by `builder`.
template <class Body>
void run_on(tokio::runtime::Builder builder, Body body) {
  auto rt = builder.enable_all().build();
  rt.block_on(body());
}

// Records the peak number of jobs running at once.
struct Concurrency {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int> finished{0};
  void enter() {
    const int now = running.fetch_add(1) + 1;
    int seen = peak.load();
    while (seen < now && !peak.compare_exchange_weak(seen, now)) {
    }
  }
  void leave() {
    running.fetch_sub(1);
    finished.fetch_add(1);
  }
};

// Spawns limit + 1 jobs on a runtime whose pool holds `limit` threads; each job waits on a latch.
// Exactly `limit` start; the last one waits for a free thread.
tokio::Task<void> max_blocking_threads_respected(int limit) {
  Concurrency counts;
  std::latch started(limit);
  std::atomic<int> entered{0};
  std::latch release(1);
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i <= limit; ++i) {
    handles.push_back(
        tokio::task::spawn_blocking([&counts, &started, &entered, &release, limit, i] {
          counts.enter();
          if (entered.fetch_add(1) < limit) started.count_down();  // the first `limit` jobs
          release.wait();
          counts.leave();
          return i;
        }));
  }
  // Blocks block_on's thread until `limit` jobs run at once (they run on pool threads).
  started.wait();
  EXPECT_EQ(counts.running.load(), limit);
  EXPECT_EQ(counts.finished.load(), 0);
  release.count_down();
  int sum = 0;
  for (auto& handle : handles)
    sum += co_await handle;
  EXPECT_EQ(sum, limit * (limit + 1) / 2);
  EXPECT_EQ(counts.finished.load(), limit + 1);
  EXPECT_EQ(counts.peak.load(), limit);
}

tokio::Task<void> abort_queued_blocking_job() {
  std::latch first_started(1);
  std::latch release(1);
  auto first = tokio::task::spawn_blocking([&first_started, &release] {
    first_started.count_down();
    release.wait();
    return 1;
  });
  first_started.wait();  // the only blocking thread is now busy

  std::atomic<bool> second_ran{false};
  std::atomic<int> callable_drops{0};
  auto second = tokio::task::spawn_blocking(
      [&second_ran, counter = std::make_shared<DropCounter>(callable_drops)] {
        second_ran.store(true);
        return 2;
      });
  EXPECT_FALSE(second.is_finished());
  second.abort();
  release.count_down();

  EXPECT_EQ(co_await first, 1);
  bool cancelled = false;
  try {
    co_await second;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(second_ran.load());
  EXPECT_EQ(callable_drops.load(), 1);  // the callable was dropped unrun, once

  // The pool still works afterwards.
  auto third = tokio::task::spawn_blocking([] { return 3; });
  EXPECT_EQ(co_await third, 3);
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, returns_value) {
  auto handle = tokio::task::spawn_blocking([] { return 42; });
  EXPECT_EQ(co_await handle, 42);

  auto text = tokio::task::spawn_blocking([] { return std::string("from the pool"); });
  EXPECT_EQ(co_await text, "from the pool");

  auto owned = tokio::task::spawn_blocking([] { return std::make_unique<int>(7); });
  auto ptr = co_await owned;
  TOKIO_CO_ASSERT(ptr != nullptr);
  EXPECT_EQ(*ptr, 7);

  std::atomic<bool> ran{false};
  auto nothing = tokio::task::spawn_blocking([&ran] { ran.store(true); });
  co_await nothing;
  EXPECT_TRUE(ran.load());
  EXPECT_TRUE(nothing.is_finished());
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, reference_result) {
  static int target = 5;
  auto handle = tokio::task::spawn_blocking([]() -> int& { return target; });
  int& ref = co_await handle;
  EXPECT_EQ(&ref, &target);
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, exception_is_panic_join_error) {
  auto handle =
      tokio::task::spawn_blocking([]() -> int { throw std::runtime_error("blocking boom"); });
  bool caught = false;
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    caught = true;
    EXPECT_TRUE(e.is_panic());
    EXPECT_FALSE(e.is_cancelled());
    EXPECT_EQ(e.id(), handle.id());
    bool rethrown = false;
    try {
      e.resume_panic();
    } catch (const std::runtime_error& original) {
      rethrown = true;
      EXPECT_STREQ(original.what(), "blocking boom");
    }
    EXPECT_TRUE(rethrown);
  }
  EXPECT_TRUE(caught);
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, runs_on_another_thread) {
  const auto body_thread = std::this_thread::get_id();
  auto job = tokio::task::spawn_blocking([] { return std::this_thread::get_id(); });
  const auto job_thread = co_await job;
  EXPECT_NE(job_thread, body_thread);

  // Not on a worker either.
  auto task = tokio::spawn(thread_of_task());
  const auto task_thread = co_await task;
  auto job2 = tokio::task::spawn_blocking([] { return std::this_thread::get_id(); });
  EXPECT_NE(co_await job2, task_thread);
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, many_jobs) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 64; ++i)
    handles.push_back(tokio::task::spawn_blocking([i] { return i * 2; }));
  int sum = 0;
  for (auto& handle : handles)
    sum += co_await handle;
  EXPECT_EQ(sum, 64 * 63);
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, spawn_blocking_from_spawned_task) {
  auto handle = tokio::spawn([]() -> tokio::Task<int> {
    auto job = tokio::task::spawn_blocking([] { return 20; });
    co_return co_await job + 1;
  });
  EXPECT_EQ(co_await handle, 21);
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, blocking_job_is_in_runtime_context) {
  auto job = tokio::task::spawn_blocking([] {
    EXPECT_TRUE(tokio::runtime::Handle::try_current().has_value());
    auto via_handle = tokio::runtime::Handle::current().spawn(add_one(1));
    auto via_spawn = tokio::spawn(add_one(10));
    return std::make_pair(std::move(via_handle), std::move(via_spawn));
  });
  auto handles = co_await job;
  EXPECT_EQ(co_await handles.first, 2);
  EXPECT_EQ(co_await handles.second, 11);
}

TEST(TaskBlocking, max_blocking_threads_current_thread) {
  run_on(tokio::runtime::Builder::new_current_thread().max_blocking_threads(2),
         [] { return max_blocking_threads_respected(2); });
}

TEST(TaskBlocking, max_blocking_threads_one_current_thread) {
  run_on(tokio::runtime::Builder::new_current_thread().max_blocking_threads(1),
         [] { return max_blocking_threads_respected(1); });
}

TEST(TaskBlocking, max_blocking_threads_multi_thread) {
  run_on(tokio::runtime::Builder::new_multi_thread().worker_threads(2).max_blocking_threads(3),
         [] { return max_blocking_threads_respected(3); });
}

TEST(TaskBlocking, abort_queued_job_current_thread) {
  run_on(tokio::runtime::Builder::new_current_thread().max_blocking_threads(1),
         [] { return abort_queued_blocking_job(); });
}

TEST(TaskBlocking, abort_queued_job_multi_thread) {
  run_on(tokio::runtime::Builder::new_multi_thread().worker_threads(1).max_blocking_threads(1),
         [] { return abort_queued_blocking_job(); });
}

TOKIO_TEST_ALL_FLAVORS(TaskBlocking, abort_running_job_lets_it_finish) {
  std::latch started(1);
  std::latch release(1);
  auto handle = tokio::task::spawn_blocking([&started, &release] {
    started.count_down();
    release.wait();
    return 9;
  });
  started.wait();
  handle.abort();  // too late: a running job runs to its end
  release.count_down();
  EXPECT_EQ(co_await handle, 9);
}

TEST(TaskBlocking, spawn_blocking_outside_runtime_throws) {
  EXPECT_THROW((void)tokio::task::spawn_blocking([] { return 1; }), std::logic_error);
}

TEST(TaskBlocking, runtime_spawn_blocking_from_outside) {
  auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build();
  auto handle = rt.spawn_blocking([] { return 5; });
  EXPECT_EQ(rt.block_on(tokio_test::await_handle(std::move(handle))), 5);
  auto from_handle = rt.handle().spawn_blocking([] { return 6; });
  EXPECT_EQ(rt.block_on(tokio_test::await_handle(std::move(from_handle))), 6);
}

TEST(TaskBlocking, runtime_drop_waits_for_running_job) {
  std::atomic<bool> finished{false};
  std::latch started(1);
  std::latch release(1);
  std::thread releaser;
  {
    auto rt = tokio::runtime::Builder::new_current_thread().build();
    auto handle = rt.spawn_blocking([&] {
      started.count_down();
      release.wait();
      finished.store(true);
    });
    started.wait();
    (void)handle;
    // Released from another thread while (or before) the runtime is being destroyed.
    releaser = std::thread([&release] { release.count_down(); });
  }  // ~Runtime must not return before the running job has finished
  EXPECT_TRUE(finished.load());
  releaser.join();
}

TEST(TaskBlocking, runtime_drop_waits_for_running_job_multi_thread) {
  std::atomic<bool> finished{false};
  std::latch started(1);
  std::latch release(1);
  std::thread releaser;
  {
    auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
    rt.block_on([](std::atomic<bool>* finished, std::latch* started,
                   std::latch* release) -> tokio::Task<void> {
      auto handle = tokio::task::spawn_blocking([=] {
        started->count_down();
        release->wait();
        finished->store(true);
      });
      (void)handle;  // detached
      co_return;
    }(&finished, &started, &release));
    started.wait();
    releaser = std::thread([&release] { release.count_down(); });
  }
  EXPECT_TRUE(finished.load());
  releaser.join();
}

TEST(TaskBlocking, queued_job_is_cancelled_by_shutdown) {
  std::atomic<bool> second_ran{false};
  std::latch started(1);
  std::latch release(1);
  std::thread releaser;
  {
    auto rt = tokio::runtime::Builder::new_current_thread().max_blocking_threads(1).build();
    auto first = rt.spawn_blocking([&] {
      started.count_down();
      release.wait();
    });
    started.wait();
    auto second = rt.spawn_blocking([&] { second_ran.store(true); });
    (void)first;
    (void)second;
    releaser = std::thread([&release] { release.count_down(); });
  }
  releaser.join();
  // The queued job was either cancelled by shutdown, or ran because the first finished before
  // shutdown began; both are allowed. What matters is that the runtime shut down cleanly.
  SUCCEED();
}

// --- block_in_place -------------------------------------------------------------------------

TOKIO_TEST(TaskBlocking, block_in_place_on_current_thread_throws) {
  bool threw = false;
  try {
    tokio::task::block_in_place([] { return 1; });
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);

  auto handle = tokio::spawn([]() -> tokio::Task<bool> {
    try {
      tokio::task::block_in_place([] {});
    } catch (const std::logic_error&) {
      co_return true;
    }
    co_return false;
  });
  EXPECT_TRUE(co_await handle);
}

TEST(TaskBlocking, block_in_place_outside_runtime_just_runs) {
  EXPECT_EQ(tokio::task::block_in_place([] { return 3; }), 3);
}

TOKIO_TEST(TaskBlocking, block_in_place_in_multi_thread_block_on_body,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 1) {
  EXPECT_EQ(tokio::task::block_in_place([] { return 4; }), 4);
  co_return;
}

TOKIO_TEST(TaskBlocking, block_in_place_returns_value_and_propagates_exceptions,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto handle = tokio::spawn([]() -> tokio::Task<int> {
    int value = tokio::task::block_in_place([] { return 8; });
    bool threw = false;
    try {
      tokio::task::block_in_place([]() -> int { throw std::runtime_error("in place"); });
    } catch (const std::runtime_error& e) {
      threw = true;
      EXPECT_STREQ(e.what(), "in place");
    }
    EXPECT_TRUE(threw);
    // The task keeps working after block_in_place (it may now be on another worker).
    co_await tokio::task::yield_now();
    co_return value + co_await add_one(0);
  });
  EXPECT_EQ(co_await handle, 9);
}

TOKIO_TEST(TaskBlocking, block_in_place_lets_other_tasks_run_on_single_worker,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 1) {
  // With one worker, the task blocked in block_in_place must have handed the worker's core
  // over: otherwise the releasing task could never run.
  auto release = std::make_shared<std::latch>(1);
  auto in_place_started = std::make_shared<std::latch>(1);
  auto blocked = tokio::spawn([release, in_place_started]() -> tokio::Task<int> {
    co_return tokio::task::block_in_place([&] {
      in_place_started->count_down();
      release->wait();
      return 1;
    });
  });
  in_place_started->wait();  // blocks block_on's thread (not the worker)
  auto releaser = tokio::spawn([release]() -> tokio::Task<int> {
    release->count_down();
    co_return 2;
  });
  EXPECT_EQ(co_await releaser, 2);
  EXPECT_EQ(co_await blocked, 1);
}
