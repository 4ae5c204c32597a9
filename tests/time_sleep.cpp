// tokio::time::sleep / sleep_until / Sleep (after Tokio's time_sleep.rs and time_rt.rs):
// immediate and past deadlines, exact virtual deadlines on every wheel level, ordering of many
// timers, reset before and after firing, cancellation from select, a large number of concurrent
// sleeps, huge durations, Instant arithmetic, sleeps on both schedulers, from spawned tasks and
// from blocking threads, errors without a time driver, and one generous real-clock check.
//
// Everything time-dependent runs on a paused clock (start_paused), where assertions are on
// virtual instants only; the real-clock tests use 1-5 ms sleeps and assert only lower bounds,
// ordering and completion.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using tokio::time::Duration;
using tokio::time::Instant;
using tokio::time::Sleep;
using tokio_test::DropCounter;

// Sanitizer builds (and Debug builds) are an order of magnitude slower: the concurrent-sleeps
// test uses 100,000 sleeps there and the target of 1,000,000 in optimised builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TIME_SLEEP_SANITIZED 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TIME_SLEEP_SANITIZED 1
#endif
#endif

namespace {

#if defined(NDEBUG) && !defined(TIME_SLEEP_SANITIZED)
constexpr std::size_t kManySleeps = 1'000'000;
#else
constexpr std::size_t kManySleeps = 100'000;
#endif

constexpr auto kYear = std::chrono::hours(24 * 365);
// The wheel's range in ticks (ms), as in Tokio's tests: (1 << 36) - 1.
constexpr auto kMaxWheelDuration = std::chrono::milliseconds((std::int64_t{1} << 36) - 1);

// Virtual milliseconds from `start` to now (exact for whole-millisecond offsets).
double elapsed_ms(Instant start) {
  return std::chrono::duration<double, std::milli>(Instant::now() - start).count();
}
double ms_between(Instant start, Instant t) {
  return std::chrono::duration<double, std::milli>(t - start).count();
}

tokio::Task<void> await_sleep(Sleep* sleep) {
  Sleep& s = *sleep;
  co_await s;
}

// Polls `sleep` once from the current task (registering its waker, as Tokio's
// `assert_pending!(sleep.poll())`): true if it completed.
tokio::Task<bool> poll_once(Sleep* sleep) {
  auto result = co_await tokio::select_biased(await_sleep(sleep), tokio_test::ready_void());
  co_return result.index() == 0;
}

// Templated so that huge std::chrono durations reach tokio::time::sleep unconverted (converting
// hours::max() to nanoseconds would overflow before the library saw it).
template <class D>
tokio::Task<int> sleep_then(D d, int value) {
  co_await tokio::time::sleep(d);
  co_return value;
}

tokio::Task<int> sleep_until_then(Instant deadline, int value) {
  co_await tokio::time::sleep_until(deadline);
  co_return value;
}

tokio::Task<int> counted_sleep(std::atomic<int>* drops, Duration d, int value) {
  DropCounter counter(*drops);
  co_await tokio::time::sleep(d);
  co_return value;
}

// Shared by the tasks of one ordering test (may run on several workers).
struct Recorder {
  std::mutex mutex;
  std::vector<int> ids;
  std::vector<Instant> at;
  void record(int id) {
    const Instant now = Instant::now();
    std::lock_guard lock(mutex);
    ids.push_back(id);
    at.push_back(now);
  }
};

tokio::Task<void> sleep_until_and_record(Instant deadline, std::shared_ptr<Recorder> rec, int id) {
  co_await tokio::time::sleep_until(deadline);
  rec->record(id);
}

tokio::Task<Duration> timed_sleep(Duration d) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(d);
  co_return Instant::now() - start;
}

// Sleeps until `deadline`; counts completions and completions that came early.
tokio::Task<void> counting_sleeper(Instant deadline, std::atomic<std::size_t>* done,
                                   std::atomic<std::size_t>* early) {
  co_await tokio::time::sleep_until(deadline);
  if (Instant::now() < deadline) early->fetch_add(1, std::memory_order_relaxed);
  done->fetch_add(1, std::memory_order_relaxed);
}

tokio::Task<void> sleep_for(Duration d) {
  co_await tokio::time::sleep(d);
}

tokio::Task<void> make_sleep_without_time() {
  auto s = tokio::time::sleep(1ms);
  co_await s;
}

}  // namespace

