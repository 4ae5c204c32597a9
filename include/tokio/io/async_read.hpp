// tokio::io::AsyncRead and AsyncBufRead: what a byte source must offer to work with the
// io utilities (read_exact, read_to_end, BufReader, copy, split...).
#pragma once

#include <cstddef>
#include <span>

#include "tokio/detail/awaitable.hpp"

namespace tokio::io {

/// A source of bytes read asynchronously.
///
/// `co_await r.read(buf)` (buf a std::span<std::byte>) waits until some bytes are available,
/// copies up to buf.size() of them into buf and gives how many: at least one, or 0 at end of
/// stream (and when buf is empty). Errors are thrown as std::system_error.
///
/// Contract for implementers: `read` is cancel-safe. If its awaitable is destroyed before it
/// completes, no byte was taken from the source, so a read lost to a select or a timeout can
/// simply be started again.
template <class R>
concept AsyncRead = requires(R& r, std::span<std::byte> buf) {
  { r.read(buf) } -> ::tokio::detail::awaitable_of<std::size_t>;
};

/// A byte source with an internal buffer that the caller can look into.
///
/// `co_await r.fill_buf()` waits until the buffer holds bytes (or the source is at its end) and
/// gives a view of them: empty means end of stream. The view stays valid until the next call
/// on `r`. `r.consume(n)` marks the first n bytes of that view as used (n <= its size).
/// `fill_buf` is cancel-safe.
template <class R>
concept AsyncBufRead = AsyncRead<R> && requires(R& r, std::size_t n) {
  { r.fill_buf() } -> ::tokio::detail::awaitable_of<std::span<const std::byte>>;
  r.consume(n);
};

}  // namespace tokio::io
