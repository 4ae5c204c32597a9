// The I/O layer of the driver stack: what the rest of the runtime needs from an I/O backend.
//
// The first (and today only) backend is EpollDriver, which works by readiness: a descriptor is
// registered once and its ScheduledIo records the readiness the kernel reports; the resources
// (TcpStream, AsyncFd, pipes) retry their system call when it says ready. A completion backend
// (io_uring) fits the same layer: it parks by waiting on its completion queue, unparks through a
// registered eventfd (or a NOP submitted from another thread), and serves registrations with
// IORING_OP_POLL_ADD so every readiness-based resource works unchanged; operations that own
// their buffer (fs reads and writes, later sockets) are then submitted to it as well. See
// docs/architecture.md, "Drivers".
#pragma once

#include "runtime/park.hpp"
#include "tokio/detail/io_registration.hpp"

namespace tokio::detail {

/// An I/O backend: the bottom layer of the driver stack when the runtime has enable_io.
class IoDriver : public Park {
 public:
  /// Registers `fd` for every readiness event. Any thread.
  /// Errors: std::system_error naming the descriptor when the kernel refuses it.
  virtual ScheduledIo* register_io(int fd, IoKind kind) = 0;
  /// Stops reporting events for `io`; its memory is freed once no dispatch can still name it.
  /// Any thread.
  virtual void deregister_io(ScheduledIo* io) noexcept = 0;
  /// False when poll() would certainly find nothing (nothing registered): the schedulers then
  /// skip their periodic poll, and the driver lock with it. Any thread; a hint (relaxed).
  virtual bool may_have_events() const noexcept = 0;
};

}  // namespace tokio::detail
