#include "tokio/time/interval.hpp"

#include <stdexcept>

namespace tokio::time {

namespace {
constexpr auto kLateThreshold = std::chrono::milliseconds(5);

Instant next_after_missed(MissedTickBehavior behavior, Instant scheduled, Instant now,
                          Duration period) {
  switch (behavior) {
    case MissedTickBehavior::Burst:
      return scheduled + period;
    case MissedTickBehavior::Delay:
      return now + period;
    case MissedTickBehavior::Skip: {
      const auto behind = now.duration_since(scheduled);
      return now + period - Duration(behind.count() % period.count());
    }
  }
  return scheduled + period;
}
}  // namespace

Interval::Interval(Instant start, Duration period)
    : next_(start), period_(period), sleep_(std::make_unique<Sleep>(start)) {
  if (period <= Duration::zero())
    throw std::invalid_argument("tokio::time::interval: the period must be positive");
}

Task<Instant> Interval::tick() {
  if (sleep_->deadline() != next_) sleep_->reset(next_);
  Sleep& sleep = *sleep_;
  co_await sleep;
  // Only now (the tick is being returned) does the schedule move: cancel-safe.
  const Instant scheduled = next_;
  const Instant now = Instant::now();
  next_ = now > scheduled + kLateThreshold ? next_after_missed(behavior_, scheduled, now, period_)
                                           : scheduled + period_;
  co_return scheduled;
}

Interval interval(Duration period) {
  return Interval(Instant::now(), period);
}

Interval interval_at(Instant start, Duration period) {
  return Interval(start, period);
}

}  // namespace tokio::time
