// tokio::io::Interest and tokio::io::Ready: which readiness a task waits for, and which it got.
#pragma once

#include <cstdint>

namespace tokio::io {

/// The readiness a registration or a wait is interested in; combine with `|`.
class Interest {
 public:
  static const Interest READABLE;
  static const Interest WRITABLE;

  constexpr bool is_readable() const noexcept { return bits_ & kReadable; }
  constexpr bool is_writable() const noexcept { return bits_ & kWritable; }
  constexpr Interest operator|(Interest other) const noexcept {
    return Interest(bits_ | other.bits_);
  }
  constexpr bool operator==(const Interest&) const noexcept = default;
  constexpr std::uint8_t bits() const noexcept { return bits_; }

 private:
  static constexpr std::uint8_t kReadable = 1;
  static constexpr std::uint8_t kWritable = 2;
  constexpr explicit Interest(std::uint8_t bits) noexcept : bits_(bits) {}
  std::uint8_t bits_;
};
inline constexpr Interest Interest::READABLE{Interest::kReadable};
inline constexpr Interest Interest::WRITABLE{Interest::kWritable};

/// A set of readiness events reported by the reactor.
class Ready {
 public:
  static constexpr std::uint32_t kReadable = 1;
  static constexpr std::uint32_t kWritable = 2;
  static constexpr std::uint32_t kReadClosed = 4;
  static constexpr std::uint32_t kWriteClosed = 8;
  static constexpr std::uint32_t kError = 16;
  static constexpr std::uint32_t kAll = 31;

  constexpr Ready() noexcept = default;
  constexpr explicit Ready(std::uint32_t bits) noexcept : bits_(bits & kAll) {}

  /// Everything an interest can be satisfied by (closed and error events included).
  static constexpr Ready from_interest(Interest interest) noexcept {
    std::uint32_t bits = kError;
    if (interest.is_readable()) bits |= kReadable | kReadClosed;
    if (interest.is_writable()) bits |= kWritable | kWriteClosed;
    return Ready(bits);
  }

  constexpr bool is_empty() const noexcept { return bits_ == 0; }
  constexpr bool is_readable() const noexcept { return bits_ & (kReadable | kReadClosed); }
  constexpr bool is_writable() const noexcept { return bits_ & (kWritable | kWriteClosed); }
  constexpr bool is_read_closed() const noexcept { return bits_ & kReadClosed; }
  constexpr bool is_write_closed() const noexcept { return bits_ & kWriteClosed; }
  constexpr bool is_error() const noexcept { return bits_ & kError; }
  constexpr std::uint32_t bits() const noexcept { return bits_; }
  constexpr Ready operator|(Ready other) const noexcept { return Ready(bits_ | other.bits_); }
  constexpr Ready operator&(Ready other) const noexcept { return Ready(bits_ & other.bits_); }
  constexpr bool operator==(const Ready&) const noexcept = default;

 private:
  std::uint32_t bits_ = 0;
};

}  // namespace tokio::io