// ---- immediate and past deadlines ---------------------------------------------------------

TOKIO_TEST(TimeSleep, zero_and_negative_sleeps_complete_at_once, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(0ms);
  co_await tokio::time::sleep(Duration::zero());
  co_await tokio::time::sleep(-5ms);
  co_await tokio::time::sleep(-std::chrono::hours(1));
  EXPECT_EQ(elapsed_ms(start), 0.0);  // no virtual time passed
}

TOKIO_TEST(TimeSleep, deadline_in_the_past_completes_at_once, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep_until(start - 1s);
  co_await tokio::time::sleep_until(start);
  co_await tokio::time::sleep_until(Instant());  // the clock's epoch
  co_await tokio::time::sleep_until(Instant::from_std(Instant::Clock::time_point::min()));
  EXPECT_EQ(elapsed_ms(start), 0.0);

  // A past deadline is already elapsed before it is awaited.
  auto past = tokio::time::sleep_until(start - 10ms);
  EXPECT_TRUE(past.is_elapsed());
  EXPECT_EQ(past.deadline(), start - 10ms);
  co_await past;
  EXPECT_TRUE(past.is_elapsed());
}

TOKIO_TEST(TimeSleep, short_sleeps_in_a_loop, .start_paused = true) {
  const Instant start = Instant::now();
  for (int i = 0; i < 1000; ++i)
    co_await tokio::time::sleep(0ms);
  EXPECT_EQ(elapsed_ms(start), 0.0);
}

// ---- exact virtual deadlines --------------------------------------------------------------

TOKIO_TEST(TimeSleep, immediate_sleep, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep_until(start);
  EXPECT_EQ(Instant::now(), start);
}

TOKIO_TEST(TimeSleep, delayed_sleep_level_0, .start_paused = true) {
  for (int i : {1, 10, 60}) {
    const Instant start = Instant::now();
    co_await tokio::time::sleep_until(start + std::chrono::milliseconds(i));
    EXPECT_EQ(elapsed_ms(start), static_cast<double>(i));
  }
}

TOKIO_TEST(TimeSleep, sub_ms_delayed_sleep_never_completes_early, .start_paused = true) {
  for (int i = 0; i < 5; ++i) {
    const Instant start = Instant::now();
    const Instant deadline = start + 1ms + 1ns;
    co_await tokio::time::sleep_until(deadline);
    EXPECT_GE(Instant::now(), deadline);
    // Resolution is 1 ms: it completes at the next millisecond tick, not later.
    EXPECT_LE(Instant::now(), deadline + 1ms);
  }
}

TOKIO_TEST(TimeSleep, delayed_sleep_wrapping_level_0, .start_paused = true) {
  co_await tokio::time::sleep(5ms);
  const Instant start = Instant::now();
  co_await tokio::time::sleep_until(start + 60ms);
  EXPECT_EQ(elapsed_ms(start), 60.0);
}

TOKIO_TEST(TimeSleep, exact_deadlines_on_every_wheel_level, .start_paused = true) {
  // Durations on both sides of each level's boundary (64^L ms), up to the top level.
  const std::vector<std::int64_t> durations_ms = {1,
                                                  63,
                                                  64,
                                                  65,
                                                  4'095,
                                                  4'096,
                                                  4'097,
                                                  262'143,
                                                  262'144,
                                                  262'145,
                                                  16'777'215,
                                                  16'777'216,
                                                  16'777'217,
                                                  1'073'741'823,
                                                  1'073'741'824,
                                                  1'073'741'825,
                                                  24LL * 3600 * 1000,
                                                  30LL * 24 * 3600 * 1000};
  for (std::int64_t d : durations_ms) {
    const Instant start = Instant::now();
    co_await tokio::time::sleep(std::chrono::milliseconds(d));
    EXPECT_EQ(elapsed_ms(start), static_cast<double>(d)) << "sleep of " << d << " ms";
  }
}

