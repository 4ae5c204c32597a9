// tokio::sync::broadcast (after Tokio's sync_broadcast.rs).
#include "tokio/sync/broadcast.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/tracked.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace broadcast = tokio::sync::broadcast;
using broadcast::RecvError;
using broadcast::TryRecvError;

using tokio_test::Counters;
using tokio_test::Tracked;

template <class T>
T expect_recv(broadcast::Receiver<T>& rx) {
  auto r = rx.try_recv();
  if (!r) {
    ADD_FAILURE() << "expected a value, got " << r.error().what();
    return T{};
  }
  return std::move(*r);
}
template <class T>
void expect_empty(broadcast::Receiver<T>& rx) {
  auto r = rx.try_recv();
  if (r) {
    ADD_FAILURE() << "expected empty, got a value";
    return;
  }
  EXPECT_EQ(r.error(), TryRecvError::empty());
}
template <class T>
void expect_lagged(broadcast::Receiver<T>& rx, std::uint64_t n) {
  auto r = rx.try_recv();
  if (r) {
    ADD_FAILURE() << "expected lagged, got a value";
    return;
  }
  EXPECT_EQ(r.error(), TryRecvError::lagged(n));
}
template <class T>
void expect_closed(broadcast::Receiver<T>& rx) {
  auto r = rx.try_recv();
  if (r) {
    ADD_FAILURE() << "expected closed, got a value";
    return;
  }
  EXPECT_EQ(r.error(), TryRecvError::closed());
}

// Lets spawned tasks run until they are parked on what they await.
tokio::Task<void> settle() {
  for (int i = 0; i < 8; ++i)
    co_await tokio::task::yield_now();
}

TEST(SyncBroadcast, SendTryRecv) {
  auto [tx, rx] = broadcast::channel<std::string>(16);
  expect_empty(rx);
  auto n = tx.send("hello");
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(expect_recv(rx), "hello");
  expect_empty(rx);
}

TEST(SyncBroadcast, SendReachesTwoReceivers) {
  auto [tx, rx1] = broadcast::channel<std::string>(16);
  auto rx2 = tx.subscribe();
  expect_empty(rx1);
  expect_empty(rx2);
  auto n = tx.send("hello");
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(expect_recv(rx1), "hello");
  EXPECT_EQ(expect_recv(rx2), "hello");
  expect_empty(rx1);
  expect_empty(rx2);
}

tokio::Task<std::string> recv_one(broadcast::Receiver<std::string>* rx) {
  auto r = co_await rx->recv();
  co_return r ? *r : std::string("error: ") + r.error().what();
}

TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, SendWakesWaitingReceivers) {
  auto [tx, rx1] = broadcast::channel<std::string>(16);
  auto rx2 = tx.subscribe();
  auto h1 = tokio::spawn(recv_one(&rx1));
  auto h2 = tokio::spawn(recv_one(&rx2));
  co_await settle();
  EXPECT_TRUE(tx.send("hello"));
  EXPECT_EQ(co_await h1, "hello");
  EXPECT_EQ(co_await h2, "hello");
  // Again, with only the first receiver waiting.
  auto h3 = tokio::spawn(recv_one(&rx1));
  co_await settle();
  EXPECT_TRUE(tx.send("world"));
  EXPECT_EQ(co_await h3, "world");
  EXPECT_EQ(co_await recv_one(&rx2), "world");
}

// More waiting receivers than one WakeList batch: the sender wakes them in several batches.
TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, SendWakesMoreReceiversThanOneBatch) {
  constexpr std::size_t kReceivers = 100;
  auto [tx, rx] = broadcast::channel<std::string>(4);
  std::vector<broadcast::Receiver<std::string>> receivers;
  for (std::size_t i = 0; i < kReceivers; ++i)
    receivers.push_back(tx.subscribe());
  std::vector<tokio::JoinHandle<std::string>> handles;
  for (auto& r : receivers)
    handles.push_back(tokio::spawn(recv_one(&r)));
  co_await settle();
  EXPECT_TRUE(tx.send("all"));
  for (auto& h : handles)
    EXPECT_EQ(co_await h, "all");
}

