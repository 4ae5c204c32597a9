// tokio::net::lookup_host: DNS resolution on the blocking pool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tokio/net/socket_addr.hpp"
#include "tokio/task/task.hpp"

namespace tokio::net {

/// The error category of getaddrinfo's EAI_* codes (messages from gai_strerror).
const std::error_category& resolve_category() noexcept;

/// Resolves "host:port" (or "[v6]:port", or "ip:port") to its socket addresses, in the
/// resolver's order (getaddrinfo, run on the blocking pool so that no worker blocks).
/// A numeric address is returned at once without a lookup.
/// Throws std::invalid_argument when the text has no port; std::system_error in
/// resolve_category() (e.g. EAI_NONAME) naming the host when resolution fails.
/// Needs a runtime. Not cancel-safe in effect: dropping it leaves the lookup running on its
/// blocking thread to completion, with the result discarded.
Task<std::vector<SocketAddr>> lookup_host(std::string host_and_port);
/// Resolves `host` (a name or numeric address, without brackets) with `port`.
Task<std::vector<SocketAddr>> lookup_host(std::string host, std::uint16_t port);

}  // namespace tokio::net
