// Stress tests for the oneshot, watch and broadcast channels on a multi-thread runtime:
// hand-overs racing across workers, every value accounted for end to end, and cancellation
// storms (select losers, JoinHandle::abort) that must lose no value and leave no waiter behind.
// Sized to finish quickly in debug builds and under TSan; they assert invariants, never
// timings.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "support/tracked.hpp"
#include "tokio/sync/broadcast.hpp"
#include "tokio/sync/oneshot.hpp"
#include "tokio/sync/watch.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace oneshot = tokio::sync::oneshot;
namespace watch = tokio::sync::watch;
namespace broadcast = tokio::sync::broadcast;

constexpr auto kMulti = tokio::runtime::RuntimeFlavor::MultiThread;

struct Rng {
  std::uint32_t s;
  explicit Rng(std::uint32_t seed) : s(seed * 2654435761u + 1) {}
  std::uint32_t next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
};

using tokio_test::Counters;
using tokio_test::Tracked;

tokio::Task<void> yield_once() {
  co_await tokio::task::yield_now();
}

// ---- oneshot ---------------------------------------------------------------------------------

tokio::Task<void> pong(oneshot::Receiver<int> ping, oneshot::Sender<int> reply) {
  auto v = co_await ping;
  if (v) (void)reply.send(*v + 1);
}

tokio::Task<long> ping_pong_rounds(int rounds, int base) {
  long sum = 0;
  for (int i = 0; i < rounds; ++i) {
    auto [tx1, rx1] = oneshot::channel<int>();
    auto [tx2, rx2] = oneshot::channel<int>();
    auto partner = tokio::spawn(pong(std::move(rx1), std::move(tx2)));
    EXPECT_TRUE(tx1.send(base + i));
    auto v = co_await rx2;
    EXPECT_TRUE(v.has_value());
    if (v) {
      EXPECT_EQ(*v, base + i + 1);
      sum += *v;
    }
    co_await partner;
  }
  co_return sum;
}

TOKIO_TEST(StressSyncChannels, OneshotPingPongAcrossWorkers, .flavor = kMulti,
           .worker_threads = 4) {
  constexpr int kDrivers = 8;
  constexpr int kRounds = 1000;
  std::vector<tokio::JoinHandle<long>> drivers;
  for (int d = 0; d < kDrivers; ++d)
    drivers.push_back(tokio::spawn(ping_pong_rounds(kRounds, d * kRounds)));
  long total = 0;
  for (auto& h : drivers)
    total += co_await h;
  const long n = long{kDrivers} * kRounds;
  EXPECT_EQ(total, n * (n + 1) / 2);
}

// Each side picks one of its possible moves at random; whatever the interleaving, the value is
// destroyed exactly once and the outcomes agree.
struct OneshotOutcome {
  std::atomic<int> sent{0};      // send succeeded
  std::atomic<int> refused{0};   // send gave the value back
  std::atomic<int> received{0};  // the receiver got the value
  std::atomic<int> recv_errors{0};
};

tokio::Task<void> oneshot_sender_side(oneshot::Sender<Tracked> tx, Counters* c, OneshotOutcome* o,
                                      std::uint32_t choice) {
  switch (choice % 3) {
    case 0:
      break;  // dropped without sending
    case 1:
      co_await tokio::task::yield_now();
      [[fallthrough]];
    default: {
      auto r = tx.send(Tracked(*c, 7));
      if (r) {
        o->sent.fetch_add(1);
      } else {
        EXPECT_EQ(r.error().value(), 7);
        o->refused.fetch_add(1);
      }
    }
  }
}
// (int rather than bool: GCC 12 -O2 reports a false maybe-uninitialized in select<void, bool>.)
tokio::Task<int> await_tracked(oneshot::Receiver<Tracked>* rx) {
  auto& r = *rx;
  auto v = co_await r;
  co_return v.has_value() ? 1 : 0;
}
tokio::Task<void> oneshot_receiver_side(oneshot::Receiver<Tracked> rx, OneshotOutcome* o,
                                        std::uint32_t choice) {
  switch (choice % 4) {
    case 0:
      co_return;  // dropped
    case 1:
      rx.close();
      co_await tokio::task::yield_now();
      break;
    case 2: {  // await, possibly losing a select first
      auto r = co_await tokio::select(yield_once(), await_tracked(&rx));
      if (r.index() == 1) {
        (std::get<1>(r) != 0 ? o->received : o->recv_errors).fetch_add(1);
        co_return;
      }
      break;
    }
    default:
      break;
  }
  if (rx.is_terminated()) co_return;
  auto v = co_await rx;
  (v ? o->received : o->recv_errors).fetch_add(1);
}

