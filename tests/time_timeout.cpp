// tokio::time::timeout / timeout_at (after Tokio's time_timeout.rs and time_rt.rs): ready tasks
// win even at or past the deadline and need no timer; tasks that are never ready give Elapsed at
// exactly the deadline and are destroyed first; exceptions propagate; void and move-only
// values; nesting; huge durations; both schedulers; a busy inner task cannot starve the timer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using tokio::time::Duration;
using tokio::time::Elapsed;
using tokio::time::Instant;
using tokio_test::DropCounter;

namespace {

constexpr auto kFarFuture = std::chrono::hours(24 * 365);

double elapsed_ms(Instant start) {
  return std::chrono::duration<double, std::milli>(Instant::now() - start).count();
}

// Never ready in practice: awaits a sleep a year away. Counts its destruction.
tokio::Task<int> never_ready(std::atomic<int>* drops) {
  DropCounter counter(*drops);
  co_await tokio::time::sleep(kFarFuture);
  co_return -1;
}

tokio::Task<void> never_ready_void(std::atomic<int>* drops) {
  DropCounter counter(*drops);
  co_await tokio::time::sleep(kFarFuture);
}

tokio::Task<int> after(Duration d, int value) {
  co_await tokio::time::sleep(d);
  co_return value;
}

tokio::Task<int> yield_then(int value) {
  co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<int> throw_after(Duration d, std::string message) {
  co_await tokio::time::sleep(d);
  throw std::runtime_error(message);
}

tokio::Task<int> throw_at_once(std::string message) {
  throw std::runtime_error(message);
  co_return 0;
}

tokio::Task<std::unique_ptr<int>> boxed_after(Duration d, int value) {
  co_await tokio::time::sleep(d);
  co_return std::make_unique<int>(value);
}

tokio::Task<void> void_after(Duration d, bool* done) {
  co_await tokio::time::sleep(d);
  *done = true;
}

// Busy forever without awaiting any timer: yields (or consumes budget) in a loop. Bounded by a
// generous real-time limit so that a starved timer fails the test instead of hanging it.
tokio::Task<int> busy_loop(bool use_yield) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < give_up) {
    if (use_yield) {
      co_await tokio::task::yield_now();
    } else {
      co_await tokio::task::consume_budget();
    }
  }
  co_return -1;
}

tokio::Task<int> await_handle_int(tokio::JoinHandle<int> h) {
  co_return co_await h;
}

tokio::Task<tokio::Result<int, Elapsed>> timeout_ready_on_runtime_without_time() {
  co_return co_await tokio::time::timeout(1ms, tokio_test::ready(5));
}
tokio::Task<tokio::Result<int, Elapsed>> timeout_pending_on_runtime_without_time() {
  co_return co_await tokio::time::timeout(1ms, yield_then(6));
}

}  // namespace

// ---- ready tasks -----------------------------------------------------------------------------

TOKIO_TEST(TimeTimeout, simultaneous_deadline_and_ready_task, .start_paused = true) {
  auto result = co_await tokio::time::timeout_at(Instant::now(), tokio_test::ready(7));
  TOKIO_CO_ASSERT(result.has_value());
  EXPECT_EQ(*result, 7);
}

TOKIO_TEST(TimeTimeout, completed_future_past_deadline, .start_paused = true) {
  auto result = co_await tokio::time::timeout_at(Instant::now() - 1s, tokio_test::ready(8));
  TOKIO_CO_ASSERT(result.has_value());
  EXPECT_EQ(*result, 8);
  auto zero = co_await tokio::time::timeout(0ms, tokio_test::ready(9));
  TOKIO_CO_ASSERT(zero.has_value());
  EXPECT_EQ(*zero, 9);
  auto negative = co_await tokio::time::timeout(-1s, tokio_test::ready(10));
  TOKIO_CO_ASSERT(negative.has_value());
  EXPECT_EQ(*negative, 10);
}

