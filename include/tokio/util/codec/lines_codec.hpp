// tokio::util::codec::LinesCodec: newline-delimited text frames.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tokio/bytes/bytes_mut.hpp"
#include "tokio/detail/delimited_scan.hpp"
#include "tokio/util/codec/decoder.hpp"

namespace tokio::util::codec {

/// What LinesCodec reports: a line longer than its maximum, or a line that is not UTF-8.
class LinesCodecError : public CodecError {
 public:
  enum class Kind { MaxLineLengthExceeded, InvalidUtf8 };
  explicit LinesCodecError(Kind kind);
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

/// Splits input into lines (without their "\n" or "\r\n") and writes each line followed by
/// "\n". Lines must be UTF-8.
///
/// With a maximum length (new_with_max_length), a line longer than it is an error, reported
/// once: decode throws LinesCodecError (MaxLineLengthExceeded) and the codec then skips to
/// the end of that line and goes on with the next, so a peer sending one huge line costs at
/// most `max_length` bytes of buffer. Without it, a line may grow without bound: give network
/// input a maximum.
class LinesCodec {
 public:
  using Item = std::string;

  /// No maximum line length (see the class comment before using it on untrusted input).
  LinesCodec() noexcept = default;
  /// Lines longer than `max_length` bytes (without their ending) are refused.
  static LinesCodec new_with_max_length(std::size_t max_length) noexcept {
    LinesCodec codec;
    codec.scan_.max_length = max_length;
    return codec;
  }
  std::size_t max_length() const noexcept { return scan_.max_length; }

  /// The next line taken off the front of `src`, or std::nullopt while it holds no whole line.
  /// Errors: LinesCodecError (too long: reported once, then skipped; not UTF-8: the line is
  /// consumed and skipped).
  std::optional<std::string> decode(bytes::BytesMut& src);
  /// As decode; then a last line without a newline is a line too.
  std::optional<std::string> decode_eof(bytes::BytesMut& src);
  /// Appends `line` and "\n" to `dst` (the line is not checked for newlines).
  void encode(std::string_view line, bytes::BytesMut& dst);

 private:
  tokio::detail::DelimitedScan scan_;
};

}  // namespace tokio::util::codec