TOKIO_TEST(StressSyncChannels, OneshotRacingSendDropCloseAndSelect, .flavor = kMulti,
           .worker_threads = 4) {
  constexpr int kChannels = 2000;
  Counters c;
  OneshotOutcome o;
  Rng rng(11);
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < kChannels; ++i) {
    auto [tx, rx] = oneshot::channel<Tracked>();
    handles.push_back(tokio::spawn(oneshot_sender_side(std::move(tx), &c, &o, rng.next())));
    handles.push_back(tokio::spawn(oneshot_receiver_side(std::move(rx), &o, rng.next())));
  }
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(c.alive(), 0) << "a value was leaked or destroyed twice";
  EXPECT_LE(o.received.load(), o.sent.load()) << "received more than was sent";
  EXPECT_GT(o.received.load(), 0);
}

tokio::Task<int> await_rx_forever(oneshot::Receiver<int> rx) {
  auto v = co_await rx;
  co_return v ? *v : -1;
}
tokio::Task<int> closed_forever(oneshot::Sender<int> tx) {
  co_await tx.closed();
  co_return 0;
}

TOKIO_TEST(StressSyncChannels, OneshotAbortStorm, .flavor = kMulti, .worker_threads = 4) {
  // Tasks parked in (or racing into) `co_await rx` and `tx.closed()` are aborted at random
  // points; the other half of each channel must observe the drop.
  constexpr int kPairs = 600;
  Rng rng(5);
  std::vector<oneshot::Sender<int>> senders;
  std::vector<oneshot::Receiver<int>> receivers;
  std::vector<tokio::JoinHandle<int>> rx_tasks, tx_tasks;
  for (int i = 0; i < kPairs; ++i) {
    auto [tx, rx] = oneshot::channel<int>();
    auto [tx2, rx2] = oneshot::channel<int>();
    rx_tasks.push_back(tokio::spawn(await_rx_forever(std::move(rx))));
    tx_tasks.push_back(tokio::spawn(closed_forever(std::move(tx2))));
    senders.push_back(std::move(tx));
    receivers.push_back(std::move(rx2));
    if (rng.next() % 2) co_await tokio::task::yield_now();
  }
  for (int i = 0; i < kPairs; ++i) {
    rx_tasks[static_cast<std::size_t>(i)].abort();
    tx_tasks[static_cast<std::size_t>(i)].abort();
  }
  for (int i = 0; i < kPairs; ++i) {
    auto& tx = senders[static_cast<std::size_t>(i)];
    co_await tx.closed();  // the aborted receiving task dropped its Receiver
    EXPECT_FALSE(tx.send(i));
    auto& rx = receivers[static_cast<std::size_t>(i)];
    auto v = co_await rx;  // the aborted closed() task dropped its Sender
    EXPECT_FALSE(v);
  }
  for (auto& h : rx_tasks) {
    try {
      (void)co_await h;
    } catch (const tokio::task::JoinError&) {
    }
  }
  for (auto& h : tx_tasks) {
    try {
      (void)co_await h;
    } catch (const tokio::task::JoinError&) {
    }
  }
}

tokio::Task<int> closed_branch(oneshot::Sender<int>* tx) {
  co_await tx->closed();
  co_return 1;
}
tokio::Task<int> closed_through_select(oneshot::Sender<int> tx) {
  // closed() keeps losing to a ready branch until the receiver goes; each loss leaves a stale
  // waker that the next attempt must replace, not duplicate.
  int attempts = 0;
  for (;;) {
    ++attempts;
    auto r = co_await tokio::select(yield_once(), closed_branch(&tx));
    if (r.index() == 1) break;
  }
  EXPECT_TRUE(tx.is_closed());
  co_return attempts;
}
tokio::Task<void> drop_after(oneshot::Receiver<int> rx, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  (void)rx;
}

