// tokio::io::Lines and lines(): the lines of an AsyncBufRead, one at a time (Tokio's
// AsyncBufReadExt::lines / io::Lines).
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "tokio/io/async_read.hpp"
#include "tokio/io/util/read_until.hpp"
#include "tokio/task/task.hpp"

namespace tokio::io {

/// The lines of a buffered reader. `R` is the reader type, or a reference to it (then the
/// reader is borrowed and must outlive the Lines).
///
///   auto lines = tokio::io::lines(BufReader(std::move(stream)));
///   for (;;) {
///     auto line = co_await lines.next_line();
///     if (!line) break;
///     use(*line);
///   }
///
/// Thread safety: one next_line at a time; the Lines must not move while one is running.
template <class R>
requires AsyncBufRead<std::remove_reference_t<R>>
class Lines {
 public:
  explicit Lines(R reader) : reader_(std::forward<R>(reader)) {}

  /// The next line without its line ending ("\n" or "\r\n"; a lone '\r' elsewhere is kept), or
  /// nullopt at end of stream. A last line without a newline is returned as it is. UTF-8 is
  /// not validated.
  ///
  /// Errors: the reader's std::system_error (the partial line stays buffered here and the next
  /// call continues it).
  /// Cancel safety: cancel-safe: a partial line read before the cancellation is kept inside
  /// the Lines and returned by the next call.
  [[nodiscard]] Task<std::optional<std::string>> next_line() {
    std::size_t n = co_await read_line(reader_, buf_);
    if (n == 0 && buf_.empty()) co_return std::nullopt;
    if (!buf_.empty() && buf_.back() == '\n') {
      buf_.pop_back();
      if (!buf_.empty() && buf_.back() == '\r') buf_.pop_back();
    }
    std::string line = std::move(buf_);
    buf_.clear();
    co_return line;
  }

  std::remove_reference_t<R>& get_mut() noexcept { return reader_; }
  const std::remove_reference_t<R>& get_ref() const noexcept { return reader_; }
  /// Gives the reader back. A partial line kept after a cancellation is dropped.
  R into_inner() && { return std::forward<R>(reader_); }

 private:
  R reader_;
  std::string buf_;  // the line read so far
};

/// The lines of `reader`: a Lines that owns the reader (an rvalue is moved in) or borrows it
/// (an lvalue). See Lines::next_line.
template <class R>
requires AsyncBufRead<std::remove_reference_t<R>> Lines<R> lines(R&& reader) {
  return Lines<R>(std::forward<R>(reader));
}

}  // namespace tokio::io
