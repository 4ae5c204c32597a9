// The paused clock (after Tokio's time_pause.rs and time_rt.rs): pause / resume / advance and
// their errors, Builder::start_paused, auto-advance to the next timer when the runtime is idle
// (and only then), advance firing timers in order and running the woken tasks before it
// returns, sub-millisecond advances, determinism, and the clock staying monotonic across
// pause / advance / resume.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using tokio::time::Duration;
using tokio::time::Instant;
using tokio::time::Sleep;

namespace {

double elapsed_ms(Instant start) {
  return std::chrono::duration<double, std::milli>(Instant::now() - start).count();
}

tokio::Task<void> await_sleep(Sleep* sleep) {
  Sleep& s = *sleep;
  co_await s;
}

// Polls `sleep` once from the current task: true if it completed.
tokio::Task<bool> poll_once(Sleep* sleep) {
  auto result = co_await tokio::select_biased(await_sleep(sleep), tokio_test::ready_void());
  co_return result.index() == 0;
}

tokio::Task<void> sleep_for(Duration d) {
  co_await tokio::time::sleep(d);
}

template <class F>
tokio::Task<bool> throws_logic_error(F f) {
  try {
    f();
  } catch (const std::logic_error&) {
    co_return true;
  }
  co_return false;
}

tokio::Task<bool> advance_throws_logic_error(Duration d) {
  try {
    co_await tokio::time::advance(d);
  } catch (const std::logic_error&) {
    co_return true;
  }
  co_return false;
}

// Records (id, virtual ms) on completion; single-threaded runtimes only.
struct Trace {
  Instant start;
  std::vector<std::pair<int, double>> events;
};

tokio::Task<void> sleep_and_trace(Duration d, std::shared_ptr<Trace> trace, int id) {
  co_await tokio::time::sleep(d);
  trace->events.emplace_back(id, elapsed_ms(trace->start));
}

// A little simulation with pseudo-random sleeps in several tasks; returns what happened when.
tokio::Task<std::vector<std::pair<int, double>>> simulation() {
  auto trace = std::make_shared<Trace>();
  trace->start = Instant::now();
  std::uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 200; ++i)
    handles.push_back(
        tokio::spawn(sleep_and_trace(std::chrono::microseconds(next() % 5'000'000), trace, i)));
  for (auto& h : handles)
    co_await h;
  co_return trace->events;
}

tokio::Task<Instant> yield_then_now(int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return Instant::now();
}

}  // namespace

// ---- errors ------------------------------------------------------------------------------------

TOKIO_TEST(TimePause, pause_twice_throws, .start_paused = true) {
  EXPECT_TRUE(co_await throws_logic_error([] { tokio::time::pause(); }));
  // Still paused and usable.
  const Instant start = Instant::now();
  co_await tokio::time::advance(5ms);
  EXPECT_EQ(elapsed_ms(start), 5.0);
}

TOKIO_TEST(TimePause, pause_then_pause_again_throws) {
  tokio::time::pause();
  EXPECT_TRUE(co_await throws_logic_error([] { tokio::time::pause(); }));
  tokio::time::resume();
  EXPECT_TRUE(co_await throws_logic_error([] { tokio::time::resume(); }));
}

TOKIO_TEST(TimePause, resume_without_pause_throws) {
  EXPECT_TRUE(co_await throws_logic_error([] { tokio::time::resume(); }));
}

TOKIO_TEST(TimePause, advance_without_pause_throws) {
  EXPECT_TRUE(co_await advance_throws_logic_error(1ms));
}

TOKIO_TEST(TimePause, pause_on_multi_thread_throws,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  EXPECT_TRUE(co_await throws_logic_error([] { tokio::time::pause(); }));
  EXPECT_TRUE(co_await throws_logic_error([] { tokio::time::resume(); }));
  EXPECT_TRUE(co_await advance_throws_logic_error(1ms));
  // Also from a task running on a worker thread.
  auto handle = tokio::spawn(throws_logic_error([] { tokio::time::pause(); }));
  EXPECT_TRUE(co_await handle);
  // The clock still runs: sleeps work.
  const Instant start = Instant::now();
  co_await tokio::time::sleep(1ms);
  EXPECT_GE(Instant::now() - start, Duration(1ms));
}

