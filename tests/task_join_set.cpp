// tokio::task::JoinSet: completion order, empty sets, errors as values, abort_all, shutdown,
// abort on drop, try_join_next, spawn_blocking members, many tasks.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using tokio::task::JoinSet;
using tokio_test::DropCounter;
using tokio_test::Event;
using tokio_test::SetOnExit;

namespace {

tokio::Task<int> value_after_yield(int value) {
  co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<int> immediate(int value) {
  co_return value;
}

tokio::Task<int> value_after_gate(tokio::JoinHandle<void> gate, int value) {
  co_await gate;
  co_return value;
}

// Holds a counter that signals `all_dropped` when `total` such counters have been destroyed.
struct SharedDrops {
  std::atomic<int> count{0};
  int total = 0;
  Event all_dropped;
};
struct SignallingDrop {
  std::shared_ptr<SharedDrops> shared;
  ~SignallingDrop() {
    if (shared->count.fetch_add(1) + 1 == shared->total) shared->all_dropped.set();
  }
};

tokio::Task<int> wait_with_signalling_drop(std::shared_ptr<SharedDrops> shared, Event started,
                                           tokio::JoinHandle<void> gate) {
  SignallingDrop drop{std::move(shared)};
  started.set();
  co_await gate;
  co_return 1;
}

tokio::Task<int> throws_after_yield() {
  co_await tokio::task::yield_now();
  throw std::runtime_error("join set panic");
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, join_next_gives_all_outcomes) {
  JoinSet<int> set;
  constexpr int kTasks = 20;
  for (int i = 0; i < kTasks; ++i)
    set.spawn(value_after_yield(i));
  EXPECT_EQ(set.len(), static_cast<std::size_t>(kTasks));
  EXPECT_FALSE(set.is_empty());
  std::multiset<int> seen;
  while (auto outcome = co_await set.join_next()) {
    TOKIO_CO_ASSERT(outcome->has_value());
    seen.insert(**outcome);
  }
  std::multiset<int> expected;
  for (int i = 0; i < kTasks; ++i)
    expected.insert(i);
  EXPECT_EQ(seen, expected);
  EXPECT_TRUE(set.is_empty());
  EXPECT_EQ(set.len(), 0u);
  EXPECT_FALSE((co_await set.join_next()).has_value());
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, join_next_in_completion_order) {
  constexpr int kTasks = 5;
  std::vector<Event> gates(kTasks);
  struct SetAll {
    std::vector<Event>& gates;
    ~SetAll() {
      for (auto& g : gates)
        g.set();
    }
  } set_all{gates};
  JoinSet<int> set;
  for (int i = 0; i < kTasks; ++i)
    set.spawn(value_after_gate(gates[i].waiter(), i));
  // Only the task whose gate is open can finish, so each join_next must give exactly it.
  for (int i = kTasks - 1; i >= 0; --i) {
    gates[i].set();
    auto outcome = co_await set.join_next();
    TOKIO_CO_ASSERT(outcome.has_value());
    TOKIO_CO_ASSERT(outcome->has_value());
    EXPECT_EQ(**outcome, i);
    EXPECT_EQ(set.len(), static_cast<std::size_t>(i));
  }
  EXPECT_TRUE(set.is_empty());
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, empty_set) {
  JoinSet<int> set;
  EXPECT_TRUE(set.is_empty());
  EXPECT_EQ(set.len(), 0u);
  EXPECT_FALSE((co_await set.join_next()).has_value());
  EXPECT_FALSE(set.try_join_next().has_value());
  co_await set.shutdown();
  EXPECT_TRUE(set.is_empty());
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, len_counts_finished_but_unjoined) {
  JoinSet<int> set;
  auto abort_handle = set.spawn(immediate(1));
  set.spawn(immediate(2));
  EXPECT_EQ(set.len(), 2u);
  const bool finished =
      co_await tokio_test::yield_until([&] { return abort_handle.is_finished(); });
  EXPECT_TRUE(finished);
  EXPECT_EQ(set.len(), 2u);  // still in the set until joined
  int sum = 0;
  while (auto outcome = co_await set.join_next())
    sum += **outcome;
  EXPECT_EQ(sum, 3);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, panic_is_error_value) {
  JoinSet<int> set;
  set.spawn(throws_after_yield());
  set.spawn(value_after_yield(5));
  int values = 0;
  int panics = 0;
  while (auto outcome = co_await set.join_next()) {
    if (outcome->has_value()) {
      EXPECT_EQ(**outcome, 5);
      ++values;
    } else {
      const tokio::task::JoinError& error = outcome->error();
      EXPECT_TRUE(error.is_panic());
      EXPECT_FALSE(error.is_cancelled());
      bool rethrown = false;
      try {
        error.resume_panic();
      } catch (const std::runtime_error& e) {
        rethrown = true;
        EXPECT_STREQ(e.what(), "join set panic");
      }
      EXPECT_TRUE(rethrown);
      ++panics;
    }
  }
  EXPECT_EQ(values, 1);
  EXPECT_EQ(panics, 1);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, abort_all_gives_cancelled_errors) {
  Event gate;
  SetOnExit open_gate{gate};
  auto shared = std::make_shared<SharedDrops>();
  constexpr int kTasks = 8;
  shared->total = kTasks;
  std::vector<Event> started(kTasks);
  JoinSet<int> set;
  for (int i = 0; i < kTasks; ++i)
    set.spawn(wait_with_signalling_drop(shared, started[i], gate.waiter()));
  for (auto& event : started)
    co_await event.waiter();
  set.abort_all();
  EXPECT_EQ(set.len(), static_cast<std::size_t>(kTasks));  // aborted tasks stay until joined
  int cancelled = 0;
  while (auto outcome = co_await set.join_next()) {
    TOKIO_CO_ASSERT(!outcome->has_value());
    EXPECT_TRUE(outcome->error().is_cancelled());
    ++cancelled;
  }
  EXPECT_EQ(cancelled, kTasks);
  EXPECT_EQ(shared->count.load(), kTasks);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, abort_handle_from_spawn_aborts_one_task) {
  Event gate;
  SetOnExit open_gate{gate};
  JoinSet<int> set;
  auto victim = set.spawn(value_after_gate(gate.waiter(), 1));
  set.spawn(value_after_gate(gate.waiter(), 2));
  set.spawn(value_after_gate(gate.waiter(), 3));
  victim.abort();
  auto first = co_await set.join_next();  // only the aborted one can finish before the gate
  TOKIO_CO_ASSERT(first.has_value());
  TOKIO_CO_ASSERT(!first->has_value());
  EXPECT_TRUE(first->error().is_cancelled());
  EXPECT_EQ(first->error().id(), victim.id());
  gate.set();
  int sum = 0;
  while (auto outcome = co_await set.join_next())
    sum += **outcome;
  EXPECT_EQ(sum, 5);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, shutdown_leaves_set_empty) {
  Event gate;
  SetOnExit open_gate{gate};
  auto shared = std::make_shared<SharedDrops>();
  constexpr int kTasks = 6;
  shared->total = kTasks;
  JoinSet<int> set;
  std::vector<Event> started(kTasks);
  for (int i = 0; i < kTasks; ++i)
    set.spawn(wait_with_signalling_drop(shared, started[i], gate.waiter()));
  for (auto& event : started)
    co_await event.waiter();
  co_await set.shutdown();
  EXPECT_TRUE(set.is_empty());
  EXPECT_EQ(set.len(), 0u);
  EXPECT_EQ(shared->count.load(), kTasks);
  EXPECT_FALSE((co_await set.join_next()).has_value());
  // The set is usable again.
  set.spawn(immediate(3));
  auto outcome = co_await set.join_next();
  TOKIO_CO_ASSERT(outcome.has_value() && outcome->has_value());
  EXPECT_EQ(**outcome, 3);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, drop_aborts_tasks) {
  Event gate;
  SetOnExit open_gate{gate};
  auto shared = std::make_shared<SharedDrops>();
  constexpr int kTasks = 6;
  shared->total = kTasks;
  std::vector<Event> started(kTasks);
  {
    JoinSet<int> set;
    for (int i = 0; i < kTasks; ++i)
      set.spawn(wait_with_signalling_drop(shared, started[i], gate.waiter()));
    for (auto& event : started)
      co_await event.waiter();
    EXPECT_EQ(shared->count.load(), 0);
  }  // dropping the set aborts every member
  // The gate is still closed, so only an abort can have dropped the frames.
  co_await shared->all_dropped.waiter();
  EXPECT_EQ(shared->count.load(), kTasks);
  EXPECT_FALSE(gate.is_set());
}

TEST(TaskJoinSet, drop_aborts_tasks_before_runtime_shutdown) {
  // A JoinSet dropped inside block_on cancels its tasks; runtime shutdown afterwards finds
  // nothing left to drop (each destructor ran exactly once overall).
  auto shared = std::make_shared<SharedDrops>();
  shared->total = 4;
  Event gate;
  {
    auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
    rt.block_on([](std::shared_ptr<SharedDrops> shared, Event gate) -> tokio::Task<void> {
      std::vector<Event> started(4);
      {
        JoinSet<int> set;
        for (auto& event : started)
          set.spawn(wait_with_signalling_drop(shared, event, gate.waiter()));
        for (auto& event : started)
          co_await event.waiter();
      }
      co_await shared->all_dropped.waiter();
    }(shared, gate));
    EXPECT_EQ(shared->count.load(), 4);
    gate.set();
  }
  EXPECT_EQ(shared->count.load(), 4);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, detach_all_keeps_tasks_running) {
  Event gate;
  SetOnExit open_gate{gate};
  auto done = std::make_shared<std::atomic<int>>(0);
  {
    JoinSet<void> set;
    for (int i = 0; i < 3; ++i) {
      set.spawn([done, wait = gate.waiter()]() mutable -> tokio::Task<void> {
        co_await wait;
        done->fetch_add(1);
      });
    }
    set.detach_all();
    EXPECT_TRUE(set.is_empty());
  }  // nothing to abort any more
  gate.set();
  const bool all_done = co_await tokio_test::yield_until([&] { return done->load() == 3; });
  EXPECT_TRUE(all_done);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, try_join_next) {
  Event gate;
  SetOnExit open_gate{gate};
  JoinSet<int> set;
  EXPECT_FALSE(set.try_join_next().has_value());  // empty
  set.spawn(value_after_gate(gate.waiter(), 4));
  EXPECT_FALSE(set.try_join_next().has_value());  // not finished: the gate is closed
  co_await tokio::task::yield_now();
  EXPECT_FALSE(set.try_join_next().has_value());
  EXPECT_EQ(set.len(), 1u);
  gate.set();
  std::optional<JoinSet<int>::Outcome> outcome;
  const bool got = co_await tokio_test::yield_until([&] {
    if (!outcome) outcome = set.try_join_next();
    return outcome.has_value();
  });
  TOKIO_CO_ASSERT(got);
  TOKIO_CO_ASSERT(outcome->has_value());
  EXPECT_EQ(**outcome, 4);
  EXPECT_TRUE(set.is_empty());
  EXPECT_FALSE(set.try_join_next().has_value());
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, spawn_blocking_members) {
  JoinSet<int> set;
  for (int i = 1; i <= 8; ++i)
    set.spawn_blocking([i] { return i * 10; });
  set.spawn_blocking([]() -> int { throw std::runtime_error("blocking member"); });
  set.spawn(immediate(1000));
  int sum = 0;
  int panics = 0;
  while (auto outcome = co_await set.join_next()) {
    if (outcome->has_value()) {
      sum += **outcome;
    } else {
      EXPECT_TRUE(outcome->error().is_panic());
      ++panics;
    }
  }
  EXPECT_EQ(sum, 360 + 1000);
  EXPECT_EQ(panics, 1);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, spawn_callable_keeps_captures_alive) {
  JoinSet<std::unique_ptr<int>> set;
  auto shared = std::make_shared<int>(6);
  set.spawn([shared, owned = std::make_unique<int>(1)]() -> tokio::Task<std::unique_ptr<int>> {
    co_await tokio::task::yield_now();
    co_return std::make_unique<int>(*shared + *owned);
  });
  auto outcome = co_await set.join_next();
  TOKIO_CO_ASSERT(outcome.has_value() && outcome->has_value());
  EXPECT_EQ(***outcome, 7);
  EXPECT_EQ(shared.use_count(), 1);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, void_tasks) {
  JoinSet<void> set;
  auto count = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < 10; ++i) {
    set.spawn([count]() -> tokio::Task<void> {
      co_await tokio::task::yield_now();
      count->fetch_add(1);
    });
  }
  int joined = 0;
  while (auto outcome = co_await set.join_next()) {
    EXPECT_TRUE(outcome->has_value());
    ++joined;
  }
  EXPECT_EQ(joined, 10);
  EXPECT_EQ(count->load(), 10);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, ten_thousand_tasks) {
  JoinSet<int> set;
  constexpr int kTasks = 10'000;
  for (int i = 0; i < kTasks; ++i)
    set.spawn(i % 2 ? value_after_yield(i) : immediate(i));
  EXPECT_EQ(set.len(), static_cast<std::size_t>(kTasks));
  long long sum = 0;
  int joined = 0;
  while (auto outcome = co_await set.join_next()) {
    TOKIO_CO_ASSERT(outcome->has_value());
    sum += **outcome;
    ++joined;
  }
  EXPECT_EQ(joined, kTasks);
  EXPECT_EQ(sum, static_cast<long long>(kTasks) * (kTasks - 1) / 2);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, join_set_used_inside_spawned_task) {
  auto handle = tokio::spawn([]() -> tokio::Task<int> {
    JoinSet<int> set;
    for (int i = 0; i < 100; ++i)
      set.spawn(value_after_yield(i));
    int sum = 0;
    while (auto outcome = co_await set.join_next())
      sum += **outcome;
    co_return sum;
  });
  EXPECT_EQ(co_await handle, 4950);
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinSet, moved_join_set_keeps_tasks) {
  JoinSet<int> set;
  set.spawn(value_after_yield(1));
  set.spawn(value_after_yield(2));
  JoinSet<int> moved = std::move(set);
  EXPECT_EQ(moved.len(), 2u);
  int sum = 0;
  while (auto outcome = co_await moved.join_next())
    sum += **outcome;
  EXPECT_EQ(sum, 3);
}
