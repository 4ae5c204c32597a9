// tokio::sync::Barrier (after Tokio's sync_barrier.rs).
#include "tokio/sync/barrier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::Barrier;
using tokio::sync::BarrierWaitResult;

tokio::Task<bool> wait_is_leader(Barrier* b) {
  auto r = co_await b->wait();
  co_return r.is_leader();
}

tokio::Task<void> settle(int rounds = 5) {
  for (int k = 0; k < rounds; ++k)
    co_await tokio::task::yield_now();
}

tokio::Task<int> ready_int(int value) {
  co_return value;
}

TOKIO_TEST(SyncBarrier, ZeroDoesNotBlock) {
  Barrier b(0);
  for (int i = 0; i < 3; ++i) {
    auto r = co_await b.wait();
    EXPECT_TRUE(r.is_leader());
  }
}

TOKIO_TEST(SyncBarrier, SingleIsAlwaysTheLeader) {
  Barrier b(1);
  for (int i = 0; i < 3; ++i) {
    auto r = co_await b.wait();
    EXPECT_TRUE(r.is_leader());
  }
}

TOKIO_TEST_ALL_FLAVORS(SyncBarrier, Tango) {
  Barrier b(2);
  auto first = tokio::spawn(wait_is_leader(&b));
  co_await settle();
  EXPECT_FALSE(first.is_finished()) << "one of two released the barrier";
  auto second = co_await b.wait();
  const bool first_leader = co_await first;
  EXPECT_NE(first_leader, second.is_leader()) << "exactly one leader";
}

// Tokio's lots: 100 waiters, ten generations, one leader per generation.
TOKIO_TEST_ALL_FLAVORS(SyncBarrier, Lots) {
  constexpr int kTasks = 100, kGenerations = 10;
  Barrier b(kTasks);
  for (int gen = 0; gen < kGenerations; ++gen) {
    std::vector<tokio::JoinHandle<bool>> waiters;
    for (int i = 0; i < kTasks - 1; ++i)
      waiters.push_back(tokio::spawn(wait_is_leader(&b)));
    co_await settle();
    for (auto& w : waiters)
      EXPECT_FALSE(w.is_finished());
    auto mine = co_await b.wait();
    int leaders = mine.is_leader() ? 1 : 0;
    for (auto& w : waiters)
      leaders += (co_await w) ? 1 : 0;
    EXPECT_EQ(leaders, 1) << "generation " << gen;
  }
}

tokio::Task<void> rounds_of_waits(Barrier* b, int rounds, std::atomic<int>* leaders,
                                  std::atomic<int>* phase, int parties) {
  for (int r = 0; r < rounds; ++r) {
    phase->fetch_add(1);
    auto result = co_await b->wait();
    // Nobody leaves round r before all `parties` arrived in it.
    EXPECT_GE(phase->load(), (r + 1) * parties);
    if (result.is_leader()) leaders->fetch_add(1);
  }
}

// Reused across generations by the same tasks on several threads: one leader per round, and
// no waiter leaves a round early.
TOKIO_TEST(SyncBarrier, ReusableAcrossGenerations,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  constexpr int kParties = 8, kRounds = 50;
  Barrier b(kParties);
  std::atomic<int> leaders{0}, phase{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < kParties; ++i)
    handles.push_back(tokio::spawn(rounds_of_waits(&b, kRounds, &leaders, &phase, kParties)));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(leaders.load(), kRounds);
}

// Not cancel-safe, as in Tokio: a wait that is cancelled after it arrived still counts.
TOKIO_TEST(SyncBarrier, CancelledWaitStillCountsItsArrival) {
  Barrier b(3);
  auto result = co_await tokio::select_biased(wait_is_leader(&b), ready_int(7));
  EXPECT_EQ(result.index(), 1u);  // the wait arrived (1 of 3), then lost and was destroyed
  auto other = tokio::spawn(wait_is_leader(&b));  // 2 of 3
  co_await settle();
  EXPECT_FALSE(other.is_finished());
  auto mine = co_await b.wait();  // 3 of 3: releases `other`
  const bool other_leader = co_await other;
  EXPECT_TRUE(mine.is_leader());
  EXPECT_FALSE(other_leader);
}

TOKIO_TEST(SyncBarrier, AbortedWaiterLeavesNoWaiterBehind) {
  Barrier b(2);
  auto doomed = tokio::spawn(wait_is_leader(&b));
  co_await settle();
  doomed.abort();
  try {
    (void)co_await doomed;
    ADD_FAILURE() << "the waiter should have been cancelled";
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
  // The aborted arrival counted: this wait completes the generation.
  auto mine = co_await b.wait();
  EXPECT_TRUE(mine.is_leader());
  // The next generation starts from zero.
  auto next = tokio::spawn(wait_is_leader(&b));
  co_await settle();
  EXPECT_FALSE(next.is_finished());
  auto again = co_await b.wait();
  EXPECT_NE(again.is_leader(), co_await next);
}

TEST(SyncBarrier, WaitOutsideARuntimeThrows) {
  Barrier b(2);
  auto w = b.wait();
  EXPECT_FALSE(w.await_ready());
  EXPECT_THROW(w.await_suspend(std::noop_coroutine()), std::logic_error);
}

}  // namespace