TOKIO_TEST(StressSyncChannels, OneshotClosedSelectStorm, .flavor = kMulti, .worker_threads = 4) {
  constexpr int kPairs = 300;
  Rng rng(17);
  std::vector<tokio::JoinHandle<int>> waiters;
  std::vector<tokio::JoinHandle<void>> droppers;
  for (int i = 0; i < kPairs; ++i) {
    auto [tx, rx] = oneshot::channel<int>();
    waiters.push_back(tokio::spawn(closed_through_select(std::move(tx))));
    droppers.push_back(tokio::spawn(drop_after(std::move(rx), static_cast<int>(rng.next() % 6))));
  }
  for (auto& h : droppers)
    co_await h;
  for (auto& h : waiters)
    EXPECT_GE(co_await h, 1);
}

// ---- watch -----------------------------------------------------------------------------------

tokio::Task<int> changed_ok(watch::Receiver<long>* rx) {
  auto c = co_await rx->changed();
  co_return c.has_value() ? 1 : 0;
}
tokio::Task<int> follow(watch::Receiver<long> rx, long last, bool through_select) {
  long seen = *rx.borrow_and_update();
  int steps = 0;
  while (seen != last) {
    if (through_select) {
      // changed() loses to a ready branch half of the time; it must mark nothing seen then.
      auto r = co_await tokio::select(yield_once(), changed_ok(&rx));
      if (r.index() == 0) continue;
      if (std::get<1>(r) == 0) co_return -1;
    } else {
      auto c = co_await rx.changed();
      if (!c) co_return -1;
    }
    const long now = *rx.borrow_and_update();
    EXPECT_GT(now, seen) << "a receiver saw the counter go backwards";
    seen = now;
    ++steps;
  }
  co_return steps;
}
tokio::Task<bool> wait_for_final(watch::Receiver<long> rx, long last) {
  auto pred = [last](long v) { return v == last; };
  auto r = co_await rx.wait_for(pred);
  co_return r.has_value() && **r == last;
}
tokio::Task<void> bump(watch::Sender<long> tx, long times) {
  for (long i = 0; i < times; ++i) {
    tx.send_modify([](long& v) { ++v; });
    if (i % 8 == 0) co_await tokio::task::yield_now();
  }
}

TOKIO_TEST(StressSyncChannels, WatchReceiversFollowACounter, .flavor = kMulti,
           .worker_threads = 4) {
  constexpr long kLast = 5000;
  constexpr int kFollowers = 16;
  auto [tx, rx] = watch::channel<long>(0);
  std::vector<tokio::JoinHandle<int>> followers;
  std::vector<tokio::JoinHandle<bool>> waiters;
  for (int i = 0; i < kFollowers; ++i) {
    followers.push_back(tokio::spawn(follow(rx, kLast, i % 2 == 1)));
    waiters.push_back(tokio::spawn(wait_for_final(rx, kLast)));
  }
  auto sender = tokio::spawn(bump(std::move(tx), kLast));
  co_await sender;
  for (auto& h : followers)
    EXPECT_GE(co_await h, 1) << "a follower did not reach the final value";
  for (auto& h : waiters)
    EXPECT_TRUE(co_await h);
  EXPECT_EQ(*rx.borrow(), kLast);
}

tokio::Task<int> watch_changed_forever(watch::Receiver<long> rx) {
  for (;;) {
    auto c = co_await rx.changed();
    if (!c) co_return 0;
  }
}
tokio::Task<int> watch_closed_forever(watch::Sender<long> tx) {
  co_await tx.closed();
  co_return 0;
}

