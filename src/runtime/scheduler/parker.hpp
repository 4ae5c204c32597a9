// Parker: lets one thread sleep until another unparks it, with no syscall on either side when
// the thread is not actually asleep.
//
// state: EMPTY -> PARKED_CONDVAR / PARKED_DRIVER while asleep; unpark() swaps in NOTIFIED and
// only then makes the syscall that the sleeping mode needs (condvar notify or eventfd write).
// A parked thread with a driver blocks in the driver when it can take it (so exactly one
// parked worker waits for I/O and timers) and on its condition variable otherwise.
// All state operations are seq_cst: the unpark/park handshake relies on a store-load order
// between "work was published" and "the sleeper's state was read".
#pragma once

#include <atomic>
#include <chrono>
#include <optional>

#include "runtime/driver.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class Parker {
 public:
  explicit Parker(Driver* driver) noexcept : driver_(driver) {}

  /// Sleeps until unpark() (or `timeout`); returns at once if unpark() came first.
  void park(std::optional<std::chrono::nanoseconds> timeout = std::nullopt) noexcept;
  /// Wakes the parked thread (or the next park()). Any thread.
  void unpark() noexcept;

 private:
  enum : int { EMPTY, PARKED_CONDVAR, PARKED_DRIVER, NOTIFIED };
  void park_condvar(std::optional<std::chrono::nanoseconds> timeout) noexcept;
  void park_driver(std::optional<std::chrono::nanoseconds> timeout) noexcept;

  seam::atomic<int> state_{EMPTY};
  seam::mutex mutex_;
  seam::condition_variable condvar_;
  Driver* driver_;
};

}  // namespace tokio::detail
