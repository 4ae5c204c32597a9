// tokio::sync::Semaphore (after Tokio's sync_semaphore.rs).
#include "tokio/sync/semaphore.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::AcquireError;
using tokio::sync::OwnedSemaphorePermit;
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

// More waiters than one WakeList batch: release and close wake them in several batches.
TOKIO_TEST_ALL_FLAVORS(SyncSemaphore, ReleaseAndCloseWakeMoreWaitersThanOneBatch) {
  constexpr std::size_t kWaiters = 100;
  Semaphore sem(0);
  std::vector<tokio::JoinHandle<bool>> served;
  for (std::size_t i = 0; i < kWaiters; ++i)
    served.push_back(tokio::spawn(acquire_reports_closed(&sem)));
  for (int k = 0; k < 5; ++k)
    co_await tokio::task::yield_now();
  sem.add_permits(kWaiters);
  for (auto& h : served)
    EXPECT_FALSE(co_await h);
  EXPECT_EQ(sem.available_permits(), kWaiters);  // each permit came back when its task ended
  auto all = co_await sem.acquire_many(kWaiters);
  EXPECT_TRUE(all.has_value());
  std::vector<tokio::JoinHandle<bool>> refused;
  for (std::size_t i = 0; i < kWaiters; ++i)
    refused.push_back(tokio::spawn(acquire_reports_closed(&sem)));
  for (int k = 0; k < 5; ++k)
    co_await tokio::task::yield_now();
  sem.close();
  for (auto& h : refused)
    EXPECT_TRUE(co_await h);
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

TEST(SyncSemaphore, NoPermitsIsFine) {
  Semaphore sem(0);
  EXPECT_EQ(sem.available_permits(), 0u);
  EXPECT_FALSE(sem.try_acquire());
}

TEST(SyncSemaphore, MaxPermitsBoundary) {
  Semaphore full(Semaphore::kMaxPermits);
  EXPECT_EQ(full.available_permits(), Semaphore::kMaxPermits);
  Semaphore almost(Semaphore::kMaxPermits - 1);
  almost.add_permits(1);
  EXPECT_EQ(almost.available_permits(), Semaphore::kMaxPermits);
  EXPECT_THROW(almost.add_permits(1), std::length_error);
  Semaphore empty(0);
  empty.add_permits(Semaphore::kMaxPermits);
  EXPECT_EQ(empty.available_permits(), Semaphore::kMaxPermits);
}

TEST(SyncSemaphore, MergeKeepsPermitsUntilTheMergedPermitDrops) {
  Semaphore sem(3);
  {
    auto p1 = sem.try_acquire();
    ASSERT_TRUE(p1);
    EXPECT_EQ(sem.available_permits(), 2u);
    auto p2 = sem.try_acquire_many(2);
    ASSERT_TRUE(p2);
    EXPECT_EQ(sem.available_permits(), 0u);
    p1->merge(std::move(*p2));
    EXPECT_EQ(p1->num_permits(), 3u);
    EXPECT_EQ(p2->num_permits(), 0u);
    { auto drop = std::move(*p2); }  // an emptied permit gives nothing back
    EXPECT_EQ(sem.available_permits(), 0u);
  }
  EXPECT_EQ(sem.available_permits(), 3u);
}

TEST(SyncSemaphore, MergeOfUnrelatedPermitsThrows) {
  Semaphore a(3), b(3);
  auto p1 = a.try_acquire();
  auto p2 = b.try_acquire();
  ASSERT_TRUE(p1 && p2);
  EXPECT_THROW(p1->merge(std::move(*p2)), std::logic_error);
  EXPECT_EQ(p1->num_permits(), 1u);
  EXPECT_EQ(p2->num_permits(), 1u);
}

TEST(SyncSemaphore, SplitHandsOutPartOfAPermit) {
  Semaphore sem(5);
  auto p = sem.try_acquire_many(5);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->split(6).has_value());
  auto part = p->split(2);
  ASSERT_TRUE(part.has_value());
  EXPECT_EQ(part->num_permits(), 2u);
  EXPECT_EQ(p->num_permits(), 3u);
  part.reset();
  EXPECT_EQ(sem.available_permits(), 2u);
  { auto drop = std::move(*p); }
  EXPECT_EQ(sem.available_permits(), 5u);
}

tokio::Task<void> take_and_drop(Semaphore* sem) {
  auto permit = co_await sem->acquire();
  EXPECT_TRUE(permit.has_value());
}

// Tokio's stress_test: many tasks take and give back one of five permits.
TOKIO_TEST_ALL_FLAVORS(SyncSemaphore, StressLeavesAllPermits) {
  Semaphore sem(5);
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 1000; ++i)
    handles.push_back(tokio::spawn(take_and_drop(&sem)));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(sem.available_permits(), 5u);
  auto all = sem.try_acquire_many(5);
  EXPECT_TRUE(all);
  EXPECT_FALSE(sem.try_acquire());
}

