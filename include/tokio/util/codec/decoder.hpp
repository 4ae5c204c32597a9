// tokio::util::codec: the Decoder and Encoder concepts, and the errors codecs report.
#pragma once

#include <concepts>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "tokio/bytes/bytes_mut.hpp"

namespace tokio::util::codec {

/// Input that breaks a codec's rules (a line or frame over the length limit, bytes that are
/// not UTF-8, data left at the end of the stream). Each codec throws a subclass naming it.
class CodecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Turns bytes into frames: `d.decode(buf)` takes one frame off the front of `buf` and gives
/// it, or gives std::nullopt (consuming nothing it will need again) when `buf` does not hold a
/// whole frame yet; FramedRead then reads more and calls again. `d.decode_eof(buf)`, if the
/// decoder has it, is called once the input has ended (see decode_eof below). Errors: throw
/// (a CodecError for bad input). `Item` names the frame type.
template <class D>
concept Decoder = requires(D& d, bytes::BytesMut& src) {
  typename D::Item;
  { d.decode(src) } -> std::same_as<std::optional<typename D::Item>>;
};

/// Turns frames into bytes: `e.encode(item, buf)` appends the encoding of `item` to `buf`.
template <class E, class Item>
concept Encoder = requires(E& e, Item&& item, bytes::BytesMut& dst) {
  e.encode(std::forward<Item>(item), dst);
};

/// The end-of-input step: the decoder's own decode_eof if it has one, else (as Tokio's default)
/// decode, and an error if bytes are left that make no frame.
template <Decoder D>
std::optional<typename D::Item> decode_eof(D& decoder, bytes::BytesMut& src) {
  if constexpr (requires { decoder.decode_eof(src); }) {
    return decoder.decode_eof(src);
  } else {
    auto frame = decoder.decode(src);
    if (!frame && !src.empty())
      throw CodecError("tokio::util::codec: " + std::to_string(src.size()) +
                       " bytes remaining on stream that make no whole frame");
    return frame;
  }
}

}  // namespace tokio::util::codec