TOKIO_TEST(TimeSleep, sleep_deadline_and_is_elapsed, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = tokio::time::sleep(10ms);
  EXPECT_EQ(s.deadline(), start + 10ms);
  EXPECT_FALSE(s.is_elapsed());
  EXPECT_FALSE(co_await poll_once(&s));  // armed now
  EXPECT_FALSE(s.is_elapsed());
  co_await tokio::time::advance(9ms);
  EXPECT_FALSE(s.is_elapsed());
  co_await tokio::time::advance(1ms);
  EXPECT_TRUE(s.is_elapsed());
  co_await s;
  EXPECT_TRUE(s.is_elapsed());
  EXPECT_EQ(s.deadline(), start + 10ms);
  EXPECT_EQ(elapsed_ms(start), 10.0);

  auto until = tokio::time::sleep_until(start + 1h);
  EXPECT_EQ(until.deadline(), start + 1h);
  EXPECT_FALSE(until.is_elapsed());
}

// ---- ordering -----------------------------------------------------------------------------

TOKIO_TEST(TimeSleep, many_timers_complete_in_deadline_order, .start_paused = true) {
  const Instant start = Instant::now();
  auto rec = std::make_shared<Recorder>();
  // 50 distinct deadlines (ms apart, spread over several wheel levels), 20 timers each,
  // armed in a scrambled order.
  constexpr int kDistinct = 50;
  constexpr int kPerDeadline = 20;
  auto deadline_of = [&](int group) {
    return start + std::chrono::milliseconds(1 + group * group * 37);
  };
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < kDistinct * kPerDeadline; ++i) {
    const int id = (i * 7919) % (kDistinct * kPerDeadline);  // a permutation
    handles.push_back(tokio::spawn(sleep_until_and_record(deadline_of(id % kDistinct), rec, id)));
  }
  for (auto& h : handles)
    co_await h;
  TOKIO_CO_ASSERT(rec->ids.size() == static_cast<std::size_t>(kDistinct * kPerDeadline));
  for (std::size_t k = 0; k < rec->ids.size(); ++k) {
    const int group = rec->ids[k] % kDistinct;
    // Each completes exactly at its deadline...
    EXPECT_EQ(rec->at[k], deadline_of(group)) << "timer " << rec->ids[k];
    // ... and no timer completes before one with an earlier deadline.
    if (k > 0) {
      EXPECT_LE(rec->ids[k - 1] % kDistinct, group) << "position " << k;
    }
  }
  // Every timer ran exactly once.
  std::vector<int> sorted = rec->ids;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < kDistinct * kPerDeadline; ++i)
    EXPECT_EQ(sorted[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(Instant::now(), deadline_of(kDistinct - 1));
}

TOKIO_TEST(TimeSleep, equal_deadlines_fire_together, .start_paused = true) {
  const Instant start = Instant::now();
  const Instant deadline = start + 250ms;
  auto rec = std::make_shared<Recorder>();
  std::vector<tokio::JoinHandle<void>> handles;
  for (int i = 0; i < 500; ++i)
    handles.push_back(tokio::spawn(sleep_until_and_record(deadline, rec, i)));
  for (auto& h : handles)
    co_await h;
  TOKIO_CO_ASSERT(rec->ids.size() == 500u);
  for (Instant t : rec->at)
    EXPECT_EQ(t, deadline);
  std::vector<int> sorted = rec->ids;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 500; ++i)
    EXPECT_EQ(sorted[static_cast<std::size_t>(i)], i);
}

TOKIO_TEST(TimeSleep, sleeps_in_one_task_via_join_complete_at_their_deadlines,
           .start_paused = true) {
  const Instant start = Instant::now();
  auto [a, b, c] = co_await tokio::join(timed_sleep(30ms), timed_sleep(10ms), timed_sleep(20ms));
  EXPECT_EQ(a, Duration(30ms));
  EXPECT_EQ(b, Duration(10ms));
  EXPECT_EQ(c, Duration(20ms));
  EXPECT_EQ(elapsed_ms(start), 30.0);
}

// ---- reset ---------------------------------------------------------------------------------

TOKIO_TEST(TimeSleep, reset_later_while_pending, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = tokio::time::sleep_until(start + 100ms);
  EXPECT_FALSE(co_await poll_once(&s));
  s.reset(Instant::now() + 200ms);
  EXPECT_EQ(s.deadline(), start + 200ms);
  co_await s;
  EXPECT_EQ(elapsed_ms(start), 200.0);
}

TOKIO_TEST(TimeSleep, reset_earlier_while_pending, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = tokio::time::sleep_until(start + 1h);
  EXPECT_FALSE(co_await poll_once(&s));
  s.reset(start + 10ms);
  co_await s;
  EXPECT_EQ(elapsed_ms(start), 10.0);
}

