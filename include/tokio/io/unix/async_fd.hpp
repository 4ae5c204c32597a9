// tokio::io::unix::AsyncFd: drive any non-blocking file descriptor with the runtime's reactor.
#pragma once

#include <cerrno>
#include <coroutine>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include "tokio/detail/io_registration.hpp"
#include "tokio/io/ready.hpp"

// `unix` is a predefined macro in GNU modes (-std=gnu++20, CMake's default): hide it while the
// namespace is declared. Code built in such a mode can name the types through the aliases in
// tokio::io (tokio::io::AsyncFd) instead of tokio::io::unix.
#pragma push_macro("unix")
#undef unix

namespace tokio::io::unix {

class AsyncFd;

/// True when `e` means "the operation would block" (EAGAIN / EWOULDBLOCK).
inline bool is_would_block(const std::system_error& e) noexcept {
  return e.code() == std::errc::resource_unavailable_try_again ||
         e.code() == std::errc::operation_would_block;
}

/// What a readable() / writable() / ready() wait saw. The readiness stays set until cleared:
/// call clear_ready() when an operation reports that it would block (try_io does it for you),
/// so that the next wait sleeps until the descriptor is ready again.
class [[nodiscard]] AsyncFdReadyGuard {
 public:
  /// The readiness seen (readable / writable / closed / error bits).
  Ready ready() const noexcept { return event_.ready; }
  /// Forgets the readiness seen; readiness that arrived since is kept (no lost wake-up).
  void clear_ready() noexcept;
  /// Keeps the readiness (what destroying the guard does anyway).
  void retain_ready() noexcept {}
  /// Runs `f(fd)`. If it throws std::system_error meaning "would block", clears the readiness
  /// and returns std::nullopt (wait again); any other exception propagates; otherwise gives
  /// its result (for a void `f`, std::optional<std::monostate>).
  template <class F>
  auto try_io(F&& f);
  AsyncFd& get_ref() const noexcept { return fd_; }

 private:
  friend class AsyncFd;
  AsyncFdReadyGuard(AsyncFd& fd, detail::ReadyEvent event) noexcept : fd_(fd), event_(event) {}
  AsyncFd& fd_;
  detail::ReadyEvent event_;
};

/// Registers a non-blocking descriptor with the current runtime's reactor (edge-triggered) and
/// lets tasks wait until it is readable or writable:
///
///   AsyncFd afd(fd);  // fd made O_NONBLOCK by the caller
///   for (;;) {
///     auto guard = co_await afd.readable();
///     auto n = guard.try_io([&](int fd) { return checked_read(fd, buf); });
///     if (n) break;  // else it would have blocked: readiness cleared, wait again
///   }
///
/// It does not own the descriptor: destroying it deregisters the descriptor and leaves it
/// open (close it afterwards).
/// Errors: the constructor throws std::logic_error outside a runtime or without enable_io,
/// std::system_error if epoll refuses the descriptor (EPERM for regular files, EBADF, ...).
/// Cancel safety: readable / writable / ready are cancel-safe.
/// Thread safety: one AsyncFd may be awaited by several tasks at once (e.g. a reader and a
/// writer); it must outlive every wait.
class AsyncFd {
 public:
  /// The awaitable of readable() / writable() / ready(): gives an AsyncFdReadyGuard.
  class [[nodiscard]] Wait {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    Wait(AsyncFd& fd, Interest interest) noexcept
        : fd_(fd), op_(fd.registration_.io(), interest, "awaiting tokio::io::unix::AsyncFd") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> awaiting) { return op_.await_suspend(awaiting); }
    AsyncFdReadyGuard await_resume() noexcept { return AsyncFdReadyGuard(fd_, op_.await_resume()); }

   private:
    AsyncFd& fd_;
    detail::ReadinessOp op_;
  };

  /// Registers `fd` for readable and writable readiness.
  explicit AsyncFd(int fd) : AsyncFd(fd, Interest::READABLE | Interest::WRITABLE) {}
  /// Registers `fd`; waits are limited to `interest`.
  AsyncFd(int fd, Interest interest) : registration_(fd), interest_(interest) {}
  AsyncFd(AsyncFd&&) noexcept = default;
  AsyncFd(const AsyncFd&) = delete;
  AsyncFd& operator=(const AsyncFd&) = delete;
  AsyncFd& operator=(AsyncFd&&) = delete;

  /// The descriptor.
  int fd() const noexcept { return registration_.fd(); }
  Interest interest() const noexcept { return interest_; }
  /// Waits until the descriptor is readable (or read-closed, or in error).
  Wait readable() { return Wait(*this, Interest::READABLE); }
  /// Waits until the descriptor is writable (or write-closed, or in error).
  Wait writable() { return Wait(*this, Interest::WRITABLE); }
  /// Waits for any readiness in `interest`.
  Wait ready(Interest interest) { return Wait(*this, interest); }
  /// Deregisters and gives the descriptor back.
  int into_inner() && {
    const int fd = registration_.fd();
    registration_.deregister();
    return fd;
  }

 private:
  friend class AsyncFdReadyGuard;
  detail::Registration registration_;
  Interest interest_;
};

inline void AsyncFdReadyGuard::clear_ready() noexcept {
  fd_.registration_.io().clear_readiness(event_);
}

template <class F>
auto AsyncFdReadyGuard::try_io(F&& f) {
  using R = std::invoke_result_t<F&, int>;
  using Out = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
  try {
    if constexpr (std::is_void_v<R>) {
      f(fd_.fd());
      return std::optional<Out>(std::monostate{});
    } else {
      return std::optional<Out>(f(fd_.fd()));
    }
  } catch (const std::system_error& e) {
    if (!is_would_block(e)) throw;
  }
  clear_ready();
  return std::optional<Out>();
}

}  // namespace tokio::io::unix

namespace tokio::io {
using unix::AsyncFd;
using unix::AsyncFdReadyGuard;
using unix::is_would_block;
}  // namespace tokio::io

#pragma pop_macro("unix")
