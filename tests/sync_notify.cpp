// tokio::sync::Notify (after Tokio's sync_notify.rs).
#include "tokio/sync/notify.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::Notify;

TOKIO_TEST_ALL_FLAVORS(SyncNotify, NotifyOneBeforeWaitingStoresOnePermit) {
  Notify notify;
  notify.notify_one();
  notify.notify_one();  // permits do not accumulate
  co_await notify.notified();
  auto second = notify.notified();
  EXPECT_FALSE(second.enable());
}

tokio::Task<void> wait_and_record(Notify* notify, int id, std::vector<int>* order) {
  co_await notify->notified();
  order->push_back(id);
}

TOKIO_TEST(SyncNotify, NotifyOneWakesTheOldestWaiter) {
  Notify notify;
  std::vector<int> order;
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 4; ++i) {
    handles.push_back(tokio::spawn(wait_and_record(&notify, i, &order)));
    for (int k = 0; k < 3; ++k)
      co_await tokio::task::yield_now();
  }
  for (int i = 0; i < 4; ++i) {
    notify.notify_one();
    co_await handles[static_cast<std::size_t>(i)];
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

tokio::Task<void> wait_and_count(Notify* notify, std::atomic<int>* woken) {
  co_await notify->notified();
  woken->fetch_add(1);
}

TOKIO_TEST_ALL_FLAVORS(SyncNotify, NotifyWaitersWakesAllAndStoresNothing) {
  Notify notify;
  std::atomic<int> woken{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 5; ++i)
    handles.push_back(tokio::spawn(wait_and_count(&notify, &woken)));
  for (int k = 0; k < 10; ++k)
    co_await tokio::task::yield_now();
  // On multi_thread the waiters may not all be registered yet: keep notifying until done.
  for (;;) {
    notify.notify_waiters();
    bool all = true;
    for (auto& h : handles)
      all = all && h.is_finished();
    if (all) break;
    co_await tokio::task::yield_now();
  }
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(woken.load(), 5);
  auto late = notify.notified();
  EXPECT_FALSE(late.enable()) << "notify_waiters must not store a permit";
}

// More waiters than one WakeList batch: notify_waiters wakes them in several batches, and
// none queued after the call.
TOKIO_TEST(SyncNotify, NotifyWaitersWakesMoreThanOneBatch) {
  constexpr int kWaiters = 100;
  Notify notify;
  std::atomic<int> woken{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < kWaiters; ++i)
    handles.push_back(tokio::spawn(wait_and_count(&notify, &woken)));
  for (int k = 0; k < 5; ++k)
    co_await tokio::task::yield_now();
  notify.notify_waiters();  // current_thread: every waiter is queued by now
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(woken.load(), kWaiters);
  auto late = notify.notified();
  EXPECT_FALSE(late.enable());
}

TOKIO_TEST(SyncNotify, NotifiedCreatedBeforeNotifyWaitersCompletes) {
  Notify notify;
  auto created = notify.notified();  // not polled, not enabled
  notify.notify_waiters();
  co_await created;  // completes at once
  auto enabled = notify.notified();
  EXPECT_FALSE(enabled.enable());
  notify.notify_waiters();
  co_await enabled;
}

tokio::Task<int> wait_then(Notify* notify, int value) {
  co_await notify->notified();
  co_return value;
}

tokio::Task<int> ready_int(int value) {
  co_return value;
}

TOKIO_TEST(SyncNotify, DroppedChosenWaiterForwardsTheNotification) {
  Notify notify;
  tokio::JoinHandle<int> second;
  {
    auto first = notify.notified();
    EXPECT_FALSE(first.enable());  // first in the queue
    second = tokio::spawn(wait_then(&notify, 7));
    for (int k = 0; k < 3; ++k)
      co_await tokio::task::yield_now();
    notify.notify_one();  // chooses `first`, the oldest
  }                       // `first` is dropped without completing: the notification must move on
  EXPECT_EQ(co_await second, 7);
}

TOKIO_TEST(SyncNotify, CancelledWaiterInSelectLeavesTheQueue) {
  Notify notify;
  auto result = co_await tokio::select_biased(wait_then(&notify, 1), ready_int(2));
  EXPECT_EQ(result.index(), 1u);
  notify.notify_one();  // no waiter left: stored as a permit
  co_await notify.notified();
}

TEST(SyncNotify, NotifyFromAPlainThread) {
  auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
  Notify notify;
  auto waiter = rt.spawn(wait_then(&notify, 5));
  std::thread t([&] {
    while (!waiter.is_finished()) {
      notify.notify_one();
      std::this_thread::yield();
    }
  });
  EXPECT_EQ(rt.block_on([&]() -> tokio::Task<int> { co_return co_await waiter; }()), 5);
  t.join();
}

}  // namespace