TOKIO_TEST(TimeSleep, reset_to_the_past_while_pending_completes_at_once, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = tokio::time::sleep_until(start + 100ms);
  EXPECT_FALSE(co_await poll_once(&s));
  co_await tokio::time::advance(10ms);
  s.reset(start + 5ms);
  EXPECT_TRUE(s.is_elapsed());
  co_await s;
  EXPECT_EQ(elapsed_ms(start), 10.0);
  s.reset(start);  // also when it has already completed
  EXPECT_TRUE(co_await poll_once(&s));
  EXPECT_EQ(elapsed_ms(start), 10.0);
}

TOKIO_TEST(TimeSleep, reset_before_first_poll, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = tokio::time::sleep_until(start + 100ms);
  s.reset(start + 30ms);
  co_await s;
  EXPECT_EQ(elapsed_ms(start), 30.0);
}

TOKIO_TEST(TimeSleep, reset_future_sleep_after_fire, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = tokio::time::sleep_until(start + 100ms);
  co_await s;
  EXPECT_EQ(elapsed_ms(start), 100.0);
  s.reset(start + 110ms);
  EXPECT_FALSE(s.is_elapsed());
  co_await s;
  EXPECT_EQ(elapsed_ms(start), 110.0);
}

TOKIO_TEST(TimeSleep, reset_after_firing_is_pending_again, .start_paused = true) {
  auto s = tokio::time::sleep(1ms);
  const Instant deadline = s.deadline();
  co_await s;
  EXPECT_TRUE(co_await poll_once(&s));  // stays complete
  s.reset(Instant::now() + 600s);
  EXPECT_NE(deadline, s.deadline());
  EXPECT_FALSE(co_await poll_once(&s));
  EXPECT_FALSE(co_await poll_once(&s));
  EXPECT_FALSE(s.is_elapsed());
}

// Resets from another task while a spawned task is suspended on the Sleep: the waiting task is
// woken at the new deadline, earlier or later.
namespace {
tokio::Task<Instant> await_shared_sleep(std::shared_ptr<Sleep> s) {
  Sleep& sleep = *s;
  co_await sleep;
  co_return Instant::now();
}
}  // namespace

TOKIO_TEST(TimeSleep, reset_while_awaited_by_another_task, .start_paused = true) {
  const Instant start = Instant::now();
  {
    auto s = std::make_shared<Sleep>(start + 100ms);
    auto waiter = tokio::spawn(await_shared_sleep(s));
    co_await tokio::task::yield_now();  // the waiter arms the timer
    s->reset(start + 300ms);            // later
    const Instant woke = co_await waiter;
    EXPECT_EQ(ms_between(start, woke), 300.0);
  }
  const Instant start2 = Instant::now();
  {
    auto s = std::make_shared<Sleep>(start2 + 1h);
    auto waiter = tokio::spawn(await_shared_sleep(s));
    co_await tokio::task::yield_now();
    s->reset(start2 + 20ms);  // earlier
    const Instant woke = co_await waiter;
    EXPECT_EQ(ms_between(start2, woke), 20.0);
  }
  const Instant start3 = Instant::now();
  {
    auto s = std::make_shared<Sleep>(start3 + 1h);
    auto waiter = tokio::spawn(await_shared_sleep(s));
    co_await tokio::task::yield_now();
    s->reset(start3 - 1ms);  // already due: the waiter is woken at once
    const Instant woke = co_await waiter;
    EXPECT_EQ(ms_between(start3, woke), 0.0);
  }
}

// A Sleep first polled by one task and then awaited by another must wake the second one (Tokio
// registers the latest waker on every poll).
TOKIO_TEST(TimeSleep, sleep_polled_by_one_task_then_awaited_by_another, .start_paused = true) {
  const Instant start = Instant::now();
  auto s = std::make_shared<Sleep>(start + 100ms);
  EXPECT_FALSE(co_await poll_once(s.get()));  // armed with this task's waker
  auto waiter = tokio::spawn(await_shared_sleep(s));
  // Guarded so that a lost wake-up fails instead of hanging.
  auto result =
      co_await tokio::select_biased(tokio_test::await_handle(std::move(waiter)), sleep_then(1h, 0));
  EXPECT_EQ(result.index(), 0u) << "the second task was never woken";
  if (result.index() == 0) {
    EXPECT_EQ(ms_between(start, std::get<0>(result)), 100.0);
  }
}

