// The local or peer address of a Unix domain socket, for the Unix socket types. Internal.
#pragma once

#include "tokio/net/unix/socket_addr.hpp"

#pragma push_macro("unix")
#undef unix

namespace tokio::detail {

/// getsockname (peer false) or getpeername (peer true) of `fd` as a unix::SocketAddr; throws
/// std::system_error naming `what` on failure.
net::unix::SocketAddr unix_sockname(int fd, bool peer, const char* what);

}  // namespace tokio::detail

#pragma pop_macro("unix")
