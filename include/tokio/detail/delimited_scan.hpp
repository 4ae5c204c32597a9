// DelimitedScan: the search that LinesCodec and AnyDelimiterCodec share (after tokio-util's):
// it never rescans bytes already searched, never looks past max_length + 1 bytes, and after an
// over-long chunk discards input up to the next delimiter, so that a peer sending an endless
// chunk costs a bounded buffer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string_view>

#include "tokio/bytes/bytes_mut.hpp"

namespace tokio::detail {

struct DelimitedScan {
  enum class Outcome { Chunk, NeedMore, TooLong };
  struct Result {
    Outcome outcome;
    std::size_t length = 0;  // Chunk: the chunk's bytes, before the delimiter at this index
  };

  std::size_t max_length = std::numeric_limits<std::size_t>::max();
  std::size_t next_index = 0;  // bytes of `src` already searched
  bool discarding = false;     // skipping the rest of an over-long chunk

  /// Finds the next chunk at the front of `src` (advancing past discarded input).
  /// `find(window, from)` gives the index of the first delimiter in `window` at or after
  /// `from`, or npos. TooLong is given once per over-long chunk; the next call skips it.
  template <class Find>
  Result next(bytes::BytesMut& src, Find find) {
    for (;;) {
      // One byte past the maximum is enough to tell a chunk too long.
      const std::size_t read_to = std::min(
          max_length == std::numeric_limits<std::size_t>::max() ? max_length : max_length + 1,
          src.size());
      const std::size_t found = next_index < read_to
                                    ? find(src.view().substr(0, read_to), next_index)
                                    : std::string_view::npos;
      if (discarding) {
        src.advance(found != std::string_view::npos ? found + 1 : read_to);
        discarding = found == std::string_view::npos;
        next_index = 0;
        if (discarding && src.empty()) return {Outcome::NeedMore};
        continue;
      }
      if (found != std::string_view::npos) {
        next_index = 0;
        return {Outcome::Chunk, found};
      }
      if (src.size() > max_length) {
        discarding = true;
        return {Outcome::TooLong};
      }
      next_index = read_to;
      return {Outcome::NeedMore};
    }
  }
};

}  // namespace tokio::detail
