// tokio::net: TCP, UDP and Unix sockets, and name resolution.
#pragma once

#include "tokio/net/lookup_host.hpp"
#include "tokio/net/socket_addr.hpp"
#include "tokio/net/tcp/listener.hpp"
#include "tokio/net/tcp/socket.hpp"
#include "tokio/net/tcp/split.hpp"
#include "tokio/net/tcp/stream.hpp"
#include "tokio/net/udp.hpp"
#include "tokio/net/unix.hpp"
