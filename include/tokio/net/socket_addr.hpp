// tokio::net::SocketAddr: an IPv4 or IPv6 address with a port (Rust's std::net::SocketAddr).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace tokio::net {

/// An IPv4 or IPv6 socket address. A value type: cheap to copy, comparable, printable.
/// IPv6 addresses keep their flow info and scope id.
class SocketAddr {
 public:
  /// 0.0.0.0:0.
  SocketAddr() noexcept;
  /// `ip` is a numeric IPv4 ("127.0.0.1") or IPv6 ("::1", "fe80::1%eth0") address, without
  /// brackets. Throws std::invalid_argument naming `ip` when it is neither.
  SocketAddr(std::string_view ip, std::uint16_t port);

  /// Parses "a.b.c.d:port" or "[v6]:port". Throws std::invalid_argument saying what is wrong.
  /// Host names are not resolved here: use lookup_host (or pass the string to connect/bind).
  static SocketAddr parse(std::string_view text);
  /// Like parse, but gives std::nullopt instead of throwing.
  static std::optional<SocketAddr> try_parse(std::string_view text) noexcept;
  /// From a sockaddr of family AF_INET or AF_INET6; throws std::invalid_argument otherwise.
  static SocketAddr from_sockaddr(const ::sockaddr* addr, ::socklen_t len);

  /// The unspecified address of a family with a port: 0.0.0.0:port or [::]:port.
  static SocketAddr v4_any(std::uint16_t port) noexcept;
  static SocketAddr v6_any(std::uint16_t port) noexcept;
  /// 127.0.0.1:port and [::1]:port.
  static SocketAddr v4_localhost(std::uint16_t port) noexcept;
  static SocketAddr v6_localhost(std::uint16_t port) noexcept;

  bool is_ipv4() const noexcept { return storage_.ss_family == AF_INET; }
  bool is_ipv6() const noexcept { return storage_.ss_family == AF_INET6; }
  /// The address without the port ("127.0.0.1", "::1", "fe80::1%2").
  std::string ip() const;
  std::uint16_t port() const noexcept;
  void set_port(std::uint16_t port) noexcept;
  /// "127.0.0.1:8080" or "[::1]:8080", which parse() reads back.
  std::string to_string() const;

  /// For system calls: the address and its length.
  const ::sockaddr* as_sockaddr() const noexcept {
    return reinterpret_cast<const ::sockaddr*>(&storage_);
  }
  ::socklen_t sockaddr_len() const noexcept;
  int family() const noexcept { return storage_.ss_family; }

  friend bool operator==(const SocketAddr& a, const SocketAddr& b) noexcept;
  friend std::ostream& operator<<(std::ostream& os, const SocketAddr& a) {
    return os << a.to_string();
  }

 private:
  ::sockaddr_storage storage_;
};

}  // namespace tokio::net
