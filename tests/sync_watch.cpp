// tokio::sync::watch (after Tokio's sync_watch.rs).
#include "tokio/sync/watch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/tracked.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace watch = tokio::sync::watch;
using watch::RecvError;

using tokio_test::Counters;
using tokio_test::Tracked;

// Lets spawned tasks run until they are parked on what they await.
tokio::Task<void> settle() {
  for (int i = 0; i < 8; ++i)
    co_await tokio::task::yield_now();
}

tokio::Task<void> ready_now() {
  co_return;
}
template <class T>
tokio::Task<tokio::Result<void, RecvError>> changed_of(watch::Receiver<T>* rx) {
  co_return co_await rx->changed();
}

// Polls rx->changed() once, like Tokio's `spawn(rx.changed()).poll()`: nullopt when it is
// pending (the attempt is then cancelled, which marks nothing seen), else its outcome.
template <class T>
tokio::Task<std::optional<bool>> poll_changed(watch::Receiver<T>* rx) {
  auto r = co_await tokio::select_biased(changed_of(rx), ready_now());
  if (r.index() == 1) co_return std::nullopt;
  co_return std::get<0>(r).has_value();
}

TOKIO_TEST(SyncWatch, SingleReceiver) {
  auto [tx, rx] = watch::channel<std::string>("one");
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt) << "not initially notified";
  EXPECT_EQ(*rx.borrow(), "one");

  EXPECT_TRUE(tx.send("two"));
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true));
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt);
  EXPECT_EQ(*rx.borrow(), "two");

  { auto gone = std::move(tx); }
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(false));
  EXPECT_EQ(*rx.borrow(), "two");
}

TOKIO_TEST(SyncWatch, MultipleReceivers) {
  auto [tx, rx1] = watch::channel<std::string>("one");
  auto rx2 = rx1;
  EXPECT_EQ(co_await poll_changed(&rx1), std::nullopt);
  EXPECT_EQ(co_await poll_changed(&rx2), std::nullopt);

  EXPECT_TRUE(tx.send("two"));
  EXPECT_EQ(co_await poll_changed(&rx1), std::optional<bool>(true));
  EXPECT_EQ(*rx1.borrow(), "two");

  EXPECT_TRUE(tx.send("three"));
  EXPECT_EQ(co_await poll_changed(&rx1), std::optional<bool>(true));
  EXPECT_EQ(co_await poll_changed(&rx2), std::optional<bool>(true)) << "two sends, one change";
  EXPECT_EQ(co_await poll_changed(&rx2), std::nullopt);
  EXPECT_EQ(*rx2.borrow(), "three");

  EXPECT_TRUE(tx.send("four"));
  EXPECT_EQ(co_await poll_changed(&rx1), std::optional<bool>(true));
  EXPECT_EQ(co_await poll_changed(&rx2), std::optional<bool>(true));
  EXPECT_EQ(*rx1.borrow(), "four");
  EXPECT_EQ(*rx2.borrow(), "four");
}

tokio::Task<bool> await_changed(watch::Receiver<int> rx) {
  auto r = co_await rx.changed();
  co_return r.has_value();
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, SendWakesWaitingReceivers) {
  auto [tx, rx] = watch::channel<int>(0);
  std::vector<tokio::JoinHandle<bool>> handles;
  for (int i = 0; i < 8; ++i)
    handles.push_back(tokio::spawn(await_changed(rx)));
  co_await settle();
  EXPECT_TRUE(tx.send(1));
  for (auto& h : handles)
    EXPECT_TRUE(co_await h);
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, DroppingTheLastSenderWakesWaitingReceivers) {
  auto [tx, rx] = watch::channel<int>(0);
  auto h = tokio::spawn(await_changed(rx));
  co_await settle();
  { auto gone = std::move(tx); }
  EXPECT_FALSE(co_await h);
}

