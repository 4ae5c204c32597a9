// The runtime's clock: the real monotonic clock, or a paused one that only moves when the
// runtime advances it (tests). After a resume it runs on from the paused instant (an offset to
// real time), so it never goes backwards. Reads are lock-free: the fields are atomics written
// only by the thread that pauses, resumes or advances (the runtime's thread).
#pragma once

#include <atomic>
#include <cstdint>

#include "tokio/detail/sync_seam.hpp"
#include "tokio/time/instant.hpp"

namespace tokio::detail {

class Clock {
 public:
  explicit Clock(bool start_paused) noexcept {
    if (start_paused) pause();
  }
  /// Real time plus the offset left by earlier pauses, or the paused instant.
  time::Instant now() const noexcept {
    if (!paused_.load(std::memory_order_acquire))
      return time::Instant(real_now() +
                           std::chrono::nanoseconds(offset_.load(std::memory_order_acquire)));
    return from_ns(paused_at_.load(std::memory_order_acquire));
  }
  bool is_paused() const noexcept { return paused_.load(std::memory_order_acquire); }
  /// Freezes the clock at the current instant.
  void pause() noexcept {
    paused_at_.store(to_ns(now()), std::memory_order_release);
    paused_.store(true, std::memory_order_release);
  }
  /// Lets the clock run again from where it was paused (and advanced): it never goes back.
  void resume() noexcept {
    offset_.store(paused_at_.load(std::memory_order_acquire) - to_ns(time::Instant(real_now())),
                  std::memory_order_release);
    paused_.store(false, std::memory_order_release);
  }
  /// Moves a paused clock forward by `d`.
  void advance(time::Duration d) noexcept {
    const auto at = from_ns(paused_at_.load(std::memory_order_acquire)) + d;
    paused_at_.store(to_ns(at), std::memory_order_release);
  }
  /// Moves a paused clock forward to `t` if `t` is later.
  void advance_to(time::Instant t) noexcept {
    if (t > now()) paused_at_.store(to_ns(t), std::memory_order_release);
  }

 private:
  static time::Instant::Clock::time_point real_now() noexcept {
    return time::Instant::Clock::now();
  }
  static std::int64_t to_ns(time::Instant t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.into_std().time_since_epoch())
        .count();
  }
  static time::Instant from_ns(std::int64_t ns) noexcept {
    return time::Instant(time::Instant::Clock::time_point(
        std::chrono::duration_cast<time::Instant::Clock::duration>(std::chrono::nanoseconds(ns))));
  }

  seam::atomic<bool> paused_{false};
  seam::atomic<std::int64_t> paused_at_{0};
  seam::atomic<std::int64_t> offset_{0};  // added to real time while running
};

}  // namespace tokio::detail
