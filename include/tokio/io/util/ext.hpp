// AsyncReadExt, AsyncBufReadExt, AsyncWriteExt: CRTP mixins that give a reader or writer type
// the io utilities as members, as Tokio's extension traits do:
//
//   class TcpStream : public io::AsyncReadExt<TcpStream>, public io::AsyncWriteExt<TcpStream> {
//     ... read / write / flush / shutdown of its own ...
//   };
//   co_await stream.write_all("ping\n");
//   std::uint32_t n = co_await stream.read_u32();
//
// Every member forwards to the free function of the same name in tokio::io with the derived
// object as the reader or writer; see those for errors and cancel safety. The mixins declare no
// member named read, write, write_vectored, flush, shutdown, fill_buf or consume: the derived
// type declares those itself, and a base member of the same name would be hidden anyway.
// Members that the derived type does not support (write_all on a type that is not AsyncWrite)
// fail to compile only when called.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tokio/io/buffer.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/integers.hpp"
#include "tokio/io/util/lines.hpp"
#include "tokio/io/util/read.hpp"
#include "tokio/io/util/read_until.hpp"
#include "tokio/io/util/split.hpp"
#include "tokio/io/util/write.hpp"
#include "tokio/task/task.hpp"

namespace tokio::io {

#define TOKIO_IO_EXT_READ_NUMBER(name, T)    \
  [[nodiscard]] Task<T> read_##name() {      \
    return ::tokio::io::read_##name(self()); \
  }

/// Member forms of the AsyncRead utilities (read_exact, read_to_end, read_to_string,
/// read_u8 ... read_f64_le) for a type `Derived` that is AsyncRead.
template <class Derived>
class AsyncReadExt {
 public:
  /// See tokio::io::read_exact.
  template <MutableBuffer B>
  [[nodiscard]] Task<std::size_t> read_exact(B&& buf) {
    return ::tokio::io::read_exact(self(), std::forward<B>(buf));
  }
  /// See tokio::io::read_to_end.
  template <ByteLike T, class Alloc>
  [[nodiscard]] Task<std::size_t> read_to_end(std::vector<T, Alloc>& out) {
    return ::tokio::io::read_to_end(self(), out);
  }
  /// See tokio::io::read_to_string.
  [[nodiscard]] Task<std::size_t> read_to_string(std::string& out) {
    return ::tokio::io::read_to_string(self(), out);
  }
  // See integers.hpp.
  TOKIO_IO_EXT_READ_NUMBER(u8, std::uint8_t)
  TOKIO_IO_EXT_READ_NUMBER(i8, std::int8_t)
  TOKIO_IO_EXT_READ_NUMBER(u16, std::uint16_t)
  TOKIO_IO_EXT_READ_NUMBER(i16, std::int16_t)
  TOKIO_IO_EXT_READ_NUMBER(u32, std::uint32_t)
  TOKIO_IO_EXT_READ_NUMBER(i32, std::int32_t)
  TOKIO_IO_EXT_READ_NUMBER(u64, std::uint64_t)
  TOKIO_IO_EXT_READ_NUMBER(i64, std::int64_t)
  TOKIO_IO_EXT_READ_NUMBER(f32, float)
  TOKIO_IO_EXT_READ_NUMBER(f64, double)
  TOKIO_IO_EXT_READ_NUMBER(u16_le, std::uint16_t)
  TOKIO_IO_EXT_READ_NUMBER(i16_le, std::int16_t)
  TOKIO_IO_EXT_READ_NUMBER(u32_le, std::uint32_t)
  TOKIO_IO_EXT_READ_NUMBER(i32_le, std::int32_t)
  TOKIO_IO_EXT_READ_NUMBER(u64_le, std::uint64_t)
  TOKIO_IO_EXT_READ_NUMBER(i64_le, std::int64_t)
  TOKIO_IO_EXT_READ_NUMBER(f32_le, float)
  TOKIO_IO_EXT_READ_NUMBER(f64_le, double)

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

#undef TOKIO_IO_EXT_READ_NUMBER

/// Member forms of the AsyncBufRead utilities (read_until, read_line, lines, split) for a type
/// `Derived` that is AsyncBufRead.
template <class Derived>
class AsyncBufReadExt {
 public:
  /// See tokio::io::read_until.
  template <class Delim, ByteLike T, class Alloc>
  [[nodiscard]] Task<std::size_t> read_until(Delim delim, std::vector<T, Alloc>& out) {
    return ::tokio::io::read_until(self(), delim, out);
  }
  /// See tokio::io::read_line.
  [[nodiscard]] Task<std::size_t> read_line(std::string& out) {
    return ::tokio::io::read_line(self(), out);
  }
  // The members below are templates (Self is always Derived) so that Lines<Derived> is named
  // only when called: Derived is incomplete while this base is instantiated, and checking
  // Lines' AsyncBufRead constraint on it then would fail.

