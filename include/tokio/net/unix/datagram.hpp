// tokio::net::UnixDatagram: a Unix domain datagram socket driven by the runtime's reactor.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <system_error>
#include <utility>

#include "tokio/detail/datagram_socket.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/ready.hpp"
#include "tokio/net/unix/socket_addr.hpp"

#pragma push_macro("unix")
#undef unix

namespace tokio::net {

/// A Unix domain datagram socket, bound to a path, unbound, or one of a pair().
///
///     auto socket = tokio::net::UnixDatagram::bind("/run/app.dgram");
///     std::array<std::byte, 4096> buf;
///     auto [n, from] = co_await socket.recv_from(buf);
///
/// Each send is one datagram, sent whole or not at all (message_size when it is larger than
/// the socket's send buffer); each receive takes one whole datagram. A datagram longer than
/// the buffer is truncated: the rest is discarded and the size given is the buffer's. Empty
/// datagrams are sent and received (size 0). Unlike UDP, a send waits while the receiver's
/// queue is full (the kernel's flow control), so nothing is dropped on the way.
///
/// To receive replies, a client must itself be bound (bind, not unbound): an unbound socket's
/// datagrams come from an unnamed address that cannot be answered.
///
/// Errors: std::system_error with the OS error code and a message naming the path
/// (connection_refused when the destination socket is gone, no_such_file_or_directory when its
/// path does not exist); std::invalid_argument for a path too long for a socket address.
/// Cancel safety: every asynchronous operation is cancel-safe: dropped before it completed, it
/// sent or received nothing.
/// Thread safety: any number of tasks may use one UnixDatagram at once (through a
/// std::shared_ptr, or by reference while it lives).
/// The socket file stays after the socket is destroyed: remove it before binding again.
class UnixDatagram {
 public:
  using SendOp = detail::DatagramSocket::SendOp;
  using RecvOp =
      detail::DatagramSocket::RecvOp<unix::SocketAddr, detail::DatagramSocket::RecvKind::Size>;
  using RecvFromOp =
      detail::DatagramSocket::RecvOp<unix::SocketAddr,
                                     detail::DatagramSocket::RecvKind::SizeAndSender>;
  using ReadyOp = detail::DatagramSocket::ReadyOp;

  /// A socket bound to `path`. Synchronous; needs a runtime with I/O enabled. Throws
  /// std::system_error naming the path (address_in_use when it exists...),
  /// std::invalid_argument when it is too long.
  static UnixDatagram bind(const std::filesystem::path& path);
  /// Binds to an address (a pathname or, on Linux, an abstract name).
  static UnixDatagram bind_addr(const unix::SocketAddr& addr);
  /// A socket bound to no address: it can send, but replies cannot reach it.
  static UnixDatagram unbound();
  /// Two unnamed sockets connected to each other (socketpair(2)).
  static std::pair<UnixDatagram, UnixDatagram> pair();
  /// Takes a Unix datagram socket descriptor (made non-blocking) and registers it.
  static UnixDatagram from_std(int fd);
  /// Deregisters and gives the descriptor back (still non-blocking).
  int into_std() &&;
  int as_raw_fd() const noexcept { return socket_.fd(); }

  UnixDatagram(UnixDatagram&&) noexcept = default;
  UnixDatagram& operator=(UnixDatagram&&) noexcept = default;
  UnixDatagram(const UnixDatagram&) = delete;
  UnixDatagram& operator=(const UnixDatagram&) = delete;

  /// Sets the default peer of send / recv (and receives only from it). Synchronous, as in
  /// Tokio. Throws std::system_error naming the path.
  void connect(const std::filesystem::path& path);
  void connect_addr(const unix::SocketAddr& addr);

  /// This socket's address (unnamed when unbound).
  unix::SocketAddr local_addr() const;
  /// The connected peer's address; throws std::system_error (not_connected) when none.
  unix::SocketAddr peer_addr() const;
  /// Shuts down reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR). After SHUT_WR a
  /// send fails with broken_pipe. After SHUT_RD a receive gives 0 at once (an unnamed sender
  /// for recv_from) when nothing is queued, rather than waiting forever. (Shut it down through
  /// this method, not ::shutdown on as_raw_fd(), or a receive would spin.)
  void shutdown(int how) const;
  /// The pending socket error (SO_ERROR), cleared as it is read; an empty code when none.
  std::error_code take_error() const;

