// DatagramSocket: see tokio/detail/datagram_socket.hpp.
#include "tokio/detail/datagram_socket.hpp"

#include <cstring>

#include "tokio/detail/socket.hpp"
#include "tokio/net/socket_addr.hpp"
#include "tokio/net/unix/socket_addr.hpp"

#undef unix

namespace tokio::detail {

std::string describe_sockaddr(const ::sockaddr* addr, ::socklen_t len) {
  if (len >= sizeof(::sa_family_t)) {
    if (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)
      return net::SocketAddr::from_sockaddr(addr, len).to_string();
    if (addr->sa_family == AF_UNIX)
      return net::unix::SocketAddr::from_sockaddr(addr, len).to_string();
  }
  return "(unnamed)";
}

std::string DatagramSocket::describe_local() const {
  ::sockaddr_storage storage{};
  ::socklen_t len = sizeof storage;
  if (::getsockname(fd(), reinterpret_cast<::sockaddr*>(&storage), &len) < 0) return "(unknown)";
  return describe_sockaddr(reinterpret_cast<::sockaddr*>(&storage), len);
}

std::string DatagramSocket::describe_peer() const {
  ::sockaddr_storage storage{};
  ::socklen_t len = sizeof storage;
  if (::getpeername(fd(), reinterpret_cast<::sockaddr*>(&storage), &len) < 0)
    return describe_local() + " (not connected)";
  return describe_sockaddr(reinterpret_cast<::sockaddr*>(&storage), len);
}

void DatagramSocket::fail_send(int err, const ::sockaddr* to, ::socklen_t to_len) const {
  throw_socket_error(err, "sending to", to_len ? describe_sockaddr(to, to_len) : describe_peer());
}

void DatagramSocket::fail_recv(int err, int flags) const {
  throw_socket_error(err, flags & MSG_PEEK ? "peeking on" : "receiving on", describe_local());
}

DatagramSocket::SendCall DatagramSocket::make_send(std::span<const std::byte> buf,
                                                   const ::sockaddr* to,
                                                   ::socklen_t to_len) const noexcept {
  SendCall call{this, buf.data(), buf.size(), {}, 0};
  if (to && to_len > 0 && to_len <= sizeof call.to) {
    std::memcpy(&call.to, to, to_len);
    call.to_len = to_len;
  }
  return call;
}

std::optional<std::size_t> DatagramSocket::try_send(std::span<const std::byte> buf,
                                                    const ::sockaddr* to,
                                                    ::socklen_t to_len) const {
  return try_io(
      io_.io(), io::Interest::WRITABLE,
      [&] { return ::sendto(fd(), buf.data(), buf.size(), MSG_NOSIGNAL, to, to_len); },
      [&](int err) { fail_send(err, to, to_len); });
}

std::optional<std::size_t> DatagramSocket::try_recv(std::span<std::byte> buf, int flags,
                                                    ::sockaddr_storage* from,
                                                    ::socklen_t* from_len) const {
  return try_io(
      io_.io(), io::Interest::READABLE,
      [&] {
        if (from_len) *from_len = sizeof *from;
        const ssize_t n = ::recvfrom(fd(), buf.data(), buf.size(), flags,
                                     reinterpret_cast<::sockaddr*>(from), from_len);
        if (n < 0 && is_read_shut_down_eagain()) {
          if (from_len) *from_len = 0;
          return ssize_t{0};
        }
        return n;
      },
      [&](int err) { fail_recv(err, flags); });
}

void DatagramSocket::shutdown(int how) const {
  if (::shutdown(fd(), how) < 0) throw_last_socket_error("shutting down", describe_local());
  if (how == SHUT_RD || how == SHUT_RDWR) read_shutdown_.store(true, std::memory_order_relaxed);
}

}  // namespace tokio::detail
