// StreamSocket: see tokio/detail/stream_socket.hpp.
#include "tokio/detail/stream_socket.hpp"

#include "tokio/detail/socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cstring>

namespace tokio::detail {

void StreamSocket::fail(int err, const char* op) const {
  throw_socket_error(err, op, peer_);
}

std::optional<std::size_t> StreamSocket::try_read(std::span<std::byte> buf, int flags) const {
  if (buf.empty()) return 0;
  return try_io(
      io_.io(), io::Interest::READABLE, [&] { return ::recv(fd(), buf.data(), buf.size(), flags); },
      [&](int err) { fail(err, flags ? "peek from" : "read from"); });
}

std::optional<std::size_t> StreamSocket::try_write(std::span<const std::byte> buf) const {
  if (buf.empty()) return 0;
  return try_io(
      io_.io(), io::Interest::WRITABLE,
      [&] { return ::send(fd(), buf.data(), buf.size(), MSG_NOSIGNAL); },
      [&](int err) { fail(err, "write to"); });
}

std::optional<std::size_t> StreamSocket::try_write_vectored(
    std::span<const io::IoSlice> slices) const {
  slices = at_most_iov_max(slices);
  std::size_t total = 0;
  for (const auto& s : slices)
    total += s.size();
  if (total == 0) return 0;
  return try_io(io_.io(), io::Interest::WRITABLE,
                WritevCall{this, slices.data(), slices.size(), total},
                [&](int err) { fail(err, "write to"); });
}

ssize_t StreamSocket::ReadCall::recv_reporting_inq() noexcept {
  ::iovec iov{data, len};
  alignas(::cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  ::msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(socket->fd(), &msg, 0);
  if (n <= 0) return n;
  for (::cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) {
      std::memcpy(&left, CMSG_DATA(c), sizeof left);
      break;
    }
  }
  return n;
}

void StreamSocket::report_bytes_left() noexcept {
  const int on = 1;
  report_inq_ = ::setsockopt(fd(), IPPROTO_TCP, TCP_INQ, &on, sizeof on) == 0;
}

void StreamSocket::shutdown(int how) const {
  if (::shutdown(fd(), how) < 0) throw_last_socket_error("shutting down the connection to", peer_);
}

}  // namespace tokio::detail
