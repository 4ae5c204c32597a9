// tokio::io::Split and split(reader, delim): the segments of an AsyncBufRead separated by a
// delimiter byte (Tokio's AsyncBufReadExt::split / io::Split). For splitting a stream into a
// read half and a write half, see halves.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/io/async_read.hpp"
#include "tokio/io/util/read_until.hpp"
#include "tokio/task/task.hpp"

namespace tokio::io {

/// The segments of a buffered reader between delimiter bytes. `R` is the reader type, or a
/// reference to it (then the reader is borrowed and must outlive the Split).
///
/// Thread safety: one next_segment at a time; the Split must not move while one is running.
template <class R>
requires AsyncBufRead<std::remove_reference_t<R>>
class Split {
 public:
  Split(R reader, std::byte delim) : reader_(std::forward<R>(reader)), delim_(delim) {}

  /// The next segment without its delimiter, or nullopt at end of stream. A last segment
  /// without a delimiter is returned as it is; an input ending with the delimiter has no empty
  /// last segment (as Tokio).
  ///
  /// Errors: the reader's std::system_error (the partial segment is kept for the next call).
  /// Cancel safety: cancel-safe: a partial segment read before the cancellation is kept and
  /// returned by the next call.
  [[nodiscard]] Task<std::optional<std::vector<std::byte>>> next_segment() {
    std::size_t n = co_await read_until(reader_, delim_, buf_);
    if (n == 0 && buf_.empty()) co_return std::nullopt;
    if (!buf_.empty() && buf_.back() == delim_) buf_.pop_back();
    std::vector<std::byte> segment = std::move(buf_);
    buf_.clear();
    co_return segment;
  }

  std::remove_reference_t<R>& get_mut() noexcept { return reader_; }
  const std::remove_reference_t<R>& get_ref() const noexcept { return reader_; }
  /// Gives the reader back. A partial segment kept after a cancellation is dropped.
  R into_inner() && { return std::forward<R>(reader_); }

 private:
  R reader_;
  std::byte delim_;
  std::vector<std::byte> buf_;  // the segment read so far
};

/// The segments of `reader` separated by `delim`: a Split that owns the reader (an rvalue is
/// moved in) or borrows it (an lvalue). See Split::next_segment.
template <class R>
requires AsyncBufRead<std::remove_reference_t<R>> Split<R> split(R&& reader, std::byte delim) {
  return Split<R>(std::forward<R>(reader), delim);
}

/// split with a char delimiter.
template <class R>
requires AsyncBufRead<std::remove_reference_t<R>> Split<R> split(R&& reader, char delim) {
  return Split<R>(std::forward<R>(reader), static_cast<std::byte>(delim));
}

}  // namespace tokio::io
