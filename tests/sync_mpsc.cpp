// tokio::sync::mpsc, bounded and unbounded (after Tokio's sync_mpsc.rs and sync_mpsc_weak.rs).
#include "tokio/sync/mpsc.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace mpsc = tokio::sync::mpsc;
using namespace std::chrono_literals;
using tokio_test::DropCounter;

// Awaits `rx.recv()` in a Task (a select branch).
template <class Rx>
tokio::Task<std::optional<typename decltype(std::declval<Rx&>().recv().await_resume())::value_type>>
recv_of(Rx* rx) {
  co_return co_await rx->recv();
}
tokio::Task<int> ready_int(int v) {
  co_return v;
}
// Whether `rx.recv()` would wait now: it loses a biased select against a ready branch.
template <class Rx>
tokio::Task<bool> recv_is_pending(Rx* rx) {
  auto r = co_await tokio::select_biased(recv_of(rx), ready_int(0));
  co_return r.index() == 1;
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, SendRecvWithBuffer) {
  auto [tx, rx] = mpsc::channel<int>(16);
  EXPECT_TRUE(co_await tx.send(1));
  EXPECT_TRUE(co_await tx.send(2));
  { auto drop = std::move(tx); }
  EXPECT_EQ(co_await rx.recv(), std::optional<int>(1));
  EXPECT_EQ(co_await rx.recv(), std::optional<int>(2));
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
  EXPECT_EQ(co_await rx.recv(), std::nullopt);  // stays finished
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, SendRecvUnbounded) {
  auto [tx, rx] = mpsc::unbounded_channel<std::string>();
  EXPECT_TRUE(tx.send("a"));
  EXPECT_TRUE(tx.send("b"));
  EXPECT_EQ(rx.len(), 2u);
  { auto drop = std::move(tx); }
  EXPECT_EQ(*co_await rx.recv(), "a");
  EXPECT_EQ(*co_await rx.recv(), "b");
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
}

tokio::Task<void> send_all(mpsc::Sender<int> tx, int from, int count) {
  for (int i = from; i < from + count; ++i) {
    auto r = co_await tx.send(i);
    TOKIO_CO_ASSERT(r);
  }
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, SendWaitsForCapacityAndKeepsOrder) {
  auto [tx, rx] = mpsc::channel<int>(2);
  auto producer = tokio::spawn(send_all(tx, 0, 100));
  { auto drop = std::move(tx); }
  for (int i = 0; i < 100; ++i) {
    auto v = co_await rx.recv();
    TOKIO_CO_ASSERT(v);
    EXPECT_EQ(*v, i);
    EXPECT_LE(rx.len(), 2u);  // never more than the bound buffered
  }
  co_await producer;
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, StartSendPastCapacityWaits) {
  auto [tx, rx] = mpsc::channel<int>(1);
  EXPECT_TRUE(co_await tx.send(1));
  // The second send must wait: it loses against a ready branch.
  auto sent = co_await tokio::select_biased(
      [](mpsc::Sender<int>* tx) -> tokio::Task<bool> { co_return bool(co_await tx->send(2)); }(&tx),
      ready_int(0));
  EXPECT_EQ(sent.index(), 1u);
  EXPECT_EQ(tx.capacity(), 0u);
  EXPECT_EQ(*co_await rx.recv(), 1);
  EXPECT_EQ(tx.capacity(), 1u);  // the cancelled send left no ghost reservation
  EXPECT_TRUE(rx.try_recv().error() == mpsc::TryRecvError::Empty);
}

TEST(SyncMpsc, TrySendFailsWhenFullAndGivesTheValueBack) {
  auto [tx, rx] = mpsc::channel<std::string>(1);
  EXPECT_TRUE(tx.try_send("one"));
  auto full = tx.try_send("two");
  ASSERT_FALSE(full);
  EXPECT_TRUE(full.error().is_full());
  EXPECT_EQ(std::move(full.error()).into_inner(), "two");
  EXPECT_EQ(*rx.try_recv(), "one");
  EXPECT_TRUE(tx.try_send("three"));
  rx.close();
  auto closed = tx.try_send("four");
  ASSERT_FALSE(closed);
  EXPECT_TRUE(closed.error().is_closed());
  EXPECT_EQ(closed.error().value, "four");
  EXPECT_EQ(*rx.try_recv(), "three");  // still drained after close
  EXPECT_EQ(rx.try_recv().error(), mpsc::TryRecvError::Disconnected);
}

TEST(SyncMpsc, TryRecvReportsEmptyThenDisconnected) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  EXPECT_EQ(rx.try_recv().error(), mpsc::TryRecvError::Empty);
  EXPECT_TRUE(tx.send(7));
  EXPECT_EQ(*rx.try_recv(), 7);
  { auto drop = std::move(tx); }
  EXPECT_EQ(rx.try_recv().error(), mpsc::TryRecvError::Disconnected);
}

