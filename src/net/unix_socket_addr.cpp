// unix::SocketAddr: building, reading and printing Unix domain socket addresses.
#include "tokio/net/unix/socket_addr.hpp"

#include "net/unix_sockname.hpp"
#include "tokio/detail/socket.hpp"

#include <cstring>
#include <stdexcept>

#undef unix

namespace tokio::net::unix {

namespace {
constexpr std::size_t kPathOffset = offsetof(::sockaddr_un, sun_path);
constexpr std::size_t kPathCapacity = sizeof(::sockaddr_un::sun_path);
}  // namespace

SocketAddr::SocketAddr() noexcept : addr_{}, len_(sizeof(::sa_family_t)) {
  addr_.sun_family = AF_UNIX;
}

SocketAddr SocketAddr::from_pathname(const std::filesystem::path& path) {
  const std::string& text = path.native();
  if (text.empty())
    throw std::invalid_argument("unix socket path is empty (use unbound() for an unnamed socket)");
  if (text.find('\0') != std::string::npos)
    throw std::invalid_argument("unix socket path contains a NUL byte: " + text);
  // The path and its terminating NUL must fit in sun_path.
  if (text.size() >= kPathCapacity)
    throw std::invalid_argument("unix socket path is too long (" + std::to_string(text.size()) +
                                " bytes, at most " + std::to_string(kPathCapacity - 1) +
                                "): " + text);
  SocketAddr out;
  std::memcpy(out.addr_.sun_path, text.data(), text.size());
  out.len_ = static_cast<::socklen_t>(kPathOffset + text.size() + 1);
  return out;
}

SocketAddr SocketAddr::from_abstract_name(std::string_view name) {
  if (name.size() + 1 > kPathCapacity)
    throw std::invalid_argument("abstract unix socket name is too long (" +
                                std::to_string(name.size()) + " bytes, at most " +
                                std::to_string(kPathCapacity - 1) + "): @" + std::string(name));
  SocketAddr out;
  std::memcpy(out.addr_.sun_path + 1, name.data(), name.size());
  out.len_ = static_cast<::socklen_t>(kPathOffset + 1 + name.size());
  return out;
}

SocketAddr SocketAddr::from_sockaddr(const ::sockaddr* addr, ::socklen_t len) {
  SocketAddr out;
  // Linux reports an unbound peer with a length of 0 or of the family alone.
  if (len <= kPathOffset) return out;
  if (addr->sa_family != AF_UNIX)
    throw std::invalid_argument("unix::SocketAddr::from_sockaddr: not an AF_UNIX address");
  if (len > sizeof out.addr_) len = sizeof out.addr_;
  std::memcpy(&out.addr_, addr, len);
  out.len_ = len;
  return out;
}

bool SocketAddr::is_unnamed() const noexcept {
  return len_ <= kPathOffset;
}

std::optional<std::filesystem::path> SocketAddr::as_pathname() const {
  if (is_unnamed() || addr_.sun_path[0] == '\0') return std::nullopt;
  // The kernel may or may not count the terminating NUL; stop at the first one.
  const std::size_t max = len_ - kPathOffset;
  return std::filesystem::path(std::string(addr_.sun_path, ::strnlen(addr_.sun_path, max)));
}

std::optional<std::string> SocketAddr::as_abstract_name() const {
  if (is_unnamed() || addr_.sun_path[0] != '\0') return std::nullopt;
  return std::string(addr_.sun_path + 1, len_ - kPathOffset - 1);
}

std::string SocketAddr::to_string() const {
  if (auto path = as_pathname()) return path->native();
  if (auto name = as_abstract_name()) return "@" + *name;
  return "(unnamed)";
}

bool operator==(const SocketAddr& a, const SocketAddr& b) noexcept {
  if (a.is_unnamed() || b.is_unnamed()) return a.is_unnamed() == b.is_unnamed();
  // The significant bytes: a path up to its NUL (whether or not the length counted it), or the
  // whole abstract name with its leading NUL (so a path never equals an abstract name).
  auto bytes = [](const SocketAddr& s) noexcept {
    std::size_t n = s.len_ - kPathOffset;
    if (s.addr_.sun_path[0] != '\0') n = ::strnlen(s.addr_.sun_path, n);
    return std::string_view(s.addr_.sun_path, n);
  };
  return bytes(a) == bytes(b);
}

}  // namespace tokio::net::unix

namespace tokio::detail {

net::unix::SocketAddr unix_sockname(int fd, bool peer, const char* what) {
  ::sockaddr_storage storage{};
  ::socklen_t len = sizeof storage;
  auto* addr = reinterpret_cast<::sockaddr*>(&storage);
  if ((peer ? ::getpeername(fd, addr, &len) : ::getsockname(fd, addr, &len)) < 0)
    throw_last_socket_error(what, "");
  return net::unix::SocketAddr::from_sockaddr(addr, len);
}

}  // namespace tokio::detail
