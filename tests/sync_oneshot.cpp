// tokio::sync::oneshot (after Tokio's sync_oneshot.rs).
#include "tokio/sync/oneshot.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "support/tracked.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace oneshot = tokio::sync::oneshot;
using oneshot::RecvError;
using oneshot::TryRecvError;

using tokio_test::Counters;
using tokio_test::Tracked;

// Lets spawned tasks run until they are parked on what they await.
tokio::Task<void> settle() {
  for (int i = 0; i < 8; ++i)
    co_await tokio::task::yield_now();
}

tokio::Task<int> recv_or(oneshot::Receiver<int> rx, int on_error) {
  auto r = co_await rx;
  co_return r ? *r : on_error;
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, SendWakesAWaitingReceiver) {
  auto [tx, rx] = oneshot::channel<int>();
  auto h = tokio::spawn(recv_or(std::move(rx), -1));
  co_await settle();
  EXPECT_TRUE(tx.send(1));
  EXPECT_EQ(co_await h, 1);
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, SendThenAwait) {
  auto [tx, rx] = oneshot::channel<std::string>();
  EXPECT_TRUE(tx.send("one"));
  auto v = co_await std::move(rx);
  TOKIO_CO_ASSERT(v.has_value());
  EXPECT_EQ(*v, "one");
  EXPECT_TRUE(rx.is_terminated());
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, DroppingTheSenderWakesTheReceiverWithAnError) {
  auto [tx, rx] = oneshot::channel<int>();
  auto h = tokio::spawn(recv_or(std::move(rx), -7));
  co_await settle();
  { auto gone = std::move(tx); }
  EXPECT_EQ(co_await h, -7);
}

TEST(SyncOneshot, SendToADroppedReceiverGivesTheValueBack) {
  auto [tx, rx] = oneshot::channel<std::unique_ptr<int>>();
  { auto gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  auto r = tx.send(std::make_unique<int>(5));
  ASSERT_FALSE(r);
  ASSERT_TRUE(r.error());
  EXPECT_EQ(*r.error(), 5);
}

tokio::Task<void> wait_closed(oneshot::Sender<int>* tx, std::atomic<bool>* done) {
  co_await tx->closed();
  done->store(true);
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, ClosedCompletesWhenTheReceiverIsDropped) {
  auto [tx, rx] = oneshot::channel<int>();
  std::atomic<bool> done{false};
  auto h = tokio::spawn(wait_closed(&tx, &done));
  co_await settle();
  EXPECT_FALSE(done.load());
  { auto gone = std::move(rx); }
  co_await h;
  EXPECT_TRUE(done.load());
  EXPECT_TRUE(tx.is_closed());
  EXPECT_FALSE(tx.send(1));
}

tokio::Task<void> drop_receiver(oneshot::Receiver<int> rx) {
  (void)rx;
  co_return;
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, ClosedAwaitsAReceiverDroppedInAnotherTask) {
  auto [tx, rx] = oneshot::channel<int>();
  auto h = tokio::spawn(drop_receiver(std::move(rx)));
  co_await tx.closed();
  EXPECT_TRUE(tx.is_closed());
  co_await h;
}

TOKIO_TEST(SyncOneshot, ExplicitCloseKeepsAValueSentBefore) {
  auto [tx, rx] = oneshot::channel<int>();
  EXPECT_TRUE(tx.send(1));
  rx.close();
  auto v = co_await rx;
  TOKIO_CO_ASSERT(v.has_value());
  EXPECT_EQ(*v, 1);
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, ExplicitCloseWakesClosedAndRefusesTheSend) {
  auto [tx, rx] = oneshot::channel<int>();
  std::atomic<bool> done{false};
  auto h = tokio::spawn(wait_closed(&tx, &done));
  co_await settle();
  rx.close();
  co_await h;
  EXPECT_TRUE(done.load());
  EXPECT_TRUE(tx.is_closed());
  auto refused = tx.send(9);
  TOKIO_CO_ASSERT(!refused);
  EXPECT_EQ(refused.error(), 9);
  auto v = co_await rx;
  EXPECT_FALSE(v);
  EXPECT_EQ(v.error(), RecvError{});
}

TOKIO_TEST(SyncOneshot, ExplicitCloseWithoutSendGivesAnError) {
  auto [tx, rx] = oneshot::channel<int>();
  rx.close();
  co_await tx.closed();  // ready at once
  auto v = co_await rx;
  EXPECT_FALSE(v);
}

TEST(SyncOneshot, ExplicitCloseTryRecv) {
  {
    auto [tx, rx] = oneshot::channel<int>();
    ASSERT_TRUE(tx.send(1));
    rx.close();
    auto v = rx.try_recv();
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, 1);
  }
  {
    auto [tx, rx] = oneshot::channel<int>();
    rx.close();
    EXPECT_TRUE(tx.is_closed());
    auto v = rx.try_recv();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error(), TryRecvError::Closed);
  }
}

