// tokio::net::unix::UCred: the credentials of a Unix socket's peer (SO_PEERCRED).
#pragma once

#include <sys/types.h>

#include <optional>

#pragma push_macro("unix")
#undef unix

namespace tokio::net::unix {

/// The user, group and process of the peer of a UnixStream, as the kernel recorded them when
/// the connection (or socketpair) was made. From UnixStream::peer_cred().
class UCred {
 public:
  UCred(::uid_t uid, ::gid_t gid, std::optional<::pid_t> pid) noexcept
      : uid_(uid), gid_(gid), pid_(pid) {}
  /// The peer's effective user id.
  ::uid_t uid() const noexcept { return uid_; }
  /// The peer's effective group id.
  ::gid_t gid() const noexcept { return gid_; }
  /// The peer's process id, when the system reports one (Linux always does).
  std::optional<::pid_t> pid() const noexcept { return pid_; }

 private:
  ::uid_t uid_;
  ::gid_t gid_;
  std::optional<::pid_t> pid_;
};

}  // namespace tokio::net::unix

namespace tokio::net {
/// tokio::net::unix::UCred, nameable in GNU modes where `unix` is a macro.
using UCred = unix::UCred;
}  // namespace tokio::net

#pragma pop_macro("unix")