TEST(SyncMpsc, ReserveFailsWhenFullAndPermitDropReleases) {
  auto [tx, rx] = mpsc::channel<int>(1);
  {
    auto permit = tx.try_reserve();
    ASSERT_TRUE(permit);
    EXPECT_EQ(tx.capacity(), 0u);
    auto again = tx.try_reserve();
    ASSERT_FALSE(again);
    EXPECT_TRUE(again.error().is_full());
  }
  EXPECT_EQ(tx.capacity(), 1u);  // the unused permit went back
  auto permit = tx.try_reserve();
  ASSERT_TRUE(permit);
  permit->send(5);
  EXPECT_THROW(permit->send(6), std::logic_error);
  EXPECT_EQ(*rx.try_recv(), 5);
  EXPECT_EQ(tx.max_capacity(), 1u);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, ReserveThenSend) {
  auto [tx, rx] = mpsc::channel<int>(4);
  auto permit = co_await tx.reserve();
  TOKIO_CO_ASSERT(permit);
  EXPECT_EQ(tx.capacity(), 3u);
  permit->send(9);
  EXPECT_EQ(*co_await rx.recv(), 9);
  EXPECT_EQ(tx.capacity(), 4u);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, RecvCloseGetsNoneWhenIdle) {
  auto [tx, rx] = mpsc::channel<int>(10);
  rx.close();
  EXPECT_TRUE(rx.is_closed());
  EXPECT_TRUE(tx.is_closed());
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
  auto r = co_await tx.send(1);
  TOKIO_CO_ASSERT(!r);
  EXPECT_EQ(r.error().value, 1);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, RecvCloseWaitsForOutstandingPermit) {
  auto [tx, rx] = mpsc::channel<int>(10);
  auto permit = co_await tx.reserve();
  TOKIO_CO_ASSERT(permit);
  rx.close();
  EXPECT_TRUE(co_await recv_is_pending(&rx));  // the permit may still send
  EXPECT_FALSE(co_await tx.reserve());         // but no new reservation
  permit->send(3);
  EXPECT_EQ(co_await rx.recv(), std::optional<int>(3));
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, DroppingAnOutstandingPermitWakesAClosedReceiver) {
  auto [tx, rx] = mpsc::channel<int>(10);
  auto permit = co_await tx.reserve();
  TOKIO_CO_ASSERT(permit);
  rx.close();
  auto receiver = tokio::spawn([](mpsc::Receiver<int> rx) -> tokio::Task<bool> {
    co_return !(co_await rx.recv());
  }(std::move(rx)));
  co_await tokio::task::yield_now();
  { auto drop = std::move(*permit); }
  EXPECT_TRUE(co_await receiver);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, SenderDropWakesReceiver) {
  auto [tx, rx] = mpsc::channel<int>(1);
  auto receiver = tokio::spawn([](mpsc::Receiver<int> rx) -> tokio::Task<bool> {
    co_return !(co_await rx.recv());
  }(std::move(rx)));
  co_await tokio::task::yield_now();
  auto tx2 = tx;
  { auto drop = std::move(tx); }
  co_await tokio::task::yield_now();
  EXPECT_FALSE(receiver.is_finished());  // one sender is still alive
  { auto drop = std::move(tx2); }        // the last sender: the receiver sees the end
  EXPECT_TRUE(co_await receiver);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, DroppingReceiverFailsWaitingAndLaterSenders) {
  auto [tx, rx] = mpsc::channel<int>(1);
  EXPECT_TRUE(co_await tx.send(1));
  auto waiting = tokio::spawn([](mpsc::Sender<int> tx) -> tokio::Task<int> {
    auto r = co_await tx.send(2);
    co_return r ? -1 : r.error().value;
  }(tx));
  co_await tokio::task::yield_now();
  { auto drop = std::move(rx); }
  EXPECT_EQ(co_await waiting, 2);  // woken with its value back
  auto later = co_await tx.send(3);
  TOKIO_CO_ASSERT(!later);
  EXPECT_EQ(later.error().value, 3);
  co_await tx.closed();  // completes at once
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, ClosedCompletesWhenReceiverGoes) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  auto watcher = tokio::spawn(
      [](mpsc::UnboundedSender<int> tx) -> tokio::Task<void> { co_await tx.closed(); }(tx));
  co_await tokio::task::yield_now();
  EXPECT_FALSE(tx.is_closed());
  { auto drop = std::move(rx); }
  co_await watcher;
  EXPECT_TRUE(tx.is_closed());
  EXPECT_FALSE(tx.send(1));
}

