// An owned non-blocking descriptor registered with the reactor (Tokio's PollEvented), and the
// leaf awaitable that runs one non-blocking system call once the descriptor is ready: what every
// socket type is built on.
//
// IoOp's loop: wait until the registration reports readiness for the interest; run the call;
// on EAGAIN clear the readiness seen (only if no newer event arrived: see ScheduledIo) and wait
// again. The call runs only from await_ready/await_suspend/poll_ready, on the awaiting task's
// thread, and its result is delivered by the await_resume that follows at once, so an IoOp
// destroyed before it completed has consumed nothing: socket reads and writes are cancel-safe.
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "tokio/detail/coop.hpp"
#include "tokio/detail/io_registration.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/io/ready.hpp"

namespace tokio::detail {

/// Owns a non-blocking descriptor and its registration. Move-only; closing deregisters first,
/// so no event can name a closed (and possibly reused) descriptor number.
class PollEvented {
 public:
  /// Takes `fd` (already non-blocking) and registers it with the current runtime. On failure
  /// the descriptor is closed and the error thrown (see Registration).
  explicit PollEvented(int fd, IoKind kind = IoKind::Data);
  PollEvented(PollEvented&&) noexcept = default;
  /// Closes what this held, then takes `other`'s descriptor.
  PollEvented& operator=(PollEvented&& other) noexcept {
    if (this != &other) {
      close();
      registration_ = std::move(other.registration_);
    }
    return *this;
  }
  PollEvented(const PollEvented&) = delete;
  ~PollEvented() { close(); }

  int fd() const noexcept { return registration_.fd(); }
  ScheduledIo& io() const noexcept { return registration_.io(); }
  bool is_open() const noexcept { return registration_.fd() >= 0; }
  /// Deregisters and gives the descriptor back to the caller (into_std).
  int release() noexcept;
  /// Deregisters and closes; idempotent.
  void close() noexcept;

 private:
  Registration registration_;
};

/// A non-blocking call run when the descriptor is ready. `Call` provides:
///   ssize_t operator()()        one attempt: >= 0 on success, -1 with errno set on failure;
///   bool drained(ssize_t n)     true when a success of n proves the kernel buffer was emptied
///                               (a short stream read or write), so readiness can be cleared
///                               now and the next call skips a certain EAGAIN;
///   auto complete(ssize_t n)    the awaitable's result from a success;
///   fail(int err)               throws the error (a std::system_error naming the address),
///                               or gives it back as the result (accept's retry logic);
///   const char* what()          names the operation for misuse errors.
template <class Call>
class [[nodiscard]] IoOp final : public LeafOp<IoOp<Call>> {
 public:
  IoOp(ScheduledIo& io, io::Interest interest,
       Call call) noexcept(std::is_nothrow_move_constructible_v<Call>)
      : io_(io), call_(std::move(call)) {
    waiter_.interest = io::Ready::from_interest(interest);
  }
  /// Movable until first awaited (its waiter must not be queued: asserted).
  IoOp(IoOp&&) noexcept(std::is_nothrow_move_constructible_v<Call>) = default;
  IoOp& operator=(const IoOp&) = delete;
  ~IoOp() {
    // waker_task is written only by the awaiting task: set means the waiter may be queued.
    if (waiter_.waker_task) io_.cancel(waiter_);
  }

  decltype(auto) await_resume() {
    coop_consume();
    if (error_ != 0) {
      if constexpr (std::is_void_v<decltype(call_.fail(error_))>)
        call_.fail(error_);  // throws
      else
        return call_.fail(error_);
    }
    return call_.complete(result_);
  }

 private:
  friend LeafOp<IoOp>;
  const char* what() noexcept { return call_.what(); }
  // True when the call completed (result_ or error_ set). With a task, a false return leaves
  // the waiter queued for the next readiness event.
  bool poll(Header* task) {
    for (;;) {
      if (!io_.poll(waiter_, task, event_)) return false;
      const ssize_t n = call_();
      if (n >= 0) {
        result_ = n;
        if (call_.drained(n)) io_.clear_readiness(event_);
        return true;
      }
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        io_.clear_readiness(event_);
        continue;
      }
      if (err == EINTR) continue;
      error_ = err;
      return true;
    }
  }

  ScheduledIo& io_;
  Call call_;
  IoWaiter waiter_;
  ReadyEvent event_;
  ssize_t result_ = 0;
  int error_ = 0;
};

}  // namespace tokio::detail
