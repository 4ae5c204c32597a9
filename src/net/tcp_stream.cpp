// TcpStream: connecting, options and splitting (the I/O itself is inline in the header).
#include "tokio/net/tcp/stream.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <memory>

#include "net/try_each_address.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/net/tcp/split.hpp"

namespace tokio::net {

TcpStream::TcpStream(detail::PollEvented io, SocketAddr peer)
    : ConnectedStream(detail::StreamSocket(std::move(io), peer.to_string())), peer_(peer) {
  socket_.report_bytes_left();
}

Task<TcpStream> TcpStream::connect(SocketAddr addr) {
  return connect_with(
      detail::OwnedFd(detail::new_socket(addr.family(), SOCK_STREAM, addr.to_string())), addr);
}

Task<TcpStream> TcpStream::connect_with(detail::OwnedFd owned, SocketAddr addr) {
  // The frame owns the descriptor from the call on, so a Task dropped unstarted closes it.
  const int fd = owned.get();
  // connect(2) before registering: a TCP socket that is not connecting yet reports
  // EPOLLOUT|EPOLLHUP, and a driver turn catching that would record final write/read-closed
  // readiness, so that every later EAGAIN would retry at once (and connect would finish early).
  if (::connect(fd, addr.as_sockaddr(), addr.sockaddr_len()) < 0 && errno != EINPROGRESS)
    detail::throw_last_socket_error("connecting to", addr.to_string());
  detail::PollEvented io(owned.release());
  // The connection is made (or failed) when the socket turns writable.
  detail::ReadinessOp wait(io.io(), io::Interest::WRITABLE, "awaiting TcpStream::connect");
  co_await wait;
  if (const int err = detail::take_socket_error(fd); err != 0)
    detail::throw_socket_error(err, "connecting to", addr.to_string());
  co_return TcpStream(std::move(io), addr);
}

Task<TcpStream> TcpStream::connect(std::string addr) {
  // A name may resolve to several addresses (::1 and 127.0.0.1 for localhost): try each.
  return detail::try_each_address<TcpStream>(std::move(addr),
                                             [](SocketAddr a) { return connect(a); });
}

TcpStream TcpStream::from_std(int fd) {
  detail::make_nonblocking(fd);
  const SocketAddr peer = detail::peer_addr_of(fd, "TcpStream::from_std: getpeername");
  return TcpStream(detail::PollEvented(fd), peer);
}

int TcpStream::into_std() && {
  return socket_.io().release();
}

SocketAddr TcpStream::local_addr() const {
  return detail::local_addr_of(socket_.fd(), "TcpStream::local_addr");
}

void TcpStream::set_nodelay(bool nodelay) {
  detail::set_int_option(socket_.fd(), IPPROTO_TCP, TCP_NODELAY, nodelay, "setting TCP_NODELAY");
}

bool TcpStream::nodelay() const {
  return detail::get_int_option(socket_.fd(), IPPROTO_TCP, TCP_NODELAY, "reading TCP_NODELAY");
}

void TcpStream::set_linger(std::optional<std::chrono::seconds> linger) {
  detail::set_linger_option(socket_.fd(),
                            linger ? std::optional<int>(linger->count()) : std::nullopt);
}

std::optional<std::chrono::seconds> TcpStream::linger() const {
  const auto seconds = detail::get_linger_option(socket_.fd());
  if (!seconds) return std::nullopt;
  return std::chrono::seconds(*seconds);
}

void TcpStream::set_ttl(std::uint32_t ttl) {
  if (peer_.is_ipv4())
    detail::set_int_option(socket_.fd(), IPPROTO_IP, IP_TTL, static_cast<int>(ttl),
                           "setting IP_TTL");
  else
    detail::set_int_option(socket_.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, static_cast<int>(ttl),
                           "setting IPV6_UNICAST_HOPS");
}

std::uint32_t TcpStream::ttl() const {
  if (peer_.is_ipv4())
    return detail::get_int_option(socket_.fd(), IPPROTO_IP, IP_TTL, "reading IP_TTL");
  return detail::get_int_option(socket_.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS,
                                "reading IPV6_UNICAST_HOPS");
}

std::error_code TcpStream::take_error() const {
  const int err = detail::take_socket_error(socket_.fd());
  return err ? std::error_code(err, std::system_category()) : std::error_code();
}

std::pair<tcp::ReadHalf, tcp::WriteHalf> TcpStream::split() noexcept {
  return {tcp::ReadHalf(*this), tcp::WriteHalf(*this)};
}

std::pair<tcp::OwnedReadHalf, tcp::OwnedWriteHalf> TcpStream::into_split() && {
  return detail::SplitAccess::into_split(std::move(*this));
}

}  // namespace tokio::net