TEST(TimePause, pause_outside_a_runtime_throws) {
  EXPECT_THROW(tokio::time::pause(), std::logic_error);
  EXPECT_THROW(tokio::time::resume(), std::logic_error);
}

TEST(TimePause, pause_without_enable_time_throws) {
  auto rt = tokio::runtime::Builder::new_current_thread().enable_io().build();
  EXPECT_TRUE(rt.block_on(throws_logic_error([] { tokio::time::pause(); })));
  EXPECT_TRUE(rt.block_on(advance_throws_logic_error(1ms)));
}

TEST(TimePause, start_paused_on_multi_thread_throws_at_build) {
  auto builder = tokio::runtime::Builder::new_multi_thread();
  builder.worker_threads(1).enable_all().start_paused(true);
  EXPECT_THROW((void)builder.build(), std::logic_error);
  // start_paused(false) is fine.
  builder.start_paused(false);
  auto rt = builder.build();
  (void)rt;
}

TEST(TimePause, start_paused_without_enable_time_throws_at_build) {
  auto builder = tokio::runtime::Builder::new_current_thread();
  builder.start_paused(true);
  EXPECT_THROW((void)builder.build(), std::logic_error);
}

// ---- auto-advance ------------------------------------------------------------------------------

TOKIO_TEST(TimePause, sleeping_an_hour_auto_advances, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(1h);
  // Virtual time only (no assertion on real time).
  EXPECT_GE(Instant::now() - start, Duration(1h));
  EXPECT_LT(Instant::now() - start, Duration(1h + 1ms));
}

TOKIO_TEST(TimePause, pause_in_the_middle_then_auto_advance) {
  tokio::time::pause();
  const Instant start = Instant::now();
  co_await tokio::time::sleep(24h);
  // Paused at an arbitrary real instant: the deadline is rounded up to the next 1 ms tick.
  EXPECT_GE(Instant::now() - start, Duration(24h));
  EXPECT_LT(Instant::now() - start, Duration(24h + 1ms));
}

TOKIO_TEST(TimePause, timer_armed_before_pause_fires_by_auto_advance) {
  auto s = tokio::time::sleep(1h);
  const Instant deadline = s.deadline();
  EXPECT_FALSE(co_await poll_once(&s));  // armed on the real clock
  tokio::time::pause();
  co_await s;
  EXPECT_GE(Instant::now(), deadline);
}

TOKIO_TEST(TimePause, auto_advance_in_spawned_tasks, .start_paused = true) {
  const Instant start = Instant::now();
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 1; i <= 10; ++i)
    handles.push_back(tokio::spawn(sleep_for(std::chrono::minutes(i))));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(Instant::now() - start, Duration(10min));
}

TOKIO_TEST(TimePause, no_auto_advance_while_tasks_are_runnable, .start_paused = true) {
  const Instant start = Instant::now();
  // A task that keeps yielding is runnable all along: the clock does not jump while it runs,
  // even though the root sleeps an hour.
  auto busy = tokio::spawn(yield_then_now(1000));
  co_await tokio::time::sleep(1h);
  const Instant seen = co_await busy;
  EXPECT_EQ(seen, start);
  EXPECT_EQ(Instant::now() - start, Duration(1h));
}

TOKIO_TEST(TimePause, no_auto_advance_while_a_blocking_job_runs, .start_paused = true) {
  const Instant start = Instant::now();
  // The job only spins (no timing): whatever it takes, the paused clock must not jump to the
  // 1 h timer while it runs, since the job may still wake a task.
  auto job = tokio::task::spawn_blocking([] {
    for (int i = 0; i < 2000; ++i)
      std::this_thread::yield();
    return Instant::now();
  });
  auto guard = sleep_for(1h);
  auto result =
      co_await tokio::select_biased(tokio_test::await_handle(std::move(job)), std::move(guard));
  TOKIO_CO_ASSERT(result.index() == 0);
  EXPECT_EQ(std::get<0>(result), start);
  EXPECT_EQ(Instant::now(), start);
}