// A ready task needs no timer: timeout around it works on a runtime built without
// enable_time. A task that is not ready on its first poll needs the deadline armed, which
// throws std::logic_error there (the documented behaviour of timeout).
TEST(TimeTimeout, ready_task_needs_no_time_driver) {
  auto current = tokio::runtime::Builder::new_current_thread();
  auto multi = tokio::runtime::Builder::new_multi_thread();
  multi.worker_threads(1);
  for (auto* builder : {&current, &multi}) {
    auto rt = builder->build();  // neither time nor I/O
    auto ready = rt.block_on(timeout_ready_on_runtime_without_time());
    ASSERT_TRUE(ready.has_value());
    EXPECT_EQ(*ready, 5);
    EXPECT_THROW((void)rt.block_on(timeout_pending_on_runtime_without_time()), std::logic_error);
  }
}

// ---- never-ready tasks -------------------------------------------------------------------------

TOKIO_TEST(TimeTimeout, never_ready_task_elapses_at_the_deadline, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  auto result = co_await tokio::time::timeout(100ms, never_ready(&drops));
  TOKIO_CO_ASSERT(!result.has_value());
  EXPECT_EQ(result.error(), Elapsed{});
  EXPECT_STREQ(result.error().what(), "deadline has elapsed");
  EXPECT_EQ(elapsed_ms(start), 100.0);
  // The inner task was destroyed before timeout returned.
  EXPECT_EQ(drops.load(), 1);
  EXPECT_THROW((void)result.value(), tokio::BadResultAccess);
  // Its far-future timer is gone too: the next sleep takes exactly its own duration.
  co_await tokio::time::sleep(1h);
  EXPECT_EQ(elapsed_ms(start), 100.0 + 3600 * 1000.0);
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST(TimeTimeout, deadline_now_elapses, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  auto result = co_await tokio::time::timeout_at(Instant::now(), never_ready(&drops));
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(drops.load(), 1);
  auto zero = co_await tokio::time::timeout(0ms, never_ready(&drops));
  EXPECT_FALSE(zero.has_value());
  EXPECT_EQ(drops.load(), 2);
  EXPECT_EQ(elapsed_ms(start), 0.0);
}

TOKIO_TEST(TimeTimeout, deadline_future_elapses, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  auto result = co_await tokio::time::timeout_at(start + 300ms, never_ready(&drops));
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(elapsed_ms(start), 300.0);
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST(TimeTimeout, void_task_timeout, .start_paused = true) {
  std::atomic<int> drops{0};
  auto elapsed = co_await tokio::time::timeout(5ms, never_ready_void(&drops));
  static_assert(std::is_same_v<decltype(elapsed), tokio::Result<void, Elapsed>>);
  EXPECT_FALSE(elapsed.has_value());
  EXPECT_EQ(drops.load(), 1);
  bool done = false;
  auto ok = co_await tokio::time::timeout(10ms, void_after(5ms, &done));
  EXPECT_TRUE(ok.has_value());
  EXPECT_TRUE(done);
}

// ---- tasks that finish in time -----------------------------------------------------------------

TOKIO_TEST(TimeTimeout, task_finishing_before_the_deadline, .start_paused = true) {
  const Instant start = Instant::now();
  auto result = co_await tokio::time::timeout(100ms, after(90ms, 3));
  TOKIO_CO_ASSERT(result.has_value());
  EXPECT_EQ(*result, 3);
  EXPECT_EQ(elapsed_ms(start), 90.0);
  // The timeout's own timer is gone: nothing fires at 100 ms.
  co_await tokio::time::sleep(1s);
  EXPECT_EQ(elapsed_ms(start), 1090.0);
}

TOKIO_TEST(TimeTimeout, task_finishing_at_the_deadline_wins, .start_paused = true) {
  // Both timers are due at the same tick; the task is polled first, as in Tokio.
  const Instant start = Instant::now();
  auto result = co_await tokio::time::timeout(10ms, after(10ms, 4));
  TOKIO_CO_ASSERT(result.has_value());
  EXPECT_EQ(*result, 4);
  EXPECT_EQ(elapsed_ms(start), 10.0);
}

TOKIO_TEST(TimeTimeout, task_woken_by_another_task_before_the_deadline, .start_paused = true) {
  const Instant start = Instant::now();
  auto producer = tokio::spawn(after(90ms, 11));
  auto result = co_await tokio::time::timeout(100ms, await_handle_int(std::move(producer)));
  TOKIO_CO_ASSERT(result.has_value());
  EXPECT_EQ(*result, 11);
  EXPECT_EQ(elapsed_ms(start), 90.0);
}

TOKIO_TEST(TimeTimeout, move_only_value, .start_paused = true) {
  auto result = co_await tokio::time::timeout(1s, boxed_after(1ms, 12));
  TOKIO_CO_ASSERT(result.has_value());
  TOKIO_CO_ASSERT(*result != nullptr);
  EXPECT_EQ(**result, 12);
  std::unique_ptr<int> taken = std::move(result).value();
  EXPECT_EQ(*taken, 12);
}

TOKIO_TEST(TimeTimeout, very_large_timeout, .start_paused = true) {
  auto a = co_await tokio::time::timeout(std::chrono::hours::max(), after(1ms, 1));
  TOKIO_CO_ASSERT(a.has_value());
  EXPECT_EQ(*a, 1);
  auto b = co_await tokio::time::timeout(Duration::max(), after(1ms, 2));
  TOKIO_CO_ASSERT(b.has_value());
  EXPECT_EQ(*b, 2);
  auto c = co_await tokio::time::timeout_at(Instant::from_std(Instant::Clock::time_point::max()),
                                            after(1ms, 3));
  TOKIO_CO_ASSERT(c.has_value());
  EXPECT_EQ(*c, 3);
}

// ---- exceptions
// ----------------------------------------------------------------------------------

TOKIO_TEST(TimeTimeout, inner_exception_propagates, .start_paused = true) {
  bool caught = false;
  try {
    (void)co_await tokio::time::timeout(1h, throw_after(5ms, "inner failed"));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "inner failed");
  }
  EXPECT_TRUE(caught);

  caught = false;
  try {
    (void)co_await tokio::time::timeout(1h, throw_at_once("failed at once"));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "failed at once");
  }
  EXPECT_TRUE(caught);
}

