// LengthDelimitedCodec: see tokio/util/codec/length_delimited.hpp.
#include "tokio/util/codec/length_delimited.hpp"

#include <bit>
#include <limits>
#include <stdexcept>
#include <string>

namespace tokio::util::codec {

LengthDelimitedBuilder& LengthDelimitedBuilder::length_field_length(std::size_t bytes) {
  if (bytes < 1 || bytes > 8)
    throw std::invalid_argument(
        "tokio::util::codec::LengthDelimitedBuilder::length_field_length: must be 1 to 8 "
        "bytes, got " +
        std::to_string(bytes));
  field_length_ = bytes;
  return *this;
}

LengthDelimitedBuilder& LengthDelimitedBuilder::native_endian() noexcept {
  big_endian_ = std::endian::native == std::endian::big;
  return *this;
}

LengthDelimitedCodec LengthDelimitedBuilder::new_codec() const {
  return LengthDelimitedCodec(*this);
}

std::optional<bytes::BytesMut> LengthDelimitedCodec::decode(bytes::BytesMut& src) {
  if (!pending_frame_) {
    const std::size_t head = head_length();
    if (src.size() < head) {
      src.reserve(head - src.size());
      return std::nullopt;
    }
    std::uint64_t length = 0;
    const std::byte* field = src.data() + config_.offset_;
    for (std::size_t i = 0; i < config_.field_length_; ++i) {
      const std::size_t k = config_.big_endian_ ? i : config_.field_length_ - 1 - i;
      length = (length << 8) | std::to_integer<std::uint64_t>(field[k]);
    }
    if (length > config_.max_frame_length_)
      throw LengthDelimitedCodecError("tokio::util::codec::LengthDelimitedCodec: frame of " +
                                      std::to_string(length) +
                                      " bytes announced, more than max_frame_length (" +
                                      std::to_string(config_.max_frame_length_) + ")");
    const std::int64_t adjusted = static_cast<std::int64_t>(length) + config_.adjustment_;
    if (adjusted < 0 || (config_.adjustment_ > 0 && static_cast<std::uint64_t>(adjusted) < length))
      throw LengthDelimitedCodecError(
          "tokio::util::codec::LengthDelimitedCodec: the length " + std::to_string(length) +
          " is out of range after the adjustment of " + std::to_string(config_.adjustment_));
    const std::size_t skip = config_.num_skip_.value_or(head);
    if (skip > src.size())
      throw LengthDelimitedCodecError("tokio::util::codec::LengthDelimitedCodec: num_skip (" +
                                      std::to_string(skip) + ") is longer than the header (" +
                                      std::to_string(head) + " bytes)");
    src.advance(skip);
    pending_frame_ = static_cast<std::size_t>(adjusted);
  }
  const std::size_t n = *pending_frame_;
  if (src.size() < n) {
    src.reserve(n - src.size());  // bounded by max_frame_length (+ adjustment)
    return std::nullopt;
  }
  pending_frame_.reset();
  return src.split_to(n);
}

void LengthDelimitedCodec::encode(std::span<const std::byte> frame, bytes::BytesMut& dst) {
  const std::size_t n = frame.size();
  if (n > config_.max_frame_length_)
    throw LengthDelimitedCodecError("tokio::util::codec::LengthDelimitedCodec: frame of " +
                                    std::to_string(n) + " bytes is more than max_frame_length (" +
                                    std::to_string(config_.max_frame_length_) + ")");
  const std::int64_t field = static_cast<std::int64_t>(n) - config_.adjustment_;
  const std::size_t bits = 8 * config_.field_length_;
  if (field < 0 || (bits < 64 && static_cast<std::uint64_t>(field) >> bits) != 0)
    throw LengthDelimitedCodecError("tokio::util::codec::LengthDelimitedCodec: a frame of " +
                                    std::to_string(n) + " bytes does not fit the " +
                                    std::to_string(config_.field_length_) + "-byte length field");
  dst.reserve(config_.field_length_ + n);
  const auto value = static_cast<std::uint64_t>(field);
  for (std::size_t i = 0; i < config_.field_length_; ++i) {
    const std::size_t shift = config_.big_endian_ ? 8 * (config_.field_length_ - 1 - i) : 8 * i;
    dst.push_back(static_cast<std::byte>((value >> shift) & 0xff));
  }
  dst.extend_from_slice(frame);
}

}  // namespace tokio::util::codec
