// The epoll backend of the I/O layer: one epoll instance plus an eventfd that unparks it.
//
// Descriptors are registered once, edge-triggered, for every event; readiness lives in their
// ScheduledIo, so interest never has to be modified (no epoll_ctl per wait). Only the thread
// holding the driver (Driver::try_lock) calls park() and poll(); registration and unpark() come
// from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "runtime/io/driver.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/sync_seam.hpp"

struct epoll_event;

namespace tokio::detail {

class EpollDriver final : public IoDriver {
 public:
  /// `busy_poll`: how long park() polls without blocking after a turn that delivered I/O
  /// events (Builder::busy_poll). Throws std::system_error if epoll or eventfd cannot be
  /// created.
  explicit EpollDriver(std::chrono::nanoseconds busy_poll);
  ~EpollDriver();
  EpollDriver(const EpollDriver&) = delete;
  EpollDriver& operator=(const EpollDriver&) = delete;

  /// Right after a turn that delivered I/O events it first polls without blocking for up to
  /// busy_poll, then blocks in epoll_wait.
  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept override;
  void poll() noexcept override;
  void unpark() noexcept override;

  /// Registers `fd` edge-triggered for every event.
  /// Errors: std::system_error from epoll_ctl (the message names the descriptor).
  ScheduledIo* register_io(int fd, IoKind kind) override;
  /// Removes `io` from epoll now; frees it at the start of the next turn.
  void deregister_io(ScheduledIo* io) noexcept override;
  bool may_have_events() const noexcept override {
    return registered_count_.load(std::memory_order_relaxed) != 0 ||
           has_released_.load(std::memory_order_relaxed);
  }

 private:
  // Records readiness for each event; returns how many were I/O events (not the unpark eventfd).
  int dispatch(const ::epoll_event* events, int n) noexcept;
  struct Turn {
    int events;     // everything delivered, an unpark included
    int io_events;  // readiness events of IoKind::Data descriptors (busy poll after them)
  };
  // One epoll_wait and its dispatch, under a new tick.
  Turn poll_once(int timeout_ms) noexcept;
  void free_released() noexcept;

  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::chrono::nanoseconds busy_poll_;
  std::uint32_t tick_ = 0;  // turns; only the driver's holder touches it
  // I/O events were delivered since the last blocking turn; only the driver's holder touches it.
  bool last_turn_had_io_ = false;
  // Sources deregistered but not yet freed, under io_mutex_.
  SpinMutex io_mutex_;
  std::vector<ScheduledIo*> released_;
  seam::atomic<bool> has_released_{false};
  seam::atomic<std::size_t> registered_count_{0};  // a hint for may_have_events
};

}  // namespace tokio::detail
