// LinesCodec: see tokio/util/codec/lines_codec.hpp; the search is tokio::detail::DelimitedScan.
#include "tokio/util/codec/lines_codec.hpp"

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
  const auto scan = scan_.next(
      src, [](std::string_view window, std::size_t from) { return window.find('\n', from); });
  switch (scan.outcome) {
    case tokio::detail::DelimitedScan::Outcome::NeedMore:
      return std::nullopt;
    case tokio::detail::DelimitedScan::Outcome::TooLong:
      throw LinesCodecError(LinesCodecError::Kind::MaxLineLengthExceeded);
    case tokio::detail::DelimitedScan::Outcome::Chunk:
      break;
  }
  // Consumed before it is checked: a line that is not UTF-8 is reported once, then skipped.
  // (advance only moves the start: the bytes stay in place until src grows again.)
  const std::string_view raw = src.view().substr(0, scan.length);
  src.advance(scan.length + 1);
  return to_line(raw);
}

std::optional<std::string> LinesCodec::decode_eof(bytes::BytesMut& src) {
  if (auto line = decode(src)) return line;
  if (src.empty() || src.view() == "\r") return std::nullopt;
  const std::string_view raw = src.view();
  src.clear();
  scan_.next_index = 0;
  return to_line(raw);
}

void LinesCodec::encode(std::string_view line, bytes::BytesMut& dst) {
  dst.reserve(line.size() + 1);
  dst.extend_from_slice(line);
  dst.push_back(std::byte{'\n'});
}

}  // namespace tokio::util::codec