TOKIO_TEST(SyncWatch, ReceiverObservesTheFinalValue) {
  {
    auto [tx, rx] = watch::channel<std::string>("one");
    { auto gone = std::move(tx); }
    EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(false));
    EXPECT_EQ(*rx.borrow(), "one");
  }
  auto [tx, rx] = watch::channel<std::string>("one");
  EXPECT_TRUE(tx.send("two"));
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true));
  EXPECT_EQ(*rx.borrow(), "two");
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt);
  EXPECT_TRUE(tx.send("three"));
  { auto gone = std::move(tx); }
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true)) << "unseen value first";
  EXPECT_EQ(*rx.borrow(), "three");
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(false));
  EXPECT_EQ(*rx.borrow(), "three");
}

tokio::Task<void> closed_of(const watch::Sender<std::string>* tx) {
  co_await tx->closed();
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, ClosedCompletesWhenTheLastReceiverGoes) {
  auto [tx, rx] = watch::channel<std::string>("one");
  auto rx2 = rx;
  auto h = tokio::spawn(closed_of(&tx));
  co_await settle();
  { auto gone = std::move(rx); }
  co_await settle();
  EXPECT_FALSE(h.is_finished());
  { auto gone = std::move(rx2); }
  co_await h;
  EXPECT_TRUE(tx.is_closed());
  auto refused = tx.send("two");
  TOKIO_CO_ASSERT(!refused);
  EXPECT_EQ(refused.error().value, "two");
  EXPECT_EQ(*tx.borrow(), "one") << "a refused send stores nothing";
}

TOKIO_TEST(SyncWatch, BorrowAndUpdate) {
  auto [tx, rx] = watch::channel<std::string>("one");
  EXPECT_FALSE(*rx.has_changed());

  EXPECT_TRUE(tx.send("two"));
  EXPECT_TRUE(*rx.has_changed());
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true));
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt);
  EXPECT_FALSE(*rx.has_changed());

  EXPECT_TRUE(tx.send("three"));
  EXPECT_TRUE(*rx.has_changed());
  {
    auto r = rx.borrow_and_update();
    EXPECT_EQ(*r, "three");
    EXPECT_TRUE(r.has_changed());
  }
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt);
  EXPECT_FALSE(*rx.has_changed());

  { auto gone = std::move(tx); }
  {
    auto r = rx.borrow_and_update();
    EXPECT_EQ(*r, "three");
    EXPECT_FALSE(r.has_changed());
  }
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(false));
  EXPECT_FALSE(rx.has_changed());
}

TEST(SyncWatch, BorrowReportsWhetherTheValueIsUnseen) {
  auto [tx, rx] = watch::channel<int>(1);
  EXPECT_FALSE(rx.borrow().has_changed());
  ASSERT_TRUE(tx.send(2));
  EXPECT_TRUE(rx.borrow().has_changed());
  EXPECT_TRUE(rx.borrow().has_changed()) << "borrow() does not mark seen";
  EXPECT_EQ(*rx.borrow_and_update(), 2);
  EXPECT_FALSE(rx.borrow().has_changed());
  EXPECT_FALSE(tx.borrow().has_changed());
  EXPECT_EQ(*tx.borrow(), 2);
}

