// Accepting one connection on a listening socket, with the back-off on descriptor exhaustion
// that TcpListener and UnixListener share. Internal.
#pragma once

#include <sys/socket.h>

#include "tokio/detail/owned_fd.hpp"
#include "tokio/detail/poll_evented.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// Waits for a connection on `listener` and accepts it (accept4, non-blocking and
/// close-on-exec); gives the new descriptor and stores the peer's address in `peer` /
/// `peer_len`.
///
/// When the process or system is out of descriptors or memory (EMFILE, ENFILE, ENOBUFS,
/// ENOMEM), the connection stays queued and this waits (1 ms, doubling up to 1 s) and tries
/// again rather than failing or spinning; that needs the runtime's timer, without which the
/// error is thrown. A connection aborted while queued is skipped. Other errors throw
/// std::system_error naming the listener's local address. `what` names the caller for the
/// no-runtime error.
///
/// Cancel-safe: dropped before it completes, it took no connection from the queue; once it has
/// one, the OwnedFd it returns owns it.
Task<OwnedFd> accept_connection(const PollEvented& listener, ::sockaddr_storage& peer,
                                ::socklen_t& peer_len, const char* what);

}  // namespace tokio::detail
