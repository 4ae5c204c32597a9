// lookup_host: getaddrinfo on the blocking pool.
#include "tokio/net/lookup_host.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>

#include "tokio/task/spawn.hpp"

namespace tokio::net {

namespace {
class ResolveCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "resolve"; }
  std::string message(int code) const override { return ::gai_strerror(code); }
};

// What the blocking thread found: the addresses, or a getaddrinfo error (and errno for
// EAI_SYSTEM). Errors are thrown on the task's side, where they keep their type.
struct Resolved {
  std::vector<SocketAddr> addrs;
  int gai_error = 0;
  int sys_error = 0;
};

Resolved resolve(const std::string& host, std::uint16_t port) {
  ::addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address instead of one per socket type
  ::addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  Resolved out;
  out.gai_error = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (out.gai_error != 0) {
    if (out.gai_error == EAI_SYSTEM) out.sys_error = errno;
    return out;
  }
  for (const ::addrinfo* ai = list; ai; ai = ai->ai_next)
    if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
      out.addrs.push_back(SocketAddr::from_sockaddr(ai->ai_addr, ai->ai_addrlen));
  ::freeaddrinfo(list);
  return out;
}

// Splits "host:port" / "[v6]:port"; throws std::invalid_argument when there is no port.
std::pair<std::string, std::uint16_t> split_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    throw std::invalid_argument("invalid socket address \"" + std::string(text) +
                                "\": no port (expected host:port)");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port > 65535)
    throw std::invalid_argument("invalid socket address \"" + std::string(text) +
                                "\": the port must be a number in 0-65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return {std::string(host), static_cast<std::uint16_t>(port)};
}
}  // namespace

const std::error_category& resolve_category() noexcept {
  static const ResolveCategory category;
  return category;
}

Task<std::vector<SocketAddr>> lookup_host(std::string host, std::uint16_t port) {
  if (host.empty()) throw std::invalid_argument("lookup_host: empty host name");
  try {
    co_return std::vector<SocketAddr>{SocketAddr(host, port)};  // numeric: no lookup
  } catch (const std::invalid_argument&) {
  }
  auto handle = task::spawn_blocking([host, port] { return resolve(host, port); });
  Resolved found = co_await std::move(handle);
  const std::string what = "resolving \"" + host + ":" + std::to_string(port) + "\"";
  if (found.gai_error == EAI_SYSTEM)
    throw std::system_error(found.sys_error, std::system_category(), what);
  if (found.gai_error != 0) throw std::system_error(found.gai_error, resolve_category(), what);
  if (found.addrs.empty())
    throw std::system_error(EAI_NONAME, resolve_category(), what + " (no IPv4/IPv6 address)");
  co_return std::move(found.addrs);
}

Task<std::vector<SocketAddr>> lookup_host(std::string host_and_port) {
  if (auto numeric = SocketAddr::try_parse(host_and_port))
    co_return std::vector<SocketAddr>{*numeric};
  auto [host, port] = split_host_port(host_and_port);
  co_return co_await lookup_host(std::move(host), port);
}

}  // namespace tokio::net
