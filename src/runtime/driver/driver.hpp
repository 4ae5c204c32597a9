// The driver a parked thread blocks in: an epoll instance plus an eventfd that unparks it.
//
// Exactly one thread at a time parks in the driver (the multi-thread workers take turns through
// try_lock; the current-thread scheduler owns it outright). The I/O and time drivers plug into
// park(): it is where readiness events and expired timers will be dispatched.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/time/driver.hpp"
#include "tokio/detail/io_registration.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/sync_seam.hpp"

struct epoll_event;

namespace tokio::detail {

class Driver {
 public:
  /// `busy_poll`: how long park() polls without blocking after a turn that delivered I/O
  /// events (Builder::busy_poll). Throws std::system_error if epoll or eventfd cannot be
  /// created.
  Driver(bool enable_time, bool start_paused, std::chrono::nanoseconds busy_poll);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  /// Blocks until unpark(), `timeout` (forever when empty; zero polls without blocking) or the
  /// next timer is due; the caller then fires due timers with process_timers(). Right after a
  /// turn that delivered I/O events it first polls without blocking for up to busy_poll. Only
  /// the thread holding the driver (try_lock) may call it.
  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept;
  /// Fires due timers without blocking; any thread.
  void process_timers() noexcept {
    if (time_) time_->process();
  }
  /// The time driver, or null when time is not enabled.
  TimeDriver* time() noexcept { return time_.get(); }
  /// Wakes the thread parked in park(), or makes its next park() return at once. Any thread.
  void unpark() noexcept;

  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

  /// Registers `fd` edge-triggered for every event. Any thread.
  /// Errors: std::system_error from epoll_ctl (the message names the descriptor).
  ScheduledIo* register_io(int fd);
  /// Removes `io` from epoll now; its memory is freed once no dispatch can still name it
  /// (by the next thread that holds the driver lock). Any thread.
  void deregister_io(ScheduledIo* io) noexcept;
  /// Polls for I/O events without blocking, if no other thread holds the driver; the
  /// schedulers call it every event_interval ticks so busy workers still see I/O.
  void poll_io_if_free() noexcept;

 private:
  // Records readiness for each event; returns how many were I/O events (not the unpark eventfd).
  int dispatch(const ::epoll_event* events, int n) noexcept;
  struct Turn {
    int events;     // everything delivered, an unpark included
    int io_events;  // readiness events of registered descriptors
  };
  // One epoll_wait and its dispatch, under a new tick. Caller holds the driver lock.
  Turn poll_once(int timeout_ms) noexcept;
  void finish_park() noexcept;
  void free_released_locked() noexcept;  // caller holds the driver lock

  std::unique_ptr<TimeDriver> time_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  seam::atomic<bool> locked_{false};
  std::chrono::nanoseconds busy_poll_;
  std::uint32_t tick_ = 0;  // driver turns; only the lock holder touches it
  // I/O events were delivered since the last blocking turn; only the lock holder touches it.
  bool last_turn_had_io_ = false;
  // Sources deregistered but not yet freed, under io_mutex_.
  SpinMutex io_mutex_;
  std::vector<ScheduledIo*> released_;
  seam::atomic<bool> has_released_{false};
  seam::atomic<std::size_t> registered_count_{0};  // a hint for poll_io_if_free
};

}  // namespace tokio::detail
