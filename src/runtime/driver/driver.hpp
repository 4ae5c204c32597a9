// The driver a parked thread blocks in: an epoll instance plus an eventfd that unparks it.
//
// Exactly one thread at a time parks in the driver (the multi-thread workers take turns through
// try_lock; the current-thread scheduler owns it outright). The I/O and time drivers plug into
// park(): it is where readiness events and expired timers will be dispatched.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>

namespace tokio::detail {

class Driver {
 public:
  /// Throws std::system_error if epoll or eventfd cannot be created.
  Driver();
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  /// Blocks until unpark() or `timeout` (forever when empty; zero polls without blocking).
  /// Only the thread holding the driver (try_lock) may call it.
  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept;
  /// Wakes the thread parked in park(), or makes its next park() return at once. Any thread.
  void unpark() noexcept;

  /// True when polling with a zero timeout could find something (I/O sources or timers are
  /// registered). Lets the scheduler skip a syscall when there is nothing to poll.
  bool has_sources() const noexcept { return false; }

  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::atomic<bool> locked_{false};
};

}  // namespace tokio::detail
