// The driver stack's layer interface, and its bottom layer for a runtime without I/O.
//
// A runtime's driver is a stack of layers (see runtime/driver.hpp), each wrapping the one below
// and knowing only it: the thread that holds the driver parks in the top layer, which passes
// the call down (with a timeout it may shorten) and, once the layer below returns, dispatches
// what it owns (timers are fired by the caller, see TimeDriver). The bottom is the I/O driver
// (epoll) or, without enable_io, ParkThread.
#pragma once

#include <chrono>
#include <optional>

#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

/// One layer of the driver stack.
///
/// Threads: park() and poll() are called only by the thread holding the driver (Driver's
/// try_lock); unpark() by any thread at any time.
class Park {
 public:
  /// Blocks until unpark(), `timeout` (forever when empty; zero does not block) or an event of
  /// this layer or one below, then dispatches the events. An unpark() that came first (since
  /// the last park) makes it return at once.
  virtual void park(std::optional<std::chrono::nanoseconds> timeout) noexcept = 0;
  /// Dispatches the events that are already there, without blocking and without consuming an
  /// unpark (the schedulers' periodic check while they are busy).
  virtual void poll() noexcept = 0;
  /// Wakes the thread parked in park(), or makes the next park() return at once.
  virtual void unpark() noexcept = 0;

  virtual ~Park() = default;
};

/// The bottom layer when the runtime has no I/O driver: sleeps on a condition variable.
class ParkThread final : public Park {
 public:
  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept override;
  void poll() noexcept override {}
  void unpark() noexcept override;

 private:
  seam::mutex mutex_;
  seam::condition_variable condvar_;
  bool notified_ = false;  // guarded by mutex_
};

}  // namespace tokio::detail
