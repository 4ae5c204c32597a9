// AnyDelimiterCodec: see tokio/util/codec/any_delimiter_codec.hpp (the same search as
// LinesCodec's, over a set of delimiters).
#include "tokio/util/codec/any_delimiter_codec.hpp"

#include <algorithm>

namespace tokio::util::codec {

AnyDelimiterCodecError::AnyDelimiterCodecError()
    : CodecError(
          "tokio::util::codec::AnyDelimiterCodec: chunk longer than the maximum length (the "
          "rest of it is skipped)") {}

std::optional<bytes::Bytes> AnyDelimiterCodec::decode(bytes::BytesMut& src) {
  for (;;) {
    const std::size_t read_to = std::min(
        max_length_ == std::numeric_limits<std::size_t>::max() ? max_length_ : max_length_ + 1,
        src.size());
    const std::string_view window = src.view().substr(0, read_to);
    const std::size_t found = next_index_ < read_to
                                  ? window.find_first_of(seek_delimiters_, next_index_)
                                  : std::string_view::npos;
    if (is_discarding_) {
      if (found != std::string_view::npos) {
        src.advance(found + 1);
        is_discarding_ = false;
        next_index_ = 0;
        continue;
      }
      src.advance(read_to);
      next_index_ = 0;
      if (src.empty()) return std::nullopt;
      continue;
    }
    if (found != std::string_view::npos) {
      next_index_ = 0;
      bytes::Bytes chunk = src.split_to(found + 1).freeze();
      chunk.truncate(found);
      return chunk;
    }
    if (src.size() > max_length_) {
      is_discarding_ = true;
      throw AnyDelimiterCodecError();
    }
    next_index_ = read_to;
    return std::nullopt;
  }
}

std::optional<bytes::Bytes> AnyDelimiterCodec::decode_eof(bytes::BytesMut& src) {
  if (auto chunk = decode(src)) return chunk;
  if (src.empty()) return std::nullopt;
  next_index_ = 0;
  return src.split().freeze();
}

void AnyDelimiterCodec::encode(std::string_view chunk, bytes::BytesMut& dst) {
  dst.reserve(chunk.size() + sequence_writer_.size());
  dst.extend_from_slice(chunk);
  dst.extend_from_slice(sequence_writer_);
}

}  // namespace tokio::util::codec
