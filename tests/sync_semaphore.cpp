// tokio::sync::Semaphore (after Tokio's sync_semaphore.rs).
#include "tokio/sync/semaphore.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::AcquireError;
using tokio::sync::Semaphore;
using tokio::sync::TryAcquireError;

TEST(SyncSemaphore, TryAcquireAndRelease) {
  Semaphore sem(2);
  EXPECT_EQ(sem.available_permits(), 2u);
  {
    auto a = sem.try_acquire();
    ASSERT_TRUE(a);
    auto b = sem.try_acquire();
    ASSERT_TRUE(b);
    auto c = sem.try_acquire();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), TryAcquireError::NoPermits);
    EXPECT_EQ(sem.available_permits(), 0u);
  }
  EXPECT_EQ(sem.available_permits(), 2u);
}

TEST(SyncSemaphore, ForgetShrinksAndAddPermitsGrows) {
  Semaphore sem(3);
  {
    auto p = sem.try_acquire_many(2);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->num_permits(), 2u);
    p->forget();
  }
  EXPECT_EQ(sem.available_permits(), 1u);
  sem.add_permits(4);
  EXPECT_EQ(sem.available_permits(), 5u);
  EXPECT_THROW(sem.add_permits(Semaphore::kMaxPermits), std::length_error);
  EXPECT_THROW(Semaphore(Semaphore::kMaxPermits + 1), std::length_error);
}

TEST(SyncSemaphore, TryAcquireOnClosed) {
  Semaphore sem(1);
  sem.close();
  EXPECT_TRUE(sem.is_closed());
  auto p = sem.try_acquire();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), TryAcquireError::Closed);
}

tokio::Task<void> acquire_and_record(Semaphore* sem, int id, std::vector<int>* order) {
  auto permit = co_await sem->acquire();
  EXPECT_TRUE(permit.has_value());
  order->push_back(id);
}

TOKIO_TEST(SyncSemaphore, WaitersAreServedInOrder) {
  Semaphore sem(0);
  std::vector<int> order;
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 5; ++i) {
    handles.push_back(tokio::spawn(acquire_and_record(&sem, i, &order)));
    for (int k = 0; k < 3; ++k)
      co_await tokio::task::yield_now();  // let it queue
  }
  for (int i = 0; i < 5; ++i)
    sem.add_permits(1);
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

tokio::Task<void> acquire_many_and_flag(Semaphore* sem, std::size_t n, std::atomic<int>* flag,
                                        int value) {
  auto permit = co_await sem->acquire_many(n);
  EXPECT_TRUE(permit.has_value());
  flag->store(value);
}

TOKIO_TEST(SyncSemaphore, LargeRequestIsNotOvertaken) {
  Semaphore sem(1);
  std::atomic<int> big{0}, small{0};
  auto held = sem.try_acquire();  // take the only permit
  auto big_task = tokio::spawn(acquire_many_and_flag(&sem, 3, &big, 1));
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();
  auto small_task = tokio::spawn(acquire_many_and_flag(&sem, 1, &small, 1));
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();
  sem.add_permits(1);  // 2 free after the next release: still not enough for the big one
  { auto drop = std::move(held); }
  for (int k = 0; k < 5; ++k)
    co_await tokio::task::yield_now();
  EXPECT_EQ(big.load(), 0);
  EXPECT_EQ(small.load(), 0) << "a later small request overtook a queued large one";
  sem.add_permits(1);
  co_await big_task;
  co_await small_task;
  EXPECT_EQ(big.load(), 1);
  EXPECT_EQ(small.load(), 1);
}

tokio::Task<bool> acquire_reports_closed(Semaphore* sem) {
  auto permit = co_await sem->acquire();
  co_return !permit.has_value();
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphore, CloseWakesWaitersWithAnError) {
  Semaphore sem(0);
  std::vector<tokio::JoinHandle<bool>> handles;
  for (int i = 0; i < 4; ++i)
    handles.push_back(tokio::spawn(acquire_reports_closed(&sem)));
  for (int k = 0; k < 5; ++k)
    co_await tokio::task::yield_now();
  sem.close();
  for (auto& h : handles)
    EXPECT_TRUE(co_await h);
  auto late = co_await sem.acquire();
  EXPECT_FALSE(late.has_value());
}

tokio::Task<int> ready_int(int value) {
  co_return value;
}

tokio::Task<int> acquire_then(Semaphore* sem, int value) {
  auto permit = co_await sem->acquire();
  co_return value;
}

TOKIO_TEST(SyncSemaphore, CancelledAcquireLeavesNoGhostWaiter) {
  Semaphore sem(0);
  // The acquire loses a select against a ready branch: it must leave the queue.
  auto result = co_await tokio::select_biased(acquire_then(&sem, 1), ready_int(2));
  EXPECT_EQ(result.index(), 1u);
  // A waiter queued, then cancelled by abort while permits were partly assigned.
  auto many =
      tokio::spawn([&sem]() -> tokio::Task<void> { auto p = co_await sem.acquire_many(3); });
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();
  sem.add_permits(2);  // assigned to the queued acquire_many(3)
  EXPECT_EQ(sem.available_permits(), 0u);
  many.abort();
  try {
    co_await many;
  } catch (const tokio::task::JoinError&) {
  }
  EXPECT_EQ(sem.available_permits(), 2u) << "the cancelled waiter's permits were not returned";
  auto next = co_await sem.acquire_many(2);
  EXPECT_TRUE(next.has_value());
}

tokio::Task<void> bounded_worker(Semaphore* sem, std::atomic<int>* inside, std::atomic<int>* peak,
                                 std::atomic<long>* total, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    auto permit = co_await sem->acquire();
    const int now = inside->fetch_add(1) + 1;
    int seen = peak->load();
    while (now > seen && !peak->compare_exchange_weak(seen, now)) {
    }
    if (i % 7 == 0) co_await tokio::task::yield_now();
    inside->fetch_sub(1);
    total->fetch_add(1);
  }
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphore, NeverMoreHoldersThanPermits) {
  Semaphore sem(3);
  std::atomic<int> inside{0}, peak{0};
  std::atomic<long> total{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int t = 0; t < 20; ++t)
    handles.push_back(tokio::spawn(bounded_worker(&sem, &inside, &peak, &total, 200)));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(total.load(), 20L * 200);
  EXPECT_LE(peak.load(), 3);
  EXPECT_EQ(sem.available_permits(), 3u);
}

}  // namespace
