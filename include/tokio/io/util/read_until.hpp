// tokio::io::read_until and read_line: read from an AsyncBufRead up to a delimiter (Tokio's
// AsyncBufReadExt::read_until / read_line).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "tokio/io/async_read.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

// Moves bytes from the reader's buffer into `out` until `delim` (included) or EOF. Each chunk is
// appended and consumed with no suspension in between, so a cancellation between two
// fill_buf calls loses nothing: every byte taken from the reader is in `out`.
template <io::AsyncBufRead R, class Container>
Task<std::size_t> read_until_impl(R& reader, std::byte delim, Container& out) {
  using Elem = typename Container::value_type;
  std::size_t total = 0;
  for (;;) {
    std::span<const std::byte> avail = co_await reader.fill_buf();
    if (avail.empty()) break;
    auto it = std::find(avail.begin(), avail.end(), delim);
    bool found = it != avail.end();
    std::size_t take = found ? static_cast<std::size_t>(it - avail.begin()) + 1 : avail.size();
    const auto* first = reinterpret_cast<const Elem*>(avail.data());
    out.insert(out.end(), first, first + take);
    reader.consume(take);
    total += take;
    if (found) break;
  }
  co_return total;
}

}  // namespace tokio::detail

namespace tokio::io {

/// Reads bytes into `out` until `delim` or end of stream; the delimiter, if found, is appended
/// too. Gives how many bytes it appended (0 at end of stream).
///
/// Errors: the reader's std::system_error; bytes read before it stay in `out`.
/// Cancel safety: cancel-safe in Tokio's sense: if cancelled, the bytes read so far have
/// been appended to `out` and none is lost; call again to continue the same line.
template <AsyncBufRead R, ByteLike T, class Alloc>
[[nodiscard]] Task<std::size_t> read_until(R& reader, std::byte delim, std::vector<T, Alloc>& out) {
  return detail::read_until_impl(reader, delim, out);
}

/// read_until with a char delimiter.
template <AsyncBufRead R, ByteLike T, class Alloc>
[[nodiscard]] Task<std::size_t> read_until(R& reader, char delim, std::vector<T, Alloc>& out) {
  return detail::read_until_impl(reader, static_cast<std::byte>(delim), out);
}

/// Reads one line into `out`, '\n' included (a last line without one ends at end of stream);
/// gives how many bytes it appended, 0 at end of stream. UTF-8 is not validated (a
/// std::string is a byte string).
///
/// Errors: the reader's std::system_error; bytes read before it stay in `out`.
/// Cancel safety: as read_until (unlike Tokio's read_line, which may drop a partial line
/// because of its UTF-8 check, nothing read is ever lost here).
template <AsyncBufRead R>
[[nodiscard]] Task<std::size_t> read_line(R& reader, std::string& out) {
  return detail::read_until_impl(reader, std::byte{'\n'}, out);
}

}  // namespace tokio::io
