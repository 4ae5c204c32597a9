// tokio::io::copy_bidirectional: copy both ways between two streams at once (Tokio's
// io::copy_bidirectional).
#pragma once

#include <cstdint>
#include <tuple>
#include <utility>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/util/copy.hpp"
#include "tokio/macros/join.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

// One direction: copy until `from` ends, then shut `to` down so its reader sees EOF too.
template <class From, class To>
Task<std::uint64_t> copy_one_way(From& from, To& to) {
  std::uint64_t n = co_await ::tokio::io::copy(from, to);
  co_await to.shutdown();
  co_return n;
}

}  // namespace tokio::detail

namespace tokio::io {

/// Copies `a`'s reads to `b` and `b`'s reads to `a` at the same time (two branches of a
/// try_join inside the calling task, no spawn), until both directions end. When one
/// direction reaches EOF, the stream it was writing to is shut down (its peer sees EOF) while
/// the other direction keeps going. Gives {bytes a -> b, bytes b -> a}.
///
/// Each stream is read by one branch and written by the other, so both must allow a read and
/// a write to be pending at once (sockets and DuplexStream do).
///
/// Errors: the first std::system_error of either direction ends both (the other branch is
/// destroyed) and is re-thrown; the streams are not shut down then.
/// Cancel safety: not cancel-safe: bytes in flight are lost.
template <class A, class B>
requires AsyncRead<A> && AsyncWrite<A> && AsyncRead<B> && AsyncWrite<B>
[[nodiscard]] Task<std::pair<std::uint64_t, std::uint64_t>> copy_bidirectional(A& a, B& b) {
  auto [a_to_b, b_to_a] =
      co_await ::tokio::try_join(detail::copy_one_way(a, b), detail::copy_one_way(b, a));
  co_return std::pair<std::uint64_t, std::uint64_t>{a_to_b, b_to_a};
}

}  // namespace tokio::io