TOKIO_TEST(SyncBroadcast, SlowReceiverGetsEverythingInOrder) {
  auto [tx, rx1] = broadcast::channel<std::string>(16);
  auto rx2 = tx.subscribe();
  auto waiting2 = tokio::spawn(recv_one(&rx2));
  co_await settle();
  EXPECT_TRUE(tx.send("one"));
  EXPECT_TRUE(tx.send("two"));
  EXPECT_EQ(co_await recv_one(&rx1), "one");
  EXPECT_EQ(co_await recv_one(&rx1), "two");
  EXPECT_TRUE(tx.send("three"));
  EXPECT_EQ(co_await recv_one(&rx1), "three");
  EXPECT_EQ(co_await waiting2, "one");
  EXPECT_EQ(expect_recv(rx2), "two");
  EXPECT_EQ(expect_recv(rx2), "three");
}

TEST(SyncBroadcast, DropReceiversWhileValuesRemain) {
  auto [tx, rx1] = broadcast::channel<std::string>(16);
  auto rx2 = tx.subscribe();
  ASSERT_TRUE(tx.send("one"));
  ASSERT_TRUE(tx.send("two"));
  expect_recv(rx1);
  expect_recv(rx2);
  { auto gone = std::move(rx2); }
  { auto gone = std::move(rx1); }
  EXPECT_EQ(tx.len(), 0u);
}

TEST(SyncBroadcast, LaggingReceiver) {
  auto [tx, rx1] = broadcast::channel<std::string>(2);
  auto rx2 = tx.subscribe();
  ASSERT_TRUE(tx.send("one"));
  ASSERT_TRUE(tx.send("two"));
  EXPECT_EQ(expect_recv(rx1), "one");
  ASSERT_TRUE(tx.send("three"));
  expect_lagged(rx2, 1);  // "one" was overwritten
  EXPECT_EQ(expect_recv(rx2), "two");
  EXPECT_EQ(expect_recv(rx1), "two");
  EXPECT_EQ(expect_recv(rx1), "three");
  ASSERT_TRUE(tx.send("four"));
  ASSERT_TRUE(tx.send("five"));
  expect_lagged(rx2, 1);
  ASSERT_TRUE(tx.send("six"));
  expect_lagged(rx2, 1);
}

TEST(SyncBroadcast, SendWithoutReceiversGivesTheValueBack) {
  auto [tx, rx] = broadcast::channel<std::string>(16);
  { auto gone = std::move(rx); }
  auto refused = tx.send("hello");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().value, "hello");
  auto rx2 = tx.subscribe();
  ASSERT_TRUE(tx.send("world"));
  EXPECT_EQ(expect_recv(rx2), "world");
}

TEST(SyncBroadcast, CapacityChecks) {
  EXPECT_THROW((void)broadcast::channel<int>(0), std::invalid_argument);
  EXPECT_THROW((void)broadcast::channel<int>(1 + (SIZE_MAX >> 1)), std::invalid_argument);
  EXPECT_THROW(broadcast::Sender<int>(0), std::invalid_argument);
}

TEST(SyncBroadcast, CapacityIsRoundedUpToAPowerOfTwo) {
  auto [tx, rx] = broadcast::channel<int>(3);  // keeps 4
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(tx.send(i));
  EXPECT_EQ(tx.len(), 4u);
  EXPECT_EQ(expect_recv(rx), 0);
  for (int i = 4; i < 9; ++i)
    ASSERT_TRUE(tx.send(i));
  expect_lagged(rx, 4);  // 1..4 overwritten
  for (int i = 5; i < 9; ++i)
    EXPECT_EQ(expect_recv(rx), i);
  expect_empty(rx);
}

struct ThrowOnZeroCopy {
  int v;
  explicit ThrowOnZeroCopy(int x) : v(x) {}
  ThrowOnZeroCopy(const ThrowOnZeroCopy& o) : v(o.v) {
    if (v == 0) throw std::runtime_error("copy of 0");
  }
  ThrowOnZeroCopy(ThrowOnZeroCopy&& o) noexcept : v(o.v) {}
  ThrowOnZeroCopy() : v(-1) {}
};

