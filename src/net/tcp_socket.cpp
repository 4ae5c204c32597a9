// TcpSocket: options, bind, connect and listen.
#include "tokio/net/tcp/socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "tokio/detail/socket.hpp"

namespace tokio::net {

TcpSocket TcpSocket::new_v4() {
  return TcpSocket(detail::new_socket(AF_INET, SOCK_STREAM, ""));
}
TcpSocket TcpSocket::new_v6() {
  return TcpSocket(detail::new_socket(AF_INET6, SOCK_STREAM, ""));
}

TcpSocket TcpSocket::from_std(int fd) {
  detail::make_nonblocking(fd);
  return TcpSocket(fd);
}

int TcpSocket::into_std() && {
  return std::exchange(fd_, -1);
}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

TcpSocket::~TcpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int TcpSocket::checked_fd(const char* what) const {
  if (fd_ < 0)
    throw std::logic_error(std::string(what) +
                           ": this TcpSocket was moved from or consumed by connect/listen");
  return fd_;
}

void TcpSocket::set_reuseaddr(bool on) {
  detail::set_int_option(checked_fd("TcpSocket::set_reuseaddr"), SOL_SOCKET, SO_REUSEADDR, on,
                         "setting SO_REUSEADDR");
}
bool TcpSocket::reuseaddr() const {
  return detail::get_int_option(checked_fd("TcpSocket::reuseaddr"), SOL_SOCKET, SO_REUSEADDR,
                                "reading SO_REUSEADDR");
}
void TcpSocket::set_reuseport(bool on) {
  detail::set_int_option(checked_fd("TcpSocket::set_reuseport"), SOL_SOCKET, SO_REUSEPORT, on,
                         "setting SO_REUSEPORT");
}
bool TcpSocket::reuseport() const {
  return detail::get_int_option(checked_fd("TcpSocket::reuseport"), SOL_SOCKET, SO_REUSEPORT,
                                "reading SO_REUSEPORT");
}
void TcpSocket::set_send_buffer_size(std::uint32_t size) {
  detail::set_int_option(checked_fd("TcpSocket::set_send_buffer_size"), SOL_SOCKET, SO_SNDBUF,
                         static_cast<int>(size), "setting SO_SNDBUF");
}
std::uint32_t TcpSocket::send_buffer_size() const {
  return detail::get_int_option(checked_fd("TcpSocket::send_buffer_size"), SOL_SOCKET, SO_SNDBUF,
                                "reading SO_SNDBUF");
}
void TcpSocket::set_recv_buffer_size(std::uint32_t size) {
  detail::set_int_option(checked_fd("TcpSocket::set_recv_buffer_size"), SOL_SOCKET, SO_RCVBUF,
                         static_cast<int>(size), "setting SO_RCVBUF");
}
std::uint32_t TcpSocket::recv_buffer_size() const {
  return detail::get_int_option(checked_fd("TcpSocket::recv_buffer_size"), SOL_SOCKET, SO_RCVBUF,
                                "reading SO_RCVBUF");
}
void TcpSocket::set_keepalive(bool on) {
  detail::set_int_option(checked_fd("TcpSocket::set_keepalive"), SOL_SOCKET, SO_KEEPALIVE, on,
                         "setting SO_KEEPALIVE");
}
bool TcpSocket::keepalive() const {
  return detail::get_int_option(checked_fd("TcpSocket::keepalive"), SOL_SOCKET, SO_KEEPALIVE,
                                "reading SO_KEEPALIVE");
}
void TcpSocket::set_nodelay(bool on) {
  detail::set_int_option(checked_fd("TcpSocket::set_nodelay"), IPPROTO_TCP, TCP_NODELAY, on,
                         "setting TCP_NODELAY");
}
bool TcpSocket::nodelay() const {
  return detail::get_int_option(checked_fd("TcpSocket::nodelay"), IPPROTO_TCP, TCP_NODELAY,
                                "reading TCP_NODELAY");
}
void TcpSocket::set_linger(std::optional<std::chrono::seconds> linger) {
  detail::set_linger_option(checked_fd("TcpSocket::set_linger"),
                            linger ? std::optional<int>(linger->count()) : std::nullopt);
}
std::optional<std::chrono::seconds> TcpSocket::linger() const {
  const auto seconds = detail::get_linger_option(checked_fd("TcpSocket::linger"));
  if (!seconds) return std::nullopt;
  return std::chrono::seconds(*seconds);
}

void TcpSocket::bind(SocketAddr addr) {
  if (::bind(checked_fd("TcpSocket::bind"), addr.as_sockaddr(), addr.sockaddr_len()) < 0)
    detail::throw_last_socket_error("binding to", addr.to_string());
}

SocketAddr TcpSocket::local_addr() const {
  return detail::local_addr_of(checked_fd("TcpSocket::local_addr"), "TcpSocket::local_addr");
}

Task<TcpStream> TcpSocket::connect(SocketAddr addr) && {
  checked_fd("TcpSocket::connect");
  return TcpStream::connect_with(detail::OwnedFd(std::exchange(fd_, -1)), addr);
}

TcpListener TcpSocket::listen(std::uint32_t backlog) && {
  const int fd = checked_fd("TcpSocket::listen");
  const int capped = backlog > 65535 ? 65535 : static_cast<int>(backlog);
  if (::listen(fd, capped) < 0)
    detail::throw_last_socket_error("listening on", local_addr().to_string());
  fd_ = -1;
  detail::PollEvented io(fd);
  const SocketAddr local = detail::local_addr_of(fd, "TcpListener::local_addr");
  return TcpListener(std::move(io), local);
}

}  // namespace tokio::net
