// AnyDelimiterCodec: see tokio/util/codec/any_delimiter_codec.hpp; the search is
// tokio::detail::DelimitedScan, as LinesCodec's.
#include "tokio/util/codec/any_delimiter_codec.hpp"

namespace tokio::util::codec {

AnyDelimiterCodecError::AnyDelimiterCodecError()
    : CodecError(
          "tokio::util::codec::AnyDelimiterCodec: chunk longer than the maximum length (the "
          "rest of it is skipped)") {}

std::optional<bytes::Bytes> AnyDelimiterCodec::decode(bytes::BytesMut& src) {
  const auto scan = scan_.next(src, [this](std::string_view window, std::size_t from) {
    return window.find_first_of(seek_delimiters_, from);
  });
  switch (scan.outcome) {
    case tokio::detail::DelimitedScan::Outcome::NeedMore:
      return std::nullopt;
    case tokio::detail::DelimitedScan::Outcome::TooLong:
      throw AnyDelimiterCodecError();
    case tokio::detail::DelimitedScan::Outcome::Chunk:
      break;
  }
  bytes::Bytes chunk = src.split_to(scan.length + 1).freeze();
  chunk.truncate(scan.length);
  return chunk;
}

std::optional<bytes::Bytes> AnyDelimiterCodec::decode_eof(bytes::BytesMut& src) {
  if (auto chunk = decode(src)) return chunk;
  if (src.empty()) return std::nullopt;
  scan_.next_index = 0;
  return src.split().freeze();
}

void AnyDelimiterCodec::encode(std::string_view chunk, bytes::BytesMut& dst) {
  dst.reserve(chunk.size() + sequence_writer_.size());
  dst.extend_from_slice(chunk);
  dst.extend_from_slice(sequence_writer_);
}

}  // namespace tokio::util::codec