TOKIO_TEST(SyncOneshot, AwaitingAfterTheResultWasTakenThrows) {
  auto [tx, rx] = oneshot::channel<int>();
  rx.close();
  auto v = rx.try_recv();
  EXPECT_FALSE(v);
  EXPECT_TRUE(rx.is_terminated());
  bool threw = false;
  try {
    (void)co_await rx;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
}

TEST(SyncOneshot, TryRecvBeforeAndAfterSend) {
  auto [tx, rx] = oneshot::channel<int>();
  auto empty = rx.try_recv();
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), TryRecvError::Empty);
  EXPECT_FALSE(rx.is_terminated());
  ASSERT_TRUE(tx.send(17));
  auto v = rx.try_recv();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 17);
  // After completion: Closed, and close() is harmless.
  auto again = rx.try_recv();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), TryRecvError::Closed);
  rx.close();
}

TEST(SyncOneshot, TryRecvWhenTheSenderDroppedWithoutSending) {
  auto [tx, rx] = oneshot::channel<int>();
  { auto gone = std::move(tx); }
  auto v = rx.try_recv();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), TryRecvError::Closed);
  EXPECT_TRUE(rx.is_terminated());
}

TOKIO_TEST(SyncOneshot, TryRecvAfterAnAwaitedResult) {
  auto [tx, rx] = oneshot::channel<int>();
  EXPECT_TRUE(tx.send(17));
  auto v = co_await rx;
  EXPECT_EQ(*v, 17);
  auto again = rx.try_recv();
  TOKIO_CO_ASSERT(!again);
  EXPECT_EQ(again.error(), TryRecvError::Closed);
  rx.close();
}

TEST(SyncOneshot, SendTwiceThrows) {
  auto [tx, rx] = oneshot::channel<int>();
  ASSERT_TRUE(tx.send(1));
  EXPECT_THROW((void)tx.send(2), std::logic_error);
  EXPECT_THROW((void)tx.closed(), std::logic_error);
  EXPECT_TRUE(tx.is_closed());
}

TEST(SyncOneshot, ReceiverIsClosed) {
  {
    auto [tx, rx] = oneshot::channel<int>();
    EXPECT_FALSE(rx.is_closed()) << "not closed before a value is sent";
    ASSERT_TRUE(tx.send(17));
    EXPECT_TRUE(rx.is_closed()) << "closed once a value is sent";
  }
  {
    auto [tx, rx] = oneshot::channel<int>();
    { auto gone = std::move(tx); }
    EXPECT_TRUE(rx.is_closed()) << "closed once the sender is dropped";
  }
  {
    auto [tx, rx] = oneshot::channel<int>();
    rx.close();
    EXPECT_TRUE(rx.is_closed());
  }
}

