// tokio::io::read, read_exact, read_to_end, read_to_string: free functions over any AsyncRead
// (Tokio's AsyncReadExt methods of the same names).
//
// Each takes the reader by reference and the buffer as any MutableBuffer, which is viewed as
// bytes before the coroutine starts: the reader and the buffer's storage must outlive the
// returned Task (as Rust's borrows would require); the buffer object itself may be a temporary.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "tokio/io/async_read.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/error.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

template <io::AsyncRead R>
Task<std::size_t> read_impl(R& reader, std::span<std::byte> buf) {
  co_return co_await reader.read(buf);
}

template <io::AsyncRead R>
Task<std::size_t> read_exact_impl(R& reader, std::span<std::byte> buf) {
  std::size_t done = 0;
  while (done < buf.size()) {
    std::size_t n = co_await reader.read(buf.subspan(done));
    if (n == 0)
      throw std::system_error(make_error_code(io::Errc::unexpected_eof),
                              "tokio::io::read_exact: the stream ended after " +
                                  std::to_string(done) + " of " + std::to_string(buf.size()) +
                                  " bytes");
    done += n;
  }
  co_return done;
}

// Appends everything `reader` gives until EOF to `out` (a vector of bytes or a string), growing
// it as needed. The container is grown with resize() so the reader writes into initialised
// storage; `filled` tracks the real length, and the guard cuts the container back to it when
// the coroutine ends in any way (EOF, exception, or destruction while suspended), so the
// caller never sees the zeroed spare tail.
template <io::AsyncRead R, class Container>
Task<std::size_t> read_to_end_impl(R& reader, Container& out) {
  constexpr std::size_t kMinGrowth = 8 * 1024;
  struct Truncate {
    Container& out;
    std::size_t filled;
    ~Truncate() { out.resize(filled); }
  } guard{out, out.size()};
  const std::size_t start = out.size();
  for (;;) {
    if (guard.filled == out.size()) {
      // Out of spare room: grow by at least kMinGrowth and at least double (amortised O(1)
      // per byte; every byte is zeroed once).
      std::size_t target = guard.filled + std::max(kMinGrowth, guard.filled);
      out.resize(std::max(target, out.capacity()));
    }
    auto spare = std::span<std::byte>(reinterpret_cast<std::byte*>(out.data()) + guard.filled,
                                      out.size() - guard.filled);
    std::size_t n = co_await reader.read(spare);
    if (n == 0) break;
    guard.filled += n;
  }
  co_return guard.filled - start;
}

}  // namespace tokio::detail

namespace tokio::io {

/// Reads some bytes into `buf`: gives how many (at least 1), or 0 at end of stream or when buf
/// is empty. The same as `co_await reader.read(buf)`, for any byte buffer type.
///
/// Errors: the reader's std::system_error.
/// Cancel safety: cancel-safe (as the reader's read is): a cancelled read took no bytes.
template <AsyncRead R, MutableBuffer B>
[[nodiscard]] Task<std::size_t> read(R& reader, B&& buf) {
  return detail::read_impl(reader, as_mutable_bytes(buf));
}

/// Reads exactly `buf.size()` bytes into `buf`, reading as many times as needed; gives
/// buf.size().
///
/// Errors: std::system_error with code Errc::unexpected_eof if the stream ends first (the
/// bytes read so far are in buf, but how many is not reported); the reader's errors.
/// Cancel safety: not cancel-safe: bytes already read when it is cancelled are lost to the
/// caller (they are in buf, but the count is not known).
template <AsyncRead R, MutableBuffer B>
[[nodiscard]] Task<std::size_t> read_exact(R& reader, B&& buf) {
  return detail::read_exact_impl(reader, as_mutable_bytes(buf));
}

/// Reads until end of stream, appending every byte to `out`; gives how many bytes it appended.
///
/// Errors: the reader's std::system_error; the bytes read before it are kept in `out`.
/// Cancel safety: cancel-safe in the same sense as Tokio's: if cancelled, the bytes read so
/// far have been appended to `out` (nothing is lost), but the count is not reported.
template <AsyncRead R, ByteLike T, class Alloc>
[[nodiscard]] Task<std::size_t> read_to_end(R& reader, std::vector<T, Alloc>& out) {
  return detail::read_to_end_impl(reader, out);
}

/// Reads until end of stream, appending every byte to `out`; gives how many bytes it appended.
/// Unlike Rust's read_to_string, the bytes are not checked to be valid UTF-8: a std::string is
/// a byte string in C++.
///
/// Errors and cancel safety: as read_to_end.
template <AsyncRead R>
[[nodiscard]] Task<std::size_t> read_to_string(R& reader, std::string& out) {
  return detail::read_to_end_impl(reader, out);
}

}  // namespace tokio::io
