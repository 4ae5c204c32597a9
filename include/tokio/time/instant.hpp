// tokio::time::Instant and tokio::time::Duration.
#pragma once

#include <chrono>
#include <compare>
#include <optional>
#include <ratio>
#include <type_traits>

namespace tokio::time {

/// Durations are std::chrono durations; this is the one the time API returns.
using Duration = std::chrono::nanoseconds;

/// A point on the monotonic clock, as seen by the runtime: while the runtime's clock is paused
/// (tests), `Instant::now()` returns the paused time. Outside a runtime it is the real
/// monotonic clock (std::chrono::steady_clock).
///
/// Arithmetic saturates instead of overflowing: `now() + hours::max()` is a far-future instant.
class Instant {
 public:
  using Clock = std::chrono::steady_clock;

  constexpr Instant() noexcept = default;
  constexpr explicit Instant(Clock::time_point point) noexcept : point_(point) {}

  /// The current instant (the paused clock inside a runtime whose clock is paused).
  static Instant now() noexcept;

  static constexpr Instant from_std(Clock::time_point point) noexcept { return Instant(point); }
  constexpr Clock::time_point into_std() const noexcept { return point_; }

  /// Time from `earlier` to this instant; zero if `earlier` is later.
  Duration duration_since(Instant earlier) const noexcept {
    if (point_ <= earlier.point_) return Duration::zero();
    Clock::rep out;
    if (__builtin_sub_overflow(point_.time_since_epoch().count(),
                               earlier.point_.time_since_epoch().count(), &out))
      return Duration::max();
    return std::chrono::duration_cast<Duration>(Clock::duration(out));
  }
  /// Time since this instant (zero if it is in the future).
  Duration elapsed() const noexcept { return now().duration_since(*this); }

  /// This instant plus `d`, or std::nullopt if that is not representable.
  template <class Rep, class Period>
  std::optional<Instant> checked_add(std::chrono::duration<Rep, Period> d) const noexcept {
    const auto ns = to_ticks(d);
    Clock::rep out;
    if (!ns || __builtin_add_overflow(point_.time_since_epoch().count(), *ns, &out))
      return std::nullopt;
    return Instant(Clock::time_point(Clock::duration(out)));
  }
  /// This instant minus `d`, or std::nullopt if that is not representable.
  template <class Rep, class Period>
  std::optional<Instant> checked_sub(std::chrono::duration<Rep, Period> d) const noexcept {
    const auto ns = to_ticks(d);
    Clock::rep out;
    if (!ns || __builtin_sub_overflow(point_.time_since_epoch().count(), *ns, &out))
      return std::nullopt;
    return Instant(Clock::time_point(Clock::duration(out)));
  }

  /// Saturating: never overflows.
  template <class Rep, class Period>
  friend Instant operator+(Instant t, std::chrono::duration<Rep, Period> d) noexcept {
    if (auto r = t.checked_add(d)) return *r;
    using D = std::chrono::duration<Rep, Period>;
    return Instant(d > D::zero() ? Clock::time_point::max() : Clock::time_point::min());
  }
  template <class Rep, class Period>
  friend Instant operator-(Instant t, std::chrono::duration<Rep, Period> d) noexcept {
    if (auto r = t.checked_sub(d)) return *r;
    using D = std::chrono::duration<Rep, Period>;
    return Instant(d > D::zero() ? Clock::time_point::min() : Clock::time_point::max());
  }
  template <class Rep, class Period>
  Instant& operator+=(std::chrono::duration<Rep, Period> d) noexcept {
    return *this = *this + d;
  }
  /// Saturating difference (zero if `b` is later), as Tokio's `Instant - Instant`.
  friend Duration operator-(Instant a, Instant b) noexcept { return a.duration_since(b); }
  friend constexpr auto operator<=>(Instant, Instant) noexcept = default;

 private:
  // `d` in steady_clock ticks, or std::nullopt when it does not fit in them.
  template <class Rep, class Period>
  static std::optional<Clock::rep> to_ticks(std::chrono::duration<Rep, Period> d) noexcept {
    using D = std::chrono::duration<Rep, Period>;
    if constexpr (std::is_integral_v<Rep> && std::ratio_greater_equal_v<Period, Clock::period>) {
      constexpr D kLimit = std::chrono::duration_cast<D>(Clock::duration::max());  // rounds down
      if (d > kLimit || d < -kLimit) return std::nullopt;
      return std::chrono::duration_cast<Clock::duration>(d).count();
    } else {
      using Wide = std::chrono::duration<long double, Clock::period>;
      const long double wide = std::chrono::duration_cast<Wide>(d).count();
      constexpr auto kMax = static_cast<long double>(Clock::duration::max().count());
      if (!(wide < kMax && wide > -kMax)) return std::nullopt;  // NaN too
      return static_cast<Clock::rep>(wide);
    }
  }

  Clock::time_point point_{};
};

}  // namespace tokio::time