TEST(SyncOneshot, ReceiverIsEmpty) {
  {
    auto [tx, rx] = oneshot::channel<int>();
    EXPECT_TRUE(rx.is_empty());
    ASSERT_TRUE(tx.send(17));
    EXPECT_FALSE(rx.is_empty());
    ASSERT_TRUE(rx.try_recv());
    EXPECT_TRUE(rx.is_empty());
  }
  {
    auto [tx, rx] = oneshot::channel<int>();
    { auto gone = std::move(tx); }
    EXPECT_TRUE(rx.is_empty());
    EXPECT_FALSE(rx.try_recv());
    EXPECT_TRUE(rx.is_empty());
  }
  {
    auto [tx, rx] = oneshot::channel<int>();
    rx.close();
    EXPECT_TRUE(rx.is_empty());
  }
}

// A task that awaits `rx` until `stop` is notified, then gives up (its await is cancelled);
// the Receiver stays usable.
tokio::Task<int> await_rx(oneshot::Receiver<int>* rx) {
  auto& r = *rx;
  auto v = co_await r;
  co_return v ? *v : -1;
}
tokio::Task<void> wait_notified(tokio::sync::Notify* n) {
  co_await n->notified();
}
tokio::Task<int> await_until_stopped(oneshot::Receiver<int>* rx, tokio::sync::Notify* stop) {
  auto r = co_await tokio::select_biased(await_rx(rx), wait_notified(stop));
  co_return r.index() == 0 ? std::get<0>(r) : -2;
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, ReceiverMovesToAnotherTask) {
  auto [tx, rx] = oneshot::channel<int>();
  tokio::sync::Notify stop;
  auto first = tokio::spawn(await_until_stopped(&rx, &stop));
  co_await settle();  // the first task's waker is registered
  stop.notify_one();
  EXPECT_EQ(co_await first, -2);
  auto second = tokio::spawn(await_rx(&rx));
  co_await settle();
  EXPECT_TRUE(tx.send(3));
  EXPECT_EQ(co_await second, 3) << "the send must wake the task that awaits now";
}

tokio::Task<void> closed_branch(oneshot::Sender<int>* tx) {
  co_await tx->closed();
}
tokio::Task<int> closed_until_stopped(oneshot::Sender<int>* tx, tokio::sync::Notify* stop) {
  auto r = co_await tokio::select_biased(closed_branch(tx), wait_notified(stop));
  co_return static_cast<int>(r.index());
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, SenderClosedMovesToAnotherTask) {
  auto [tx, rx] = oneshot::channel<int>();
  tokio::sync::Notify stop;
  auto first = tokio::spawn(closed_until_stopped(&tx, &stop));
  co_await settle();
  stop.notify_one();
  EXPECT_EQ(co_await first, 1);
  std::atomic<bool> done{false};
  auto second = tokio::spawn(wait_closed(&tx, &done));
  co_await settle();
  { auto gone = std::move(rx); }
  co_await second;
  EXPECT_TRUE(done.load());
}

tokio::Task<int> send_and_finish(oneshot::Sender<int>* tx, int v) {
  EXPECT_TRUE(tx->send(v));
  co_return 0;
}
tokio::Task<int> yield_send_and_finish(oneshot::Sender<int>* tx, int v) {
  co_await tokio::task::yield_now();
  EXPECT_TRUE(tx->send(v));
  co_return 0;
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, ARecvLosingASelectLosesNoValue) {
  {
    // The receive was never polled after the value arrived.
    auto [tx, rx] = oneshot::channel<int>();
    auto r = co_await tokio::select_biased(send_and_finish(&tx, 1), await_rx(&rx));
    EXPECT_EQ(r.index(), 0u);
    auto v = co_await rx;
    EXPECT_EQ(*v, 1);
  }
  {
    // The receive registered its waker, then lost.
    auto [tx, rx] = oneshot::channel<int>();
    auto r = co_await tokio::select_biased(yield_send_and_finish(&tx, 2), await_rx(&rx));
    EXPECT_EQ(r.index(), 0u);
    EXPECT_FALSE(rx.is_empty());
    auto v = co_await rx;
    EXPECT_EQ(*v, 2);
  }
}

