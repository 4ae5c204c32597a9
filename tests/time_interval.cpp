// tokio::time::Interval (after Tokio's time_interval.rs): the first tick completes at once; the
// Burst / Delay / Skip missed-tick behaviours checked tick by tick on a paused clock (Tokio's own
// scenarios, polled like `check_interval_poll!`, and a slow consumer loop), the 5 ms lateness
// threshold, reset / reset_immediately / reset_after / reset_at, cancel safety of tick(),
// huge periods, errors, and intervals on both schedulers.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using tokio::time::Duration;
using tokio::time::Instant;
using tokio::time::Interval;
using tokio::time::MissedTickBehavior;

namespace {

double ms_between(Instant start, Instant t) {
  return std::chrono::duration<double, std::milli>(t - start).count();
}

// Polls `iv` repeatedly from the current task without waiting (as Tokio's check_interval_poll!
// does): the ticks that are ready now, in milliseconds after `start`. tick() is cancel-safe, so
// the pending tick that ends the loop is not lost.
tokio::Task<std::vector<double>> ready_ticks(Interval* iv, Instant start) {
  std::vector<double> out;
  for (int i = 0; i < 100; ++i) {
    auto next = iv->tick();
    auto result = co_await tokio::select_biased(std::move(next), tokio_test::ready_void());
    if (result.index() != 0) break;
    out.push_back(ms_between(start, std::get<0>(result)));
  }
  co_return out;
}

// The ticks ready now must be exactly these (ms after start).
#define CHECK_TICKS(iv, start, ...)                           \
  do {                                                        \
    auto got_ticks = co_await ready_ticks(&(iv), (start));    \
    EXPECT_EQ(got_ticks, (std::vector<double>{__VA_ARGS__})); \
  } while (0)

struct TickRecord {
  double scheduled;    // the instant tick() returned, ms after start
  double returned_at;  // when it returned, ms after start
  friend bool operator==(const TickRecord&, const TickRecord&) = default;
  friend std::ostream& operator<<(std::ostream& os, const TickRecord& t) {
    return os << "{tick " << t.scheduled << " at " << t.returned_at << "}";
  }
};

// A consumer that works `work[k]` after the k-th tick (work.size() + 1 ticks in all).
tokio::Task<std::vector<TickRecord>> slow_consumer(MissedTickBehavior behavior, Duration period,
                                                   std::vector<Duration> work) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval(period);
  iv.set_missed_tick_behavior(behavior);
  std::vector<TickRecord> out;
  for (std::size_t k = 0; k <= work.size(); ++k) {
    const Instant t = co_await iv.tick();
    out.push_back({ms_between(start, t), ms_between(start, Instant::now())});
    if (k < work.size()) co_await tokio::time::sleep(work[k]);
  }
  co_return out;
}

tokio::Task<void> sleep_for(Duration d) {
  co_await tokio::time::sleep(d);
}

tokio::Task<std::vector<Instant>> tick_n(Interval iv, int n) {
  std::vector<Instant> out;
  for (int i = 0; i < n; ++i)
    out.push_back(co_await iv.tick());
  co_return out;
}

}  // namespace

// ---- construction and errors -------------------------------------------------------------------

TOKIO_TEST(TimeInterval, zero_or_negative_period_throws, .start_paused = true) {
  EXPECT_THROW((void)tokio::time::interval(0ms), std::invalid_argument);
  EXPECT_THROW((void)tokio::time::interval(Duration::zero()), std::invalid_argument);
  EXPECT_THROW((void)tokio::time::interval(-1ms), std::invalid_argument);
  EXPECT_THROW((void)tokio::time::interval_at(Instant::now(), 0ms), std::invalid_argument);
  co_return;
}

TEST(TimeInterval, interval_outside_a_runtime_throws) {
  EXPECT_THROW((void)tokio::time::interval(1ms), std::logic_error);
}

TOKIO_TEST(TimeInterval, accessors, .start_paused = true) {
  auto iv = tokio::time::interval(10ms);
  EXPECT_EQ(iv.period(), Duration(10ms));
  EXPECT_EQ(iv.missed_tick_behavior(), MissedTickBehavior::Burst);  // the default
  iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
  EXPECT_EQ(iv.missed_tick_behavior(), MissedTickBehavior::Skip);
  iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
  EXPECT_EQ(iv.missed_tick_behavior(), MissedTickBehavior::Delay);
  co_return;
}

