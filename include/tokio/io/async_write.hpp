// tokio::io::AsyncWrite: what a byte sink must offer to work with the io utilities
// (write_all, copy, BufWriter, split...).
#pragma once

#include <cstddef>
#include <span>

#include "tokio/detail/awaitable.hpp"
#include "tokio/io/io_slice.hpp"

namespace tokio::io {

/// A sink of bytes written asynchronously.
///
/// - `co_await w.write(buf)` (buf a std::span<const std::byte>) waits until the sink accepts
///   some bytes and gives how many it took: at least one unless buf is empty; 0 for a
///   non-empty buf means the sink will take no more (write_all reports it as WriteZero).
/// - `co_await w.flush()` waits until everything buffered reached its destination.
/// - `co_await w.shutdown()` flushes, then closes the write side (a TCP stream sends FIN):
///   the reader sees end of stream.
/// Errors are thrown as std::system_error.
///
/// Contract for implementers: `write` is cancel-safe (if its awaitable is destroyed before it
/// completes, no byte was taken); `flush` and `shutdown` may be started again after a cancel.
template <class W>
concept AsyncWrite = requires(W& w, std::span<const std::byte> buf) {
  { w.write(buf) } -> ::tokio::detail::awaitable_of<std::size_t>;
  { w.flush() } -> ::tokio::detail::awaitable_of<void>;
  { w.shutdown() } -> ::tokio::detail::awaitable_of<void>;
};

/// An AsyncWrite that also writes several buffers at once: `co_await
/// w.write_vectored(slices)` (a std::span<const IoSlice>) gives how many bytes it took, in
/// order across the slices. Sinks without it get one buffer at a time from write_vectored.
template <class W>
concept AsyncWriteVectored = AsyncWrite<W> && requires(W& w, std::span<const IoSlice> slices) {
  { w.write_vectored(slices) } -> ::tokio::detail::awaitable_of<std::size_t>;
};

}  // namespace tokio::io