tokio::Task<int> hold_receiver(oneshot::Receiver<int> rx) {
  auto v = co_await rx;
  co_return v ? *v : -1;
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, AbortingTheReceivingTaskClosesTheChannel) {
  auto [tx, rx] = oneshot::channel<int>();
  auto h = tokio::spawn(hold_receiver(std::move(rx)));
  co_await settle();
  h.abort();
  co_await tx.closed();
  EXPECT_TRUE(tx.is_closed());
  bool cancelled = false;
  try {
    (void)co_await h;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
}

TEST(SyncOneshot, ValuesAreDestroyedExactlyOnce) {
  Counters c;
  {  // received
    auto [tx, rx] = oneshot::channel<Tracked>();
    ASSERT_TRUE(tx.send(Tracked(c, 1)));
    auto v = rx.try_recv();
    ASSERT_TRUE(v);
    EXPECT_EQ(v->value(), 1);
  }
  EXPECT_EQ(c.alive(), 0);
  {  // sent, never received: destroyed with the receiver
    auto [tx, rx] = oneshot::channel<Tracked>();
    ASSERT_TRUE(tx.send(Tracked(c, 2)));
    EXPECT_EQ(c.alive(), 1);
    { auto gone = std::move(rx); }
    EXPECT_EQ(c.alive(), 0);
  }
  {  // sent, never received, receiver outlives the sender
    auto [tx, rx] = oneshot::channel<Tracked>();
    ASSERT_TRUE(tx.send(Tracked(c, 3)));
    { auto gone = std::move(tx); }
    EXPECT_EQ(c.alive(), 1);
  }
  EXPECT_EQ(c.alive(), 0);
  {  // refused: comes back to the caller
    auto [tx, rx] = oneshot::channel<Tracked>();
    rx.close();
    auto r = tx.send(Tracked(c, 4));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().value(), 4);
    EXPECT_EQ(c.alive(), 1);
  }
  EXPECT_EQ(c.alive(), 0);
  {  // nothing sent
    auto [tx, rx] = oneshot::channel<Tracked>();
  }
  EXPECT_EQ(c.alive(), 0);
}

tokio::Task<void> send_tracked(oneshot::Sender<Tracked> tx, Counters* c, int v) {
  (void)tx.send(Tracked(*c, v));
  co_return;
}
tokio::Task<void> drop_after_yield(oneshot::Receiver<Tracked> rx) {
  co_await tokio::task::yield_now();
  (void)rx;
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, RacingSendAndDropDestroyEachValueOnce) {
  Counters c;
  for (int i = 0; i < 200; ++i) {
    auto [tx, rx] = oneshot::channel<Tracked>();
    auto a = tokio::spawn(send_tracked(std::move(tx), &c, i));
    auto b = tokio::spawn(drop_after_yield(std::move(rx)));
    co_await a;
    co_await b;
  }
  EXPECT_EQ(c.alive(), 0);
}

TOKIO_TEST(SyncOneshot, WakersAreReleasedWhenTheChannelGoesAway,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  // Both sides register a waker, then give up; dropping both handles must release the task
  // references the wakers hold (a leak here shows up under LeakSanitizer).
  auto [tx, rx] = oneshot::channel<int>();
  tokio::sync::Notify stop_rx, stop_tx;
  auto a = tokio::spawn(await_until_stopped(&rx, &stop_rx));
  auto b = tokio::spawn(closed_until_stopped(&tx, &stop_tx));
  co_await settle();
  stop_rx.notify_one();
  stop_tx.notify_one();
  EXPECT_EQ(co_await a, -2);
  EXPECT_EQ(co_await b, 1);
}

