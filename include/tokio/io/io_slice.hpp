// tokio::io::IoSlice: one buffer of a vectored write, laid out as the OS's struct iovec so that
// a span of IoSlices goes to writev(2) as it is.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <span>

#include "tokio/io/buffer.hpp"

namespace tokio::io {

/// A read-only view of one buffer for write_vectored. Does not own the bytes.
class IoSlice {
 public:
  IoSlice() noexcept : iov_{nullptr, 0} {}
  IoSlice(std::span<const std::byte> bytes) noexcept
      : iov_{const_cast<std::byte*>(bytes.data()), bytes.size()} {}
  template <ConstBuffer B>
  IoSlice(B&& buf) noexcept : IoSlice(as_const_bytes(buf)) {}

  std::span<const std::byte> bytes() const noexcept {
    return {static_cast<const std::byte*>(iov_.iov_base), iov_.iov_len};
  }
  std::size_t size() const noexcept { return iov_.iov_len; }
  bool empty() const noexcept { return iov_.iov_len == 0; }
  /// Drops the first `n` bytes (n <= size()).
  void advance(std::size_t n) noexcept {
    iov_.iov_base = static_cast<std::byte*>(iov_.iov_base) + n;
    iov_.iov_len -= n;
  }

 private:
  ::iovec iov_;
};
static_assert(sizeof(IoSlice) == sizeof(::iovec));

}  // namespace tokio::io
