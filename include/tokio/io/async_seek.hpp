// tokio::io::SeekFrom and AsyncSeek: moving the position of a seekable stream (a File).
#pragma once

#include <cstdint>

#include "tokio/detail/awaitable.hpp"

namespace tokio::io {

/// Where a seek goes, as Rust's SeekFrom.
struct SeekFrom {
  enum class Whence { Start, End, Current };
  Whence whence;
  std::int64_t offset;

  /// `offset` bytes from the start.
  static SeekFrom start(std::uint64_t offset) noexcept {
    return {Whence::Start, static_cast<std::int64_t>(offset)};
  }
  /// `offset` bytes from the end (usually negative or zero).
  static SeekFrom end(std::int64_t offset) noexcept { return {Whence::End, offset}; }
  /// `offset` bytes from the current position.
  static SeekFrom current(std::int64_t offset) noexcept { return {Whence::Current, offset}; }
};

/// A stream whose position can be moved: `co_await s.seek(pos)` gives the new position from
/// the start. Errors are std::system_error (a position before the start is invalid_argument).
template <class S>
concept AsyncSeek = requires(S& s, SeekFrom pos) {
  { s.seek(pos) } -> ::tokio::detail::awaitable_of<std::uint64_t>;
};

}  // namespace tokio::io
