// tokio::util::codec::BytesCodec: raw bytes in, raw bytes out.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "tokio/bytes/bytes.hpp"
#include "tokio/bytes/bytes_mut.hpp"

namespace tokio::util::codec {

/// Decodes whatever bytes have arrived as one frame (a BytesMut, without copying them) and
/// encodes a frame by appending its bytes.
class BytesCodec {
 public:
  using Item = bytes::BytesMut;

  /// Everything buffered, as one frame; std::nullopt when nothing is.
  std::optional<bytes::BytesMut> decode(bytes::BytesMut& src) {
    if (src.empty()) return std::nullopt;
    return src.split();
  }
  /// Appends the bytes of `data` to `dst`.
  void encode(const bytes::Bytes& data, bytes::BytesMut& dst) {
    dst.extend_from_slice(data.span());
  }
  void encode(const bytes::BytesMut& data, bytes::BytesMut& dst) {
    dst.extend_from_slice(data.span());
  }
  void encode(std::string_view data, bytes::BytesMut& dst) { dst.extend_from_slice(data); }
};

}  // namespace tokio::util::codec