// ---- first tick ---------------------------------------------------------------------------------

TOKIO_TEST(TimeInterval, first_tick_completes_at_once, .start_paused = true) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval(10ms);
  const Instant first = co_await iv.tick();
  EXPECT_EQ(first, start);
  EXPECT_EQ(Instant::now(), start);  // no time passed
  const Instant second = co_await iv.tick();
  EXPECT_EQ(ms_between(start, second), 10.0);
  EXPECT_EQ(Instant::now(), second);
  const Instant third = co_await iv.tick();
  EXPECT_EQ(ms_between(start, third), 20.0);
}

TOKIO_TEST(TimeInterval, interval_at_future_start, .start_paused = true) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval_at(start + 50ms, 100ms);
  CHECK_TICKS(iv, start);
  std::vector<double> got;
  for (int i = 0; i < 3; ++i) {
    const Instant t = co_await iv.tick();
    got.push_back(ms_between(start, t));
    EXPECT_EQ(Instant::now(), t);
  }
  EXPECT_EQ(got, (std::vector<double>{50, 150, 250}));
}

TOKIO_TEST(TimeInterval, interval_at_past_start_bursts_to_catch_up, .start_paused = true) {
  co_await tokio::time::advance(1s);
  const Instant now = Instant::now();
  const Instant start = now - 1s;
  auto iv = tokio::time::interval_at(start, 300ms);  // Burst: ticks 0, 300, 600, 900 now
  CHECK_TICKS(iv, start, 0, 300, 600, 900);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 1200);
}

// ---- Tokio's missed-tick scenarios (time_interval.rs) -------------------------------------------

TOKIO_TEST(TimeInterval, burst, .start_paused = true) {
  const Instant start = Instant::now();
  // The timer is only so granular: be 1 ms ahead so that due ticks are resolved.
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(650ms);
  CHECK_TICKS(iv, start, 600, 900);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start, 1200);
  co_await tokio::time::advance(250ms);
  CHECK_TICKS(iv, start, 1500);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1800);
}

TOKIO_TEST(TimeInterval, delay, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(650ms);
  CHECK_TICKS(iv, start, 600);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  // Delay restarts from now (951) + period: 1251.
  co_await tokio::time::advance(201ms);
  CHECK_TICKS(iv, start, 1251);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1551);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1851);
}

TOKIO_TEST(TimeInterval, skip, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(650ms);
  CHECK_TICKS(iv, start, 600);
  // 900 was missed: the next tick is the next multiple of the period on the old schedule.
  co_await tokio::time::advance(250ms);
  CHECK_TICKS(iv, start, 1200);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1500);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1800);
}

// ---- a slow consumer, tick by tick ------------------------------------------------------------

TOKIO_TEST(TimeInterval, slow_consumer_once_burst, .start_paused = true) {
  std::vector<Duration> got_work{250ms, 0ms, 0ms, 0ms};
  auto got = co_await slow_consumer(MissedTickBehavior::Burst, 100ms, std::move(got_work));
  EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 250}, {200, 250}, {300, 300}, {400, 400}}));
}

TOKIO_TEST(TimeInterval, slow_consumer_once_delay, .start_paused = true) {
  std::vector<Duration> got_work{250ms, 0ms, 0ms, 0ms};
  auto got = co_await slow_consumer(MissedTickBehavior::Delay, 100ms, std::move(got_work));
  EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 250}, {350, 350}, {450, 450}, {550, 550}}));
}

TOKIO_TEST(TimeInterval, slow_consumer_once_skip, .start_paused = true) {
  std::vector<Duration> got_work{250ms, 0ms, 0ms, 0ms};
  auto got = co_await slow_consumer(MissedTickBehavior::Skip, 100ms, std::move(got_work));
  EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 250}, {300, 300}, {400, 400}, {500, 500}}));
}

TOKIO_TEST(TimeInterval, always_slow_consumer_burst, .start_paused = true) {
  std::vector<Duration> got_work{150ms, 150ms, 150ms, 150ms};
  auto got = co_await slow_consumer(MissedTickBehavior::Burst, 100ms, std::move(got_work));
  EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 150}, {200, 300}, {300, 450}, {400, 600}}));
}