TOKIO_TEST(TimePause, paused_time_does_not_move_without_timers, .start_paused = true) {
  const Instant start = Instant::now();
  for (int i = 0; i < 100; ++i)
    co_await tokio::task::yield_now();
  auto job = tokio::task::spawn_blocking([] { return 1; });
  EXPECT_EQ(co_await job, 1);
  EXPECT_EQ(Instant::now(), start);
}

TEST(TimePause, paused_time_is_deterministic) {
  std::vector<std::vector<std::pair<int, double>>> runs;
  for (int run = 0; run < 2; ++run) {
    auto rt = tokio::testing::builder_for({.start_paused = true}).build();
    runs.push_back(rt.block_on(simulation()));
  }
  ASSERT_EQ(runs[0].size(), 200u);
  EXPECT_EQ(runs[0], runs[1]);
  for (std::size_t k = 1; k < runs[0].size(); ++k)
    EXPECT_LE(runs[0][k - 1].second, runs[0][k].second);
}

// ---- advance
// -------------------------------------------------------------------------------------

TOKIO_TEST(TimePause, advance_moves_the_clock_exactly, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(0ms);
  EXPECT_EQ(Instant::now(), start);
  co_await tokio::time::advance(1ns);
  EXPECT_EQ(Instant::now() - start, Duration(1ns));
  co_await tokio::time::advance(250us);
  co_await tokio::time::advance(3s);
  EXPECT_EQ(Instant::now() - start, Duration(1ns) + Duration(250us) + Duration(3s));
}

TOKIO_TEST(TimePause, advance_fires_timers_in_order_and_runs_woken_tasks, .start_paused = true) {
  auto trace = std::make_shared<Trace>();
  trace->start = Instant::now();
  auto c = tokio::spawn(sleep_and_trace(30ms, trace, 30));
  auto a = tokio::spawn(sleep_and_trace(10ms, trace, 10));
  auto b = tokio::spawn(sleep_and_trace(20ms, trace, 20));
  co_await tokio::task::yield_now();  // they arm their timers
  EXPECT_TRUE(trace->events.empty());
  co_await tokio::time::advance(25ms);
  // Both due tasks ran before advance returned, in deadline order; they saw the advanced clock.
  EXPECT_EQ(trace->events, (std::vector<std::pair<int, double>>{{10, 25.0}, {20, 25.0}}));
  EXPECT_FALSE(c.is_finished());
  co_await tokio::time::advance(5ms);
  EXPECT_EQ(trace->events,
            (std::vector<std::pair<int, double>>{{10, 25.0}, {20, 25.0}, {30, 30.0}}));
  co_await a;
  co_await b;
  co_await c;
}

TOKIO_TEST(TimePause, advance_after_poll, .start_paused = true) {
  co_await tokio::time::sleep(1ms);
  const Instant start = Instant::now();
  auto s = tokio::time::sleep_until(start + 300ms);
  EXPECT_FALSE(co_await poll_once(&s));
  const Instant before = Instant::now();
  co_await tokio::time::advance(100ms);
  EXPECT_EQ(Instant::now() - before, Duration(100ms));
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(200ms);
  EXPECT_TRUE(co_await poll_once(&s));
}

TOKIO_TEST(TimePause, sleep_no_poll, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto s = tokio::time::sleep_until(start + 300ms);
  const Instant before = Instant::now();
  co_await tokio::time::advance(100ms);
  EXPECT_EQ(Instant::now() - before, Duration(100ms));
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(198ms);  // 299 ms after start
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(1ms);
  EXPECT_TRUE(co_await poll_once(&s));
}

TOKIO_TEST(TimePause, sleep_same_task, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::advance(1ms);
  auto s = tokio::time::sleep_until(start + 300ms);
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(300ms);
  EXPECT_TRUE(co_await poll_once(&s));
  EXPECT_EQ(elapsed_ms(start), 301.0);
}

