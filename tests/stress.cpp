// Stress tests for the schedulers: exclusivity of task execution, concurrent wakes, aborts and
// shutdown racing with running tasks. Sized to finish quickly in debug builds and under TSan;
// they assert invariants, never timings.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::runtime::Builder;

struct DropCounter {
  std::atomic<int>* drops;
  explicit DropCounter(std::atomic<int>* d) : drops(d) {}
  DropCounter(const DropCounter&) = delete;
  ~DropCounter() { drops->fetch_add(1); }
};

// A task body that checks nobody else runs it at the same time: `active` is touched on every
// resumption, and a second thread inside the same task would see it non-zero.
tokio::Task<void> exclusive_yielder(int rounds, std::atomic<long>* resumptions) {
  std::atomic<int> active{0};
  for (int i = 0; i < rounds; ++i) {
    EXPECT_EQ(active.fetch_add(1), 0) << "task resumed on two threads at once";
    resumptions->fetch_add(1, std::memory_order_relaxed);
    active.fetch_sub(1);
    co_await tokio::task::yield_now();
  }
}

TEST(Stress, NoTaskRunsOnTwoThreadsAtOnce) {
  auto rt = Builder::new_multi_thread().worker_threads(4).build();
  std::atomic<long> resumptions{0};
  rt.block_on([&]() -> tokio::Task<void> {
    std::vector<tokio::JoinHandle<void>> handles;
    for (int i = 0; i < 200; ++i)
      handles.push_back(tokio::spawn(exclusive_yielder(200, &resumptions)));
    for (auto& h : handles)
      co_await h;
  }());
  EXPECT_EQ(resumptions.load(), 200L * 200);
}

// Many tasks await the same task's siblings while outside threads spawn and abort.
tokio::Task<int> leaf(int x) {
  co_await tokio::task::yield_now();
  co_return x;
}

tokio::Task<long> fan_in(int width) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < width; ++i)
    handles.push_back(tokio::spawn(leaf(i)));
  long sum = 0;
  for (auto& h : handles)
    sum += co_await h;
  co_return sum;
}

TEST(Stress, ConcurrentSpawnsFromOutsideAndInside) {
  auto rt = Builder::new_multi_thread().worker_threads(4).build();
  auto handle = rt.handle();
  constexpr int kThreads = 4, kPerThread = 50, kWidth = 20;
  std::atomic<long> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<tokio::JoinHandle<long>> mine;
      for (int i = 0; i < kPerThread; ++i)
        mine.push_back(handle.spawn(fan_in(kWidth)));
      handle.block_on([&]() -> tokio::Task<void> {
        for (auto& h : mine)
          total += co_await h;
      }());
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(total.load(), long(kThreads) * kPerThread * (kWidth * (kWidth - 1) / 2));
}

tokio::Task<void> spin_until_aborted(std::atomic<int>* drops, std::atomic<int>* started) {
  DropCounter guard(drops);
  started->fetch_add(1);
  for (;;)
    co_await tokio::task::yield_now();
}

TEST(Stress, AbortsRacingWithExecution) {
  auto rt = Builder::new_multi_thread().worker_threads(4).build();
  constexpr int kTasks = 400;
  std::atomic<int> drops{0}, started{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < kTasks; ++i)
    handles.push_back(rt.spawn(spin_until_aborted(&drops, &started)));
  // Abort from two outside threads while the tasks run.
  std::thread a([&] {
    for (int i = 0; i < kTasks; i += 2)
      handles[i].abort();
  });
  std::thread b([&] {
    for (int i = 1; i < kTasks; i += 2)
      handles[i].abort_handle().abort();
  });
  a.join();
  b.join();
  int cancelled = 0;
  rt.block_on([&]() -> tokio::Task<void> {
    for (auto& h : handles) {
      try {
        co_await h;
      } catch (const tokio::task::JoinError& e) {
        cancelled += e.is_cancelled();
      }
    }
  }());
  EXPECT_EQ(cancelled, kTasks);
  // A task aborted before its first run never constructed its guard.
  EXPECT_EQ(drops.load(), started.load());
}

TEST(Stress, ShutdownWithRunningTasksDropsEachExactlyOnce) {
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> drops{0}, started{0};
    constexpr int kTasks = 300;
    {
      auto rt = Builder::new_multi_thread().worker_threads(3).build();
      for (int i = 0; i < kTasks; ++i)
        (void)rt.spawn(spin_until_aborted(&drops, &started));
      // Let some of them start (not required for the invariant, but makes the race real).
      rt.block_on([]() -> tokio::Task<void> {
        for (int i = 0; i < 10; ++i)
          co_await tokio::task::yield_now();
      }());
    }
    EXPECT_EQ(drops.load(), started.load()) << "round " << round;
  }
}

TEST(Stress, ShutdownCurrentThreadWithSuspendedTasks) {
  std::atomic<int> drops{0}, started{0};
  {
    auto rt = Builder::new_current_thread().build();
    for (int i = 0; i < 500; ++i)
      (void)rt.spawn(spin_until_aborted(&drops, &started));
    rt.block_on([&]() -> tokio::Task<void> {
      while (started.load() < 500)
        co_await tokio::task::yield_now();
    }());
  }
  EXPECT_EQ(started.load(), 500);
  EXPECT_EQ(drops.load(), 500);
}

TEST(Stress, JoinSetWithTasksCompletingEverywhere) {
  auto rt = Builder::new_multi_thread().worker_threads(4).build();
  rt.block_on([]() -> tokio::Task<void> {
    tokio::task::JoinSet<int> set;
    for (int i = 0; i < 2000; ++i)
      set.spawn(leaf(i));
    long sum = 0;
    std::size_t count = 0;
    while (auto outcome = co_await set.join_next()) {
      sum += outcome->value();
      ++count;
    }
    EXPECT_EQ(count, 2000u);
    EXPECT_EQ(sum, 2000L * 1999 / 2);
  }());
}

TEST(Stress, RuntimesCreatedAndDestroyedRepeatedly) {
  for (int i = 0; i < 50; ++i) {
    auto rt = Builder::new_multi_thread().worker_threads(2).build();
    EXPECT_EQ(rt.block_on(fan_in(50)), 50 * 49 / 2);
  }
}

}  // namespace
