// tokio::time::Interval: ticks at a fixed period.
#pragma once

#include <memory>

#include "tokio/task/task.hpp"
#include "tokio/time/instant.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio::time {

/// What an Interval does when ticks were missed because the consumer was late (by more than
/// 5 ms, as in Tokio).
enum class MissedTickBehavior {
  /// Fire the missed ticks as fast as possible until caught up; the schedule is unchanged.
  Burst,
  /// Start a new schedule one period after the late tick.
  Delay,
  /// Skip the missed ticks; the next tick is the next multiple of the period on the original
  /// schedule.
  Skip,
};

/// Yields instants at a fixed period: `co_await iv.tick()` returns the instant the tick was
/// scheduled for. The first tick completes at once (interval) or at `start` (interval_at).
///
/// Errors: creating one throws std::invalid_argument for a zero period, std::logic_error
/// outside a runtime or without enable_time.
/// Cancel safety: tick() is cancel-safe: a tick that was not returned is not lost.
/// Thread safety: used by one task at a time. Movable (the Sleep it owns is on the heap).
class Interval {
 public:
  Interval(Instant start, Duration period);

  /// Waits for the next tick and returns its scheduled instant.
  Task<Instant> tick();
  /// Restarts the schedule: the next tick is one period from now.
  void reset() { reset_at(Instant::now() + period_); }
  /// The next tick completes at once.
  void reset_immediately() { reset_at(Instant::now()); }
  /// The next tick is `after` from now.
  void reset_after(Duration after) { reset_at(Instant::now() + after); }
  /// The next tick is at `deadline`.
  void reset_at(Instant deadline) { next_ = deadline; }

  Duration period() const noexcept { return period_; }
  MissedTickBehavior missed_tick_behavior() const noexcept { return behavior_; }
  void set_missed_tick_behavior(MissedTickBehavior behavior) noexcept { behavior_ = behavior; }

 private:
  Instant next_;
  Duration period_;
  MissedTickBehavior behavior_ = MissedTickBehavior::Burst;
  std::unique_ptr<Sleep> sleep_;
};

/// An Interval whose first tick completes at once.
Interval interval(Duration period);
/// An Interval whose first tick completes at `start`.
Interval interval_at(Instant start, Duration period);

}  // namespace tokio::time
