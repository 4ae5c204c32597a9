// tokio::util::codec::AnyDelimiterCodec: frames separated by any of a set of delimiter bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tokio/bytes/bytes.hpp"
#include "tokio/bytes/bytes_mut.hpp"
#include "tokio/detail/delimited_scan.hpp"
#include "tokio/util/codec/decoder.hpp"

namespace tokio::util::codec {

/// What AnyDelimiterCodec reports: a chunk longer than its maximum.
class AnyDelimiterCodecError : public CodecError {
 public:
  AnyDelimiterCodecError();
};

/// Splits input at any byte of `seek_delimiters` (the delimiter is dropped) and writes each
/// chunk followed by `sequence_writer`. Chunks are Bytes (no text check). With a maximum
/// length, an over-long chunk is reported once (AnyDelimiterCodecError) and skipped, as
/// LinesCodec does with lines.
class AnyDelimiterCodec {
 public:
  using Item = bytes::Bytes;

  AnyDelimiterCodec(std::string seek_delimiters, std::string sequence_writer)
      : seek_delimiters_(std::move(seek_delimiters)),
        sequence_writer_(std::move(sequence_writer)) {}
  static AnyDelimiterCodec new_with_max_length(std::string seek_delimiters,
                                               std::string sequence_writer,
                                               std::size_t max_length) {
    AnyDelimiterCodec codec(std::move(seek_delimiters), std::move(sequence_writer));
    codec.scan_.max_length = max_length;
    return codec;
  }
  std::size_t max_length() const noexcept { return scan_.max_length; }

  /// The next chunk taken off the front of `src` (without its delimiter), or std::nullopt while
  /// it holds no delimiter. Errors: AnyDelimiterCodecError (too long: once, then skipped).
  std::optional<bytes::Bytes> decode(bytes::BytesMut& src);
  /// As decode; then what is left at the end is a last chunk.
  std::optional<bytes::Bytes> decode_eof(bytes::BytesMut& src);
  /// Appends `chunk` and the sequence writer to `dst`.
  void encode(std::string_view chunk, bytes::BytesMut& dst);
  void encode(const bytes::Bytes& chunk, bytes::BytesMut& dst) { encode(chunk.view(), dst); }

 private:
  std::string seek_delimiters_;
  std::string sequence_writer_;
  tokio::detail::DelimitedScan scan_;
};

}  // namespace tokio::util::codec