// ---- Owned permits (Tokio's sync_semaphore_owned.rs) ----

TEST(SyncSemaphoreOwned, TryAcquire) {
  auto sem = std::make_shared<Semaphore>(1);
  {
    auto p1 = Semaphore::try_acquire_owned(sem);
    ASSERT_TRUE(p1);
    EXPECT_EQ(p1->semaphore(), sem);
    auto p2 = Semaphore::try_acquire_owned(sem);
    ASSERT_FALSE(p2);
    EXPECT_EQ(p2.error(), TryAcquireError::NoPermits);
  }
  EXPECT_TRUE(Semaphore::try_acquire_owned(sem));
}

TEST(SyncSemaphoreOwned, TryAcquireMany) {
  auto sem = std::make_shared<Semaphore>(42);
  {
    auto p1 = Semaphore::try_acquire_many_owned(sem, 42);
    ASSERT_TRUE(p1);
    EXPECT_FALSE(Semaphore::try_acquire_owned(sem));
  }
  auto p3 = Semaphore::try_acquire_many_owned(sem, 32);
  EXPECT_TRUE(p3);
  auto p4 = Semaphore::try_acquire_many_owned(sem, 10);
  EXPECT_TRUE(p4);
  EXPECT_FALSE(Semaphore::try_acquire_owned(sem));
}

TEST(SyncSemaphoreOwned, TryAcquireOnClosed) {
  auto sem = std::make_shared<Semaphore>(1);
  sem->close();
  auto p = Semaphore::try_acquire_owned(sem);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), TryAcquireError::Closed);
}

TEST(SyncSemaphoreOwned, NullSemaphoreThrows) {
  std::shared_ptr<Semaphore> none;
  EXPECT_THROW((void)Semaphore::try_acquire_owned(none), std::logic_error);
  EXPECT_THROW((void)Semaphore::acquire_owned(none), std::logic_error);
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphoreOwned, Acquire) {
  auto sem = std::make_shared<Semaphore>(1);
  auto p1 = Semaphore::try_acquire_owned(sem);
  TOKIO_CO_ASSERT(p1);
  auto j = tokio::spawn([sem]() -> tokio::Task<void> {
    auto p2 = co_await Semaphore::acquire_owned(sem);
    EXPECT_TRUE(p2.has_value());
  });
  { auto drop = std::move(*p1); }
  co_await j;
  EXPECT_EQ(sem->available_permits(), 1u);
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphoreOwned, AcquireMany) {
  auto sem = std::make_shared<Semaphore>(42);
  auto permit32 = Semaphore::try_acquire_many_owned(sem, 32);
  TOKIO_CO_ASSERT(permit32);
  auto got10 = std::make_shared<tokio::sync::Notify>();
  auto j = tokio::spawn([sem, got10]() -> tokio::Task<void> {
    auto p10 = co_await Semaphore::acquire_many_owned(sem, 10);
    EXPECT_TRUE(p10.has_value());
    got10->notify_one();
    auto p32 = co_await Semaphore::acquire_many_owned(sem, 32);  // needs permit32 back
    EXPECT_TRUE(p32.has_value());
  });
  co_await got10->notified();
  { auto drop = std::move(*permit32); }
  co_await j;
  EXPECT_EQ(sem->available_permits(), 42u);
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphoreOwned, AddPermits) {
  auto sem = std::make_shared<Semaphore>(0);
  auto j = tokio::spawn([sem]() -> tokio::Task<void> {
    auto p = co_await Semaphore::acquire_owned(sem);
    EXPECT_TRUE(p.has_value());
  });
  sem->add_permits(1);
  co_await j;
}

TEST(SyncSemaphoreOwned, Forget) {
  auto sem = std::make_shared<Semaphore>(1);
  {
    auto p = Semaphore::try_acquire_owned(sem);
    ASSERT_TRUE(p);
    EXPECT_EQ(sem->available_permits(), 0u);
    p->forget();
    EXPECT_EQ(sem->available_permits(), 0u);
  }
  EXPECT_EQ(sem->available_permits(), 0u);
  EXPECT_FALSE(Semaphore::try_acquire_owned(sem));
}

