// tokio::io::repeat / Repeat: a reader that gives one byte value forever (Tokio's io::repeat).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "tokio/io/util/ext.hpp"
#include "tokio/task/task.hpp"
#include "tokio/task/yield_now.hpp"

namespace tokio::io {

/// A reader that never ends: every read fills the whole buffer with one byte value.
/// Each read takes one unit of the cooperative budget. Errors: none. Cancel safety:
/// cancel-safe.
class Repeat : public AsyncReadExt<Repeat> {
 public:
  explicit Repeat(std::byte byte) noexcept : byte_(byte) {}
  [[nodiscard]] Task<std::size_t> read(std::span<std::byte> buf) {
    co_await task::consume_budget();
    std::fill(buf.begin(), buf.end(), byte_);
    co_return buf.size();
  }

 private:
  std::byte byte_;
};

/// A reader giving `byte` forever. See Repeat.
inline Repeat repeat(std::byte byte) noexcept {
  return Repeat(byte);
}
/// A reader giving `byte` forever. See Repeat.
inline Repeat repeat(std::uint8_t byte) noexcept {
  return Repeat(static_cast<std::byte>(byte));
}

}  // namespace tokio::io
