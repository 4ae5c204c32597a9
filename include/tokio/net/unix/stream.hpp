// tokio::net::UnixStream: a connected Unix domain stream socket driven by the runtime's reactor.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>

#include "tokio/detail/connected_stream.hpp"
#include "tokio/detail/owned_fd.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/ready.hpp"
#include "tokio/net/unix/socket_addr.hpp"
#include "tokio/net/unix/ucred.hpp"
#include "tokio/task/task.hpp"

#pragma push_macro("unix")
#undef unix

namespace tokio::net {

class UnixListener;
class UnixStream;

namespace unix {
/// The halves of UnixStream::split (borrowed) and UnixStream::into_split (owned); see
/// tokio/net/unix/split.hpp.
using ReadHalf = detail::BorrowedReadHalf<UnixStream>;
using WriteHalf = detail::BorrowedWriteHalf<UnixStream>;
using OwnedReadHalf = detail::OwnedReadHalf<UnixStream>;
using OwnedWriteHalf = detail::OwnedWriteHalf<UnixStream>;
}  // namespace unix

/// A connected Unix domain stream socket, made by connect(), pair() or UnixListener::accept().
/// It is an io::AsyncRead and io::AsyncWrite: use it with the io utilities (read_exact,
/// write_all, copy, BufReader...).
///
/// Errors are std::system_error whose code is the OS error (no_such_file_or_directory and
/// connection_refused from connect, broken_pipe from a write after the peer closed...) and
/// whose message names the path. The process never gets SIGPIPE.
///
/// Threads: a UnixStream may be moved between tasks. One read-side operation and one
/// write-side operation may run at once (from two tasks: see split / into_split).
class UnixStream : public detail::ConnectedStream<UnixStream> {
 public:
  /// Connects to the socket bound at `path`. Throws std::system_error naming the path
  /// (no_such_file_or_directory when nothing is there, connection_refused when nothing listens
  /// on it, resource_unavailable_try_again when the listener's backlog is full, as Tokio),
  /// std::invalid_argument when the path is too long. Needs a runtime with I/O enabled.
  /// Dropping the Task closes any half-made connection.
  static Task<UnixStream> connect(std::filesystem::path path);
  /// Connects to an address (a pathname or, on Linux, an abstract name).
  static Task<UnixStream> connect_addr(unix::SocketAddr addr);
  /// Two streams connected to each other (socketpair(2)), both unnamed. Throws
  /// std::system_error (e.g. out of descriptors); std::logic_error outside a runtime.
  static std::pair<UnixStream, UnixStream> pair();
  /// Takes a connected Unix stream socket descriptor (made non-blocking) and registers it.
  static UnixStream from_std(int fd);
  /// Deregisters and gives the descriptor back (still non-blocking); the stream is then empty.
  int into_std() &&;

  UnixStream(UnixStream&&) noexcept = default;
  /// Closes this connection, then takes `other`'s.
  UnixStream& operator=(UnixStream&&) noexcept = default;
  UnixStream(const UnixStream&) = delete;
  UnixStream& operator=(const UnixStream&) = delete;

  /// This end's address (usually unnamed for a client).
  unix::SocketAddr local_addr() const;
  /// The other end's address (a listener's path for a client; unnamed for an accepted one).
  unix::SocketAddr peer_addr() const;
  /// The peer process's credentials (SO_PEERCRED). Throws std::system_error on failure.
  unix::UCred peer_cred() const;
  /// The pending socket error (SO_ERROR), cleared as it is read; an empty code when none.
  std::error_code take_error() const;

  // ---- splitting --------------------------------------------------------------------------

  /// Borrowed halves for reading and writing at once from two tasks; they must not outlive
  /// the stream.
  std::pair<unix::ReadHalf, unix::WriteHalf> split() noexcept;
  /// Owned halves (sharing the stream); dropping the write half shuts down the write side.
  /// Put them back together with unix::reunite.
  std::pair<unix::OwnedReadHalf, unix::OwnedWriteHalf> into_split() &&;

 private:
  friend class UnixListener;
  UnixStream(detail::PollEvented io, std::string peer) noexcept
      : ConnectedStream(detail::StreamSocket(std::move(io), std::move(peer))) {}
  static Task<UnixStream> connect_with(detail::OwnedFd fd, unix::SocketAddr addr);
};

}  // namespace tokio::net

#pragma pop_macro("unix")
