// tokio::net::TcpListener: accepts TCP connections.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "tokio/detail/poll_evented.hpp"
#include "tokio/net/socket_addr.hpp"
#include "tokio/net/tcp/stream.hpp"
#include "tokio/task/task.hpp"

namespace tokio::net {

/// A TCP socket server, listening for connections.
///
///     auto listener = co_await tokio::net::TcpListener::bind("127.0.0.1:8080");
///     for (;;) {
///       auto [socket, peer] = co_await listener.accept();
///       tokio::spawn(handle(std::move(socket)));
///     }
class TcpListener {
 public:
  /// Binds to `addr` ("ip:port" or "host:port"; port 0 picks a free one) and listens with a
  /// backlog of 1024. SO_REUSEADDR is set, as Tokio does. A host name is resolved and each
  /// address tried until one binds. Throws std::system_error naming the address
  /// (address_in_use, permission_denied...), std::invalid_argument for a malformed address.
  static Task<TcpListener> bind(std::string addr);
  static Task<TcpListener> bind(SocketAddr addr);
  /// Takes a listening socket descriptor (made non-blocking) and registers it.
  static TcpListener from_std(int fd);
  /// Deregisters and gives the descriptor back.
  int into_std() &&;
  int as_raw_fd() const noexcept { return io_.fd(); }

  TcpListener(TcpListener&&) noexcept = default;
  TcpListener& operator=(TcpListener&&) noexcept = default;

  /// Waits for a connection; gives the stream and the peer's address.
  ///
  /// When the process or system is out of descriptors or memory (EMFILE, ENFILE, ENOBUFS,
  /// ENOMEM), the connection stays queued and accept waits (1 ms, doubling up to 1 s) and
  /// tries again, rather than failing or spinning; it needs the runtime's timer for that
  /// (Builder::enable_time), without which the error is thrown. A connection aborted before it
  /// was accepted is skipped. Other errors throw std::system_error.
  ///
  /// Cancel-safe: if it is dropped before completing, no connection was taken from the queue.
  Task<std::pair<TcpStream, SocketAddr>> accept();

  /// The address it listens on (with the port chosen for port 0).
  SocketAddr local_addr() const;
  /// IP_TTL (IPv4) or IPV6_UNICAST_HOPS (IPv6) of this socket (accepted connections inherit
  /// it on Linux); throws std::system_error naming the option on failure.
  void set_ttl(std::uint32_t ttl);
  std::uint32_t ttl() const;

 private:
  friend class TcpSocket;
  TcpListener(detail::PollEvented io, SocketAddr local);

  detail::PollEvented io_;
  SocketAddr local_;
};

}  // namespace tokio::net