TOKIO_TEST(TimeTimeout, exception_after_the_deadline_is_not_seen, .start_paused = true) {
  auto result = co_await tokio::time::timeout(1ms, throw_after(5ms, "too late"));
  EXPECT_FALSE(result.has_value());
}

// ---- nesting and repetition --------------------------------------------------------------------

TOKIO_TEST(TimeTimeout, nested_timeouts, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  // Inner deadline first: Ok(Err(Elapsed)).
  auto inner_first =
      co_await tokio::time::timeout(1h, tokio::time::timeout(10ms, never_ready(&drops)));
  TOKIO_CO_ASSERT(inner_first.has_value());
  EXPECT_FALSE(inner_first->has_value());
  EXPECT_EQ(elapsed_ms(start), 10.0);
  EXPECT_EQ(drops.load(), 1);
  // Outer deadline first: Err(Elapsed), the whole inner chain destroyed.
  auto outer_first =
      co_await tokio::time::timeout(10ms, tokio::time::timeout(1h, never_ready(&drops)));
  EXPECT_FALSE(outer_first.has_value());
  EXPECT_EQ(elapsed_ms(start), 20.0);
  EXPECT_EQ(drops.load(), 2);
}

TOKIO_TEST(TimeTimeout, timeouts_in_a_loop, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  int elapsed = 0;
  int ok = 0;
  for (int i = 0; i < 1000; ++i) {
    if (i % 2) {
      auto r = co_await tokio::time::timeout(2ms, never_ready(&drops));
      if (!r.has_value()) ++elapsed;
    } else {
      auto r = co_await tokio::time::timeout(2ms, after(1ms, i));
      if (r.has_value() && *r == i) ++ok;
    }
  }
  EXPECT_EQ(elapsed, 500);
  EXPECT_EQ(ok, 500);
  EXPECT_EQ(drops.load(), 500);
  EXPECT_EQ(elapsed_ms(start), 500 * 2.0 + 500 * 1.0);
}