// ---- cancellation --------------------------------------------------------------------------

TOKIO_TEST(TimeSleep, select_cancels_the_pending_sleep, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  auto result = co_await tokio::select(counted_sleep(&drops, 1h, 1), sleep_then(10ms, 2));
  TOKIO_CO_ASSERT(result.index() == 1);
  EXPECT_EQ(std::get<1>(result), 2);
  EXPECT_EQ(drops.load(), 1);  // the loser's frame (and its Sleep) is gone
  EXPECT_EQ(elapsed_ms(start), 10.0);
  // The cancelled timer does not fire later: the next timer is this one, at its own deadline.
  co_await tokio::time::sleep(2h);
  EXPECT_EQ(elapsed_ms(start), 10.0 + 2 * 3600 * 1000.0);
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST(TimeSleep, select_in_a_loop_cancels_every_loser, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<int> drops{0};
  int fast_wins = 0;
  for (int i = 0; i < 2000; ++i) {
    auto result = co_await tokio::select(
        counted_sleep(&drops, std::chrono::milliseconds(5 + i % 7), 0), sleep_then(1ms, 1));
    if (result.index() == 1) ++fast_wins;
  }
  EXPECT_EQ(fast_wins, 2000);
  EXPECT_EQ(drops.load(), 2000);
  EXPECT_EQ(elapsed_ms(start), 2000.0);
  // None of the cancelled timers wakes anything: a 1 s sleep takes exactly 1 s.
  co_await tokio::time::sleep(1s);
  EXPECT_EQ(elapsed_ms(start), 3000.0);
}

TOKIO_TEST(TimeSleep, dropping_an_armed_sleep_unlinks_it, .start_paused = true) {
  const Instant start = Instant::now();
  {
    auto s = tokio::time::sleep(10ms);
    EXPECT_FALSE(co_await poll_once(&s));
  }  // destroyed while linked in the wheel
  {
    auto s = tokio::time::sleep(20ms);
    EXPECT_FALSE(co_await poll_once(&s));
    s.reset(start + 5ms);
  }
  co_await tokio::time::sleep(50ms);
  EXPECT_EQ(elapsed_ms(start), 50.0);
}

TOKIO_TEST_ALL_FLAVORS(TimeSleep, select_short_sleep_beats_long_one_real_clock) {
  std::atomic<int> drops{0};
  for (int i = 0; i < 20; ++i) {
    auto result = co_await tokio::select(counted_sleep(&drops, 1h, 1), sleep_then(1ms, 2));
    EXPECT_EQ(result.index(), 1u);
  }
  EXPECT_EQ(drops.load(), 20);
}

namespace {
// Arms a long sleep, after saying (through `started`) that its DropCounter exists.
tokio::Task<void> started_sleeper(std::atomic<int>* drops, tokio::sync::Semaphore* started,
                                  Duration d) {
  DropCounter counter(*drops);
  started->add_permits(1);
  co_await tokio::time::sleep(d);
}

// Returns once all 100 sleepers have started: a sleeper that never ran would have no
// DropCounter to count, whatever shutdown does.
tokio::Task<void> spawn_sleepers_and_return(std::atomic<int>* drops) {
  tokio::sync::Semaphore started(0);
  for (int i = 0; i < 100; ++i)
    (void)tokio::spawn(started_sleeper(drops, &started, 1h + std::chrono::milliseconds(i)));
  auto all = co_await started.acquire_many(100);
  TOKIO_CO_ASSERT(all.has_value());
  all->forget();
  EXPECT_EQ(drops->load(), 0);
}
}  // namespace

TEST(TimeSleep, runtime_shutdown_cancels_pending_sleeps) {
  for (auto flavor :
       {tokio::runtime::RuntimeFlavor::CurrentThread, tokio::runtime::RuntimeFlavor::MultiThread}) {
    std::atomic<int> drops{0};
    {
      auto rt = tokio::testing::builder_for({.flavor = flavor, .worker_threads = 2}).build();
      rt.block_on(spawn_sleepers_and_return(&drops));
    }  // shutdown destroys the sleepers; their Sleeps unlink from the wheel
    EXPECT_EQ(drops.load(), 100);
  }
}

// ---- many concurrent sleeps ----------------------------------------------------------------

TOKIO_TEST(TimeSleep, many_concurrent_sleeps_complete, .start_paused = true) {
  const Instant start = Instant::now();
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> early{0};
  Instant last = start;
  for (std::size_t i = 0; i < kManySleeps; ++i) {
    // Up to 100 s: spread over the first three wheel levels.
    const Instant deadline = start + std::chrono::milliseconds((i * 7919) % 100'000 + 1);
    last = std::max(last, deadline);
    (void)tokio::spawn(counting_sleeper(deadline, &done, &early));  // detached
  }
  co_await tokio::time::sleep_until(last + 1ms);
  EXPECT_EQ(done.load(), kManySleeps);
  EXPECT_EQ(early.load(), 0u);
  EXPECT_EQ(Instant::now(), last + 1ms);
}

TOKIO_TEST(TimeSleep, many_concurrent_sleeps_on_multi_thread,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> early{0};
  std::vector<tokio::JoinHandle<void>> handles;
  constexpr std::size_t kCount = 10'000;
  const Instant start = Instant::now();
  for (std::size_t i = 0; i < kCount; ++i)
    handles.push_back(tokio::spawn(
        counting_sleeper(start + std::chrono::milliseconds(1 + i % 5), &done, &early)));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(done.load(), kCount);
  EXPECT_EQ(early.load(), 0u);
}

// ---- huge durations ------------------------------------------------------------------------

TOKIO_TEST(TimeSleep, huge_durations_do_not_overflow, .start_paused = true) {
  const Instant start = Instant::now();
  const Instant far = Instant::from_std(Instant::Clock::time_point::max());
  {
    auto s = tokio::time::sleep(std::chrono::hours::max());
    EXPECT_EQ(s.deadline(), far);
    EXPECT_FALSE(s.is_elapsed());
  }
  {
    auto s = tokio::time::sleep(Duration::max());
    EXPECT_EQ(s.deadline(), far);
  }
  {
    auto s = tokio::time::sleep(std::chrono::duration<double>(1e300));
    EXPECT_EQ(s.deadline(), far);
  }
  // Each against a short sleep: the short one wins, at its own deadline.
  auto r1 = co_await tokio::select(sleep_then(std::chrono::hours::max(), 0), sleep_then(10ms, 1));
  EXPECT_EQ(r1.index(), 1u);
  auto r2 = co_await tokio::select(sleep_then(Duration::max(), 0), sleep_then(10ms, 1));
  EXPECT_EQ(r2.index(), 1u);
  auto r3 = co_await tokio::select(sleep_until_then(far, 0), sleep_then(10ms, 1));
  EXPECT_EQ(r3.index(), 1u);
  auto r4 = co_await tokio::select(sleep_then(std::chrono::years::max(), 0), sleep_then(10ms, 1));
  EXPECT_EQ(r4.index(), 1u);
  EXPECT_EQ(elapsed_ms(start), 40.0);
  // The most negative durations saturate to the past and complete at once.
  co_await tokio::time::sleep(Duration::min());
  co_await tokio::time::sleep(std::chrono::hours::min());
  EXPECT_EQ(elapsed_ms(start), 40.0);
}

TOKIO_TEST_ALL_FLAVORS(TimeSleep, huge_durations_do_not_overflow_real_clock) {
  auto r1 = co_await tokio::select(sleep_then(std::chrono::hours::max(), 0), sleep_then(1ms, 1));
  EXPECT_EQ(r1.index(), 1u);
  auto r2 = co_await tokio::select(sleep_then(Duration::max(), 0), sleep_then(1ms, 1));
  EXPECT_EQ(r2.index(), 1u);
}

TOKIO_TEST(TimeSleep, exactly_max_wheel_duration, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(kMaxWheelDuration);
  EXPECT_GE(Instant::now(), start + kMaxWheelDuration);
}

TOKIO_TEST(TimeSleep, no_out_of_bounds_close_to_max, .start_paused = true) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(kMaxWheelDuration - 1ms);
  EXPECT_GE(Instant::now(), start + kMaxWheelDuration - 1ms);
}

// Tokio's long_sleeps / greater_than_max / very_long_sleeps: a sleep beyond the wheel's range
// (about 2.2 years) still never completes before its deadline.
TOKIO_TEST(TimeSleep, sleep_beyond_wheel_range_never_completes_early, .start_paused = true) {
  const Instant deadline = Instant::now() + 5 * kYear;
  co_await tokio::time::sleep_until(deadline);
  EXPECT_GE(Instant::now(), deadline);
  EXPECT_LE(Instant::now(), deadline + 1ms);
}

TOKIO_TEST(TimeSleep, far_future_sleep_loses_to_a_longer_but_in_range_one, .start_paused = true) {
  // 10 years against 3 years: the 3-year sleep must win (biased: the 10-year one is polled
  // first, so a wrong winner shows deterministically).
  auto result = co_await tokio::select_biased(sleep_then(10 * kYear, 0), sleep_then(3 * kYear, 1));
  EXPECT_EQ(result.index(), 1u);
}

TOKIO_TEST(TimeSleep, multi_long_sleeps, .start_paused = true) {
  for (int i = 0; i < 5; ++i) {
    const Instant start = Instant::now();
    co_await tokio::time::sleep(kYear);
    EXPECT_GE(Instant::now(), start + kYear);
  }
  const Instant deadline = Instant::now() + kMaxWheelDuration;
  co_await tokio::time::sleep_until(deadline);
  EXPECT_GE(Instant::now(), deadline);
}

// ---- Instant ---------------------------------------------------------------------------------

TEST(TimeInstant, arithmetic_saturates) {
  const Instant max = Instant::from_std(Instant::Clock::time_point::max());
  const Instant min = Instant::from_std(Instant::Clock::time_point::min());
  const Instant now = Instant::now();
  EXPECT_EQ(now + std::chrono::hours::max(), max);
  EXPECT_EQ(now + Duration::max(), max);
  EXPECT_EQ(max + 1ns, max);
  EXPECT_EQ(max + 1h, max);
  EXPECT_EQ(min - 1ns, min);
  EXPECT_EQ(now - std::chrono::hours::max(), min);
  EXPECT_EQ(now + -std::chrono::hours::max(), min);
  EXPECT_EQ(now - -std::chrono::hours::max(), max);
  EXPECT_EQ(now + std::chrono::duration<double>(1e300), max);
  EXPECT_EQ(now + std::chrono::duration<double>(-1e300), min);
  Instant acc = now;
  acc += std::chrono::hours::max();
  EXPECT_EQ(acc, max);

  EXPECT_FALSE(max.checked_add(1ns).has_value());
  EXPECT_FALSE(now.checked_add(std::chrono::hours::max()).has_value());
  EXPECT_FALSE(min.checked_sub(1ns).has_value());
  EXPECT_FALSE(now.checked_sub(std::chrono::hours::max()).has_value());
  ASSERT_TRUE(now.checked_add(1s).has_value());
  EXPECT_EQ(*now.checked_add(1s), now + 1s);
  ASSERT_TRUE(now.checked_sub(1s).has_value());
  EXPECT_EQ(*now.checked_sub(1s), now - 1s);
  EXPECT_EQ((now + 1500us) - now, Duration(1500us));
}

TEST(TimeInstant, differences_saturate_at_zero) {
  const Instant a = Instant::now();
  const Instant b = a + 5s;
  EXPECT_EQ(b - a, Duration(5s));
  EXPECT_EQ(a - b, Duration::zero());
  EXPECT_EQ(b.duration_since(a), Duration(5s));
  EXPECT_EQ(a.duration_since(b), Duration::zero());
  const Instant max = Instant::from_std(Instant::Clock::time_point::max());
  const Instant min = Instant::from_std(Instant::Clock::time_point::min());
  EXPECT_EQ(min - max, Duration::zero());
  // max - min is not representable in nanoseconds: the difference saturates, never wraps.
  EXPECT_GE(max - a, Duration::zero());
  EXPECT_GE(a - min, Duration::zero());
  EXPECT_EQ(max - min, Duration::max());
  EXPECT_EQ(max.duration_since(min), Duration::max());
  EXPECT_EQ(b.elapsed(), Duration::zero());  // in the future
  EXPECT_LT(a, b);
  EXPECT_EQ(a, Instant::from_std(a.into_std()));
}

TEST(TimeInstant, now_outside_a_runtime_is_monotonic) {
  Instant prev = Instant::now();
  for (int i = 0; i < 1000; ++i) {
    const Instant next = Instant::now();
    EXPECT_GE(next, prev);
    prev = next;
  }
  const Instant std_now = Instant::from_std(std::chrono::steady_clock::now());
  EXPECT_GE(Instant::now(), std_now);
}

TOKIO_TEST(TimeInstant, paused_clock_does_not_move_without_timers, .start_paused = true) {
  const Instant start = Instant::now();
  for (int i = 0; i < 1000; ++i)
    co_await tokio::task::yield_now();
  EXPECT_EQ(Instant::now(), start);
  EXPECT_EQ(start.elapsed(), Duration::zero());
  co_await tokio::time::sleep(3ms);
  EXPECT_EQ(start.elapsed(), Duration(3ms));
}

// ---- both schedulers, spawned tasks, blocking threads ----------------------------------------

TOKIO_TEST_ALL_FLAVORS(TimeSleep, sleeps_complete_on_both_schedulers) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(1ms);
  EXPECT_GE(Instant::now() - start, Duration(1ms));
  const Instant deadline = Instant::now() + 5ms;
  co_await tokio::time::sleep_until(deadline);
  EXPECT_GE(Instant::now(), deadline);
}

