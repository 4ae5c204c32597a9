// UnixStream: connecting, pairs, credentials and splitting (the I/O is inline in the header).
#include "tokio/net/unix/stream.hpp"

#include <sys/socket.h>

#include <memory>

#include "net/unix_sockname.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/net/unix/split.hpp"

#undef unix

namespace tokio::net {

Task<UnixStream> UnixStream::connect(std::filesystem::path path) {
  // Build the address first: a path too long throws std::invalid_argument before any socket.
  return connect_addr(unix::SocketAddr::from_pathname(path));
}

Task<UnixStream> UnixStream::connect_addr(unix::SocketAddr addr) {
  return connect_with(detail::OwnedFd(detail::new_socket(AF_UNIX, SOCK_STREAM, addr.to_string())),
                      addr);
}

Task<UnixStream> UnixStream::connect_with(detail::OwnedFd owned, unix::SocketAddr addr) {
  // The frame owns the descriptor from the call on, so a Task dropped unstarted closes it.
  const int fd = owned.get();
  // connect(2) before registering: an unconnected Unix stream socket reports EPOLLHUP, and a
  // driver turn catching that would record final closed readiness (every later EAGAIN would
  // then retry at once). A Unix connect completes at once or fails (EAGAIN: the listener's
  // backlog is full, reported as Tokio does); EINPROGRESS is handled for completeness.
  const bool in_progress = ::connect(fd, addr.as_sockaddr(), addr.sockaddr_len()) < 0;
  if (in_progress && errno != EINPROGRESS)
    detail::throw_last_socket_error("connecting to", addr.to_string());
  detail::PollEvented io(owned.release());
  if (in_progress) {
    detail::ReadinessOp wait(io.io(), io::Interest::WRITABLE, "awaiting UnixStream::connect");
    co_await wait;
    if (const int err = detail::take_socket_error(fd); err != 0)
      detail::throw_socket_error(err, "connecting to", addr.to_string());
  }
  co_return UnixStream(std::move(io), addr.to_string());
}

std::pair<UnixStream, UnixStream> UnixStream::pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
    detail::throw_last_socket_error("creating a unix stream socketpair", "");
  detail::OwnedFd second(fds[1]);  // closed if registering the first throws
  UnixStream a(detail::PollEvented(fds[0]), "(socketpair peer)");
  UnixStream b(detail::PollEvented(second.release()), "(socketpair peer)");
  return {std::move(a), std::move(b)};
}

UnixStream UnixStream::from_std(int fd) {
  detail::make_nonblocking(fd);
  const unix::SocketAddr peer =
      detail::unix_sockname(fd, true, "UnixStream::from_std: getpeername");
  return UnixStream(detail::PollEvented(fd), peer.to_string());
}

int UnixStream::into_std() && {
  return socket_.io().release();
}

unix::SocketAddr UnixStream::local_addr() const {
  return detail::unix_sockname(socket_.fd(), false, "UnixStream::local_addr");
}

unix::SocketAddr UnixStream::peer_addr() const {
  return detail::unix_sockname(socket_.fd(), true, "UnixStream::peer_addr");
}

unix::UCred UnixStream::peer_cred() const {
  ::ucred cred{};
  ::socklen_t len = sizeof cred;
  if (::getsockopt(socket_.fd(), SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
    detail::throw_last_socket_error("reading SO_PEERCRED of", socket_.peer());
  return unix::UCred(cred.uid, cred.gid, cred.pid);
}

std::error_code UnixStream::take_error() const {
  const int err = detail::take_socket_error(socket_.fd());
  return err ? std::error_code(err, std::system_category()) : std::error_code();
}

std::pair<unix::ReadHalf, unix::WriteHalf> UnixStream::split() noexcept {
  return {unix::ReadHalf(*this), unix::WriteHalf(*this)};
}

std::pair<unix::OwnedReadHalf, unix::OwnedWriteHalf> UnixStream::into_split() && {
  return detail::SplitAccess::into_split(std::move(*this));
}

}  // namespace tokio::net