  // ---- connected ---------------------------------------------------------------------------

  /// Sends `buf` as one datagram to the connected peer; gives its size. Cancel-safe.
  template <io::ConstBuffer B>
  SendOp send(B&& buf) const noexcept {
    return socket_.send(io::as_const_bytes(buf));
  }
  /// Receives one datagram (truncated to buf's size); gives its size. Cancel-safe.
  template <io::MutableBuffer B>
  RecvOp recv(B&& buf) const noexcept {
    return socket_.recv<unix::SocketAddr, detail::DatagramSocket::RecvKind::Size>(
        io::as_mutable_bytes(buf), 0);
  }
  /// One non-blocking send; std::nullopt when it would block.
  template <io::ConstBuffer B>
  std::optional<std::size_t> try_send(B&& buf) const {
    return socket_.try_send(io::as_const_bytes(buf), nullptr, 0);
  }
  /// One non-blocking receive; std::nullopt when no datagram is queued.
  template <io::MutableBuffer B>
  std::optional<std::size_t> try_recv(B&& buf) const {
    return socket_.try_recv(io::as_mutable_bytes(buf), 0, nullptr, nullptr);
  }

  // ---- unconnected -------------------------------------------------------------------------

  /// Sends `buf` as one datagram to the socket bound at `path`. Throws std::invalid_argument
  /// at once for a path too long. Cancel-safe.
  template <io::ConstBuffer B>
  SendOp send_to(B&& buf, const std::filesystem::path& path) const {
    return send_to_addr(std::forward<B>(buf), unix::SocketAddr::from_pathname(path));
  }
  /// Sends `buf` as one datagram to `target`. Cancel-safe.
  template <io::ConstBuffer B>
  SendOp send_to_addr(B&& buf, const unix::SocketAddr& target) const noexcept {
    return socket_.send(io::as_const_bytes(buf), target.as_sockaddr(), target.sockaddr_len());
  }
  /// Receives one datagram (truncated to buf's size); gives its size and sender (unnamed when
  /// the sender is unbound). Cancel-safe.
  template <io::MutableBuffer B>
  RecvFromOp recv_from(B&& buf) const noexcept {
    return socket_.recv<unix::SocketAddr, detail::DatagramSocket::RecvKind::SizeAndSender>(
        io::as_mutable_bytes(buf), 0);
  }
  /// Like recv_from, but the datagram stays queued. Cancel-safe.
  template <io::MutableBuffer B>
  RecvFromOp peek_from(B&& buf) const noexcept {
    return socket_.recv<unix::SocketAddr, detail::DatagramSocket::RecvKind::SizeAndSender>(
        io::as_mutable_bytes(buf), MSG_PEEK);
  }
  /// One non-blocking send_to; std::nullopt when it would block.
  template <io::ConstBuffer B>
  std::optional<std::size_t> try_send_to(B&& buf, const std::filesystem::path& path) const {
    const auto target = unix::SocketAddr::from_pathname(path);
    return socket_.try_send(io::as_const_bytes(buf), target.as_sockaddr(), target.sockaddr_len());
  }
  /// One non-blocking recv_from; std::nullopt when no datagram is queued.
  template <io::MutableBuffer B>
  std::optional<std::pair<std::size_t, unix::SocketAddr>> try_recv_from(B&& buf) const {
    return try_recv_from_bytes(io::as_mutable_bytes(buf));
  }

  // ---- readiness ---------------------------------------------------------------------------

  /// Waits until a datagram (or an error) is queued. Cancel-safe. May be spurious.
  ReadyOp readable() const noexcept { return socket_.ready(io::Interest::READABLE); }
  /// Waits until a datagram can be sent. Cancel-safe. May be spurious.
  ReadyOp writable() const noexcept { return socket_.ready(io::Interest::WRITABLE); }
  /// Waits for any of `interest`; gives the readiness seen. Cancel-safe.
  ReadyOp ready(io::Interest interest) const noexcept { return socket_.ready(interest); }

 private:
  explicit UnixDatagram(detail::PollEvented io) noexcept : socket_(std::move(io)) {}
  std::optional<std::pair<std::size_t, unix::SocketAddr>> try_recv_from_bytes(
      std::span<std::byte> buf) const;

  detail::DatagramSocket socket_;
};

}  // namespace tokio::net

#pragma pop_macro("unix")