TEST(SyncMpsc, UnconsumedValuesAreDestroyedExactlyOnce) {
  std::atomic<int> drops{0};
  {
    auto [tx, rx] = mpsc::channel<DropCounter>(8);
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(tx.try_send(DropCounter(drops)));
    auto first = rx.try_recv();  // one in the receiver's batch, four left behind it
    ASSERT_TRUE(first);
    EXPECT_EQ(drops.load(), 0);
  }
  EXPECT_EQ(drops.load(), 5);

  drops = 0;
  {
    auto [tx, rx] = mpsc::unbounded_channel<DropCounter>();
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(tx.send(DropCounter(drops)));
    { auto drop = std::move(rx); }
    EXPECT_EQ(drops.load(), 3);  // destroyed with the receiver, senders still alive
    auto refused = tx.send(DropCounter(drops));
    EXPECT_FALSE(refused);
  }
  EXPECT_EQ(drops.load(), 4);
}

TEST(SyncMpsc, PermitSendAfterReceiverDropDestroysTheValue) {
  std::atomic<int> drops{0};
  auto [tx, rx] = mpsc::channel<DropCounter>(2);
  auto permit = tx.try_reserve();
  ASSERT_TRUE(permit);
  { auto drop = std::move(rx); }
  permit->send(DropCounter(drops));
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, RecvManyTakesUpToTheLimit) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(tx.send(i));
  std::vector<int> buffer;
  EXPECT_EQ(co_await rx.recv_many(buffer, 4), 4u);
  EXPECT_EQ(co_await rx.recv_many(buffer, 100), 6u);
  EXPECT_EQ(buffer, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(co_await rx.recv_many(buffer, 0), 0u);
  { auto drop = std::move(tx); }
  EXPECT_EQ(co_await rx.recv_many(buffer, 4), 0u);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, RecvManyReleasesCapacity) {
  auto [tx, rx] = mpsc::channel<int>(3);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(tx.try_send(i));
  std::vector<int> buffer;
  EXPECT_EQ(co_await rx.recv_many(buffer, 2), 2u);
  EXPECT_EQ(tx.capacity(), 2u);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, RecvLosingSelectLosesNoValue) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  // A pending recv loses against a ready branch, then a value arrives: it is still there.
  EXPECT_TRUE(co_await recv_is_pending(&rx));
  EXPECT_TRUE(tx.send(42));
  EXPECT_EQ(co_await rx.recv(), std::optional<int>(42));
}

TOKIO_TEST(SyncMpsc, SendTimeoutGivesTheValueBack, .start_paused = true) {
  auto [tx, rx] = mpsc::channel<std::string>(1);
  EXPECT_TRUE(co_await tx.send_timeout("a", 1s));
  auto r = co_await tx.send_timeout("b", 1s);
  TOKIO_CO_ASSERT(!r);
  EXPECT_TRUE(r.error().is_timeout());
  EXPECT_EQ(r.error().value, "b");
  EXPECT_EQ(tx.capacity(), 0u);
  EXPECT_EQ(*co_await rx.recv(), "a");
  { auto drop = std::move(rx); }
  auto closed = co_await tx.send_timeout("c", 1s);
  TOKIO_CO_ASSERT(!closed);
  EXPECT_TRUE(closed.error().is_closed());
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, ReserveOwnedCarriesTheSender) {
  auto [tx, rx] = mpsc::channel<int>(1);
  auto permit = co_await std::move(tx).reserve_owned();
  TOKIO_CO_ASSERT(permit);
  auto sender = std::move(*permit).send(5);
  EXPECT_EQ(*co_await rx.recv(), 5);
  auto full = std::move(sender).try_reserve_owned();
  TOKIO_CO_ASSERT(full);
  auto back = std::move(*full).release();
  EXPECT_EQ(back.capacity(), 1u);
  { auto drop = std::move(back); }
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
}

TEST(SyncMpsc, WeakSenderDoesNotKeepTheChannelOpen) {
  auto [tx, rx] = mpsc::channel<int>(4);
  auto weak = tx.downgrade();
  EXPECT_EQ(tx.strong_count(), 1u);
  EXPECT_EQ(tx.weak_count(), 1u);
  {
    auto strong = weak.upgrade();
    ASSERT_TRUE(strong);
    EXPECT_EQ(rx.sender_strong_count(), 2u);
    EXPECT_TRUE(strong->try_send(1));
  }
  { auto drop = std::move(tx); }
  EXPECT_FALSE(weak.upgrade());  // every strong sender is gone
  EXPECT_EQ(*rx.try_recv(), 1);
  EXPECT_EQ(rx.try_recv().error(), mpsc::TryRecvError::Disconnected);
  EXPECT_EQ(rx.sender_weak_count(), 1u);
}

TEST(SyncMpsc, UnboundedWeakSender) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  auto weak = tx.downgrade();
  auto copy = weak;
  EXPECT_EQ(tx.weak_count(), 2u);
  EXPECT_TRUE(weak.upgrade()->send(1));
  { auto drop = std::move(tx); }
  EXPECT_FALSE(copy.upgrade());
  EXPECT_EQ(*rx.try_recv(), 1);
}

