// LinesCodec: see tokio/util/codec/lines_codec.hpp. The algorithm follows tokio-util's: the
// search for a newline never rescans bytes (next_index_), never looks past max_length + 1
// bytes, and after an over-long line the codec discards input up to the next newline.
#include "tokio/util/codec/lines_codec.hpp"

#include <algorithm>
#include <cstring>

#include "util/codec/utf8.hpp"

namespace tokio::util::codec {

namespace {
const char* describe(LinesCodecError::Kind kind) {
  return kind == LinesCodecError::Kind::MaxLineLengthExceeded
             ? "tokio::util::codec::LinesCodec: line longer than the maximum length (the rest "
               "of it is skipped)"
             : "tokio::util::codec::LinesCodec: the line is not valid UTF-8";
}

std::string to_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!detail::is_utf8(line)) throw LinesCodecError(LinesCodecError::Kind::InvalidUtf8);
  return std::string(line);
}
}  // namespace

LinesCodecError::LinesCodecError(Kind kind) : CodecError(describe(kind)), kind_(kind) {}

std::optional<std::string> LinesCodec::decode(bytes::BytesMut& src) {
  for (;;) {
    // Look no further than one byte past the maximum: that is enough to tell a line too long.
    const std::size_t read_to = std::min(
        max_length_ == std::numeric_limits<std::size_t>::max() ? max_length_ : max_length_ + 1,
        src.size());
    const char* base = reinterpret_cast<const char*>(src.data());
    const void* found = read_to > next_index_
                            ? std::memchr(base + next_index_, '\n', read_to - next_index_)
                            : nullptr;
    if (is_discarding_) {
      if (found) {
        src.advance(static_cast<std::size_t>(static_cast<const char*>(found) - base) + 1);
        is_discarding_ = false;
        next_index_ = 0;
        continue;
      }
      src.advance(read_to);
      next_index_ = 0;
      if (src.empty()) return std::nullopt;
      continue;
    }
    if (found) {
      const auto newline = static_cast<std::size_t>(static_cast<const char*>(found) - base);
      next_index_ = 0;
      // Consumed before it is checked: a line that is not UTF-8 is reported once, then skipped.
      // (advance only moves the start: the bytes stay in place until src grows again.)
      const std::string_view raw(base, newline);
      src.advance(newline + 1);
      return to_line(raw);
    }
    if (src.size() > max_length_) {
      is_discarding_ = true;
      throw LinesCodecError(LinesCodecError::Kind::MaxLineLengthExceeded);
    }
    next_index_ = read_to;
    return std::nullopt;
  }
}

std::optional<std::string> LinesCodec::decode_eof(bytes::BytesMut& src) {
  if (auto line = decode(src)) return line;
  if (src.empty() || src.view() == "\r") return std::nullopt;
  const std::string_view raw = src.view();
  src.clear();
  next_index_ = 0;
  return to_line(raw);
}

void LinesCodec::encode(std::string_view line, bytes::BytesMut& dst) {
  dst.reserve(line.size() + 1);
  dst.extend_from_slice(line);
  dst.push_back(std::byte{'\n'});
}

}  // namespace tokio::util::codec