TOKIO_TEST(TimePause, advance_once_with_timer, .start_paused = true) {
  auto s = tokio::time::sleep(1ms);
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(250us);
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(1500us);
  EXPECT_TRUE(co_await poll_once(&s));
}

TOKIO_TEST(TimePause, advance_multi_with_timer, .start_paused = true) {
  // Sub-millisecond advances add up.
  auto s = tokio::time::sleep(1ms);
  EXPECT_FALSE(co_await poll_once(&s));
  for (int i = 0; i < 3; ++i) {
    co_await tokio::time::advance(250us);
    EXPECT_FALSE(co_await poll_once(&s));
  }
  co_await tokio::time::advance(250us);
  EXPECT_TRUE(co_await poll_once(&s));
}

TOKIO_TEST(TimePause, exact_1ms_advance, .start_paused = true) {
  const Instant now = Instant::now();
  const Instant a = now + 1ms;
  const Instant b = now + 2ms;
  auto s = tokio::time::sleep_until(a);
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(1ms);
  EXPECT_EQ(Instant::now(), a);
  EXPECT_TRUE(co_await poll_once(&s));
  s.reset(b);
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(1ms);
  EXPECT_EQ(Instant::now(), b);
  EXPECT_TRUE(co_await poll_once(&s));
}

TOKIO_TEST(TimePause, advance_past_many_timers_at_once, .start_paused = true) {
  auto trace = std::make_shared<Trace>();
  trace->start = Instant::now();
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 100; i >= 1; --i)
    handles.push_back(tokio::spawn(sleep_and_trace(std::chrono::milliseconds(i), trace, i)));
  // Let every task arm its timer (one scheduler round runs at most event_interval tasks).
  for (int i = 0; i < 10; ++i)
    co_await tokio::task::yield_now();
  EXPECT_EQ(Instant::now(), trace->start);
  co_await tokio::time::advance(1h);
  // advance yields once: with more woken tasks than one scheduler round (event_interval) runs,
  // some may still be queued when it returns, as in Tokio. Wait for all, then check.
  for (auto& h : handles)
    co_await h;
  TOKIO_CO_ASSERT(trace->events.size() == 100u);
  for (std::size_t k = 0; k < 100; ++k) {
    EXPECT_EQ(trace->events[k].first, static_cast<int>(k) + 1);  // deadline order
    EXPECT_EQ(trace->events[k].second, 3600 * 1000.0);           // all at the advanced time
  }
}

// ---- resume ------------------------------------------------------------------------------------

TOKIO_TEST(TimePause, resume_lets_real_time_run_again) {
  tokio::time::pause();
  const Instant paused_at = Instant::now();
  tokio::time::resume();
  const Instant before = Instant::now();
  EXPECT_GE(before, paused_at);
  co_await tokio::time::sleep(2ms);
  EXPECT_GE(Instant::now() - before, Duration(2ms));
  tokio::time::pause();  // and pausing again works
  const Instant again = Instant::now();
  co_await tokio::time::sleep(1h);
  EXPECT_GE(Instant::now() - again, Duration(1h));
  EXPECT_LT(Instant::now() - again, Duration(1h + 1ms));  // 1 ms resolution
}

// Tokio's clock keeps the time advanced while paused: after resume it runs on from there, so
// Instant::now() never goes backwards and sleeps armed after resume never complete early.
TOKIO_TEST(TimePause, clock_stays_monotonic_across_advance_and_resume) {
  tokio::time::pause();
  const Instant start = Instant::now();
  co_await tokio::time::advance(1h);
  const Instant advanced = Instant::now();
  EXPECT_EQ(advanced - start, Duration(1h));
  tokio::time::resume();
  const Instant resumed = Instant::now();
  EXPECT_GE(resumed, advanced) << "Instant::now() went backwards after resume";
  const Instant before = Instant::now();
  co_await tokio::time::sleep(5ms);
  EXPECT_GE(Instant::now() - before, Duration(5ms)) << "a sleep after resume completed early";
}
