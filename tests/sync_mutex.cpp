// tokio::sync::Mutex (after Tokio's sync_mutex.rs).
#include "tokio/sync/mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::Mutex;
using tokio::sync::OwnedMutexGuard;

TEST(SyncMutex, TryLockFailsWhileHeld) {
  Mutex<int> m(5);
  {
    auto g = m.try_lock();
    ASSERT_TRUE(g);
    EXPECT_EQ(**g, 5);
    **g = 6;
    EXPECT_FALSE(m.try_lock());
  }
  auto again = m.try_lock();
  ASSERT_TRUE(again);
  EXPECT_EQ(**again, 6);
}

TOKIO_TEST_ALL_FLAVORS(SyncMutex, LockGivesExclusiveAccess) {
  Mutex<std::string> m("a");
  {
    auto g = co_await m.lock();
    g->append("b");
    EXPECT_FALSE(m.try_lock());
  }
  auto g = co_await m.lock();
  EXPECT_EQ(*g, "ab");
}

tokio::Task<void> increment(Mutex<long>* m, int times) {
  for (int i = 0; i < times; ++i) {
    auto guard = co_await m->lock();
    const long before = *guard;
    if (i % 16 == 0) co_await tokio::task::yield_now();  // hold it across a suspension
    *guard = before + 1;
  }
}

TOKIO_TEST_ALL_FLAVORS(SyncMutex, ContendedCounterLosesNoIncrement) {
  Mutex<long> m(0);
  std::vector<tokio::JoinHandle<void>> handles;
  for (int t = 0; t < 50; ++t)
    handles.push_back(tokio::spawn(increment(&m, 200)));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(m.get_mut(), 50L * 200);
}

tokio::Task<void> lock_and_record(Mutex<std::vector<int>>* m, int id) {
  auto g = co_await m->lock();
  g->push_back(id);
}

TOKIO_TEST(SyncMutex, WaitersGetTheLockInOrder) {
  Mutex<std::vector<int>> m;
  std::vector<tokio::JoinHandle<void>> handles;
  {
    auto held = co_await m.lock();
    for (int i = 0; i < 5; ++i) {
      handles.push_back(tokio::spawn(lock_and_record(&m, i)));
      for (int k = 0; k < 3; ++k)
        co_await tokio::task::yield_now();
    }
  }
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(m.get_mut(), (std::vector<int>{0, 1, 2, 3, 4}));
}

tokio::Task<int> lock_then(Mutex<int>* m, int value) {
  auto g = co_await m->lock();
  co_return value;
}

tokio::Task<int> ready_int(int value) {
  co_return value;
}

TOKIO_TEST(SyncMutex, CancelledLockDoesNotBlockOthers) {
  Mutex<int> m(0);
  {
    auto held = co_await m.lock();
    auto result = co_await tokio::select_biased(lock_then(&m, 1), ready_int(2));
    EXPECT_EQ(result.index(), 1u);
    // A queued lock aborted while waiting.
    auto waiter = tokio::spawn(lock_then(&m, 3));
    for (int k = 0; k < 3; ++k)
      co_await tokio::task::yield_now();
    waiter.abort();
    try {
      (void)co_await waiter;
    } catch (const tokio::task::JoinError& e) {
      EXPECT_TRUE(e.is_cancelled());
    }
  }
  auto g = m.try_lock();
  EXPECT_TRUE(g) << "a cancelled waiter kept the mutex";
}

TOKIO_TEST(SyncMutex, GuardCanBeReleasedOnAnotherThread,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  Mutex<int> m(1);
  auto guard = co_await m.lock();
  auto moved = tokio::task::spawn_blocking([g = std::move(guard)]() mutable { *g = 2; });
  co_await moved;
  auto again = co_await m.lock();
  EXPECT_EQ(*again, 2);
}

TEST(SyncMutex, StraightExecution) {
  Mutex<int> m(100);
  auto rt = tokio::runtime::Builder::new_current_thread().build();
  rt.block_on([&]() -> tokio::Task<void> {
    {
      auto g = co_await m.lock();
      EXPECT_EQ(*g, 100);
      *g = 99;
    }
    {
      auto g = co_await m.lock();
      EXPECT_EQ(*g, 99);
      *g = 98;
    }
    auto g = co_await m.lock();
    EXPECT_EQ(*g, 98);
    EXPECT_EQ(&g.mutex(), &m);
  }());
}

// Tokio's aborted_future_1: a future that holds the lock is dropped by a timeout; the lock must
// be free afterwards.
tokio::Task<void> lock_then_sleep(Mutex<int>* m) {
  auto g = co_await m->lock();
  co_await tokio::time::sleep(std::chrono::seconds(1));
  co_await tokio::time::sleep(std::chrono::seconds(1));
}

tokio::Task<void> lock_only(Mutex<int>* m) {
  auto g = co_await m->lock();
}

TOKIO_TEST(SyncMutex, AbortedFutureHoldingTheLockReleasesIt, .start_paused = true) {
  Mutex<int> m(0);
  auto first = co_await tokio::time::timeout(std::chrono::milliseconds(1), lock_then_sleep(&m));
  EXPECT_FALSE(first.has_value());
  auto second = co_await tokio::time::timeout(std::chrono::milliseconds(1), lock_only(&m));
  EXPECT_TRUE(second.has_value()) << "Mutex is locked";
}

// Tokio's aborted_future_2: the aborted future was waiting for the lock.
TOKIO_TEST(SyncMutex, AbortedFutureWaitingForTheLockLeavesNoWaiter, .start_paused = true) {
  Mutex<int> m(0);
  {
    auto held = co_await m.lock();
    auto waited = co_await tokio::time::timeout(std::chrono::milliseconds(1), lock_only(&m));
    EXPECT_FALSE(waited.has_value());
  }
  auto again = co_await tokio::time::timeout(std::chrono::milliseconds(1), lock_only(&m));
  EXPECT_TRUE(again.has_value()) << "Mutex is locked";
}

