// Big-endian and little-endian number reads and writes: read_u8 ... read_f64_le and write_u8 ...
// write_f64_le (Tokio's AsyncReadExt::read_u32, AsyncWriteExt::write_u32_le, ...).
//
// Every name is a function template taking the reader or writer by reference:
//   std::uint32_t len = co_await tokio::io::read_u32(stream);      // big-endian (network order)
//   co_await tokio::io::write_u16_le(stream, 0x1234);               // bytes 34 12
// Signed integers are two's complement; floats are their IEEE-754 bit patterns. Rust's 128-bit
// forms are left out (C++20 has no standard 128-bit integer).
//
// Errors: reads throw std::system_error with Errc::unexpected_eof when the stream ends before
// the whole number; writes throw Errc::write_zero when the writer takes no more; plus the
// reader's or writer's own errors.
// Cancel safety: read_u8 / read_i8 are cancel-safe (one read that takes one byte or none);
// the wider reads and every write are not (part of the number may have been transferred).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/util/read.hpp"
#include "tokio/io/util/write.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

template <std::size_t N>
using UintOfSize = std::conditional_t<
    N == 1, std::uint8_t,
    std::conditional_t<N == 2, std::uint16_t,
                       std::conditional_t<N == 4, std::uint32_t, std::uint64_t>>>;

template <class T, std::endian E, io::AsyncRead R>
Task<T> read_number(R& reader) {
  std::array<std::byte, sizeof(T)> bytes;
  co_await read_exact_impl(reader, std::span<std::byte>(bytes));
  using U = UintOfSize<sizeof(T)>;
  U value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    std::size_t at = E == std::endian::big ? i : sizeof(T) - 1 - i;
    value = static_cast<U>((value << 8) | static_cast<U>(bytes[at]));
  }
  co_return std::bit_cast<T>(value);
}

template <class T, std::endian E, io::AsyncWrite W>
Task<void> write_number(W& writer, T number) {
  using U = UintOfSize<sizeof(T)>;
  U value = std::bit_cast<U>(number);
  std::array<std::byte, sizeof(T)> bytes;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    std::size_t at = E == std::endian::little ? i : sizeof(T) - 1 - i;
    bytes[at] = static_cast<std::byte>(value & 0xff);
    value = static_cast<U>(value >> 8);
  }
  co_await write_all_impl(writer, std::span<const std::byte>(bytes));
}

}  // namespace tokio::detail

namespace tokio::io {

// One read_NAME(reader) and one write_NAME(writer, value) per number type; see the file comment.
#define TOKIO_IO_NUMBER_FUNCTIONS(name, T, E)                 \
  template <AsyncRead R>                                      \
  [[nodiscard]] Task<T> read_##name(R& reader) {              \
    return detail::read_number<T, E>(reader);                 \
  }                                                           \
  template <AsyncWrite W>                                     \
  [[nodiscard]] Task<void> write_##name(W& writer, T value) { \
    return detail::write_number<T, E>(writer, value);         \
  }

TOKIO_IO_NUMBER_FUNCTIONS(u8, std::uint8_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(i8, std::int8_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(u16, std::uint16_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(i16, std::int16_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(u32, std::uint32_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(i32, std::int32_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(u64, std::uint64_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(i64, std::int64_t, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(f32, float, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(f64, double, std::endian::big)
TOKIO_IO_NUMBER_FUNCTIONS(u16_le, std::uint16_t, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(i16_le, std::int16_t, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(u32_le, std::uint32_t, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(i32_le, std::int32_t, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(u64_le, std::uint64_t, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(i64_le, std::int64_t, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(f32_le, float, std::endian::little)
TOKIO_IO_NUMBER_FUNCTIONS(f64_le, double, std::endian::little)

#undef TOKIO_IO_NUMBER_FUNCTIONS

static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE-754 float and double expected");

}  // namespace tokio::io