TEST(SyncWatch, ReopenedAfterSubscribe) {
  auto [tx, rx] = watch::channel<std::string>("one");
  EXPECT_FALSE(tx.is_closed());
  { auto gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  {
    auto again = tx.subscribe();
    EXPECT_FALSE(tx.is_closed());
    EXPECT_EQ(tx.receiver_count(), 1u);
    EXPECT_FALSE(*again.has_changed()) << "a subscriber has seen the current value";
  }
  EXPECT_TRUE(tx.is_closed());
}

TOKIO_TEST(SyncWatch, SendModifyThatThrowsNotifiesNobody) {
  auto [tx, rx] = watch::channel<std::string>("one");
  tx.send_modify([](std::string& v) { v = "two"; });
  EXPECT_EQ(*rx.borrow_and_update(), "two");
  auto rx2 = rx;
  EXPECT_EQ(*rx2.borrow_and_update(), "two");

  EXPECT_THROW(tx.send_modify([](std::string& v) {
    v = "thrown";
    throw std::runtime_error("modify failed");
  }),
               std::runtime_error);
  EXPECT_EQ(co_await poll_changed(&rx2), std::nullopt);
  EXPECT_EQ(*rx.borrow(), "thrown") << "the change stays, unannounced";

  tx.send_modify([](std::string& v) { v = "three"; });
  EXPECT_EQ(co_await poll_changed(&rx2), std::optional<bool>(true));
  EXPECT_EQ(*rx.borrow_and_update(), "three");
}

TEST(SyncWatch, SendIfModifiedAndSendReplace) {
  auto [tx, rx] = watch::channel<int>(1);
  auto inc_if_odd = [](int& v) {
    if (v % 2 == 0) return false;
    ++v;
    return true;
  };
  EXPECT_TRUE(tx.send_if_modified(inc_if_odd));
  EXPECT_TRUE(*rx.has_changed());
  EXPECT_EQ(*rx.borrow_and_update(), 2);
  EXPECT_FALSE(tx.send_if_modified(inc_if_odd));
  EXPECT_FALSE(*rx.has_changed());
  EXPECT_EQ(tx.send_replace(10), 2);
  EXPECT_TRUE(*rx.has_changed());
  EXPECT_EQ(*rx.borrow_and_update(), 10);
}

TEST(SyncWatch, SendWithoutReceiversFailsButTheOthersStore) {
  watch::Sender<int> tx(0);
  EXPECT_TRUE(tx.is_closed());
  auto refused = tx.send(3);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().value, 3);
  EXPECT_EQ(tx.send_replace(4), 0);
  tx.send_modify([](int& v) { v += 1; });
  auto rx = tx.subscribe();
  EXPECT_EQ(*rx.borrow(), 5);
  EXPECT_TRUE(tx.send(6));
  EXPECT_EQ(*rx.borrow(), 6);
}

TOKIO_TEST(SyncWatch, MultipleSenders) {
  auto [tx1, rx] = watch::channel<int>(0);
  auto tx2 = tx1;
  EXPECT_EQ(tx1.sender_count(), 2u);
  EXPECT_TRUE(tx1.same_channel(tx2));
  EXPECT_TRUE(tx1.send(1));
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true));
  EXPECT_TRUE(tx2.send(2));
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true));
  EXPECT_EQ(*rx.borrow(), 2);
  { auto gone = std::move(tx1); }
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt) << "one sender is left";
  EXPECT_TRUE(*rx.has_changed() == false);
  { auto gone = std::move(tx2); }
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(false));
}

TEST(SyncWatch, HasChangedErrorsOnceClosedEvenWithAnUnseenValue) {
  auto [tx, rx] = watch::channel<std::string>("A");
  ASSERT_TRUE(tx.send("B"));
  { auto gone = std::move(tx); }
  EXPECT_FALSE(rx.has_changed());
  EXPECT_EQ(rx.has_changed().error(), RecvError{});
}

TOKIO_TEST(SyncWatch, ChangedSucceedsOnAClosedChannelWithAnUnseenValue) {
  auto [tx, rx] = watch::channel<std::string>("A");
  EXPECT_TRUE(tx.send("B"));
  { auto gone = std::move(tx); }
  auto first = co_await rx.changed();
  EXPECT_TRUE(first);
  auto second = co_await rx.changed();
  EXPECT_FALSE(second);
}

TEST(SyncWatch, MarkChangedAndUnchanged) {
  auto [tx, rx] = watch::channel<int>(0);
  EXPECT_FALSE(*rx.has_changed());
  rx.mark_changed();
  EXPECT_TRUE(*rx.has_changed());
  EXPECT_TRUE(rx.borrow().has_changed());
  rx.mark_unchanged();
  EXPECT_FALSE(*rx.has_changed());
  ASSERT_TRUE(tx.send(1));
  EXPECT_TRUE(*rx.has_changed());
  rx.mark_unchanged();
  EXPECT_FALSE(*rx.has_changed());
  EXPECT_EQ(*rx.borrow(), 1);
}

TOKIO_TEST(SyncWatch, MarkChangedMakesChangedCompleteAtOnce) {
  auto [tx, rx] = watch::channel<int>(0);
  rx.mark_changed();
  EXPECT_EQ(co_await poll_changed(&rx), std::optional<bool>(true));
  EXPECT_EQ(co_await poll_changed(&rx), std::nullopt);
  (void)tx;
}