TEST(SyncBroadcast, AThrowingCopySkipsThatValue) {
  auto [tx, rx] = broadcast::channel<ThrowOnZeroCopy>(16);
  auto other = tx.subscribe();  // so that rx copies instead of taking the last reference
  ASSERT_TRUE(tx.send(ThrowOnZeroCopy(0)));
  ASSERT_TRUE(tx.send(ThrowOnZeroCopy(1)));
  EXPECT_THROW((void)rx.try_recv(), std::runtime_error);
  EXPECT_EQ(expect_recv(rx).v, 1);
  EXPECT_EQ(expect_recv(other).v, 0) << "the last reader gets the value moved, no copy";
}

tokio::Task<bool> recv_is_closed(broadcast::Receiver<int>* rx) {
  auto r = co_await rx->recv();
  co_return !r && r.error() == RecvError::closed();
}

TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, DroppingTheLastSenderWakesReceivers) {
  auto [tx, rx1] = broadcast::channel<int>(16);
  auto rx2 = tx.subscribe();
  auto tx2 = tx;
  EXPECT_EQ(tx.sender_count(), 2u);
  auto h1 = tokio::spawn(recv_is_closed(&rx1));
  auto h2 = tokio::spawn(recv_is_closed(&rx2));
  co_await settle();
  { auto gone = std::move(tx); }
  co_await settle();
  EXPECT_FALSE(h1.is_finished());
  EXPECT_FALSE(rx1.is_closed());
  { auto gone = std::move(tx2); }
  EXPECT_TRUE(co_await h1);
  EXPECT_TRUE(co_await h2);
  EXPECT_TRUE(rx1.is_closed());
}

TEST(SyncBroadcast, UnreadValuesAreDroppedWithTheReceiver) {
  auto [tx, rx] = broadcast::channel<std::shared_ptr<int>>(16);
  auto msg = std::make_shared<int>(1);
  ASSERT_TRUE(tx.send(msg));
  EXPECT_EQ(msg.use_count(), 2);
  { auto gone = std::move(rx); }
  EXPECT_EQ(msg.use_count(), 1);
}

TEST(SyncBroadcast, SingleCapacity) {
  {
    auto [tx, rx] = broadcast::channel<int>(1);
    ASSERT_TRUE(tx.send(1));
    EXPECT_EQ(expect_recv(rx), 1);
    expect_empty(rx);
  }
  {
    auto [tx, rx] = broadcast::channel<int>(1);
    ASSERT_TRUE(tx.send(1));
    { auto gone = std::move(tx); }
    EXPECT_EQ(expect_recv(rx), 1);
    expect_closed(rx);
  }
  {
    auto [tx, rx] = broadcast::channel<int>(1);
    ASSERT_TRUE(tx.send(1));
    ASSERT_TRUE(tx.send(2));
    { auto gone = std::move(tx); }
    expect_lagged(rx, 1);
    EXPECT_EQ(expect_recv(rx), 2);
    expect_closed(rx);
  }
}

TEST(SyncBroadcast, DroppingTheSenderKeepsTheValues) {
  auto [tx, rx] = broadcast::channel<int>(2);
  ASSERT_TRUE(tx.send(1));
  ASSERT_TRUE(tx.send(2));
  { auto gone = std::move(tx); }
  EXPECT_EQ(expect_recv(rx), 1);
  EXPECT_EQ(expect_recv(rx), 2);
  expect_closed(rx);
}

TEST(SyncBroadcast, LaggingReceiverRecoversAfterWrap) {
  {
    auto [tx, rx] = broadcast::channel<int>(2);
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE(tx.send(i));
    { auto gone = std::move(tx); }
    expect_lagged(rx, 1);
    EXPECT_EQ(expect_recv(rx), 2);
    EXPECT_EQ(expect_recv(rx), 3);
    expect_closed(rx);
  }
  {
    auto [tx, rx] = broadcast::channel<int>(2);
    for (int i = 1; i <= 4; ++i)
      ASSERT_TRUE(tx.send(i));
    { auto gone = std::move(tx); }
    expect_lagged(rx, 2);
    EXPECT_EQ(expect_recv(rx), 3);
    EXPECT_EQ(expect_recv(rx), 4);
    expect_closed(rx);
  }
  {
    auto [tx, rx] = broadcast::channel<int>(2);
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE(tx.send(i));
    expect_lagged(rx, 1);
    EXPECT_EQ(expect_recv(rx), 2);
    EXPECT_EQ(expect_recv(rx), 3);
    expect_empty(rx);
  }
}