TOKIO_TEST(SyncOneshot, BlockingRecvFromAPlainThread,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto [tx, rx] = oneshot::channel<int>();
  auto h = tokio::task::spawn_blocking([r = std::move(rx)]() mutable {
    auto v = r.blocking_recv();
    return v ? *v : -1;
  });
  co_await settle();
  EXPECT_TRUE(tx.send(11));
  EXPECT_EQ(co_await h, 11);
}

TOKIO_TEST(SyncOneshot, BlockingRecvInsideTheRuntimeThrows) {
  auto [tx, rx] = oneshot::channel<int>();
  EXPECT_THROW((void)rx.blocking_recv(), std::logic_error);
  co_return;
}

TEST(SyncOneshot, BlockingRecvWithoutARuntime) {
  auto [tx, rx] = oneshot::channel<int>();
  std::thread t([t = std::move(tx)]() mutable { (void)t.send(5); });
  auto v = rx.blocking_recv();
  t.join();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 5);
}

tokio::Task<void> spin_ready_receives(bool* spun) {
  for (int i = 0; i < 1'000'000; ++i) {  // bounded: a failure must not hang
    auto [tx, rx] = oneshot::channel<int>();
    (void)tx.send(1);
    auto v = co_await rx;
    EXPECT_TRUE(v);
    *spun = true;
  }
}
tokio::Task<void> yield_once() {
  co_await tokio::task::yield_now();
}

tokio::Task<std::size_t> spin_against_yield(bool* spun) {
  auto r = co_await tokio::select_biased(spin_ready_receives(spun), yield_once());
  co_return r.index();
}

TOKIO_TEST(SyncOneshot, ReceiveIsCooperative) {
  // The first branch does not finish in time on its own: the select ends early only because
  // each completed receive consumes budget and the exhausted branch yields, letting
  // yield_once finish.
  bool spun = false;
  auto h = tokio::spawn(spin_against_yield(&spun));
  EXPECT_EQ(co_await h, 1u);
  EXPECT_TRUE(spun);
}

tokio::Task<void> pong(oneshot::Receiver<int> ping, oneshot::Sender<int> reply) {
  auto v = co_await ping;
  (void)reply.send(v ? *v + 1 : -1);
}

TOKIO_TEST_ALL_FLAVORS(SyncOneshot, PingPong) {
  for (int i = 0; i < 500; ++i) {
    auto [tx1, rx1] = oneshot::channel<int>();
    auto [tx2, rx2] = oneshot::channel<int>();
    auto partner = tokio::spawn(pong(std::move(rx1), std::move(tx2)));
    EXPECT_TRUE(tx1.send(i));
    auto v = co_await rx2;
    TOKIO_CO_ASSERT(v.has_value());
    EXPECT_EQ(*v, i + 1);
    co_await partner;
  }
}

TEST(SyncOneshot, OverAlignedValues) {
  struct alignas(64) Wide {
    int v;
  };
  auto [tx, rx] = oneshot::channel<Wide>();
  ASSERT_TRUE(tx.send(Wide{4}));
  auto v = rx.try_recv();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->v, 4);
}

// Regression: a closed() wait that is polled again after the same Sender sent (another branch
// of a join) completes instead of touching the released channel.
tokio::Task<int> wait_closed(oneshot::Sender<int>* tx) {
  auto closed = tx->closed();
  co_await closed;
  co_return 1;
}
tokio::Task<int> send_then_yield(oneshot::Sender<int>* tx) {
  co_await tokio::task::yield_now();  // the other branch is waiting by now
  EXPECT_TRUE(tx->send(5));
  co_await tokio::task::yield_now();  // re-polls the join, and with it the closed() wait
  co_return 2;
}
TOKIO_TEST_ALL_FLAVORS(SyncOneshot, ClosedWaitEndsWhenTheSenderSentMeanwhile) {
  auto [tx, rx] = oneshot::channel<int>();
  auto [a, b] = co_await tokio::join(wait_closed(&tx), send_then_yield(&tx));
  EXPECT_EQ(a + b, 3);
  EXPECT_EQ(*co_await rx, 5);
}

}  // namespace
