// TcpListener: binding and accepting.
#include "tokio/net/tcp/listener.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include "tokio/detail/runtime_inner.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/net/lookup_host.hpp"
#include "tokio/net/tcp/socket.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio::net {

namespace {
constexpr std::uint32_t kBacklog = 1024;

// Out of descriptors or memory: the connection stays queued; waiting may free some.
bool is_resource_exhaustion(int err) noexcept {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

// One accept4(2) attempt: the new descriptor, or -errno. The failure is a value (the caller
// decides whether to retry), so that running out of descriptors costs no exception.
struct AcceptCall {
  int fd;
  ::sockaddr_storage* peer;
  ::socklen_t* peer_len;
  ssize_t operator()() const noexcept {
    *peer_len = sizeof *peer;
    return ::accept4(fd, reinterpret_cast<::sockaddr*>(peer), peer_len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
  }
  bool drained(ssize_t) const noexcept { return false; }
  ssize_t complete(ssize_t n) const noexcept { return n; }
  ssize_t fail(int err) const noexcept { return -err; }
  const char* what() const noexcept { return "awaiting TcpListener::accept"; }
};
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
  std::vector<SocketAddr> addrs;
  if (auto numeric = SocketAddr::try_parse(addr))
    addrs.push_back(*numeric);
  else
    addrs = co_await lookup_host(addr);
  std::exception_ptr last;
  for (const SocketAddr& a : addrs) {
    try {
      co_return co_await bind(a);
    } catch (const std::system_error&) {
      last = std::current_exception();
    }
  }
  if (last) std::rethrow_exception(last);
  detail::throw_socket_error(EADDRNOTAVAIL, "binding to", std::string(addr) + " (no address)");
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
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    const ssize_t r = co_await detail::IoOp<AcceptCall>(io_.io(), io::Interest::READABLE,
                                                        AcceptCall{io_.fd(), &peer, &peer_len});
    if (r >= 0) {
      const int fd = static_cast<int>(r);
      detail::PollEvented io(fd);  // owns fd from here
      const SocketAddr addr =
          SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&peer), peer_len);
      co_return std::pair<TcpStream, SocketAddr>(TcpStream(std::move(io), addr), addr);
    }
    const int err = static_cast<int>(-r);
    if (err == ECONNABORTED) continue;  // the peer gave up while queued: take the next one
    if (!is_resource_exhaustion(err) ||
        !detail::current_runtime("TcpListener::accept").time_driver())
      detail::throw_socket_error(err, "accepting on", local_.to_string());
    // The connection is still queued and the listener still readable: wait, then retry.
    co_await time::sleep(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

}  // namespace tokio::net
