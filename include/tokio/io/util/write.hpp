// tokio::io::write, write_all, write_vectored, write_all_vectored, flush, shutdown: free
// functions over any AsyncWrite (Tokio's AsyncWriteExt methods of the same names).
//
// Each takes the writer by reference and the buffer as any ConstBuffer, viewed as bytes before
// the coroutine starts: the writer and the buffer's storage must outlive the returned Task; the
// buffer object itself may be a temporary.
#pragma once

#include <cstddef>
#include <span>
#include <system_error>
#include <vector>

#include "tokio/io/async_write.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/error.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

template <io::AsyncWrite W>
Task<std::size_t> write_impl(W& writer, std::span<const std::byte> buf) {
  co_return co_await writer.write(buf);
}

[[noreturn]] inline void throw_write_zero(const char* what) {
  throw std::system_error(make_error_code(io::Errc::write_zero), what);
}

template <io::AsyncWrite W>
Task<void> write_all_impl(W& writer, std::span<const std::byte> buf) {
  while (!buf.empty()) {
    std::size_t n = co_await writer.write(buf);
    if (n == 0) throw_write_zero("tokio::io::write_all");
    buf = buf.subspan(n);
  }
}

template <io::AsyncWrite W>
Task<std::size_t> write_vectored_impl(W& writer, std::span<const io::IoSlice> slices) {
  if constexpr (io::AsyncWriteVectored<W>) {
    co_return co_await writer.write_vectored(slices);
  } else {
    // One buffer at a time: the first non-empty one (as Rust's default write_vectored).
    std::span<const std::byte> first;
    for (const io::IoSlice& s : slices) {
      if (!s.empty()) {
        first = s.bytes();
        break;
      }
    }
    co_return co_await writer.write(first);
  }
}

template <io::AsyncWrite W>
Task<void> write_all_vectored_impl(W& writer, std::vector<io::IoSlice> slices) {
  std::size_t first = 0;  // slices before `first` are fully written
  for (;;) {
    while (first < slices.size() && slices[first].empty())
      ++first;
    if (first == slices.size()) co_return;
    std::span<const io::IoSlice> rest(slices.data() + first, slices.size() - first);
    std::size_t n = co_await write_vectored_impl(writer, rest);
    if (n == 0) throw_write_zero("tokio::io::write_all_vectored");
    for (std::size_t i = first; i < slices.size() && n > 0; ++i) {
      std::size_t k = std::min(n, slices[i].size());
      slices[i].advance(k);
      n -= k;
    }
  }
}

template <io::AsyncWrite W>
Task<void> flush_impl(W& writer) {
  co_await writer.flush();
}

template <io::AsyncWrite W>
Task<void> shutdown_impl(W& writer) {
  co_await writer.shutdown();
}

}  // namespace tokio::detail

namespace tokio::io {

/// Writes some of `buf`: gives how many bytes the writer took (at least 1 unless buf is empty;
/// 0 for a non-empty buf means it takes no more). The same as `co_await writer.write(buf)`, for
/// any byte buffer type.
///
/// Errors: the writer's std::system_error.
/// Cancel safety: cancel-safe (as the writer's write is): a cancelled write took no bytes.
template <AsyncWrite W, ConstBuffer B>
[[nodiscard]] Task<std::size_t> write(W& writer, B&& buf) {
  return detail::write_impl(writer, as_const_bytes(buf));
}

/// Writes all of `buf`, writing as many times as needed. A string literal is written without
/// its terminating NUL.
///
/// Errors: std::system_error with code Errc::write_zero when a write takes 0 bytes; the
/// writer's errors.
/// Cancel safety: not cancel-safe: how much was written before the cancellation is unknown.
template <AsyncWrite W, ConstBuffer B>
[[nodiscard]] Task<void> write_all(W& writer, B&& buf) {
  return detail::write_all_impl(writer, as_const_bytes(buf));
}

/// Writes from several buffers in order with one call: gives how many bytes the writer took
/// across them. Uses the writer's own write_vectored when it has one (AsyncWriteVectored),
/// else writes the first non-empty buffer.
///
/// Errors: the writer's std::system_error.
/// Cancel safety: cancel-safe when the writer's write / write_vectored is.
template <AsyncWrite W>
[[nodiscard]] Task<std::size_t> write_vectored(W& writer, std::span<const IoSlice> slices) {
  return detail::write_vectored_impl(writer, slices);
}

/// Writes every byte of every buffer, in order, with as many write_vectored calls as needed.
/// The slice array is copied (the bytes are not), so the span may be a temporary.
///
/// Errors: Errc::write_zero when a write takes 0 bytes; the writer's errors.
/// Cancel safety: not cancel-safe (how much was written is unknown).
template <AsyncWrite W>
[[nodiscard]] Task<void> write_all_vectored(W& writer, std::span<const IoSlice> slices) {
  return detail::write_all_vectored_impl(writer,
                                         std::vector<IoSlice>(slices.begin(), slices.end()));
}

/// Waits until everything the writer buffers has reached its destination.
///
/// Errors: the writer's std::system_error. Cancel safety: may be started again after a cancel.
template <AsyncWrite W>
[[nodiscard]] Task<void> flush(W& writer) {
  return detail::flush_impl(writer);
}

/// Flushes, then closes the writer's write side (the reader at the other end sees EOF).
///
/// Errors: the writer's std::system_error. Cancel safety: may be started again after a cancel.
template <AsyncWrite W>
[[nodiscard]] Task<void> shutdown(W& writer) {
  return detail::shutdown_impl(writer);
}

}  // namespace tokio::io