TEST(SyncWatch, SameChannelAndCounts) {
  auto [tx, rx] = watch::channel<int>(0);
  auto rx2 = rx;
  auto rx3 = tx.subscribe();
  EXPECT_TRUE(rx.same_channel(rx2));
  EXPECT_TRUE(rx.same_channel(rx3));
  EXPECT_EQ(tx.receiver_count(), 3u);
  auto [tx_other, rx_other] = watch::channel<int>(0);
  EXPECT_FALSE(rx.same_channel(rx_other));
  EXPECT_FALSE(tx.same_channel(tx_other));
  rx2 = rx_other;  // copy-assign: leaves the first channel, joins the other
  EXPECT_EQ(tx.receiver_count(), 2u);
  EXPECT_EQ(tx_other.receiver_count(), 2u);
}

tokio::Task<int> wait_for_at_least(watch::Receiver<int>* rx, int min) {
  auto pred = [min](int v) { return v >= min; };
  auto r = co_await rx->wait_for(pred);
  if (!r) co_return -1;
  EXPECT_TRUE(**r >= min);
  co_return **r;
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, WaitForAValue) {
  auto [tx, rx] = watch::channel<int>(0);
  auto h = tokio::spawn(wait_for_at_least(&rx, 3));
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(tx.send(i));
    co_await tokio::task::yield_now();
  }
  EXPECT_GE(co_await h, 3);
}

TOKIO_TEST(SyncWatch, WaitForChecksTheCurrentValueEvenIfSeen) {
  auto [tx, rx] = watch::channel<int>(7);
  auto pred = [](int v) { return v == 7; };
  auto r = co_await rx.wait_for(pred);
  TOKIO_CO_ASSERT(r.has_value());
  EXPECT_EQ(**r, 7);
  EXPECT_FALSE(r->has_changed());
  (void)tx;
}

TOKIO_TEST(SyncWatch, WaitForOnAClosedChannel) {
  {
    auto [tx, rx] = watch::channel<int>(0);
    EXPECT_TRUE(tx.send(5));
    { auto gone = std::move(tx); }
    EXPECT_EQ(co_await wait_for_at_least(&rx, 5), 5) << "the last value is still checked";
  }
  {
    auto [tx, rx] = watch::channel<int>(0);
    EXPECT_TRUE(tx.send(1));
    { auto gone = std::move(tx); }
    EXPECT_EQ(co_await wait_for_at_least(&rx, 5), -1);
  }
}

tokio::Task<int> yield_send_and_finish(watch::Sender<int>* tx, int v) {
  co_await tokio::task::yield_now();
  tx->send_replace(v);
  co_return 0;
}
tokio::Task<int> changed_value(watch::Receiver<int>* rx) {
  auto r = co_await rx->changed();
  co_return r ? 1 : -1;
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, ChangedLosingASelectMarksNothingSeen) {
  auto [tx, rx] = watch::channel<int>(0);
  // changed() registers its waiter, then loses to a branch that sends and finishes.
  auto r = co_await tokio::select_biased(yield_send_and_finish(&tx, 1), changed_value(&rx));
  EXPECT_EQ(r.index(), 0u);
  EXPECT_TRUE(*rx.has_changed()) << "the lost changed() marked the new value seen";
  auto again = co_await rx.changed();
  EXPECT_TRUE(again);
  EXPECT_EQ(*rx.borrow(), 1);
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, AbortingAWaitingReceiverLeavesTheChannelUsable) {
  auto [tx, rx] = watch::channel<int>(0);
  auto h = tokio::spawn(await_changed(rx));
  co_await settle();
  h.abort();
  bool cancelled = false;
  try {
    (void)co_await h;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(tx.receiver_count(), 1u);
  EXPECT_TRUE(tx.send(1));
  auto c = co_await rx.changed();
  EXPECT_TRUE(c);
}

TEST(SyncWatch, ValuesAreDestroyedExactlyOnce) {
  Counters c;
  {
    auto [tx, rx] = watch::channel<Tracked>(Tracked(c, 0));
    ASSERT_TRUE(tx.send(Tracked(c, 1)));
    tx.send_modify([&](Tracked& t) { t = Tracked(c, 2); });
    {
      auto old = tx.send_replace(Tracked(c, 3));
      EXPECT_EQ(old.value(), 2);
    }
    EXPECT_EQ(c.alive(), 1);
    { auto gone = std::move(rx); }
    auto refused = tx.send(Tracked(c, 4));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().value.value(), 4);
    EXPECT_EQ(tx.borrow()->value(), 3);
  }
  EXPECT_EQ(c.alive(), 0);
}

