// TcpListener: binding and accepting.
#include "tokio/net/tcp/listener.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <string>

#include "net/try_each_address.hpp"
#include "tokio/detail/accept.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/net/tcp/socket.hpp"

namespace tokio::net {

namespace {
constexpr std::uint32_t kBacklog = 1024;
}  // namespace

TcpListener::TcpListener(detail::PollEvented io, SocketAddr local)
    : io_(std::move(io)), local_(local) {}

Task<TcpListener> TcpListener::bind(SocketAddr addr) {
  auto socket = addr.is_ipv4() ? TcpSocket::new_v4() : TcpSocket::new_v6();
  socket.set_reuseaddr(true);
  socket.bind(addr);
  co_return std::move(socket).listen(kBacklog);
}

Task<TcpListener> TcpListener::bind(std::string addr) {
  return detail::try_each_address<TcpListener>(std::move(addr),
                                               [](SocketAddr a) { return bind(a); });
}

TcpListener TcpListener::from_std(int fd) {
  detail::make_nonblocking(fd);
  const SocketAddr local = detail::local_addr_of(fd, "TcpListener::from_std: getsockname");
  return TcpListener(detail::PollEvented(fd), local);
}

int TcpListener::into_std() && {
  return io_.release();
}

SocketAddr TcpListener::local_addr() const {
  return local_;
}

void TcpListener::set_ttl(std::uint32_t ttl) {
  if (local_.is_ipv4())
    detail::set_int_option(io_.fd(), IPPROTO_IP, IP_TTL, static_cast<int>(ttl), "setting IP_TTL");
  else
    detail::set_int_option(io_.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, static_cast<int>(ttl),
                           "setting IPV6_UNICAST_HOPS");
}

std::uint32_t TcpListener::ttl() const {
  if (local_.is_ipv4())
    return detail::get_int_option(io_.fd(), IPPROTO_IP, IP_TTL, "reading IP_TTL");
  return detail::get_int_option(io_.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS,
                                "reading IPV6_UNICAST_HOPS");
}

Task<std::pair<TcpStream, SocketAddr>> TcpListener::accept() {
  ::sockaddr_storage peer{};
  ::socklen_t peer_len = 0;
  detail::OwnedFd fd =
      co_await detail::accept_connection(io_, peer, peer_len, "TcpListener::accept");
  detail::PollEvented io(fd.release());
  const SocketAddr addr = SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&peer), peer_len);
  co_return std::pair<TcpStream, SocketAddr>(TcpStream(std::move(io), addr), addr);
}

}  // namespace tokio::net
