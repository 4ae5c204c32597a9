// UdpSocket: binding, connecting, options (the datagram I/O is inline in the header).
#include "tokio/net/udp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <exception>
#include <stdexcept>
#include <vector>

#include "net/try_each_address.hpp"
#include "tokio/detail/owned_fd.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/net/lookup_host.hpp"

namespace tokio::net {

namespace {

::in_addr parse_v4(std::string_view text) {
  const std::string s(text);
  ::in_addr out{};
  if (::inet_pton(AF_INET, s.c_str(), &out) != 1)
    throw std::invalid_argument("not a numeric IPv4 address: " + s);
  return out;
}

::in6_addr parse_v6(std::string_view text) {
  const std::string s(text);
  ::in6_addr out{};
  if (::inet_pton(AF_INET6, s.c_str(), &out) != 1)
    throw std::invalid_argument("not a numeric IPv6 address: " + s);
  return out;
}

template <class Option>
void set_option(int fd, int level, int name, const Option& value, const char* what,
                std::string_view group) {
  if (::setsockopt(fd, level, name, &value, sizeof value) < 0)
    detail::throw_last_socket_error(what, group);
}

}  // namespace

Task<UdpSocket> UdpSocket::bind(SocketAddr addr) {
  detail::OwnedFd fd(detail::new_socket(addr.family(), SOCK_DGRAM, addr.to_string()));
  if (::bind(fd.get(), addr.as_sockaddr(), addr.sockaddr_len()) < 0)
    detail::throw_last_socket_error("binding to", addr.to_string());
  co_return UdpSocket(detail::PollEvented(fd.release()), addr.family());
}

Task<UdpSocket> UdpSocket::bind(std::string addr) {
  return detail::try_each_address<UdpSocket>(std::move(addr), [](SocketAddr a) { return bind(a); });
}

UdpSocket UdpSocket::from_std(int fd) {
  detail::make_nonblocking(fd);
  const SocketAddr local = detail::local_addr_of(fd, "UdpSocket::from_std: getsockname");
  return UdpSocket(detail::PollEvented(fd), local.family());
}

int UdpSocket::into_std() && {
  return socket_.io().release();
}

Task<void> UdpSocket::connect(SocketAddr addr) {
  if (::connect(socket_.fd(), addr.as_sockaddr(), addr.sockaddr_len()) < 0)
    detail::throw_last_socket_error("connecting to", addr.to_string());
  co_return;
}

Task<void> UdpSocket::connect(std::string addr) {
  return detail::try_each_address<void>(std::move(addr),
                                        [this](SocketAddr a) { return connect(a); });
}

Task<std::size_t> UdpSocket::send_to_host(std::span<const std::byte> buf,
                                          std::string target) const {
  const std::vector<SocketAddr> addrs = co_await lookup_host(std::move(target));
  // As Tokio: the first address only; a datagram is not retried elsewhere.
  co_return co_await send_to(buf, addrs.front());
}

std::optional<std::pair<std::size_t, SocketAddr>> UdpSocket::try_recv_from_bytes(
    std::span<std::byte> buf, int flags) const {
  ::sockaddr_storage from{};
  ::socklen_t from_len = sizeof from;
  const auto n = socket_.try_recv(buf, flags, &from, &from_len);
  if (!n) return std::nullopt;
  return std::pair<std::size_t, SocketAddr>(
      *n, SocketAddr::from_sockaddr(reinterpret_cast<::sockaddr*>(&from), from_len));
}

std::optional<SocketAddr> UdpSocket::try_peek_sender() const {
  auto peeked = try_recv_from_bytes({}, MSG_PEEK);
  if (!peeked) return std::nullopt;
  return peeked->second;
}

SocketAddr UdpSocket::local_addr() const {
  return detail::local_addr_of(socket_.fd(), "UdpSocket::local_addr");
}

SocketAddr UdpSocket::peer_addr() const {
  return detail::peer_addr_of(socket_.fd(), "UdpSocket::peer_addr");
}

void UdpSocket::set_broadcast(bool on) {
  detail::set_int_option(socket_.fd(), SOL_SOCKET, SO_BROADCAST, on, "setting SO_BROADCAST");
}
bool UdpSocket::broadcast() const {
  return detail::get_int_option(socket_.fd(), SOL_SOCKET, SO_BROADCAST, "reading SO_BROADCAST");
}

void UdpSocket::set_ttl(std::uint32_t ttl) {
  if (family_ == AF_INET)
    detail::set_int_option(socket_.fd(), IPPROTO_IP, IP_TTL, static_cast<int>(ttl),
                           "setting IP_TTL");
  else
    detail::set_int_option(socket_.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, static_cast<int>(ttl),
                           "setting IPV6_UNICAST_HOPS");
}
std::uint32_t UdpSocket::ttl() const {
  if (family_ == AF_INET)
    return detail::get_int_option(socket_.fd(), IPPROTO_IP, IP_TTL, "reading IP_TTL");
  return detail::get_int_option(socket_.fd(), IPPROTO_IPV6, IPV6_UNICAST_HOPS,
                                "reading IPV6_UNICAST_HOPS");
}

void UdpSocket::set_multicast_loop_v4(bool on) {
  detail::set_int_option(socket_.fd(), IPPROTO_IP, IP_MULTICAST_LOOP, on,
                         "setting IP_MULTICAST_LOOP");
}
bool UdpSocket::multicast_loop_v4() const {
  return detail::get_int_option(socket_.fd(), IPPROTO_IP, IP_MULTICAST_LOOP,
                                "reading IP_MULTICAST_LOOP");
}
void UdpSocket::set_multicast_ttl_v4(std::uint32_t ttl) {
  detail::set_int_option(socket_.fd(), IPPROTO_IP, IP_MULTICAST_TTL, static_cast<int>(ttl),
                         "setting IP_MULTICAST_TTL");
}
std::uint32_t UdpSocket::multicast_ttl_v4() const {
  return detail::get_int_option(socket_.fd(), IPPROTO_IP, IP_MULTICAST_TTL,
                                "reading IP_MULTICAST_TTL");
}
void UdpSocket::set_multicast_loop_v6(bool on) {
  detail::set_int_option(socket_.fd(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on,
                         "setting IPV6_MULTICAST_LOOP");
}
bool UdpSocket::multicast_loop_v6() const {
  return detail::get_int_option(socket_.fd(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP,
                                "reading IPV6_MULTICAST_LOOP");
}

void UdpSocket::join_multicast_v4(std::string_view multiaddr, std::string_view interface) {
  ::ip_mreq req{};
  req.imr_multiaddr = parse_v4(multiaddr);
  req.imr_interface = parse_v4(interface);
  set_option(socket_.fd(), IPPROTO_IP, IP_ADD_MEMBERSHIP, req, "joining multicast group",
             multiaddr);
}
void UdpSocket::leave_multicast_v4(std::string_view multiaddr, std::string_view interface) {
  ::ip_mreq req{};
  req.imr_multiaddr = parse_v4(multiaddr);
  req.imr_interface = parse_v4(interface);
  set_option(socket_.fd(), IPPROTO_IP, IP_DROP_MEMBERSHIP, req, "leaving multicast group",
             multiaddr);
}
void UdpSocket::join_multicast_v6(std::string_view multiaddr, std::uint32_t interface) {
  ::ipv6_mreq req{};
  req.ipv6mr_multiaddr = parse_v6(multiaddr);
  req.ipv6mr_interface = interface;
  set_option(socket_.fd(), IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, req, "joining multicast group",
             multiaddr);
}
void UdpSocket::leave_multicast_v6(std::string_view multiaddr, std::uint32_t interface) {
  ::ipv6_mreq req{};
  req.ipv6mr_multiaddr = parse_v6(multiaddr);
  req.ipv6mr_interface = interface;
  set_option(socket_.fd(), IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, req, "leaving multicast group",
             multiaddr);
}

std::error_code UdpSocket::take_error() const {
  const int err = detail::take_socket_error(socket_.fd());
  return err ? std::error_code(err, std::system_category()) : std::error_code();
}

}  // namespace tokio::net
