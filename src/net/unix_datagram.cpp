// UnixDatagram: binding, pairs and connecting (the datagram I/O is inline in the header).
#include "tokio/net/unix/datagram.hpp"

#include "net/unix_sockname.hpp"
#include "tokio/detail/owned_fd.hpp"
#include "tokio/detail/socket.hpp"

#undef unix

namespace tokio::net {

UnixDatagram UnixDatagram::bind(const std::filesystem::path& path) {
  return bind_addr(unix::SocketAddr::from_pathname(path));
}

UnixDatagram UnixDatagram::bind_addr(const unix::SocketAddr& addr) {
  detail::OwnedFd fd(detail::new_socket(AF_UNIX, SOCK_DGRAM, addr.to_string()));
  if (::bind(fd.get(), addr.as_sockaddr(), addr.sockaddr_len()) < 0)
    detail::throw_last_socket_error("binding to", addr.to_string());
  return UnixDatagram(detail::PollEvented(fd.release()));
}

UnixDatagram UnixDatagram::unbound() {
  return UnixDatagram(detail::PollEvented(detail::new_socket(AF_UNIX, SOCK_DGRAM, "")));
}

std::pair<UnixDatagram, UnixDatagram> UnixDatagram::pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
    detail::throw_last_socket_error("creating a unix datagram socketpair", "");
  detail::OwnedFd second(fds[1]);  // closed if registering the first throws
  UnixDatagram a{detail::PollEvented(fds[0])};
  UnixDatagram b{detail::PollEvented(second.release())};
  return {std::move(a), std::move(b)};
}

UnixDatagram UnixDatagram::from_std(int fd) {
  detail::make_nonblocking(fd);
  return UnixDatagram(detail::PollEvented(fd));
}

int UnixDatagram::into_std() && {
  return socket_.io().release();
}

void UnixDatagram::connect(const std::filesystem::path& path) {
  connect_addr(unix::SocketAddr::from_pathname(path));
}

void UnixDatagram::connect_addr(const unix::SocketAddr& addr) {
  if (::connect(socket_.fd(), addr.as_sockaddr(), addr.sockaddr_len()) < 0)
    detail::throw_last_socket_error("connecting to", addr.to_string());
}

unix::SocketAddr UnixDatagram::local_addr() const {
  return detail::unix_sockname(socket_.fd(), false, "UnixDatagram::local_addr");
}

unix::SocketAddr UnixDatagram::peer_addr() const {
  return detail::unix_sockname(socket_.fd(), true, "UnixDatagram::peer_addr");
}

void UnixDatagram::shutdown(int how) const {
  socket_.shutdown(how);
}

std::error_code UnixDatagram::take_error() const {
  const int err = detail::take_socket_error(socket_.fd());
  return err ? std::error_code(err, std::system_category()) : std::error_code();
}

std::optional<std::pair<std::size_t, unix::SocketAddr>> UnixDatagram::try_recv_from_bytes(
    std::span<std::byte> buf) const {
  ::sockaddr_storage from{};
  ::socklen_t from_len = sizeof from;
  const auto n = socket_.try_recv(buf, 0, &from, &from_len);
  if (!n) return std::nullopt;
  return std::pair<std::size_t, unix::SocketAddr>(
      *n, unix::SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&from), from_len));
}

}  // namespace tokio::net
