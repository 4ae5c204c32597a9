// The I/O reactor's per-descriptor state and the awaitable that waits for readiness: what
// AsyncFd (and later the net types) are built on.
//
// A descriptor is registered once, edge-triggered, for every event; its ScheduledIo keeps a
// readiness word that the driver thread sets when epoll reports events. The word carries the
// driver's tick of the turn that set it, so that clearing readiness after a read or write
// that would block only clears what the task had seen: an event that arrived in between is
// kept (no lost wake-up).
//
// Threads: the readiness word is atomic; the waiter list is guarded by `mutex_`. The driver sets
// readiness, then takes the lock to wake the matching waiters; a waiter checks readiness under
// the lock before it queues, so one of the two always sees the other.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <memory>

#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"
#include "tokio/io/ready.hpp"

namespace tokio::detail {

class IoDriver;
class RuntimeInner;

/// What a readiness wait completed with: the readiness seen and the tick that set it.
struct ReadyEvent {
  io::Ready ready;
  std::uint32_t tick = 0;
};

/// A task waiting for readiness; a node in its awaiting frame.
struct IoWaiter : ListLinks<IoWaiter> {
  io::Ready interest;
  Waker waker;
  Header* waker_task = nullptr;
};

/// What a registered descriptor's events say about the I/O to come.
enum class IoKind : std::uint8_t {
  /// A socket, pipe or terminal: after an event, more are likely microseconds away, so the
  /// driver may busy-poll its next park (Builder::busy_poll).
  Data,
  /// A descriptor that reports one occurrence (a pidfd at a child's exit, the signal pipe):
  /// its events predict nothing, and busy polling after them would only take CPU from the
  /// rest of the machine (the child being spawned next, for one).
  Notification,
};

/// Per-descriptor reactor state. Owned by the driver (freed only when no event can name it).
class ScheduledIo {
 public:
  // readiness_ layout: bits 0-4 io::Ready bits, bits 8-31 the tick of the turn that set them.
  static constexpr std::uint64_t kReadyMask = io::Ready::kAll;
  static constexpr int kTickShift = 8;
  static constexpr std::uint64_t kTickMask = 0xffffffull << kTickShift;

  /// Driver thread: records `ready` from the turn `tick` and wakes the matching waiters.
  void set_readiness(io::Ready ready, std::uint32_t tick) noexcept;
  /// Clears what `event` saw, unless newer readiness arrived since (its tick differs).
  /// Closed bits are never cleared: they are final. The error bit is cleared (a datagram
  /// socket's error is reported once and the socket goes on working).
  void clear_readiness(ReadyEvent event) noexcept;

  /// One poll of a wait for `interest` by `task` (null: check only, never queue).
  /// True with `out` set when ready.
  bool poll(IoWaiter& waiter, Header* task, ReadyEvent& out);
  /// Unlinks `waiter` if it is queued.
  void cancel(IoWaiter& waiter) noexcept;

  int fd = -1;
  IoKind kind = IoKind::Data;  // set before the descriptor is added to epoll, then read-only

 private:
  bool check(io::Ready interest, ReadyEvent& out) const noexcept;
  seam::atomic<std::uint64_t> readiness_{0};
  SpinMutex mutex_;
  IntrusiveList<IoWaiter> waiters_;
};

/// A descriptor registered with the current runtime's reactor for as long as this lives.
/// Keeps the runtime's shared state (and so its driver) alive. Move-only.
class Registration {
 public:
  /// Registers `fd` (which must stay open until this is destroyed).
  /// Errors: std::logic_error outside a runtime or when the runtime was built without
  /// enable_io; std::system_error when epoll refuses the descriptor.
  explicit Registration(int fd, IoKind kind = IoKind::Data);
  Registration(Registration&& other) noexcept;
  /// Deregisters what this held, then takes `other`'s registration.
  Registration& operator=(Registration&& other) noexcept;
  Registration(const Registration&) = delete;
  ~Registration();

  ScheduledIo& io() const noexcept { return *io_; }
  int fd() const noexcept { return io_ ? io_->fd : -1; }
  /// Deregisters now (before closing the descriptor); idempotent.
  void deregister() noexcept;

 private:
  std::shared_ptr<RuntimeInner> runtime_;
  IoDriver* driver_ = nullptr;
  ScheduledIo* io_ = nullptr;
};

/// The awaitable of a readiness wait: gives a ReadyEvent. Cancel-safe: destroying it unlinks
/// its waiter. (At runtime shutdown the waiting task is cancelled, so a wait never outlives
/// the reactor.)
class [[nodiscard]] ReadinessOp final : public LeafOp<ReadinessOp> {
 public:
  ReadinessOp(ScheduledIo& io, io::Interest interest, const char* what) noexcept
      : io_(io), what_(what) {
    waiter_.interest = io::Ready::from_interest(interest);
  }
  /// Movable until first awaited (its waiter must not be queued: asserted).
  ReadinessOp(ReadinessOp&&) noexcept = default;
  ReadinessOp& operator=(const ReadinessOp&) = delete;
  ~ReadinessOp() {
    // waker_task is written only by the awaiting task: set means the waiter may be queued.
    if (waiter_.waker_task) io_.cancel(waiter_);
  }

  ReadyEvent await_resume() noexcept {
    coop_consume();
    return event_;
  }

 private:
  friend LeafOp<ReadinessOp>;
  const char* what() const noexcept { return what_; }
  bool poll(Header* task) { return io_.poll(waiter_, task, event_); }

  ScheduledIo& io_;
  const char* what_;
  IoWaiter waiter_;
  ReadyEvent event_;
};

}  // namespace tokio::detail