TOKIO_TEST(TimeInterval, always_slow_consumer_delay, .start_paused = true) {
  std::vector<Duration> got_work{150ms, 150ms, 150ms, 150ms};
  auto got = co_await slow_consumer(MissedTickBehavior::Delay, 100ms, std::move(got_work));
  EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 150}, {250, 300}, {400, 450}, {550, 600}}));
}

TOKIO_TEST(TimeInterval, always_slow_consumer_skip, .start_paused = true) {
  std::vector<Duration> got_work{150ms, 150ms, 150ms, 150ms};
  auto got = co_await slow_consumer(MissedTickBehavior::Skip, 100ms, std::move(got_work));
  EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 150}, {200, 300}, {400, 450}, {500, 600}}));
}

// Late by at most 5 ms is not late: the schedule is kept whatever the behaviour.
TOKIO_TEST(TimeInterval, lateness_threshold_is_5ms, .start_paused = true) {
  for (auto behavior :
       {MissedTickBehavior::Burst, MissedTickBehavior::Delay, MissedTickBehavior::Skip}) {
    std::vector<Duration> got_work{105ms, 0ms};
    auto got = co_await slow_consumer(behavior, 100ms, std::move(got_work));
    EXPECT_EQ(got, (std::vector<TickRecord>{{0, 0}, {100, 105}, {200, 200}}));
  }
  // 6 ms late: Delay restarts from now, Skip and Burst keep the grid (nothing was skipped).
  std::vector<Duration> burst_work{106ms, 0ms};
  auto burst = co_await slow_consumer(MissedTickBehavior::Burst, 100ms, std::move(burst_work));
  EXPECT_EQ(burst, (std::vector<TickRecord>{{0, 0}, {100, 106}, {200, 200}}));
  std::vector<Duration> delay_work{106ms, 0ms};
  auto delay = co_await slow_consumer(MissedTickBehavior::Delay, 100ms, std::move(delay_work));
  EXPECT_EQ(delay, (std::vector<TickRecord>{{0, 0}, {100, 106}, {206, 206}}));
  std::vector<Duration> skip_work{106ms, 0ms};
  auto skip = co_await slow_consumer(MissedTickBehavior::Skip, 100ms, std::move(skip_work));
  EXPECT_EQ(skip, (std::vector<TickRecord>{{0, 0}, {100, 106}, {200, 200}}));
}

// ---- reset
// ------------------------------------------------------------------------------------------

TOKIO_TEST(TimeInterval, reset, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  iv.reset();  // next tick one period from now (401)
  co_await tokio::time::advance(250ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(50ms);
  CHECK_TICKS(iv, start, 701);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1001);
}

TOKIO_TEST(TimeInterval, reset_immediately, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  iv.reset_immediately();
  CHECK_TICKS(iv, start, 401);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 701);
}

TOKIO_TEST(TimeInterval, reset_after, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  iv.reset_after(20ms);
  co_await tokio::time::advance(19ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(1ms);
  CHECK_TICKS(iv, start, 421);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 721);
}

TOKIO_TEST(TimeInterval, reset_at, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  iv.reset_at(start + 1001ms);
  co_await tokio::time::advance(500ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start, 1001);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1301);
}

TOKIO_TEST(TimeInterval, reset_at_bigger_than_interval, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto iv = tokio::time::interval_at(start, 300ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(200ms);
  CHECK_TICKS(iv, start, 300);
  co_await tokio::time::advance(100ms);
  CHECK_TICKS(iv, start);
  iv.reset_at(start + 1000ms);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start);
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1000);  // 1 ms late: within the threshold, the grid is kept
  co_await tokio::time::advance(300ms);
  CHECK_TICKS(iv, start, 1300);
}

TOKIO_TEST(TimeInterval, reset_to_the_past_ticks_at_once, .start_paused = true) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval(100ms);
  CHECK_TICKS(iv, start, 0);
  co_await tokio::time::advance(50ms);
  iv.reset_at(start + 10ms);  // 40 ms late: Burst keeps the new grid
  CHECK_TICKS(iv, start, 10);
  co_await tokio::time::advance(60ms);
  CHECK_TICKS(iv, start, 110);
}

// ---- cancel safety, moves, huge periods --------------------------------------------------------

