// tokio::net::UdpSocket: a UDP socket driven by the runtime's reactor.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "tokio/detail/datagram_socket.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/ready.hpp"
#include "tokio/net/socket_addr.hpp"
#include "tokio/task/task.hpp"

namespace tokio::net {

/// A UDP socket. UDP is connectionless: send_to / recv_from talk to any address; connect()
/// sets a default peer for send / recv and filters what is received to that peer.
///
///     auto socket = co_await tokio::net::UdpSocket::bind("127.0.0.1:0");
///     std::array<std::byte, 1500> buf;
///     for (;;) {
///       auto [n, peer] = co_await socket.recv_from(buf);
///       co_await socket.send_to(std::span(buf).first(n), peer);  // echo
///     }
///
/// Datagrams: each send is one datagram, sent whole or not at all; each receive takes one whole
/// datagram from the queue. A datagram longer than the buffer is truncated: the rest of it is
/// discarded and the size given is the buffer's (as recv(2) does); use a buffer as large as the
/// largest datagram expected (65,507 bytes is the UDP maximum over IPv4). Empty datagrams are
/// sent and received (size 0).
///
/// Errors: std::system_error with the OS error code, whose message names the address
/// ("sending to 127.0.0.1:9: Connection refused"). On a connected socket an ICMP "port
/// unreachable" from an earlier send can surface as connection_refused from a later send or
/// recv, as with Tokio.
///
/// Cancel safety: every asynchronous operation except the name-resolving overloads is
/// cancel-safe: dropped before it completed, it sent or received nothing.
///
/// Thread safety: any number of tasks may use one UdpSocket at once (through a
/// std::shared_ptr, or by reference while it lives): sending and receiving at once is the
/// usual case; concurrent receives each get whole, distinct datagrams.
class UdpSocket {
 public:
  using SendOp = detail::DatagramSocket::SendOp;
  using RecvOp = detail::DatagramSocket::RecvOp<SocketAddr, detail::DatagramSocket::RecvKind::Size>;
  using RecvFromOp =
      detail::DatagramSocket::RecvOp<SocketAddr, detail::DatagramSocket::RecvKind::SizeAndSender>;
  using PeekSenderOp =
      detail::DatagramSocket::RecvOp<SocketAddr, detail::DatagramSocket::RecvKind::Sender>;
  using ReadyOp = detail::DatagramSocket::ReadyOp;

  /// Binds to `addr` ("ip:port" or "host:port"; port 0 picks a free one). A host name is
  /// resolved (lookup_host) and each address tried until one binds. Throws std::system_error
  /// naming the last address that failed (address_in_use...), std::invalid_argument for a
  /// malformed address. Needs a runtime with I/O enabled.
  static Task<UdpSocket> bind(std::string addr);
  static Task<UdpSocket> bind(SocketAddr addr);
  /// Takes a UDP socket descriptor (made non-blocking) and registers it with the current
  /// runtime. Throws std::system_error if it is not a socket.
  static UdpSocket from_std(int fd);
  /// Deregisters and gives the descriptor back (still non-blocking).
  int into_std() &&;
  int as_raw_fd() const noexcept { return socket_.fd(); }

  UdpSocket(UdpSocket&&) noexcept = default;
  UdpSocket& operator=(UdpSocket&&) noexcept = default;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  /// Sets the default peer of send / recv; datagrams from other addresses are then dropped.
  /// A host name is resolved and each address tried. Throws std::system_error naming the
  /// address (e.g. address_family_not_supported for an IPv6 peer of an IPv4 socket).
  Task<void> connect(std::string addr);
  Task<void> connect(SocketAddr addr);

  /// The local address (with the port chosen for port 0).
  SocketAddr local_addr() const;
  /// The connected peer; throws std::system_error (not_connected) when there is none.
  SocketAddr peer_addr() const;

  // ---- connected ---------------------------------------------------------------------------

  /// Sends `buf` as one datagram to the connected peer; gives its size. Throws
  /// std::system_error (destination_address_required when not connected, message_size when
  /// too long for one datagram). Cancel-safe.
  template <io::ConstBuffer B>
  SendOp send(B&& buf) const noexcept {
    return socket_.send(io::as_const_bytes(buf));
  }
  /// Receives one datagram from the connected peer into `buf` (truncated to its size). Cancel-
  /// safe: if dropped before completing, no datagram was taken.
  template <io::MutableBuffer B>
  RecvOp recv(B&& buf) const noexcept {
    return socket_.recv<SocketAddr, detail::DatagramSocket::RecvKind::Size>(
        io::as_mutable_bytes(buf), 0);
  }
  /// One non-blocking send; std::nullopt when the socket's send buffer is full.
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