TOKIO_TEST(TimeTimeout, timeout_in_select_is_destroyed_with_the_loser, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  auto result =
      co_await tokio::select(tokio::time::timeout(1h, never_ready(&drops)), after(5ms, 1));
  EXPECT_EQ(result.index(), 1u);
  EXPECT_EQ(drops.load(), 1);
  co_await tokio::time::sleep(2h);
  EXPECT_EQ(elapsed_ms(start), 5.0 + 2 * 3600 * 1000.0);
}

// ---- both schedulers, real clock ---------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TimeTimeout, timeout_real_clock) {
  std::atomic<int> drops{0};
  auto ok = co_await tokio::time::timeout(1h, after(1ms, 1));
  TOKIO_CO_ASSERT(ok.has_value());
  EXPECT_EQ(*ok, 1);
  const Instant start = Instant::now();
  auto late = co_await tokio::time::timeout(2ms, never_ready(&drops));
  EXPECT_FALSE(late.has_value());
  EXPECT_GE(Instant::now() - start, Duration(2ms));  // never before the deadline
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(TimeTimeout, timeouts_in_spawned_tasks) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 50; ++i) {
    handles.push_back(tokio::spawn([i]() -> tokio::Task<int> {
      std::atomic<int> drops{0};
      if (i % 2) {
        auto r = co_await tokio::time::timeout(2ms, never_ready(&drops));
        co_return r.has_value() || drops.load() != 1 ? -1 : 1;
      }
      auto r = co_await tokio::time::timeout(1h, after(1ms, i));
      co_return r.has_value() && *r == i ? 1 : -1;
    }));
  }
  int good = 0;
  for (auto& h : handles)
    good += co_await h;
  EXPECT_EQ(good, 50);
}

// Tokio's timeout_is_not_exhausted_by_future / time_rt starving: an inner task that is always
// busy (never waits on anything that blocks) must not keep the deadline from firing.
TOKIO_TEST_ALL_FLAVORS(TimeTimeout, busy_inner_task_yielding_does_not_starve_the_timer) {
  auto result = co_await tokio::time::timeout(1ms, busy_loop(/*use_yield=*/true));
  EXPECT_FALSE(result.has_value()) << "the timer never fired while the task kept yielding";
}

TOKIO_TEST_ALL_FLAVORS(TimeTimeout, busy_inner_task_consuming_budget_does_not_starve_the_timer) {
  auto result = co_await tokio::time::timeout(1ms, busy_loop(/*use_yield=*/false));
  EXPECT_FALSE(result.has_value()) << "the timer never fired while the task kept running";
}

// The same from a spawned task (not the block_on root).
TOKIO_TEST_ALL_FLAVORS(TimeTimeout, busy_spawned_task_does_not_starve_its_timer) {
  auto handle = tokio::spawn([]() -> tokio::Task<bool> {
    auto result = co_await tokio::time::timeout(1ms, busy_loop(/*use_yield=*/true));
    co_return !result.has_value();
  });
  EXPECT_TRUE(co_await handle);
}

TEST(TimeTimeout, timeout_task_is_lazy) {
  // Creating the Task outside a runtime touches no timer; it runs later inside one.
  auto task = tokio::time::timeout(1h, tokio_test::ready(1));
  auto rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
  auto result = rt.block_on(std::move(task));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, 1);
}