TEST(SyncBroadcast, ReceiverLenCountsLaggedValues) {
  auto [tx, rx] = broadcast::channel<int>(3);
  for (int v : {10, 20, 30, 40})
    ASSERT_TRUE(tx.send(v));
  EXPECT_EQ(rx.len(), 4u);
  EXPECT_EQ(expect_recv(rx), 10);
  ASSERT_TRUE(tx.send(50));
  ASSERT_TRUE(tx.send(60));
  EXPECT_EQ(rx.len(), 5u);
  EXPECT_FALSE(rx.is_empty());
  expect_lagged(rx, 1);
}

TEST(SyncBroadcast, ResubscribeStartsAtTheTail) {
  auto [tx, rx] = broadcast::channel<int>(3);
  ASSERT_TRUE(tx.send(1));
  auto resub = rx.resubscribe();
  EXPECT_TRUE(resub.same_channel(rx));
  expect_empty(resub);
  EXPECT_EQ(expect_recv(rx), 1);
  ASSERT_TRUE(tx.send(2));
  EXPECT_EQ(expect_recv(resub), 2);
  ASSERT_TRUE(tx.send(3));
  EXPECT_EQ(expect_recv(rx), 2);
  EXPECT_EQ(expect_recv(rx), 3);
  expect_empty(rx);
  EXPECT_EQ(expect_recv(resub), 3);
  expect_empty(resub);
}

TEST(SyncBroadcast, ResubscribeWhileLagged) {
  auto [tx, rx] = broadcast::channel<int>(1);
  ASSERT_TRUE(tx.send(1));
  ASSERT_TRUE(tx.send(2));
  auto resub = rx.resubscribe();
  expect_lagged(rx, 1);
  expect_empty(resub);
  EXPECT_EQ(expect_recv(rx), 2);
  expect_empty(rx);
  expect_empty(resub);
}

TEST(SyncBroadcast, ResubscribeToAClosedChannel) {
  auto [tx, rx] = broadcast::channel<std::uint32_t>(2);
  { auto gone = std::move(tx); }
  auto resub = rx.resubscribe();
  expect_closed(resub);
}

TEST(SyncBroadcast, SenderLen) {
  auto [tx, rx1] = broadcast::channel<int>(4);
  auto rx2 = tx.subscribe();
  EXPECT_EQ(tx.len(), 0u);
  EXPECT_TRUE(tx.is_empty());
  for (int v : {1, 2, 3})
    ASSERT_TRUE(tx.send(v));
  EXPECT_EQ(tx.len(), 3u);
  EXPECT_FALSE(tx.is_empty());
  expect_recv(rx1);
  expect_recv(rx1);
  EXPECT_EQ(tx.len(), 3u);
  expect_recv(rx2);
  EXPECT_EQ(tx.len(), 2u);
  for (int v : {4, 5, 6})
    ASSERT_TRUE(tx.send(v));
  EXPECT_EQ(tx.len(), 4u);
}

TEST(SyncBroadcast, SenderLenMatchesTheSlowestReceiver) {
  auto [tx, rx1] = broadcast::channel<int>(16);
  auto rx2 = tx.subscribe();
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    switch (rng() % 4) {
      case 0:
        (void)rx1.try_recv();
        break;
      case 1:
        (void)rx2.try_recv();
        break;
      default:
        ASSERT_TRUE(tx.send(0));
    }
    const std::size_t expected = std::min<std::size_t>(std::max(rx1.len(), rx2.len()), 16);
    ASSERT_EQ(tx.len(), expected);
  }
}

tokio::Task<void> spin_send_recv(broadcast::Sender<int>* tx, broadcast::Receiver<int>* rx) {
  for (int i = 0; i < 1'000'000; ++i) {  // bounded: a failure must not hang
    EXPECT_TRUE(tx->send(i));
    auto r = co_await rx->recv();
    EXPECT_TRUE(r);
  }
}
tokio::Task<void> yield_once() {
  co_await tokio::task::yield_now();
}
tokio::Task<std::size_t> spin_against_yield(broadcast::Sender<int>* tx,
                                            broadcast::Receiver<int>* rx) {
  auto r = co_await tokio::select_biased(spin_send_recv(tx, rx), yield_once());
  co_return r.index();
}

