// tokio::net::TcpStream: a TCP connection driven by the runtime's reactor.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <chrono>
#include <cstdint>
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
#include "tokio/net/socket_addr.hpp"
#include "tokio/task/task.hpp"

namespace tokio::net {

class TcpListener;
class TcpSocket;
class TcpStream;
namespace tcp {
/// The halves of TcpStream::split (borrowed) and TcpStream::into_split (owned); see
/// tokio/net/tcp/split.hpp.
using ReadHalf = detail::BorrowedReadHalf<TcpStream>;
using WriteHalf = detail::BorrowedWriteHalf<TcpStream>;
using OwnedReadHalf = detail::OwnedReadHalf<TcpStream>;
using OwnedWriteHalf = detail::OwnedWriteHalf<TcpStream>;
}  // namespace tcp

/// A TCP connection between a local and a remote socket, made by connect() or
/// TcpListener::accept(). It is an io::AsyncRead and io::AsyncWrite: use it with the io
/// utilities (copy, BufReader...), which are also members (read_exact, write_all, read_u32...).
///
/// Errors are std::system_error whose code is the OS error (std::errc::connection_refused,
/// connection_reset, broken_pipe...) and whose message names the peer address. Writing to a
/// peer that closed gives broken_pipe; the process never gets SIGPIPE.
///
/// Threads: a TcpStream may be moved between tasks. One read-side operation and one write-side
/// operation may run at once (from two tasks: see split / into_split); two reads at once, or two
/// writes at once, are a misuse whose bytes interleave unpredictably.
class TcpStream : public detail::ConnectedStream<TcpStream> {
 public:
  /// Connects to `addr`: "host:port" or "ip:port". A host name is resolved (lookup_host) and
  /// each address is tried in turn; the first connection wins. Throws std::system_error for the
  /// last address that failed (its message names it), or for a name that does not resolve.
  /// Cancel-safe in the sense that dropping it closes any half-made connection.
  static Task<TcpStream> connect(std::string addr);
  /// Connects to one address.
  static Task<TcpStream> connect(SocketAddr addr);
  /// Takes a connected socket descriptor (blocking or not; it is made non-blocking) and
  /// registers it with the current runtime. Throws std::logic_error outside a runtime.
  static TcpStream from_std(int fd);
  /// Deregisters and gives the descriptor back (still non-blocking); the stream is then empty.
  int into_std() &&;

  TcpStream(TcpStream&&) noexcept = default;
  /// Closes this connection, then takes `other`'s.
  TcpStream& operator=(TcpStream&&) noexcept = default;
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  /// This end's address (getsockname); throws std::system_error on failure.
  SocketAddr local_addr() const;
  /// The other end's address, known since the connection was made (never fails).
  SocketAddr peer_addr() const { return peer_; }

  // ---- options ----------------------------------------------------------------------------

  /// TCP_NODELAY: send small writes at once instead of coalescing them (Nagle off).
  void set_nodelay(bool nodelay);
  bool nodelay() const;
  /// SO_LINGER: how long closing may wait for unsent data; a zero duration makes closing reset
  /// the connection. std::nullopt (the default) closes at once and lets the kernel finish
  /// sending in the background.
  void set_linger(std::optional<std::chrono::seconds> linger);
  std::optional<std::chrono::seconds> linger() const;
  /// IP_TTL (IPv4) or IPV6_UNICAST_HOPS (IPv6).
  void set_ttl(std::uint32_t ttl);
  std::uint32_t ttl() const;
  /// The pending socket error (SO_ERROR), cleared as it is read; an empty code when none.
  std::error_code take_error() const;

  // ---- splitting --------------------------------------------------------------------------

  /// Borrowed halves for reading and writing at once from two tasks; they must not outlive the
  /// stream.
  std::pair<tcp::ReadHalf, tcp::WriteHalf> split() noexcept;
  /// Owned halves (sharing the stream); dropping the write half shuts down the write side.
  /// Put them back together with tcp::reunite.
  std::pair<tcp::OwnedReadHalf, tcp::OwnedWriteHalf> into_split() &&;

 private:
  friend class TcpListener;
  friend class TcpSocket;
  TcpStream(detail::PollEvented io, SocketAddr peer);
  static Task<TcpStream> connect_with(detail::OwnedFd fd, SocketAddr addr);

  SocketAddr peer_;
};

}  // namespace tokio::net
