// tokio::net::unix::SocketAddr: the address of a Unix domain socket (pathname, unnamed, or a
// Linux abstract name), as Tokio's tokio::net::unix::SocketAddr.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

// `unix` is a predefined macro in GNU modes (-std=gnu++20, CMake's default): hide it while the
// namespace is declared. Code built in such a mode names this type tokio::net::UnixSocketAddr.
#pragma push_macro("unix")
#undef unix

namespace tokio::net::unix {

/// The address of a Unix domain socket. One of three kinds:
///  - a pathname ("/run/app.sock"): a file in the file system, made by bind;
///  - unnamed: a socket that was never bound (one end of a pair(), a connecting client);
///  - abstract (Linux only): a name in the abstract namespace, which has no file; its first
///    byte on the wire is NUL. Printed as "@name".
/// A value type: cheap to copy, comparable, printable.
class SocketAddr {
 public:
  /// The unnamed address.
  SocketAddr() noexcept;
  /// A pathname address. Throws std::invalid_argument naming the path when it is empty, holds a
  /// NUL byte, or is too long for sun_path (107 bytes at most).
  static SocketAddr from_pathname(const std::filesystem::path& path);
  /// An abstract address (Linux): `name` without the leading NUL, at most 107 bytes (else
  /// std::invalid_argument). Any bytes are allowed, NUL included.
  static SocketAddr from_abstract_name(std::string_view name);
  /// From what accept / recvfrom / getsockname filled in (family AF_UNIX, or a length too short
  /// to hold a family, which is unnamed). Throws std::invalid_argument for another family.
  static SocketAddr from_sockaddr(const ::sockaddr* addr, ::socklen_t len);

  /// True for the address of a socket that was never bound.
  bool is_unnamed() const noexcept;
  /// The path, for a pathname address; std::nullopt otherwise.
  std::optional<std::filesystem::path> as_pathname() const;
  /// The name without its leading NUL, for an abstract address; std::nullopt otherwise.
  std::optional<std::string> as_abstract_name() const;
  /// The path, "@name" for an abstract address, or "(unnamed)".
  std::string to_string() const;

  /// For system calls: the address and its length.
  const ::sockaddr* as_sockaddr() const noexcept {
    return reinterpret_cast<const ::sockaddr*>(&addr_);
  }
  ::socklen_t sockaddr_len() const noexcept { return len_; }

  friend bool operator==(const SocketAddr& a, const SocketAddr& b) noexcept;
  friend std::ostream& operator<<(std::ostream& os, const SocketAddr& a) {
    return os << a.to_string();
  }

 private:
  ::sockaddr_un addr_;
  ::socklen_t len_;  // offsetof(sun_path) + the bytes used (with the NUL ending a pathname)
};

}  // namespace tokio::net::unix

namespace tokio::net {
/// tokio::net::unix::SocketAddr, nameable in GNU modes where `unix` is a macro.
using UnixSocketAddr = unix::SocketAddr;
}  // namespace tokio::net

#pragma pop_macro("unix")
