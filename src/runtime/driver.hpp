// A runtime's driver: the stack of layers its parked thread blocks in (after Tokio's
// runtime/driver.rs).
//
//   TimeDriver      (enable_time)  timers: shortens the park to the next deadline
//   ProcessDriver   (enable_io)    reaps orphaned children when SIGCHLD arrives
//   SignalDriver    (enable_io)    turns the signal pipe's readiness into signal deliveries
//   IoDriver        (enable_io)    the I/O backend (EpollDriver); or, without enable_io,
//   ParkThread                     a condition variable
//
// Each layer knows only the one below it. Exactly one thread at a time holds the driver and
// parks in it (the multi-thread workers take turns through try_lock; the current-thread
// scheduler's core owns it); the others sleep on their own Parker.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "runtime/io/driver.hpp"
#include "runtime/park.hpp"
#include "runtime/process/driver.hpp"
#include "runtime/signal/driver.hpp"
#include "runtime/time/driver.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

struct DriverConfig {
  bool enable_io = false;
  bool enable_time = false;
  bool start_paused = false;
  std::chrono::nanoseconds busy_poll{0};
};

class Driver {
 public:
  /// Builds the stack `config` asks for. Throws std::system_error if the OS refuses a resource
  /// (epoll, eventfd).
  explicit Driver(const DriverConfig& config);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  /// Parks in the top layer: blocks until unpark(), `timeout` (forever when empty; zero polls
  /// without blocking), an I/O event or the next timer; the caller then fires due timers with
  /// process_timers(). Only the thread holding the driver (try_lock) may call it.
  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept;
  /// Wakes the thread parked in park(), or makes its next park() return at once. Any thread.
  void unpark() noexcept;
  /// Dispatches the events already there without blocking, if no other thread holds the
  /// driver and there can be any; the schedulers call it every event_interval ticks so busy
  /// workers still see I/O.
  void poll_if_free() noexcept;
  /// Fires due timers without blocking; any thread.
  void process_timers() noexcept {
    if (time_) time_->process();
  }

  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

  /// The layers; null when the runtime was built without them.
  TimeDriver* time() noexcept { return time_.get(); }
  IoDriver* io() noexcept { return io_.get(); }
  SignalDriver* signal() noexcept { return signal_.get(); }

 private:
  // Bottom to top; each layer refers to the one below, so they are destroyed top first.
  std::unique_ptr<ParkThread> thread_;
  std::unique_ptr<IoDriver> io_;
  std::unique_ptr<SignalDriver> signal_;
  std::unique_ptr<ProcessDriver> process_;
  std::unique_ptr<TimeDriver> time_;
  Park* top_ = nullptr;
  Park* bottom_ = nullptr;
  seam::atomic<bool> locked_{false};
};

}  // namespace tokio::detail