TEST(SyncMpsc, BadCapacityIsRejected) {
  EXPECT_THROW(mpsc::channel<int>(0), std::invalid_argument);
}

TEST(SyncMpsc, MovedFromHandlesThrow) {
  auto [tx, rx] = mpsc::channel<int>(1);
  auto tx2 = std::move(tx);
  auto rx2 = std::move(rx);
  EXPECT_THROW((void)tx.try_send(1), std::logic_error);
  EXPECT_THROW((void)rx.try_recv(), std::logic_error);
  EXPECT_TRUE(tx2.same_channel(tx2));
}

TEST(SyncMpsc, BlockingSendAndRecvFromPlainThreads) {
  auto [tx, rx] = mpsc::channel<int>(2);
  std::thread producer([tx = std::move(tx)]() mutable {
    for (int i = 0; i < 1000; ++i)
      ASSERT_TRUE(tx.blocking_send(i));
  });
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(rx.blocking_recv(), std::optional<int>(i));
  producer.join();
  EXPECT_EQ(rx.blocking_recv(), std::nullopt);
}

TOKIO_TEST(SyncMpsc, BlockingRecvInsideARuntimeThrows) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  EXPECT_THROW(rx.blocking_recv(), std::logic_error);
  co_return;
}

TOKIO_TEST(SyncMpsc, BlockingRecvFromSpawnBlocking) {
  auto [tx, rx] = mpsc::unbounded_channel<int>();
  auto job = tokio::task::spawn_blocking(
      [rx = std::make_shared<mpsc::UnboundedReceiver<int>>(std::move(rx))] {
        return rx->blocking_recv().value_or(-1);
      });
  EXPECT_TRUE(tx.send(11));
  EXPECT_EQ(co_await job, 11);
}

TOKIO_TEST_ALL_FLAVORS(SyncMpsc, ManyProducersAcrossTasks) {
  auto [tx, rx] = mpsc::channel<int>(8);
  for (int p = 0; p < 8; ++p)
    (void)tokio::spawn(send_all(tx, p * 1000, 1000));
  { auto drop = std::move(tx); }
  std::vector<int> last(8, -1);
  int count = 0;
  for (;;) {
    auto v = co_await rx.recv();
    if (!v) break;
    const int producer = *v / 1000;
    EXPECT_GT(*v, last[producer]);  // each producer's values arrive in order
    last[producer] = *v;
    ++count;
  }
  EXPECT_EQ(count, 8000);
}

// Regression: a reservation that was granted, then cancelled after the receiver closed, must
// give its capacity back and wake the receiver waiting for the last outstanding permit.
TOKIO_TEST_ALL_FLAVORS(SyncMpsc, CancelledGrantedReservationAfterCloseLetsTheReceiverFinish) {
  auto [tx, rx] = mpsc::channel<int>(1);
  auto held = tx.try_reserve();
  TOKIO_CO_ASSERT(held);
  auto waiter = tokio::spawn([](mpsc::Sender<int> tx) -> tokio::Task<void> {
    auto permit = co_await tx.reserve();
    (void)permit;
  }(tx));
  co_await tokio::task::yield_now();  // let it queue behind the held permit
  { auto drop = std::move(*held); }   // grants the capacity to the waiter
  rx.close();
  waiter.abort();
  EXPECT_EQ(co_await rx.recv(), std::nullopt);  // tx is alive: only "idle" can end it
  EXPECT_EQ(rx.capacity(), 1u);
  try {
    co_await waiter;
  } catch (const tokio::task::JoinError&) {
  }
}

// Regression: a Permit counts as a sender, so the receiver does not report the end while a
// value may still come through it.
TOKIO_TEST_ALL_FLAVORS(SyncMpsc, PermitOutlivingEverySenderKeepsTheChannelOpen) {
  auto [tx, rx] = mpsc::channel<int>(2);
  auto permit = tx.try_reserve();
  TOKIO_CO_ASSERT(permit);
  { auto drop = std::move(tx); }
  EXPECT_TRUE(co_await recv_is_pending(&rx));
  permit->send(42);
  EXPECT_EQ(co_await rx.recv(), std::optional<int>(42));
  EXPECT_EQ(co_await rx.recv(), std::nullopt);
}

// Regression: the Task of Sender::closed() keeps the channel's state alive when spawned.
TOKIO_TEST_ALL_FLAVORS(SyncMpsc, SpawnedClosedOutlivesTheHandles) {
  auto [tx, rx] = mpsc::channel<int>(1);
  auto watcher = tokio::spawn(tx.closed());
  co_await tokio::task::yield_now();
  { auto drop = std::move(tx); }
  { auto drop = std::move(rx); }
  co_await watcher;
}

}  // namespace