TOKIO_TEST(StressSyncChannels, WatchAbortStorm, .flavor = kMulti, .worker_threads = 4) {
  // Receivers parked in changed() and senders parked in closed() are aborted while values keep
  // arriving; the handle counts return to what they were and the channel keeps working.
  auto [tx, rx] = watch::channel<long>(0);
  Rng rng(3);
  std::vector<tokio::JoinHandle<int>> tasks;
  auto updater = tokio::spawn(bump(tx, 2000));
  for (int i = 0; i < 600; ++i) {
    tasks.push_back(tokio::spawn(watch_changed_forever(rx)));
    tasks.push_back(tokio::spawn(watch_closed_forever(tx)));
    if (rng.next() % 3 == 0) co_await tokio::task::yield_now();
    if (rng.next() % 2 == 0) tasks[rng.next() % tasks.size()].abort();
  }
  for (auto& h : tasks)
    h.abort();
  for (auto& h : tasks) {
    try {
      (void)co_await h;
    } catch (const tokio::task::JoinError&) {
    }
  }
  co_await updater;
  EXPECT_EQ(tx.receiver_count(), 1u);
  EXPECT_EQ(tx.sender_count(), 1u);
  tx.send_modify([](long& v) { v = -1; });
  auto c = co_await rx.changed();
  EXPECT_TRUE(c);
  EXPECT_EQ(*rx.borrow_and_update(), -1);
}

// ---- broadcast -------------------------------------------------------------------------------

struct Tally {
  long received = 0;
  long skipped = 0;
  long sum = 0;
};

using U64Recv = tokio::Result<std::uint64_t, broadcast::RecvError>;
tokio::Task<U64Recv> recv_u64(broadcast::Receiver<std::uint64_t>* rx) {
  co_return co_await rx->recv();
}

// Receives until Closed, checking per-producer order; `through_select` makes recv lose a race
// against a ready branch about half of the time (it must lose no value then).
tokio::Task<Tally> drain(broadcast::Receiver<std::uint64_t> rx, int producers,
                         bool through_select) {
  Tally t;
  std::vector<long> last(static_cast<std::size_t>(producers), -1);
  for (;;) {
    U64Recv r = tokio::Err(broadcast::RecvError::closed());
    if (through_select) {
      auto s = co_await tokio::select(yield_once(), recv_u64(&rx));
      if (s.index() == 0) continue;
      r = std::move(std::get<1>(s));
    } else {
      r = co_await rx.recv();
    }
    if (!r) {
      if (r.error().is_closed()) break;
      t.skipped += static_cast<long>(r.error().skipped());
      continue;  // values keep their per-producer order across a gap
    }
    const auto producer = static_cast<std::size_t>(*r >> 32);
    const long seq = static_cast<long>(*r & 0xffffffffu);
    EXPECT_LT(producer, last.size());
    if (producer < last.size()) {
      EXPECT_GT(seq, last[producer]) << "values of one producer arrived out of order";
      last[producer] = seq;
    }
    ++t.received;
    t.sum += seq;
  }
  co_return t;
}
tokio::Task<void> produce(broadcast::Sender<std::uint64_t> tx, std::uint64_t id, int n,
                          int yield_every) {
  for (int i = 0; i < n; ++i) {
    auto r = tx.send((id << 32) | static_cast<std::uint64_t>(i));
    EXPECT_TRUE(r);
    if (i % yield_every == 0) co_await tokio::task::yield_now();
  }
}

TOKIO_TEST(StressSyncChannels, BroadcastEveryValueEndToEnd, .flavor = kMulti, .worker_threads = 4) {
  // The buffer holds everything, so nothing may lag: every receiver gets every value.
  constexpr int kProducers = 3;
  constexpr int kPerProducer = 1500;
  auto [tx, rx] = broadcast::channel<std::uint64_t>(kProducers * kPerProducer);
  std::vector<tokio::JoinHandle<Tally>> receivers;
  for (int i = 0; i < 5; ++i)
    receivers.push_back(tokio::spawn(drain(tx.subscribe(), kProducers, i % 2 == 1)));
  receivers.push_back(tokio::spawn(drain(std::move(rx), kProducers, false)));
  std::vector<tokio::JoinHandle<void>> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.push_back(tokio::spawn(produce(tx, static_cast<std::uint64_t>(p), kPerProducer, 7)));
  { auto last = std::move(tx); }  // the producers hold the remaining senders
  for (auto& h : producers)
    co_await h;
  for (auto& h : receivers) {
    const Tally t = co_await h;
    EXPECT_EQ(t.skipped, 0);
    EXPECT_EQ(t.received, long{kProducers} * kPerProducer);
    EXPECT_EQ(t.sum, long{kProducers} * kPerProducer * (kPerProducer - 1) / 2);
  }
}