  /// Sends `buf` as one datagram to `target`; gives its size. Cancel-safe.
  template <io::ConstBuffer B>
  SendOp send_to(B&& buf, const SocketAddr& target) const noexcept {
    return socket_.send(io::as_const_bytes(buf), target.as_sockaddr(), target.sockaddr_len());
  }
  /// Resolves `target` ("host:port"), then sends to its first address. `buf` must outlive the
  /// Task. Throws std::system_error if the name does not resolve. Not cancel-safe while
  /// resolving (the lookup runs on to completion); the send itself is.
  template <io::ConstBuffer B>
  Task<std::size_t> send_to(B&& buf, std::string target) const {
    return send_to_host(io::as_const_bytes(buf), std::move(target));
  }
  /// Receives one datagram into `buf` (truncated to its size); gives its size and sender.
  /// Cancel-safe.
  template <io::MutableBuffer B>
  RecvFromOp recv_from(B&& buf) const noexcept {
    return socket_.recv<SocketAddr, detail::DatagramSocket::RecvKind::SizeAndSender>(
        io::as_mutable_bytes(buf), 0);
  }
  /// Like recv_from, but the datagram stays queued for the next receive. Cancel-safe.
  template <io::MutableBuffer B>
  RecvFromOp peek_from(B&& buf) const noexcept {
    return socket_.recv<SocketAddr, detail::DatagramSocket::RecvKind::SizeAndSender>(
        io::as_mutable_bytes(buf), MSG_PEEK);
  }
  /// The sender of the next queued datagram, which stays queued. Cancel-safe.
  PeekSenderOp peek_sender() const noexcept {
    return socket_.recv<SocketAddr, detail::DatagramSocket::RecvKind::Sender>({}, MSG_PEEK);
  }
  /// One non-blocking send_to; std::nullopt when the send buffer is full.
  template <io::ConstBuffer B>
  std::optional<std::size_t> try_send_to(B&& buf, const SocketAddr& target) const {
    return socket_.try_send(io::as_const_bytes(buf), target.as_sockaddr(), target.sockaddr_len());
  }
  /// One non-blocking recv_from; std::nullopt when no datagram is queued.
  template <io::MutableBuffer B>
  std::optional<std::pair<std::size_t, SocketAddr>> try_recv_from(B&& buf) const {
    return try_recv_from_bytes(io::as_mutable_bytes(buf), 0);
  }
  /// One non-blocking peek_from; std::nullopt when no datagram is queued.
  template <io::MutableBuffer B>
  std::optional<std::pair<std::size_t, SocketAddr>> try_peek_from(B&& buf) const {
    return try_recv_from_bytes(io::as_mutable_bytes(buf), MSG_PEEK);
  }
  /// One non-blocking peek_sender; std::nullopt when no datagram is queued.
  std::optional<SocketAddr> try_peek_sender() const;

  // ---- readiness ---------------------------------------------------------------------------

  /// Waits until a datagram (or an error) is queued. Cancel-safe. May be spurious: try_recv
  /// can still give std::nullopt.
  ReadyOp readable() const noexcept { return socket_.ready(io::Interest::READABLE); }
  /// Waits until a datagram can be sent. Cancel-safe. May be spurious.
  ReadyOp writable() const noexcept { return socket_.ready(io::Interest::WRITABLE); }
  /// Waits for any of `interest`; gives the readiness seen. Cancel-safe.
  ReadyOp ready(io::Interest interest) const noexcept { return socket_.ready(interest); }

  // ---- options (each throws std::system_error naming the option on failure) ----------------

  /// SO_BROADCAST: may datagrams be sent to a broadcast address.
  void set_broadcast(bool on);
  bool broadcast() const;
  /// IP_TTL (IPv4 socket) or IPV6_UNICAST_HOPS (IPv6 socket).
  void set_ttl(std::uint32_t ttl);
  std::uint32_t ttl() const;
  /// IP_MULTICAST_LOOP: are multicast datagrams sent looped back to local sockets (IPv4).
  void set_multicast_loop_v4(bool on);
  bool multicast_loop_v4() const;
  /// IP_MULTICAST_TTL: the TTL of multicast datagrams sent (IPv4; 1 keeps them on the subnet).
  void set_multicast_ttl_v4(std::uint32_t ttl);
  std::uint32_t multicast_ttl_v4() const;
  /// IPV6_MULTICAST_LOOP (IPv6).
  void set_multicast_loop_v6(bool on);
  bool multicast_loop_v6() const;
  /// Joins / leaves the IPv4 multicast group `multiaddr` on the interface with address
  /// `interface` ("0.0.0.0": the system picks). Both are numeric IPv4 addresses, else
  /// std::invalid_argument naming the text.
  void join_multicast_v4(std::string_view multiaddr, std::string_view interface);
  void leave_multicast_v4(std::string_view multiaddr, std::string_view interface);
  /// Joins / leaves the IPv6 multicast group `multiaddr` on interface index `interface`
  /// (0: the system picks).
  void join_multicast_v6(std::string_view multiaddr, std::uint32_t interface);
  void leave_multicast_v6(std::string_view multiaddr, std::uint32_t interface);
  /// The pending socket error (SO_ERROR), cleared as it is read; an empty code when none.
  std::error_code take_error() const;

 private:
  explicit UdpSocket(detail::PollEvented io, int family) noexcept
      : socket_(std::move(io)), family_(family) {}
  Task<std::size_t> send_to_host(std::span<const std::byte> buf, std::string target) const;
  std::optional<std::pair<std::size_t, SocketAddr>> try_recv_from_bytes(std::span<std::byte> buf,
                                                                        int flags) const;

  detail::DatagramSocket socket_;
  int family_;  // AF_INET or AF_INET6: picks the option level of ttl
};

}  // namespace tokio::net