TOKIO_TEST(TimeInterval, tick_is_cancel_safe, .start_paused = true) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval(100ms);
  (void)co_await iv.tick();
  for (int i = 0; i < 3; ++i) {
    // The tick loses against a sleep of 30 ms; no tick is lost.
    auto next = iv.tick();
    auto result = co_await tokio::select_biased(std::move(next), sleep_for(30ms));
    EXPECT_EQ(result.index(), 1u);
  }
  EXPECT_EQ(ms_between(start, Instant::now()), 90.0);
  const Instant t = co_await iv.tick();
  EXPECT_EQ(ms_between(start, t), 100.0);
  EXPECT_EQ(ms_between(start, Instant::now()), 100.0);
}

TOKIO_TEST(TimeInterval, interval_moves_to_a_spawned_task, .start_paused = true) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval(10ms);
  (void)co_await iv.tick();  // the first tick, here
  auto handle = tokio::spawn(tick_n(std::move(iv), 3));
  auto ticks = co_await handle;
  TOKIO_CO_ASSERT(ticks.size() == 3u);
  EXPECT_EQ(ms_between(start, ticks[0]), 10.0);
  EXPECT_EQ(ms_between(start, ticks[1]), 20.0);
  EXPECT_EQ(ms_between(start, ticks[2]), 30.0);
}

// After a tick was polled (and cancelled) in one task, the Interval moves to another task: that
// task must be woken by the next tick (Tokio re-registers the waker on every poll).
TOKIO_TEST(TimeInterval, interval_polled_in_one_task_then_ticked_in_another, .start_paused = true) {
  const Instant start = Instant::now();
  auto iv = tokio::time::interval(10ms);
  (void)co_await iv.tick();
  CHECK_TICKS(iv, start);  // polls the pending second tick from this task
  auto handle = tokio::spawn(tick_n(std::move(iv), 2));
  auto guard = sleep_for(1h);  // fails instead of hanging if the spawned task is never woken
  auto result =
      co_await tokio::select_biased(tokio_test::await_handle(std::move(handle)), std::move(guard));
  TOKIO_CO_ASSERT(result.index() == 0);
  auto& ticks = std::get<0>(result);
  TOKIO_CO_ASSERT(ticks.size() == 2u);
  EXPECT_EQ(ms_between(start, ticks[0]), 10.0);
  EXPECT_EQ(ms_between(start, ticks[1]), 20.0);
}

TOKIO_TEST(TimeInterval, huge_period_does_not_overflow, .start_paused = true) {
  const Instant start = Instant::now();
  for (auto behavior :
       {MissedTickBehavior::Burst, MissedTickBehavior::Delay, MissedTickBehavior::Skip}) {
    auto iv = tokio::time::interval(Duration::max());
    iv.set_missed_tick_behavior(behavior);
    const Instant first = co_await iv.tick();  // the first tick at once
    EXPECT_EQ(first, Instant::now());
    auto next = iv.tick();
    auto result = co_await tokio::select(std::move(next), sleep_for(10ms));
    EXPECT_EQ(result.index(), 1u);
  }
  EXPECT_EQ(ms_between(start, Instant::now()), 30.0);
}

// ---- both schedulers, real clock
// -----------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TimeInterval, ticks_on_both_schedulers) {
  // Burst keeps the schedule, so the returned instants are exact multiples of the period from
  // the first tick even if this machine is slow; each tick returns no earlier than scheduled.
  auto iv = tokio::time::interval(1ms);
  const Instant first = co_await iv.tick();
  for (int k = 1; k <= 5; ++k) {
    const Instant t = co_await iv.tick();
    EXPECT_EQ(t, first + std::chrono::milliseconds(k));
    EXPECT_GE(Instant::now(), t);
  }
}

TOKIO_TEST_ALL_FLAVORS(TimeInterval, ticks_in_spawned_tasks) {
  std::vector<tokio::JoinHandle<std::vector<Instant>>> handles;
  for (int i = 0; i < 8; ++i)
    handles.push_back(tokio::spawn(tick_n(tokio::time::interval(2ms), 4)));
  for (auto& h : handles) {
    auto ticks = co_await h;
    TOKIO_CO_ASSERT(ticks.size() == 4u);
    for (std::size_t k = 1; k < ticks.size(); ++k)
      EXPECT_EQ(ticks[k] - ticks[k - 1], Duration(2ms));
  }
}
