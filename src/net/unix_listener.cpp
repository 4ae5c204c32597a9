// UnixListener: binding and accepting.
#include "tokio/net/unix/listener.hpp"

#include <sys/socket.h>

#include "net/unix_sockname.hpp"
#include "tokio/detail/accept.hpp"
#include "tokio/detail/owned_fd.hpp"
#include "tokio/detail/socket.hpp"

#undef unix

namespace tokio::net {

namespace {
constexpr int kBacklog = 1024;
}  // namespace

UnixListener UnixListener::bind(const std::filesystem::path& path) {
  return bind_addr(unix::SocketAddr::from_pathname(path));
}

UnixListener UnixListener::bind_addr(const unix::SocketAddr& addr) {
  detail::OwnedFd fd(detail::new_socket(AF_UNIX, SOCK_STREAM, addr.to_string()));
  if (::bind(fd.get(), addr.as_sockaddr(), addr.sockaddr_len()) < 0)
    detail::throw_last_socket_error("binding to", addr.to_string());
  if (::listen(fd.get(), kBacklog) < 0)
    detail::throw_last_socket_error("listening on", addr.to_string());
  return UnixListener(detail::PollEvented(fd.release()));
}

UnixListener UnixListener::from_std(int fd) {
  detail::make_nonblocking(fd);
  return UnixListener(detail::PollEvented(fd));
}

int UnixListener::into_std() && {
  return io_.release();
}

unix::SocketAddr UnixListener::local_addr() const {
  return detail::unix_sockname(io_.fd(), false, "UnixListener::local_addr");
}

std::error_code UnixListener::take_error() const {
  const int err = detail::take_socket_error(io_.fd());
  return err ? std::error_code(err, std::system_category()) : std::error_code();
}

Task<std::pair<UnixStream, unix::SocketAddr>> UnixListener::accept() {
  ::sockaddr_storage peer{};
  ::socklen_t peer_len = 0;
  detail::OwnedFd fd =
      co_await detail::accept_connection(io_, peer, peer_len, "UnixListener::accept");
  detail::PollEvented io(fd.release());
  const unix::SocketAddr addr =
      unix::SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&peer), peer_len);
  // The peer is usually unnamed: name the connection by the listener's path in errors.
  std::string name = addr.is_unnamed() ? "peer of " + local_addr().to_string() : addr.to_string();
  co_return std::pair<UnixStream, unix::SocketAddr>(UnixStream(std::move(io), std::move(name)),
                                                    addr);
}

}  // namespace tokio::net