TOKIO_TEST_ALL_FLAVORS(TimeSleep, sleeps_in_spawned_tasks) {
  std::vector<tokio::JoinHandle<Duration>> handles;
  for (int i = 0; i < 40; ++i)
    handles.push_back(tokio::spawn(timed_sleep(std::chrono::milliseconds(1 + i % 5))));
  for (std::size_t i = 0; i < handles.size(); ++i) {
    const Duration took = co_await handles[i];
    EXPECT_GE(took, Duration(std::chrono::milliseconds(1 + i % 5)));
  }
}

TOKIO_TEST(TimeSleep, instant_now_in_spawn_blocking_sees_the_paused_clock, .start_paused = true) {
  co_await tokio::time::sleep(1h);
  const Instant now = Instant::now();
  const Instant seen = co_await tokio::task::spawn_blocking([] { return Instant::now(); });
  EXPECT_EQ(seen, now);
}

TOKIO_TEST_ALL_FLAVORS(TimeSleep, instant_now_in_spawn_blocking) {
  const Instant before = Instant::now();
  const Instant seen = co_await tokio::task::spawn_blocking([] { return Instant::now(); });
  EXPECT_GE(seen, before);
  EXPECT_GE(Instant::now(), seen);
}

// Multi-thread only: on current_thread, Handle::block_on from another thread needs the thread
// in Runtime::block_on to drive the timers (Tokio's documented caveat); not covered here.
TOKIO_TEST(TimeSleep, sleep_from_a_blocking_thread_via_handle,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto handle = tokio::runtime::Handle::current();
  auto job = tokio::task::spawn_blocking([handle] {
    const Instant start = Instant::now();
    handle.block_on(sleep_for(2ms));
    return Instant::now() - start;
  });
  const Duration took = co_await job;
  EXPECT_GE(took, Duration(2ms));
}