TEST(SyncSemaphoreOwned, MergeAndSplit) {
  auto sem = std::make_shared<Semaphore>(3);
  {
    auto p1 = Semaphore::try_acquire_owned(sem);
    ASSERT_TRUE(p1);
    EXPECT_EQ(sem->available_permits(), 2u);
    auto p2 = Semaphore::try_acquire_many_owned(sem, 2);
    ASSERT_TRUE(p2);
    EXPECT_EQ(sem->available_permits(), 0u);
    p1->merge(std::move(*p2));
    EXPECT_EQ(p1->num_permits(), 3u);
    EXPECT_EQ(sem->available_permits(), 0u);
    auto part = p1->split(1);
    ASSERT_TRUE(part.has_value());
    EXPECT_EQ(part->semaphore(), sem);
    part.reset();
    EXPECT_EQ(sem->available_permits(), 1u);
    EXPECT_FALSE(p1->split(3).has_value());
  }
  EXPECT_EQ(sem->available_permits(), 3u);
}

TEST(SyncSemaphoreOwned, MergeOfUnrelatedPermitsThrows) {
  auto a = std::make_shared<Semaphore>(3);
  auto b = std::make_shared<Semaphore>(3);
  auto p1 = Semaphore::try_acquire_owned(a);
  auto p2 = Semaphore::try_acquire_owned(b);
  ASSERT_TRUE(p1 && p2);
  EXPECT_THROW(p1->merge(std::move(*p2)), std::logic_error);
}

TEST(SyncSemaphoreOwned, PermitKeepsTheSemaphoreAlive) {
  auto sem = std::make_shared<Semaphore>(2);
  std::weak_ptr<Semaphore> weak = sem;
  auto p = Semaphore::try_acquire_owned(sem);
  ASSERT_TRUE(p);
  sem.reset();
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(weak.lock()->available_permits(), 1u);
  { auto drop = std::move(*p); }
  EXPECT_TRUE(weak.expired());
}

tokio::Task<void> take_owned_and_drop(std::shared_ptr<Semaphore> sem) {
  auto permit = co_await Semaphore::acquire_owned(std::move(sem));
  EXPECT_TRUE(permit.has_value());
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphoreOwned, StressLeavesAllPermits) {
  auto sem = std::make_shared<Semaphore>(5);
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 1000; ++i)
    handles.push_back(tokio::spawn(take_owned_and_drop(sem)));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(sem->available_permits(), 5u);
  EXPECT_EQ(sem.use_count(), 1);
}

tokio::Task<int> acquire_owned_then(std::shared_ptr<Semaphore> sem, int value) {
  auto permit = co_await Semaphore::acquire_owned(std::move(sem));
  co_return value;
}

TOKIO_TEST(SyncSemaphoreOwned, CancelledAcquireLeavesNoGhostWaiter) {
  auto sem = std::make_shared<Semaphore>(0);
  auto result = co_await tokio::select_biased(acquire_owned_then(sem, 1), ready_int(2));
  EXPECT_EQ(result.index(), 1u);
  EXPECT_EQ(sem.use_count(), 1) << "the cancelled acquire kept its reference";
  auto waiter = tokio::spawn(acquire_owned_then(sem, 3));
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();
  waiter.abort();
  try {
    (void)co_await waiter;
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
  sem->add_permits(1);
  EXPECT_EQ(sem->available_permits(), 1u);
  auto p = co_await Semaphore::acquire_owned(sem);
  EXPECT_TRUE(p.has_value());
}

TOKIO_TEST_ALL_FLAVORS(SyncSemaphoreOwned, CloseWakesOwnedWaiters) {
  auto sem = std::make_shared<Semaphore>(0);
  auto j = tokio::spawn([sem]() -> tokio::Task<bool> {
    auto p = co_await Semaphore::acquire_owned(sem);
    co_return !p.has_value() && p.error() == AcquireError{};
  });
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();
  sem->close();
  EXPECT_TRUE(co_await j);
}

// Regression: acquiring zero permits from a closed semaphore is refused, as in Tokio.
TOKIO_TEST(SyncSemaphore, AcquireZeroFromAClosedSemaphoreFails) {
  Semaphore sem(1);
  EXPECT_TRUE(co_await sem.acquire_many(0));
  sem.close();
  EXPECT_FALSE(co_await sem.acquire_many(0));
}

// Regression: an acquisition cut off by close() after it was partly served gives the permits
// it had been assigned back, so that the count stays whole.
TOKIO_TEST(SyncSemaphore, CloseKeepsPartlyAssignedPermitsCounted) {
  Semaphore sem(1);
  auto one = sem.try_acquire();
  TOKIO_CO_ASSERT(one);
  auto waiter = tokio::spawn([](Semaphore* sem) -> tokio::Task<bool> {
    co_return bool(co_await sem->acquire_many(3));
  }(&sem));
  co_await tokio::task::yield_now();  // queued for 3
  sem.add_permits(1);                 // one of its 3 assigned
  sem.close();
  EXPECT_FALSE(co_await waiter);
  { auto drop = std::move(*one); }
  EXPECT_EQ(sem.available_permits(), 2u);  // `one`'s, and the added one the waiter gave back
}

}  // namespace