TOKIO_TEST(SyncBroadcast, RecvIsCooperative) {
  auto [tx, rx] = broadcast::channel<int>(8);
  auto h = tokio::spawn(spin_against_yield(&tx, &rx));
  EXPECT_EQ(co_await h, 1u);
}

tokio::Task<void> closed_of(const broadcast::Sender<int>* tx) {
  co_await tx->closed();
}

TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, SenderClosed) {
  auto [tx, rx] = broadcast::channel<int>(1);
  auto rx2 = tx.subscribe();
  auto h = tokio::spawn(closed_of(&tx));
  co_await settle();
  { auto gone = std::move(rx); }
  co_await settle();
  EXPECT_FALSE(h.is_finished());
  { auto gone = std::move(rx2); }
  co_await h;
  EXPECT_TRUE(tx.is_closed());
  co_await tx.closed();  // ready at once
  auto rx4 = tx.subscribe();
  auto h2 = tokio::spawn(closed_of(&tx));
  co_await settle();
  EXPECT_FALSE(h2.is_finished());
  { auto gone = std::move(rx4); }
  co_await h2;
}

TOKIO_TEST(SyncBroadcast, ClosedWaitsAgainForASubscriberMadeMeanwhile) {
  auto [tx, rx] = broadcast::channel<int>(1);
  auto h = tokio::spawn(closed_of(&tx));
  co_await settle();
  { auto gone = std::move(rx); }  // wakes the waiter...
  auto rx3 = tx.subscribe();      // ...which finds a receiver again when it runs
  co_await settle();
  EXPECT_FALSE(h.is_finished());
  { auto gone = std::move(rx3); }
  co_await h;
}

tokio::Task<int> recv_int(broadcast::Receiver<int>* rx) {
  auto r = co_await rx->recv();
  co_return r ? *r : -1;
}
tokio::Task<int> yield_send_and_finish(broadcast::Sender<int>* tx, int v) {
  co_await tokio::task::yield_now();
  EXPECT_TRUE(tx->send(v));
  co_return 0;
}
tokio::Task<int> send_and_finish(broadcast::Sender<int>* tx, int v) {
  EXPECT_TRUE(tx->send(v));
  co_return 0;
}

TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, ARecvLosingASelectLosesNoValue) {
  auto [tx, rx] = broadcast::channel<int>(4);
  {  // registered, then lost
    auto r = co_await tokio::select_biased(yield_send_and_finish(&tx, 1), recv_int(&rx));
    EXPECT_EQ(r.index(), 0u);
  }
  {  // never polled after the value arrived
    auto r = co_await tokio::select_biased(send_and_finish(&tx, 2), recv_int(&rx));
    EXPECT_EQ(r.index(), 0u);
  }
  EXPECT_EQ(rx.len(), 2u);
  EXPECT_EQ(co_await recv_int(&rx), 1);
  EXPECT_EQ(co_await recv_int(&rx), 2);
}

tokio::Task<int> hold_and_recv(broadcast::Receiver<int> rx) {
  auto r = co_await rx.recv();
  co_return r ? *r : -1;
}

TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, AbortingAWaitingReceiverUnsubscribesIt) {
  auto [tx, rx] = broadcast::channel<int>(4);
  auto h = tokio::spawn(hold_and_recv(tx.subscribe()));
  co_await settle();
  EXPECT_EQ(tx.receiver_count(), 2u);
  h.abort();
  bool cancelled = false;
  try {
    (void)co_await h;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(tx.receiver_count(), 1u);
  auto n = tx.send(5);
  EXPECT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(co_await recv_int(&rx), 5);
}

TEST(SyncBroadcast, ValuesAreDestroyedExactlyOnce) {
  Counters c;
  {
    auto [tx, rx1] = broadcast::channel<Tracked>(2);
    auto rx2 = tx.subscribe();
    ASSERT_TRUE(tx.send(Tracked(c, 1)));
    EXPECT_EQ(c.alive(), 1);
    {
      auto a = rx1.try_recv();  // a copy; the slot still holds it for rx2
      EXPECT_EQ(c.alive(), 2);
    }
    {
      auto b = rx2.try_recv();  // the last reader: moved out, slot emptied
      EXPECT_EQ(b->value(), 1);
    }
    EXPECT_EQ(c.alive(), 0);
    // Overwritten while rx2 lags.
    for (int i = 2; i <= 4; ++i)
      ASSERT_TRUE(tx.send(Tracked(c, i)));
    EXPECT_EQ(c.alive(), 2) << "only the last two are kept";
    {
      auto lag = rx2.try_recv();
      ASSERT_FALSE(lag);
      EXPECT_EQ(lag.error(), TryRecvError::lagged(1));
    }
    // rx1 goes away without reading: the values stay, rx2 still needs them.
    { auto gone = std::move(rx1); }
    EXPECT_EQ(c.alive(), 2);
    { auto v = rx2.try_recv(); }
    EXPECT_EQ(c.alive(), 1);
    ASSERT_TRUE(tx.send(Tracked(c, 5)));
    EXPECT_EQ(c.alive(), 2);
    // A refused send hands the value back.
    { auto gone = std::move(rx2); }
    EXPECT_EQ(c.alive(), 0);
    auto refused = tx.send(Tracked(c, 6));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().value.value(), 6);
  }
  EXPECT_EQ(c.alive(), 0);
  {  // the channel goes away with values in it
    auto [tx, rx] = broadcast::channel<Tracked>(4);
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(tx.send(Tracked(c, i)));
    EXPECT_EQ(c.alive(), 3);
  }
  EXPECT_EQ(c.alive(), 0);
}

TOKIO_TEST(SyncBroadcast, BlockingRecvFromAPlainThread,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto [tx, rx] = broadcast::channel<int>(4);
  auto h = tokio::task::spawn_blocking([r = std::move(rx)]() mutable {
    auto v = r.blocking_recv();
    return v ? *v : -1;
  });
  co_await settle();
  EXPECT_TRUE(tx.send(11));
  EXPECT_EQ(co_await h, 11);
}

TOKIO_TEST(SyncBroadcast, BlockingRecvInsideTheRuntimeThrows) {
  auto [tx, rx] = broadcast::channel<int>(4);
  EXPECT_THROW((void)rx.blocking_recv(), std::logic_error);
  co_return;
}

TEST(SyncBroadcast, BlockingRecvWithoutARuntime) {
  auto [tx, rx] = broadcast::channel<int>(4);
  std::thread t([s = std::move(tx)]() mutable { (void)s.send(5); });
  auto v = rx.blocking_recv();
  t.join();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 5);
  auto closed = rx.blocking_recv();
  ASSERT_FALSE(closed);
  EXPECT_TRUE(closed.error().is_closed());
}

// Every receiver counts every value, in order, across threads.
tokio::Task<long> sum_until_closed(broadcast::Receiver<int> rx, int expected_count) {
  long sum = 0;
  int count = 0;
  int last = -1;
  for (;;) {
    auto r = co_await rx.recv();
    if (!r) {
      EXPECT_TRUE(r.error().is_closed()) << "no lag expected with a large enough buffer";
      break;
    }
    EXPECT_EQ(*r, last + 1);
    last = *r;
    sum += *r;
    ++count;
  }
  EXPECT_EQ(count, expected_count);
  co_return sum;
}
tokio::Task<void> produce(broadcast::Sender<int> tx, int n) {
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(tx.send(i));
    if (i % 16 == 0) co_await tokio::task::yield_now();
  }
}

TOKIO_TEST_ALL_FLAVORS(SyncBroadcast, ReceiversSeeEveryValue) {
  constexpr int kValues = 500;
  auto [tx, rx] = broadcast::channel<int>(1024);
  std::vector<tokio::JoinHandle<long>> handles;
  for (int i = 0; i < 4; ++i)
    handles.push_back(tokio::spawn(sum_until_closed(tx.subscribe(), kValues)));
  handles.push_back(tokio::spawn(sum_until_closed(std::move(rx), kValues)));
  auto producer = tokio::spawn(produce(std::move(tx), kValues));
  co_await producer;
  for (auto& h : handles)
    EXPECT_EQ(co_await h, long{kValues} * (kValues - 1) / 2);
}

}  // namespace