TOKIO_TEST(StressSyncChannels, BroadcastLagReportsAddUp, .flavor = kMulti, .worker_threads = 4) {
  // A tiny buffer and producers that rarely yield: receivers lag, and what they receive plus
  // what they are told they skipped is exactly what was sent.
  constexpr int kProducers = 2;
  constexpr int kPerProducer = 5000;
  auto [tx, rx] = broadcast::channel<std::uint64_t>(4);
  std::vector<tokio::JoinHandle<Tally>> receivers;
  for (int i = 0; i < 4; ++i)
    receivers.push_back(tokio::spawn(drain(tx.subscribe(), kProducers, i % 2 == 1)));
  receivers.push_back(tokio::spawn(drain(std::move(rx), kProducers, false)));
  std::vector<tokio::JoinHandle<void>> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.push_back(tokio::spawn(produce(tx, static_cast<std::uint64_t>(p), kPerProducer, 5)));
  { auto last = std::move(tx); }
  for (auto& h : producers)
    co_await h;
  for (auto& h : receivers) {
    const Tally t = co_await h;
    EXPECT_EQ(t.received + t.skipped, long{kProducers} * kPerProducer);
  }
}

tokio::Task<int> broadcast_recv_forever(broadcast::Receiver<Tracked> rx) {
  for (;;) {
    auto r = co_await rx.recv();
    if (!r && r.error().is_closed()) co_return 0;
  }
}
tokio::Task<int> broadcast_closed_forever(broadcast::Sender<Tracked> tx) {
  co_await tx.closed();
  co_return 0;
}
tokio::Task<void> send_tracked(broadcast::Sender<Tracked> tx, Counters* c, int n) {
  for (int i = 0; i < n; ++i) {
    (void)tx.send(Tracked(*c, i));
    if (i % 4 == 0) co_await tokio::task::yield_now();
  }
}

TOKIO_TEST(StressSyncChannels, BroadcastAbortStormDestroysEachValueOnce, .flavor = kMulti,
           .worker_threads = 4) {
  Counters c;
  {
    auto [tx, rx] = broadcast::channel<Tracked>(8);
    Rng rng(9);
    std::vector<tokio::JoinHandle<int>> tasks;
    auto sender = tokio::spawn(send_tracked(tx, &c, 2000));
    for (int i = 0; i < 600; ++i) {
      tasks.push_back(tokio::spawn(broadcast_recv_forever(tx.subscribe())));
      tasks.push_back(tokio::spawn(broadcast_closed_forever(tx)));
      if (rng.next() % 3 == 0) co_await tokio::task::yield_now();
      if (rng.next() % 2 == 0) tasks[rng.next() % tasks.size()].abort();
    }
    for (auto& h : tasks)
      h.abort();
    for (auto& h : tasks) {
      try {
        (void)co_await h;
      } catch (const tokio::task::JoinError&) {
      }
    }
    co_await sender;
    EXPECT_EQ(tx.receiver_count(), 1u);
    EXPECT_EQ(tx.sender_count(), 1u);
    EXPECT_LE(tx.len(), 8u);
    // The one receiver left drains what it still can.
    for (;;) {
      auto r = rx.try_recv();
      if (!r && r.error().is_empty()) break;
    }
    EXPECT_EQ(tx.len(), 0u);
    EXPECT_EQ(c.alive(), 0) << "values nobody needs any more were kept";
    auto n = tx.send(Tracked(c, -1));
    EXPECT_TRUE(n);
  }
  EXPECT_EQ(c.alive(), 0) << "a value was leaked or destroyed twice";
}

}  // namespace