// ---- errors ------------------------------------------------------------------------------------

TEST(TimeSleep, sleep_outside_a_runtime_throws) {
  EXPECT_THROW((void)tokio::time::sleep(1ms), std::logic_error);
  EXPECT_THROW((void)tokio::time::sleep_until(Instant::now()), std::logic_error);
}

TEST(TimeSleep, sleep_without_enable_time_throws) {
  auto current = tokio::runtime::Builder::new_current_thread();
  auto multi = tokio::runtime::Builder::new_multi_thread();
  multi.worker_threads(1);
  for (auto* builder : {&current, &multi}) {
    auto rt = builder->enable_io().build();
    try {
      rt.block_on(make_sleep_without_time());
      ADD_FAILURE() << "expected std::logic_error";
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find("enable_time"), std::string::npos) << e.what();
    }
  }
}

// ---- real clock --------------------------------------------------------------------------------

TOKIO_TEST(TimeSleep, real_clock_accuracy) {
  const Instant start = Instant::now();
  const auto std_start = std::chrono::steady_clock::now();
  co_await tokio::time::sleep(20ms);
  const Duration took = Instant::now() - start;
  EXPECT_GE(took, Duration(20ms));
  EXPECT_GE(std::chrono::steady_clock::now() - std_start, 20ms);
  EXPECT_LT(took, Duration(5s));  // generous: never flakes, catches "slept forever"
}

TOKIO_TEST(TimeSleep, real_clock_accuracy_multi_thread,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  const Instant start = Instant::now();
  co_await tokio::time::sleep(20ms);
  const Duration took = Instant::now() - start;
  EXPECT_GE(took, Duration(20ms));
  EXPECT_LT(took, Duration(5s));
}
