// Socket helpers shared by the tokio::net types: error reporting that names the address, and
// the small option getters/setters. Internal.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string_view>

#include "tokio/detail/poll_evented.hpp"
#include "tokio/net/socket_addr.hpp"

namespace tokio::detail {

/// Throws std::system_error(err) with the message "<op> <addr>: <strerror>".
[[noreturn]] void throw_socket_error(int err, std::string_view op, std::string_view addr);
/// The same for the current errno.
[[noreturn]] void throw_last_socket_error(std::string_view op, std::string_view addr);

/// socket(2) with SOCK_NONBLOCK | SOCK_CLOEXEC; throws on failure.
int new_socket(int family, int type, std::string_view for_addr);
/// Puts `fd` into non-blocking, close-on-exec mode (for from_std); throws on failure.
void make_nonblocking(int fd);

/// getsockname / getpeername as SocketAddr; throws naming `what` on failure.
net::SocketAddr local_addr_of(int fd, const char* what);
net::SocketAddr peer_addr_of(int fd, const char* what);

/// Integer socket options; throw std::system_error naming the option on failure.
void set_int_option(int fd, int level, int name, int value, const char* what);
int get_int_option(int fd, int level, int name, const char* what);

/// SO_LINGER: std::nullopt is off; a duration in whole seconds.
void set_linger_option(int fd, std::optional<int> seconds);
std::optional<int> get_linger_option(int fd);

/// SO_ERROR, cleared as it is read: the pending error, or 0.
int take_socket_error(int fd);

/// The non-blocking attempt of a try_read / try_write: runs `call` if the registration is
/// ready for `interest`; gives nullopt (and clears the readiness seen) when it would block.
/// Throws on other errors through `fail(err)`.
template <class Call, class Fail>
std::optional<std::size_t> try_io(ScheduledIo& io, io::Interest interest, Call&& call,
                                  Fail&& fail) {
  IoWaiter waiter;
  waiter.interest = io::Ready::from_interest(interest);
  ReadyEvent event;
  for (;;) {
    if (!io.poll(waiter, nullptr, event)) return std::nullopt;
    const ssize_t n = call();
    if (n >= 0) return static_cast<std::size_t>(n);
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      io.clear_readiness(event);
      return std::nullopt;
    }
    fail(err);
  }
}

}  // namespace tokio::detail
