// tokio::util::codec::LengthDelimitedCodec: frames prefixed by their length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tokio/bytes/bytes.hpp"
#include "tokio/bytes/bytes_mut.hpp"
#include "tokio/util/codec/decoder.hpp"

namespace tokio::util::codec {

/// What LengthDelimitedCodec reports: a frame longer than max_frame_length (announced by a
/// header, or given to encode), or a length that the adjustment pushes out of range.
class LengthDelimitedCodecError : public CodecError {
 public:
  using CodecError::CodecError;
};

class LengthDelimitedCodec;

/// Configures a LengthDelimitedCodec (tokio-util's `length_delimited::Builder`). A header is
/// `length_field_offset` bytes, then the length field (`length_field_length` bytes, big endian
/// unless told otherwise), then whatever else the protocol puts there. The frame is the
/// `length + length_adjustment` bytes after the first `num_skip` bytes of the header (num_skip
/// defaults to offset + field length: the whole header is dropped). Defaults: a 4-byte big
/// endian length at offset 0, no adjustment, frames of at most 8 MiB.
class LengthDelimitedBuilder {
 public:
  /// Bytes of the length field, 1 to 8. Errors: std::invalid_argument otherwise.
  LengthDelimitedBuilder& length_field_length(std::size_t bytes);
  LengthDelimitedBuilder& length_field_offset(std::size_t bytes) noexcept {
    offset_ = bytes;
    return *this;
  }
  /// Added to the length field's value to get the frame's length (negative when the field
  /// counts the header too).
  LengthDelimitedBuilder& length_adjustment(std::int64_t adjustment) noexcept {
    adjustment_ = adjustment;
    return *this;
  }
  LengthDelimitedBuilder& num_skip(std::size_t bytes) noexcept {
    num_skip_ = bytes;
    return *this;
  }
  /// The largest length field value accepted (decode) or frame written (encode).
  LengthDelimitedBuilder& max_frame_length(std::size_t bytes) noexcept {
    max_frame_length_ = bytes;
    return *this;
  }
  LengthDelimitedBuilder& big_endian() noexcept {
    big_endian_ = true;
    return *this;
  }
  LengthDelimitedBuilder& little_endian() noexcept {
    big_endian_ = false;
    return *this;
  }
  LengthDelimitedBuilder& native_endian() noexcept;

  LengthDelimitedCodec new_codec() const;

 private:
  friend class LengthDelimitedCodec;
  std::size_t field_length_ = 4;
  std::size_t offset_ = 0;
  std::int64_t adjustment_ = 0;
  std::optional<std::size_t> num_skip_;
  std::size_t max_frame_length_ = 8 * 1024 * 1024;
  bool big_endian_ = true;
};

/// Length-prefixed frames (see LengthDelimitedBuilder for the header's layout). Decoding gives
/// each frame as a BytesMut without copying it; encoding writes the length field, then the
/// frame. A header announcing more than max_frame_length is an error (LengthDelimitedCodecError)
/// before anything is buffered for it, so a hostile length cannot make the reader allocate.
///
/// ```
/// auto framed = tokio::util::codec::Framed(std::move(socket), LengthDelimitedCodec());
/// co_await framed.send(tokio::bytes::Bytes::from_static("hello"));
/// auto frame = co_await framed.next();  // std::optional<BytesMut>
/// ```
class LengthDelimitedCodec {
 public:
  using Item = bytes::BytesMut;

  LengthDelimitedCodec() noexcept = default;
  static LengthDelimitedBuilder builder() noexcept { return {}; }
  std::size_t max_frame_length() const noexcept { return config_.max_frame_length_; }
  void set_max_frame_length(std::size_t bytes) noexcept { config_.max_frame_length_ = bytes; }

  /// The next frame taken off the front of `src`, or std::nullopt while it is incomplete (room
  /// for it is reserved once its header is read). Errors: LengthDelimitedCodecError for a
  /// length over max_frame_length or out of range after the adjustment; the stream cannot be
  /// resynchronised after it.
  std::optional<bytes::BytesMut> decode(bytes::BytesMut& src);
  /// Appends the length field and `frame` to `dst`. Errors: LengthDelimitedCodecError when the
  /// frame is over max_frame_length or its length does not fit the field (nothing appended).
  void encode(std::span<const std::byte> frame, bytes::BytesMut& dst);
  void encode(const bytes::Bytes& frame, bytes::BytesMut& dst) { encode(frame.span(), dst); }
  void encode(const bytes::BytesMut& frame, bytes::BytesMut& dst) { encode(frame.span(), dst); }
  void encode(std::string_view frame, bytes::BytesMut& dst) {
    encode(std::as_bytes(std::span(frame.data(), frame.size())), dst);
  }

 private:
  friend class LengthDelimitedBuilder;
  explicit LengthDelimitedCodec(const LengthDelimitedBuilder& config) noexcept : config_(config) {}
  std::size_t head_length() const noexcept { return config_.offset_ + config_.field_length_; }

  LengthDelimitedBuilder config_;
  std::optional<std::size_t> pending_frame_;  // the header was read: this many bytes follow
};

}  // namespace tokio::util::codec