TEST(SyncMutex, IntoInnerMovesTheValueOut) {
  Mutex<std::string> m("payload");
  EXPECT_EQ(std::move(m).into_inner(), "payload");
}

TEST(SyncMutex, BlockingLockOutsideARuntime) {
  Mutex<int> m(1);
  {
    auto g = m.blocking_lock();
    *g += 1;
    EXPECT_FALSE(m.try_lock());
  }
  EXPECT_EQ(*m.blocking_lock(), 2);
}

TEST(SyncMutex, BlockingLockWaitsForAnAsyncHolder) {
  auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
  Mutex<int> m(0);
  rt.block_on([&]() -> tokio::Task<void> {
    auto guard = co_await m.lock();
    auto blocked = tokio::task::spawn_blocking([&m] {
      auto g = m.blocking_lock();  // waits until the guard below is dropped
      EXPECT_EQ(*g, 7);
      *g = 8;
    });
    *guard = 7;
    { auto drop = std::move(guard); }
    co_await blocked;
    auto g = m.try_lock();
    EXPECT_TRUE(g);
    if (g) {
      EXPECT_EQ(**g, 8);
    }
  }());
}

TOKIO_TEST(SyncMutex, BlockingLockInsideARuntimeThrows) {
  Mutex<int> m(0);
  EXPECT_THROW((void)m.blocking_lock(), std::logic_error);
  EXPECT_TRUE(m.try_lock()) << "the refused blocking_lock kept the mutex";
  co_return;
}

// ---- Owned guards (Tokio's sync_mutex_owned.rs) ----

TOKIO_TEST_ALL_FLAVORS(SyncMutexOwned, StraightExecution) {
  auto m = std::make_shared<Mutex<int>>(100);
  {
    auto g = co_await Mutex<int>::lock_owned(m);
    EXPECT_EQ(*g, 100);
    EXPECT_EQ(g.mutex(), m);
    *g = 99;
  }
  {
    auto g = co_await Mutex<int>::lock_owned(m);
    EXPECT_EQ(*g, 99);
    *g = 98;
  }
  auto g = co_await Mutex<int>::lock_owned(m);
  EXPECT_EQ(*g, 98);
}

tokio::Task<void> lock_owned_and_add(std::shared_ptr<Mutex<int>> m, int n) {
  auto g = co_await Mutex<int>::lock_owned(std::move(m));
  *g += n;
}

TOKIO_TEST_ALL_FLAVORS(SyncMutexOwned, WaiterGetsTheLockWhenTheGuardDrops) {
  auto m = std::make_shared<Mutex<int>>(0);
  auto held = Mutex<int>::try_lock_owned(m);
  TOKIO_CO_ASSERT(held);
  auto j = tokio::spawn(lock_owned_and_add(m, 5));
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();
  EXPECT_FALSE(Mutex<int>::try_lock_owned(m));
  { auto drop = std::move(*held); }
  co_await j;
  EXPECT_EQ(*Mutex<int>::try_lock_owned(m).value(), 5);
}

TOKIO_TEST(SyncMutexOwned, AbortedFutureReleasesTheLock, .start_paused = true) {
  auto m = std::make_shared<Mutex<int>>(0);
  {
    auto held = co_await Mutex<int>::lock_owned(m);
    auto waited =
        co_await tokio::time::timeout(std::chrono::milliseconds(1), lock_owned_and_add(m, 1));
    EXPECT_FALSE(waited.has_value());
  }
  EXPECT_EQ(m.use_count(), 1) << "the cancelled lock_owned kept its reference";
  auto again =
      co_await tokio::time::timeout(std::chrono::milliseconds(1), lock_owned_and_add(m, 1));
  EXPECT_TRUE(again.has_value()) << "Mutex is locked";
}

TEST(SyncMutexOwned, TryLock) {
  auto m = std::make_shared<Mutex<int>>(0);
  {
    auto g1 = Mutex<int>::try_lock_owned(m);
    EXPECT_TRUE(g1);
    auto g2 = Mutex<int>::try_lock_owned(m);
    EXPECT_FALSE(g2);
  }
  EXPECT_TRUE(Mutex<int>::try_lock_owned(m));
}

TEST(SyncMutexOwned, GuardKeepsTheMutexAlive) {
  auto m = std::make_shared<Mutex<std::string>>("x");
  std::weak_ptr<Mutex<std::string>> weak = m;
  auto g = Mutex<std::string>::try_lock_owned(m);
  ASSERT_TRUE(g);
  m.reset();
  EXPECT_FALSE(weak.expired());
  (*g)->append("y");
  EXPECT_EQ(**g, "xy");
  { auto drop = std::move(*g); }
  EXPECT_TRUE(weak.expired());
}

TEST(SyncMutexOwned, NullMutexThrows) {
  std::shared_ptr<Mutex<int>> none;
  EXPECT_THROW((void)Mutex<int>::try_lock_owned(none), std::logic_error);
  EXPECT_THROW((void)Mutex<int>::lock_owned(none), std::logic_error);
  EXPECT_THROW((void)Mutex<int>::blocking_lock_owned(none), std::logic_error);
}

TEST(SyncMutexOwned, BlockingLockOwnedAcrossThreads) {
  auto m = std::make_shared<Mutex<int>>(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([m] {
      for (int i = 0; i < 100; ++i) {
        auto g = Mutex<int>::blocking_lock_owned(m);
        *g += 1;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(*Mutex<int>::blocking_lock_owned(m), 400);
}

}  // namespace
