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

namespace {

// Local tasks receive from channels fed by plain threads and by the runtime's workers, and
// some are aborted from other threads meanwhile: every wake crosses the set's remote queue,
// every local poll runs on the thread that runs the set, and every task ends exactly once.
struct CountsDrop {
  std::atomic<int>* drops;
  explicit CountsDrop(std::atomic<int>* d) : drops(d) {}
  CountsDrop(CountsDrop&& other) noexcept : drops(std::exchange(other.drops, nullptr)) {}
  ~CountsDrop() {
    if (drops) drops->fetch_add(1);
  }
};

tokio::Task<void> local_receiver(tokio::sync::mpsc::UnboundedReceiver<int> rx,
                                 std::thread::id local_thread, std::atomic<long>* received,
                                 CountsDrop /*dropped*/) {
  for (;;) {
    auto value = co_await rx.recv();
    if (!value) break;
    EXPECT_EQ(std::this_thread::get_id(), local_thread) << "a local task left its thread";
    received->fetch_add(*value, std::memory_order_relaxed);
  }
}

tokio::Task<void> feed(tokio::sync::mpsc::UnboundedSender<int> tx, int count) {
  for (int i = 0; i < count; ++i) {
    (void)tx.send(1);
    if (i % 16 == 0) co_await tokio::task::yield_now();
  }
}

}  // namespace

TEST(Stress, LocalSetWakesFromManyThreads) {
  constexpr int kTasks = 32;
  constexpr int kPerSender = 200;
  auto rt = Builder::new_multi_thread().worker_threads(3).build();
  tokio::task::LocalSet local;
  std::atomic<long> received{0};
  std::atomic<int> drops{0};
  std::vector<tokio::sync::mpsc::UnboundedSender<int>> senders;
  std::vector<tokio::task::AbortHandle> aborts;
  for (int i = 0; i < kTasks; ++i) {
    auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<int>();
    senders.push_back(std::move(tx));
    aborts.push_back(local
                         .spawn_local(local_receiver(std::move(rx), std::this_thread::get_id(),
                                                     &received, CountsDrop(&drops)))
                         .abort_handle());
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&senders, t] {
      for (int i = 0; i < kPerSender; ++i)
        for (std::size_t s = t; s < senders.size(); s += 2)
          (void)senders[s].send(1);
    });
  }
  std::thread aborter([&aborts] {
    for (std::size_t i = 0; i < aborts.size(); i += 8)
      aborts[i].abort();
  });
  local.block_on(
      rt, [](std::vector<tokio::sync::mpsc::UnboundedSender<int>>* senders) -> tokio::Task<void> {
        std::vector<tokio::JoinHandle<void>> feeders;
        for (auto& tx : *senders)
          feeders.push_back(tokio::spawn(feed(tx, kPerSender)));
        for (auto& feeder : feeders)
          co_await feeder;
      }(&senders));
  for (auto& thread : threads)
    thread.join();
  aborter.join();
  senders.clear();  // the receivers end
  rt.block_on([](tokio::task::LocalSet& set) -> tokio::Task<void> { co_await set; }(local));
  EXPECT_EQ(drops.load(), kTasks);
  // Aborted receivers may have taken part of their messages; the others took all of theirs.
  EXPECT_LE(received.load(), 2L * kPerSender * kTasks);
  EXPECT_GE(received.load(), 2L * kPerSender * (kTasks - kTasks / 8));
}
