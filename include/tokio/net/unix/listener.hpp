// tokio::net::UnixListener: accepts Unix domain stream connections.
#pragma once

#include <filesystem>
#include <system_error>
#include <utility>

#include "tokio/detail/poll_evented.hpp"
#include "tokio/net/unix/socket_addr.hpp"
#include "tokio/net/unix/stream.hpp"
#include "tokio/task/task.hpp"

#pragma push_macro("unix")
#undef unix

namespace tokio::net {

/// A Unix domain socket server, listening for connections.
///
///     auto listener = tokio::net::UnixListener::bind("/run/app.sock");
///     for (;;) {
///       auto [stream, peer] = co_await listener.accept();
///       tokio::spawn(handle(std::move(stream)));
///     }
///
/// The socket file stays after the listener is destroyed, as with Tokio: remove it
/// (std::filesystem::remove) before binding again.
class UnixListener {
 public:
  /// Creates a socket bound to `path` and listens with a backlog of 1024. Synchronous, as in
  /// Tokio, but needs a runtime with I/O enabled (std::logic_error otherwise). Throws
  /// std::system_error naming the path (address_in_use when the path exists,
  /// no_such_file_or_directory when its directory does not, permission_denied...),
  /// std::invalid_argument when it is too long for a socket address.
  static UnixListener bind(const std::filesystem::path& path);
  /// Binds to an address (a pathname or, on Linux, an abstract name).
  static UnixListener bind_addr(const unix::SocketAddr& addr);
  /// Takes a listening Unix socket descriptor (made non-blocking) and registers it.
  static UnixListener from_std(int fd);
  /// Deregisters and gives the descriptor back.
  int into_std() &&;
  int as_raw_fd() const noexcept { return io_.fd(); }

  UnixListener(UnixListener&&) noexcept = default;
  UnixListener& operator=(UnixListener&&) noexcept = default;

  /// Waits for a connection; gives the stream and the peer's address (usually unnamed).
  ///
  /// When the process or system is out of descriptors or memory (EMFILE, ENFILE, ENOBUFS,
  /// ENOMEM), the connection stays queued and accept waits (1 ms, doubling up to 1 s) and
  /// tries again, as TcpListener::accept does; without the runtime's timer the error is
  /// thrown. Other errors throw std::system_error naming the path.
  ///
  /// Cancel-safe: if it is dropped before completing, no connection was taken from the queue.
  Task<std::pair<UnixStream, unix::SocketAddr>> accept();

  /// The address it listens on.
  unix::SocketAddr local_addr() const;
  /// The pending socket error (SO_ERROR), cleared as it is read; an empty code when none.
  std::error_code take_error() const;

 private:
  explicit UnixListener(detail::PollEvented io) noexcept : io_(std::move(io)) {}
  detail::PollEvented io_;
};

}  // namespace tokio::net

#pragma pop_macro("unix")
