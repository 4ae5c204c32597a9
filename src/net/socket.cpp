// Socket helpers shared by the tokio::net types (see tokio/detail/socket.hpp).
#include "tokio/detail/socket.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace tokio::detail {

void throw_socket_error(int err, std::string_view op, std::string_view addr) {
  std::string what(op);
  if (!addr.empty()) {
    what += ' ';
    what += addr;
  }
  throw std::system_error(err, std::system_category(), what);
}

void throw_last_socket_error(std::string_view op, std::string_view addr) {
  throw_socket_error(errno, op, addr);
}

int new_socket(int family, int type, std::string_view for_addr) {
  const int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_last_socket_error("creating a socket for", for_addr);
  return fd;
}

void make_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
      ::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
    throw_last_socket_error("setting O_NONBLOCK on descriptor", std::to_string(fd));
}

net::SocketAddr local_addr_of(int fd, const char* what) {
  ::sockaddr_storage storage{};
  ::socklen_t len = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<::sockaddr*>(&storage), &len) < 0)
    throw_last_socket_error(what, "");
  return net::SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&storage), len);
}

net::SocketAddr peer_addr_of(int fd, const char* what) {
  ::sockaddr_storage storage{};
  ::socklen_t len = sizeof storage;
  if (::getpeername(fd, reinterpret_cast<::sockaddr*>(&storage), &len) < 0)
    throw_last_socket_error(what, "");
  return net::SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&storage), len);
}

void set_int_option(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) < 0) throw_last_socket_error(what, "");
}

int get_int_option(int fd, int level, int name, const char* what) {
  int value = 0;
  ::socklen_t len = sizeof value;
  if (::getsockopt(fd, level, name, &value, &len) < 0) throw_last_socket_error(what, "");
  return value;
}

void set_linger_option(int fd, std::optional<int> seconds) {
  ::linger l{};
  l.l_onoff = seconds.has_value();
  l.l_linger = seconds.value_or(0);
  if (::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) < 0)
    throw_last_socket_error("setting SO_LINGER", "");
}

std::optional<int> get_linger_option(int fd) {
  ::linger l{};
  ::socklen_t len = sizeof l;
  if (::getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) < 0)
    throw_last_socket_error("reading SO_LINGER", "");
  if (!l.l_onoff) return std::nullopt;
  return l.l_linger;
}

int take_socket_error(int fd) {
  return get_int_option(fd, SOL_SOCKET, SO_ERROR, "reading SO_ERROR");
}

}  // namespace tokio::detail
