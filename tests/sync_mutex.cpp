// tokio::sync::Mutex (after Tokio's sync_mutex.rs).
#include "tokio/sync/mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::Mutex;

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

}  // namespace
