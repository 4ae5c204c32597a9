// tokio::select / select_biased: the first finished branch wins, losers are destroyed (once)
// before select returns, biased order, exceptions, loops without leaks, fairness.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using tokio_test::counted_wait;
using tokio_test::DropCounter;
using tokio_test::Event;
using tokio_test::ready;
using tokio_test::ready_void;
using tokio_test::SetOnExit;

namespace {

// Counts constructions (by hand) and destructions of the objects held by branch frames.
struct Counts {
  std::atomic<int> constructed{0};
  std::atomic<int> destroyed{0};
};
struct Tracked {
  explicit Tracked(Counts* c) : counts(c) { counts->constructed.fetch_add(1); }
  Tracked(const Tracked&) = delete;
  ~Tracked() { counts->destroyed.fetch_add(1); }
  Counts* counts;
};

tokio::Task<int> tracked_ready(Counts* counts, int value) {
  Tracked t(counts);
  co_return value;
}

tokio::Task<int> tracked_slow(Counts* counts, int value, int yields) {
  Tracked t(counts);
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<int> yield_then(int value, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<std::string> string_after(std::string s, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return s;
}

tokio::Task<int> throws_after(int yields, std::string message) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  throw std::runtime_error(message);
}

tokio::Task<void> set_later(Event event) {
  co_await tokio::task::yield_now();
  event.set();
}

// Waits for `gate` holding `counter` as a parameter: destroyed with the frame whether or not
// the coroutine ever started.
tokio::Task<int> param_wait(DropCounter counter, tokio::JoinHandle<void> gate) {
  (void)counter;
  co_await gate;
  co_return 0;
}

// Signals `started` once running, then waits for `gate`; counts its destruction.
tokio::Task<int> signal_and_wait(std::atomic<int>* drops, Event started,
                                 tokio::JoinHandle<void> gate) {
  DropCounter local(*drops);
  started.set();
  co_await gate;
  co_return 0;
}

int g_target = 0;
tokio::Task<int&> global_ref() {
  co_return g_target;
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, ready_branch_wins_and_pending_loser_is_destroyed) {
  Event gate;
  SetOnExit open_gate{gate};
  std::atomic<int> drops{0};
  {
    auto result = co_await tokio::select(param_wait(DropCounter(drops), gate.waiter()), ready(1));
    EXPECT_EQ(drops.load(), 1);  // the loser's frame is gone before select returned
    TOKIO_CO_ASSERT(result.index() == 1);
    EXPECT_EQ(std::get<1>(result), 1);
  }
  {
    // Same with the winner first.
    auto result = co_await tokio::select(ready(2), param_wait(DropCounter(drops), gate.waiter()));
    EXPECT_EQ(drops.load(), 2);
    TOKIO_CO_ASSERT(result.index() == 0);
    EXPECT_EQ(std::get<0>(result), 2);
  }
  gate.set();
  EXPECT_EQ(drops.load(), 2);  // nothing is destroyed twice
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, branch_completing_later_wins) {
  Event never;
  SetOnExit open_never{never};
  Event opens;
  SetOnExit open_opens{opens};
  std::atomic<int> drops{0};
  // A spawned task opens the second gate; the first never opens while select runs.
  auto opener = tokio::spawn(set_later(opens));
  auto result = co_await tokio::select(counted_wait(&drops, never.waiter(), 1),
                                       counted_wait(&drops, opens.waiter(), 2));
  // Winner and loser frames are both gone: each counter destroyed exactly once.
  EXPECT_EQ(drops.load(), 2);
  TOKIO_CO_ASSERT(result.index() == 1);
  EXPECT_EQ(std::get<1>(result), 2);
  co_await opener;
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, value_types) {
  auto result = co_await tokio::select(string_after("slow", 5), string_after("fast", 0));
  TOKIO_CO_ASSERT(result.index() == 1);
  EXPECT_EQ(std::get<1>(result), "fast");

  auto with_void = co_await tokio::select(ready_void(), yield_then(1, 3));
  static_assert(std::is_same_v<std::variant_alternative_t<0, decltype(with_void)>, std::monostate>);
  EXPECT_EQ(with_void.index(), 0u);

  auto owned = co_await tokio::select(ready(std::make_unique<int>(3)), yield_then(1, 3));
  TOKIO_CO_ASSERT(owned.index() == 0);
  TOKIO_CO_ASSERT(std::get<0>(owned) != nullptr);
  EXPECT_EQ(*std::get<0>(owned), 3);

  auto ref = co_await tokio::select(global_ref(), yield_then(1, 3));
  static_assert(
      std::is_same_v<std::variant_alternative_t<0, decltype(ref)>, std::reference_wrapper<int>>);
  TOKIO_CO_ASSERT(ref.index() == 0);
  EXPECT_EQ(&std::get<0>(ref).get(), &g_target);

  auto single = co_await tokio::select(yield_then(9, 2));
  EXPECT_EQ(std::get<0>(single), 9);
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, biased_picks_first_ready_branch) {
  for (int i = 0; i < 100; ++i) {
    auto result = co_await tokio::select_biased(ready(0), ready(1), ready(2));
    EXPECT_EQ(result.index(), 0u);
    auto second = co_await tokio::select_biased(yield_then(0, 1), ready(1), ready(2));
    EXPECT_EQ(second.index(), 1u);
  }
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, biased_eventually_ready) {
  // Both branches become ready after the same number of yields: the first in order wins.
  for (int i = 0; i < 20; ++i) {
    auto result = co_await tokio::select_biased(yield_then(0, 2), yield_then(1, 2));
    EXPECT_EQ(result.index(), 0u);
  }
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, unbiased_select_is_random) {
  int wins[2] = {0, 0};
  for (int i = 0; i < 1000; ++i) {
    auto result = co_await tokio::select(ready(0), ready(1));
    ++wins[result.index()];
    EXPECT_EQ(std::visit([](int v) { return v; }, result), static_cast<int>(result.index()));
  }
  EXPECT_GT(wins[0], 0);
  EXPECT_GT(wins[1], 0);
  EXPECT_EQ(wins[0] + wins[1], 1000);
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, winner_exception_is_rethrown_after_losers_destroyed) {
  Counts counts;
  bool caught = false;
  try {
    co_await tokio::select(tracked_slow(&counts, 1, 100), throws_after(1, "winner failed"));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "winner failed");
  }
  EXPECT_TRUE(caught);
  EXPECT_EQ(counts.constructed.load(), 1);
  EXPECT_EQ(counts.destroyed.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, select_in_loop_does_not_leak) {
  Counts counts;
  int ready_wins = 0;
  for (int i = 0; i < 2000; ++i) {
    // The slow branch always loses (it yields first); it is destroyed mid-way.
    std::variant<int, int> result;
    if (i % 2) {
      result = co_await tokio::select(tracked_ready(&counts, i), tracked_slow(&counts, -1, 3));
    } else {
      result = co_await tokio::select(tracked_slow(&counts, -1, 3), tracked_ready(&counts, i));
    }
    const std::size_t expected_winner = i % 2 ? 0 : 1;
    if (result.index() == expected_winner && std::visit([](int v) { return v; }, result) == i)
      ++ready_wins;
    EXPECT_EQ(counts.constructed.load(), counts.destroyed.load());
  }
  EXPECT_EQ(ready_wins, 2000);
  // Every winner constructed its local; a loser only did if it was polled before the winner.
  EXPECT_GE(counts.constructed.load(), 2000);
  EXPECT_EQ(counts.destroyed.load(), counts.constructed.load());
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, many_branches) {
  auto result = co_await tokio::select(
      yield_then(0, 9), yield_then(1, 8), yield_then(2, 7), yield_then(3, 6), yield_then(4, 5),
      yield_then(5, 4), yield_then(6, 3), yield_then(7, 2), yield_then(8, 1), yield_then(9, 10));
  EXPECT_EQ(result.index(), 8u);
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, select_on_join_handles) {
  Event gate;
  SetOnExit open_gate{gate};
  std::atomic<int> slow_drops{0};
  auto slow = tokio::spawn(counted_wait(&slow_drops, gate.waiter(), 1));
  auto fast = tokio::spawn(yield_then(2, 1));
  auto slow_abort = slow.abort_handle();
  auto result = co_await tokio::select(tokio_test::await_handle(std::move(slow)),
                                       tokio_test::await_handle(std::move(fast)));
  TOKIO_CO_ASSERT(result.index() == 1);
  EXPECT_EQ(std::get<1>(result), 2);
  // The losing branch dropped its JoinHandle: the spawned task is detached, not aborted.
  EXPECT_FALSE(slow_abort.is_finished());
  gate.set();
  const bool finished = co_await tokio_test::yield_until([&] { return slow_abort.is_finished(); });
  EXPECT_TRUE(finished);
  EXPECT_EQ(slow_drops.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, nested_select_and_join) {
  auto result = co_await tokio::select(tokio::select(yield_then(1, 5), yield_then(2, 1)),
                                       tokio::join(yield_then(3, 10), yield_then(4, 10)));
  TOKIO_CO_ASSERT(result.index() == 0);
  auto inner = std::get<0>(result);
  TOKIO_CO_ASSERT(inner.index() == 1);
  EXPECT_EQ(std::get<1>(inner), 2);
}

TOKIO_TEST(MacrosSelect, select_in_many_spawned_tasks,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  auto counts = std::make_shared<Counts>();
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 200; ++i) {
    handles.push_back(tokio::spawn([i, counts]() -> tokio::Task<int> {
      auto result = co_await tokio::select(tracked_slow(counts.get(), -1, 5),
                                           tracked_slow(counts.get(), i, 1));
      co_return std::get<1>(result);
    }));
  }
  long sum = 0;
  for (auto& h : handles)
    sum += co_await h;
  EXPECT_EQ(sum, 199L * 200 / 2);
  EXPECT_EQ(counts->constructed.load(), 400);
  EXPECT_EQ(counts->destroyed.load(), 400);
}

TOKIO_TEST_ALL_FLAVORS(MacrosSelect, aborting_task_in_select_destroys_branches) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  auto handle = tokio::spawn(
      [&drops, started, a = gate.waiter(), b = gate.waiter()]() mutable -> tokio::Task<void> {
        co_await tokio::select(signal_and_wait(&drops, started, std::move(a)),
                               signal_and_wait(&drops, started, std::move(b)));
      });
  co_await started.waiter();
  handle.abort();
  bool cancelled = false;
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  // Both branches had started (a poll runs every branch before the abort can take effect)
  // and each was destroyed exactly once.
  EXPECT_EQ(drops.load(), 2);
}