// --- Cooperative scheduling: each loop below would never end without the budget. -------------

tokio::Task<void> spin_changed_closed(watch::Receiver<int>* rx) {
  for (int i = 0; i < 1'000'000; ++i) {
    auto r = co_await rx->changed();
    EXPECT_FALSE(r);
  }
}
tokio::Task<void> spin_changed_ok(watch::Sender<int>* tx, watch::Receiver<int>* rx) {
  for (int i = 0; i < 1'000'000; ++i) {
    tx->send_modify([](int& v) { ++v; });
    auto r = co_await rx->changed();
    EXPECT_TRUE(r);
  }
}
tokio::Task<void> spin_wait_for_closed(watch::Receiver<int>* rx) {
  auto never = [](int) { return false; };
  for (int i = 0; i < 1'000'000; ++i) {
    auto r = co_await rx->wait_for(never);
    EXPECT_FALSE(r);
  }
}
tokio::Task<void> spin_sender_closed(watch::Sender<int>* tx) {
  for (int i = 0; i < 1'000'000; ++i)
    co_await tx->closed();
}
tokio::Task<void> yield_once() {
  co_await tokio::task::yield_now();
}
tokio::Task<std::size_t> against_yield(tokio::Task<void> spinner) {
  auto r = co_await tokio::select_biased(std::move(spinner), yield_once());
  co_return r.index();
}

TOKIO_TEST(SyncWatch, ReceiverChangedIsCooperative) {
  auto [tx, rx] = watch::channel<int>(0);
  { auto gone = std::move(tx); }
  auto h = tokio::spawn(against_yield(spin_changed_closed(&rx)));
  EXPECT_EQ(co_await h, 1u);
}

TOKIO_TEST(SyncWatch, ReceiverChangedIsCooperativeWhenValuesArrive) {
  auto [tx, rx] = watch::channel<int>(0);
  auto h = tokio::spawn(against_yield(spin_changed_ok(&tx, &rx)));
  EXPECT_EQ(co_await h, 1u);
}

TOKIO_TEST(SyncWatch, ReceiverWaitForIsCooperative) {
  auto [tx, rx] = watch::channel<int>(0);
  { auto gone = std::move(tx); }
  auto h = tokio::spawn(against_yield(spin_wait_for_closed(&rx)));
  EXPECT_EQ(co_await h, 1u);
}

TOKIO_TEST(SyncWatch, SenderClosedIsCooperative) {
  auto [tx, rx] = watch::channel<int>(0);
  { auto gone = std::move(rx); }
  auto h = tokio::spawn(against_yield(spin_sender_closed(&tx)));
  EXPECT_EQ(co_await h, 1u);
}

// --- Many receivers on several threads see a monotone sequence ending at the final value. ---

tokio::Task<int> follow_to(watch::Receiver<int> rx, int last) {
  int seen = *rx.borrow_and_update();
  int observations = 0;
  while (seen != last) {
    auto r = co_await rx.changed();
    if (!r) co_return -1;
    const int now = *rx.borrow_and_update();
    EXPECT_GT(now, seen) << "values go backwards";
    seen = now;
    ++observations;
  }
  co_return observations;
}

TOKIO_TEST_ALL_FLAVORS(SyncWatch, ReceiversFollowACounter) {
  constexpr int kLast = 300;
  auto [tx, rx] = watch::channel<int>(0);
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 6; ++i)
    handles.push_back(tokio::spawn(follow_to(rx, kLast)));
  for (int i = 1; i <= kLast; ++i) {
    tx.send_modify([](int& v) { ++v; });
    if (i % 7 == 0) co_await tokio::task::yield_now();
  }
  for (auto& h : handles) {
    const int n = co_await h;
    EXPECT_GE(n, 0);
  }
}

}  // namespace
