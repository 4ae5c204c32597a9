// Resolves a "host:port" text and tries an operation on each address in turn: how connect and
// bind accept names, as Tokio's ToSocketAddrs does. Internal.
#pragma once

#include <exception>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/net/lookup_host.hpp"
#include "tokio/net/socket_addr.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// Awaits `attempt(a)` (a Task<T>) for each address `addr` resolves to, in the resolver's
/// order, until one succeeds; when every one fails with std::system_error, rethrows the last
/// failure (its message names its address). Name resolution errors propagate as they are.
/// `attempt` is a callable taking a SocketAddr; it is kept in this coroutine's frame.
template <class T, class F>
Task<T> try_each_address(std::string addr, F attempt) {
  const std::vector<net::SocketAddr> addrs = co_await net::lookup_host(std::move(addr));
  std::exception_ptr last;  // lookup_host never gives an empty list, so this ends up set
  for (const net::SocketAddr& a : addrs) {
    try {
      if constexpr (std::is_void_v<T>) {
        co_await attempt(a);
        co_return;
      } else {
        co_return co_await attempt(a);
      }
    } catch (const std::system_error&) {
      last = std::current_exception();
    }
  }
  std::rethrow_exception(last);
}

}  // namespace tokio::detail
