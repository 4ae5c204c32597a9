// tokio::net's Unix domain sockets: UnixListener, UnixStream, UnixDatagram, and
// tokio::net::unix (SocketAddr, UCred, the stream halves). In GNU modes, where `unix` is a
// macro, name them through tokio::net (UnixSocketAddr, UCred, UnixOwnedReadHalf...).
#pragma once

#include "tokio/net/unix/datagram.hpp"
#include "tokio/net/unix/listener.hpp"
#include "tokio/net/unix/socket_addr.hpp"
#include "tokio/net/unix/split.hpp"
#include "tokio/net/unix/stream.hpp"
#include "tokio/net/unix/ucred.hpp"