  /// The lines of this reader, borrowed (this object must outlive the Lines).
  template <class Self = Derived>
  Lines<Self&> lines() & {
    return Lines<Self&>(self());
  }
  /// The lines of this reader, which moves into the Lines.
  template <class Self = Derived>
  Lines<Self> lines() && {
    return Lines<Self>(std::move(self()));
  }
  /// The segments of this reader separated by `delim` (a std::byte or a char), borrowed (see
  /// tokio::io::Split).
  template <class Delim, class Self = Derived>
  Split<Self&> split(Delim delim) & {
    return Split<Self&>(self(), static_cast<std::byte>(delim));
  }
  /// The segments of this reader separated by `delim`; the reader moves into the Split.
  template <class Delim, class Self = Derived>
  Split<Self> split(Delim delim) && {
    return Split<Self>(std::move(self()), static_cast<std::byte>(delim));
  }

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

#define TOKIO_IO_EXT_WRITE_NUMBER(name, T)           \
  [[nodiscard]] Task<void> write_##name(T value) {   \
    return ::tokio::io::write_##name(self(), value); \
  }

/// Member forms of the AsyncWrite utilities (write_all, write_all_vectored, write_u8 ...
/// write_f64_le) for a type `Derived` that is AsyncWrite.
template <class Derived>
class AsyncWriteExt {
 public:
  /// See tokio::io::write_all.
  template <ConstBuffer B>
  [[nodiscard]] Task<void> write_all(B&& buf) {
    return ::tokio::io::write_all(self(), std::forward<B>(buf));
  }
  /// See tokio::io::write_all_vectored.
  [[nodiscard]] Task<void> write_all_vectored(std::span<const IoSlice> slices) {
    return ::tokio::io::write_all_vectored(self(), slices);
  }
  // See integers.hpp.
  TOKIO_IO_EXT_WRITE_NUMBER(u8, std::uint8_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i8, std::int8_t)
  TOKIO_IO_EXT_WRITE_NUMBER(u16, std::uint16_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i16, std::int16_t)
  TOKIO_IO_EXT_WRITE_NUMBER(u32, std::uint32_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i32, std::int32_t)
  TOKIO_IO_EXT_WRITE_NUMBER(u64, std::uint64_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i64, std::int64_t)
  TOKIO_IO_EXT_WRITE_NUMBER(f32, float)
  TOKIO_IO_EXT_WRITE_NUMBER(f64, double)
  TOKIO_IO_EXT_WRITE_NUMBER(u16_le, std::uint16_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i16_le, std::int16_t)
  TOKIO_IO_EXT_WRITE_NUMBER(u32_le, std::uint32_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i32_le, std::int32_t)
  TOKIO_IO_EXT_WRITE_NUMBER(u64_le, std::uint64_t)
  TOKIO_IO_EXT_WRITE_NUMBER(i64_le, std::int64_t)
  TOKIO_IO_EXT_WRITE_NUMBER(f32_le, float)
  TOKIO_IO_EXT_WRITE_NUMBER(f64_le, double)

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

#undef TOKIO_IO_EXT_WRITE_NUMBER

}  // namespace tokio::io
