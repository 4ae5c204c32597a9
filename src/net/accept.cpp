// accept_connection: see tokio/detail/accept.hpp.
#include "tokio/detail/accept.hpp"

#include <algorithm>
#include <chrono>

#include "tokio/detail/datagram_socket.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio::detail {

namespace {

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
  const char* what() const noexcept { return "awaiting a listener's accept"; }
};

std::string local_name(int fd) {
  ::sockaddr_storage storage{};
  ::socklen_t len = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<::sockaddr*>(&storage), &len) < 0) return "(unknown)";
  return describe_sockaddr(reinterpret_cast<::sockaddr*>(&storage), len);
}

}  // namespace

Task<OwnedFd> accept_connection(const PollEvented& listener, ::sockaddr_storage& peer,
                                ::socklen_t& peer_len, const char* what) {
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    const ssize_t r = co_await IoOp<AcceptCall>(listener.io(), io::Interest::READABLE,
                                                AcceptCall{listener.fd(), &peer, &peer_len});
    if (r >= 0) co_return OwnedFd(static_cast<int>(r));
    const int err = static_cast<int>(-r);
    if (err == ECONNABORTED) continue;  // the peer gave up while queued: take the next one
    if (!is_resource_exhaustion(err) || !current_runtime(what).time_driver())
      throw_socket_error(err, "accepting on", local_name(listener.fd()));
    // The connection is still queued and the listener still readable: wait, then retry.
    co_await time::sleep(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

}  // namespace tokio::detail
