// Byte buffers as the I/O functions take them: a std::span of bytes, or any contiguous range of
// char, signed char, unsigned char, char8_t or std::byte (std::string, std::vector<char>,
// std::array<std::uint8_t, N>, a C array...), viewed as bytes without copying.
#pragma once

#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

namespace tokio::io {

/// The element types a byte buffer may have.
template <class T>
concept ByteLike = std::same_as < std::remove_cv_t<T>,
char > || std::same_as<std::remove_cv_t<T>, signed char> ||
    std::same_as<std::remove_cv_t<T>, unsigned char> ||
    std::same_as<std::remove_cv_t<T>, char8_t> || std::same_as<std::remove_cv_t<T>, std::byte>;

/// A contiguous range of bytes that can be read from (the argument of write and friends).
template <class B>
concept ConstBuffer = std::ranges::contiguous_range<B> && std::ranges::sized_range<B> &&
    ByteLike<std::ranges::range_value_t<B>>;

/// A contiguous range of bytes that can be written into (the argument of read and friends).
template <class B>
concept MutableBuffer =
    ConstBuffer<B> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<B>>>;

/// Views `buf` as writable bytes. A C string literal is not a MutableBuffer.
template <MutableBuffer B>
std::span<std::byte> as_mutable_bytes(B&& buf) noexcept {
  return {reinterpret_cast<std::byte*>(std::ranges::data(buf)), std::ranges::size(buf)};
}

/// Views `buf` as read-only bytes. An array of const char is taken for a string literal: its
/// terminating NUL is not included (write_all(stream, "ping\n") writes 5 bytes).
template <ConstBuffer B>
std::span<const std::byte> as_const_bytes(B&& buf) noexcept {
  using Array = std::remove_reference_t<B>;
  std::size_t n = std::ranges::size(buf);
  if constexpr (std::is_array_v<Array> && std::same_as<std::remove_extent_t<Array>, const char>)
    if (n > 0 && buf[n - 1] == '\0') --n;
  return {reinterpret_cast<const std::byte*>(std::ranges::data(buf)), n};
}

}  // namespace tokio::io
