// The time driver: the timer wheel and the clock; the top layer of the driver stack.
//
// Sleeps arm, re-arm and disarm their intrusive TimerEntry under `mutex_` from any thread. The
// thread holding the driver parks here: park() shortens the timeout to the next timer, parks in
// the layer below, and the thread calls process() once it holds its core again (and the workers
// call it on maintenance), which fires every due timer: under
// the lock each due entry gives up its waker and gets `fired` set (release) as the last touch,
// then the wakers are woken outside the lock, in batches of WakeList::kCapacity. A Sleep that sees
// `fired` (acquire) may be destroyed at once: the driver never touches a fired entry again.
//
// Ticks are milliseconds since the driver's start; a deadline is rounded up to the next tick,
// so a timer never fires early.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>

#include "runtime/park.hpp"
#include "runtime/time/clock.hpp"
#include "runtime/time/wheel.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/timer_entry.hpp"
#include "tokio/time/instant.hpp"

namespace tokio::detail {

class TimeDriver final : public Park {
 public:
  /// `below`: the layer this one parks in (and unparks when an earlier timer is armed).
  TimeDriver(bool start_paused, Park& below) noexcept;

  /// Parks below for at most the time until the next timer. Due timers are not fired here but
  /// by process(), which the caller runs once it holds its core again (so that the tasks they
  /// wake land in that core's queue rather than the global one).
  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept override;
  void poll() noexcept override { below_.poll(); }
  void unpark() noexcept override { below_.unpark(); }

  Clock& clock() noexcept { return clock_; }

  /// Links `entry` to fire at `deadline` and wake `waker`. False when the deadline has passed
  /// (nothing linked; the caller treats the timer as elapsed).
  bool arm(TimerEntry& entry, time::Instant deadline, Waker waker);
  /// Moves a linked entry to `deadline` (keeping its waker). False when it is due now: then
  /// it is unlinked and marked fired.
  bool rearm(TimerEntry& entry, time::Instant deadline);
  /// Replaces the waker of a linked entry (the Sleep is now awaited by another task).
  void set_waker(TimerEntry& entry, Waker waker) noexcept;
  /// Unlinks `entry` if it is linked.
  void disarm(TimerEntry& entry) noexcept;

  /// Fires every due timer; returns how many fired.
  std::size_t process() noexcept;
  /// The deadline of the next timer, if any is armed.
  std::optional<time::Instant> next_deadline() noexcept;
  bool has_timers() const noexcept { return armed_.load(std::memory_order_acquire) != 0; }

 private:
  // parked_until_: the tick at which the thread parked in the driver will wake on its own.
  // kNotParked (no thread parked: arming needs to wake nobody, the next parker looks at the
  // wheel) or kParkedForever (parked with no timer: any armed timer must wake it).
  static constexpr std::uint64_t kNotParked = 0;
  static constexpr std::uint64_t kParkedForever = ~std::uint64_t{0};
  // How long the parking thread may sleep before the next timer is due, given that it wanted
  // to sleep `wanted` (nullopt: forever). Records the wake-up tick so that arming an earlier
  // timer unparks the thread.
  std::optional<time::Duration> park_timeout(std::optional<time::Duration> wanted) noexcept;
  std::uint64_t deadline_tick(time::Instant deadline) const noexcept;
  std::uint64_t now_tick(time::Instant now) const noexcept;
  time::Instant tick_instant(std::uint64_t tick) const noexcept;

  Clock clock_;
  time::Instant start_;
  Park& below_;
  seam::mutex mutex_;
  TimerWheel wheel_;                    // guarded by mutex_
  seam::atomic<std::size_t> armed_{0};  // mirror of the wheel's size, for lock-free checks
  seam::atomic<std::uint64_t> parked_until_{kNotParked};
};

}  // namespace tokio::detail
