// SocketAddr: parsing and printing of IPv4 / IPv6 socket addresses.
#include "tokio/net/socket_addr.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace tokio::net {

namespace {
sockaddr_in& v4(sockaddr_storage& s) noexcept {
  return reinterpret_cast<sockaddr_in&>(s);
}
const sockaddr_in& v4(const sockaddr_storage& s) noexcept {
  return reinterpret_cast<const sockaddr_in&>(s);
}
sockaddr_in6& v6(sockaddr_storage& s) noexcept {
  return reinterpret_cast<sockaddr_in6&>(s);
}
const sockaddr_in6& v6(const sockaddr_storage& s) noexcept {
  return reinterpret_cast<const sockaddr_in6&>(s);
}

// Fills `out` from a numeric address; false when `ip` is not one.
bool parse_ip(std::string_view ip, std::uint16_t port, sockaddr_storage& out) noexcept {
  if (ip.empty() || ip.size() >= INET6_ADDRSTRLEN + IF_NAMESIZE) return false;
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
  std::memcpy(text, ip.data(), ip.size());
  text[ip.size()] = '\0';
  std::memset(&out, 0, sizeof out);
  if (::inet_pton(AF_INET, text, &v4(out).sin_addr) == 1) {
    v4(out).sin_family = AF_INET;
    v4(out).sin_port = htons(port);
    return true;
  }
  // An IPv6 address may carry a zone: "fe80::1%eth0" or "fe80::1%2".
  char* zone = std::strchr(text, '%');
  if (zone) *zone++ = '\0';
  if (::inet_pton(AF_INET6, text, &v6(out).sin6_addr) != 1) return false;
  v6(out).sin6_family = AF_INET6;
  v6(out).sin6_port = htons(port);
  if (zone) {
    if (*zone == '\0') return false;
    unsigned scope = 0;
    const char* end = zone + std::strlen(zone);
    auto [ptr, ec] = std::from_chars(zone, end, scope);
    if (ec != std::errc() || ptr != end) scope = ::if_nametoindex(zone);
    if (scope == 0) return false;
    v6(out).sin6_scope_id = scope;
  }
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view text) noexcept {
  unsigned port = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || ptr != text.data() + text.size() || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::invalid_argument bad_address(std::string_view text, const char* why) {
  return std::invalid_argument("invalid socket address \"" + std::string(text) + "\": " + why);
}
}  // namespace

SocketAddr::SocketAddr() noexcept {
  std::memset(&storage_, 0, sizeof storage_);
  v4(storage_).sin_family = AF_INET;
  v4(storage_).sin_addr.s_addr = htonl(INADDR_ANY);
}

SocketAddr::SocketAddr(std::string_view ip, std::uint16_t port) {
  if (!parse_ip(ip, port, storage_))
    throw std::invalid_argument("invalid IP address \"" + std::string(ip) +
                                "\": expected a numeric IPv4 or IPv6 address");
}

std::optional<SocketAddr> SocketAddr::try_parse(std::string_view text) noexcept {
  SocketAddr addr;
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return std::nullopt;  // [v4]:p is not valid
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // v6 needs brackets
  }
  const auto p = parse_port(port);
  if (!p || !parse_ip(host, *p, addr.storage_)) return std::nullopt;
  return addr;
}

SocketAddr SocketAddr::parse(std::string_view text) {
  if (auto addr = try_parse(text)) return *addr;
  if (text.rfind(':') == std::string_view::npos) throw bad_address(text, "no port (host:port)");
  throw bad_address(text,
                    "expected a.b.c.d:port or [ipv6]:port with a port in 0-65535 (to resolve a "
                    "host name, use tokio::net::lookup_host)");
}

SocketAddr SocketAddr::from_sockaddr(const ::sockaddr* addr, ::socklen_t len) {
  SocketAddr out;
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    std::memcpy(&out.storage_, addr, sizeof(sockaddr_in));
    return out;
  }
  if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    std::memcpy(&out.storage_, addr, sizeof(sockaddr_in6));
    return out;
  }
  throw std::invalid_argument("SocketAddr::from_sockaddr: not an IPv4 or IPv6 address (family " +
                              std::to_string(addr->sa_family) + ")");
}

SocketAddr SocketAddr::v4_any(std::uint16_t port) noexcept {
  SocketAddr out;
  out.set_port(port);
  return out;
}

SocketAddr SocketAddr::v6_any(std::uint16_t port) noexcept {
  SocketAddr out;
  std::memset(&out.storage_, 0, sizeof out.storage_);
  v6(out.storage_).sin6_family = AF_INET6;
  v6(out.storage_).sin6_port = htons(port);
  v6(out.storage_).sin6_addr = in6addr_any;
  return out;
}

SocketAddr SocketAddr::v4_localhost(std::uint16_t port) noexcept {
  SocketAddr out = v4_any(port);
  v4(out.storage_).sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return out;
}

SocketAddr SocketAddr::v6_localhost(std::uint16_t port) noexcept {
  SocketAddr out = v6_any(port);
  v6(out.storage_).sin6_addr = in6addr_loopback;
  return out;
}

std::string SocketAddr::ip() const {
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  if (is_ipv4()) {
    ::inet_ntop(AF_INET, &v4(storage_).sin_addr, text, sizeof text);
    return text;
  }
  ::inet_ntop(AF_INET6, &v6(storage_).sin6_addr, text, sizeof text);
  std::string out = text;
  if (v6(storage_).sin6_scope_id != 0) out += '%' + std::to_string(v6(storage_).sin6_scope_id);
  return out;
}

std::uint16_t SocketAddr::port() const noexcept {
  return ntohs(is_ipv4() ? v4(storage_).sin_port : v6(storage_).sin6_port);
}

void SocketAddr::set_port(std::uint16_t port) noexcept {
  if (is_ipv4())
    v4(storage_).sin_port = htons(port);
  else
    v6(storage_).sin6_port = htons(port);
}

std::string SocketAddr::to_string() const {
  const std::string port_text = std::to_string(port());
  return is_ipv4() ? ip() + ':' + port_text : '[' + ip() + "]:" + port_text;
}

::socklen_t SocketAddr::sockaddr_len() const noexcept {
  return is_ipv4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
}

bool operator==(const SocketAddr& a, const SocketAddr& b) noexcept {
  if (a.family() != b.family()) return false;
  if (a.is_ipv4())
    return v4(a.storage_).sin_port == v4(b.storage_).sin_port &&
           v4(a.storage_).sin_addr.s_addr == v4(b.storage_).sin_addr.s_addr;
  const auto& x = v6(a.storage_);
  const auto& y = v6(b.storage_);
  return x.sin6_port == y.sin6_port && x.sin6_scope_id == y.sin6_scope_id &&
         x.sin6_flowinfo == y.sin6_flowinfo &&
         std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
}

}  // namespace tokio::net
