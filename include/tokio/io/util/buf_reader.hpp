// tokio::io::BufReader: adds a read buffer to any AsyncRead, making it an AsyncBufRead (Tokio's
// io::BufReader).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/task/task.hpp"

namespace tokio::io {

/// Reads from `R` in large chunks (8 KiB by default) and serves small reads, fill_buf/consume,
/// read_until, read_line and lines from the buffer, so a protocol that reads a few bytes at a
/// time makes few system calls. A read at least as large as the buffer, made while the buffer
/// is empty, goes straight to the inner reader (no copy).
///
/// `R` is the reader type (moved in), or a reference to it (borrowed: it must outlive the
/// BufReader). When R is also AsyncWrite, the write side is passed through unbuffered, so a
/// BufReader<TcpStream> is still a full stream.
///
/// Errors: the inner reader's std::system_error; after an error the buffer is empty and the
/// BufReader may be used again.
/// Cancel safety: read and fill_buf are cancel-safe (if the inner read is): a cancelled call
/// took no bytes from the buffer or the inner reader.
/// Thread safety: one operation at a time (reads and the passed-through writes may overlap
/// if the inner stream allows a read and a write at once); the BufReader must not move while
/// an operation is running.
template <class R>
requires AsyncRead<std::remove_reference_t<R>>
class BufReader : public AsyncReadExt<BufReader<R>>,
                  public AsyncBufReadExt<BufReader<R>>,
                  public AsyncWriteExt<BufReader<R>> {
  using Inner = std::remove_reference_t<R>;

 public:
  static constexpr std::size_t kDefaultCapacity = 8 * 1024;

  /// A BufReader with an 8 KiB buffer.
  explicit BufReader(R inner) : BufReader(kDefaultCapacity, std::forward<R>(inner)) {}
  /// A BufReader with a buffer of `capacity` bytes. Throws std::invalid_argument if capacity
  /// is 0 (nothing could ever be buffered).
  BufReader(std::size_t capacity, R inner)
      : inner_(std::forward<R>(inner)), buf_(make_buffer(capacity)), cap_(capacity) {}
  /// Tokio's spelling of the constructor above.
  static BufReader with_capacity(std::size_t capacity, R inner) {
    return BufReader(capacity, std::forward<R>(inner));
  }

  BufReader(BufReader&&) = default;
  BufReader& operator=(BufReader&&) = default;

  /// The inner reader. Reading from it directly skips the buffered bytes.
  Inner& get_mut() noexcept { return inner_; }
  const Inner& get_ref() const noexcept { return inner_; }
  /// Gives the inner reader back; bytes still buffered are dropped (see buffer()).
  R into_inner() && { return std::forward<R>(inner_); }
  /// The bytes read from the inner reader and not consumed yet.
  std::span<const std::byte> buffer() const noexcept { return {buf_.get() + pos_, filled_ - pos_}; }
  /// The buffer's size in bytes.
  std::size_t capacity() const noexcept { return cap_; }

  /// AsyncRead: copies buffered bytes into `out`, refilling the buffer with one inner read when
  /// it is empty; gives how many (0 at end of stream or when out is empty).
  [[nodiscard]] Task<std::size_t> read(std::span<std::byte> out) {
    if (out.empty()) co_return 0;
    if (pos_ == filled_) {
      // Nothing buffered: a read as large as the buffer gains nothing from it.
      if (out.size() >= cap_) co_return co_await inner_.read(out);
      std::size_t n = co_await inner_.read(std::span<std::byte>(buf_.get(), cap_));
      pos_ = 0;
      filled_ = n;
    }
    std::size_t n = std::min(out.size(), filled_ - pos_);
    if (n > 0) std::memcpy(out.data(), buf_.get() + pos_, n);
    pos_ += n;
    co_return n;
  }

  /// AsyncBufRead: the buffered bytes, after one inner read if there were none; empty at end of
  /// stream. The view is valid until the next call on this BufReader.
  [[nodiscard]] Task<std::span<const std::byte>> fill_buf() {
    if (pos_ == filled_) {
      std::size_t n = co_await inner_.read(std::span<std::byte>(buf_.get(), cap_));
      pos_ = 0;
      filled_ = n;
    }
    co_return buffer();
  }

  /// AsyncBufRead: marks the first `n` buffered bytes as read (n is capped to the buffer).
  void consume(std::size_t n) noexcept { pos_ = std::min(pos_ + n, filled_); }

  // The write side of the inner stream, unbuffered (only when R is AsyncWrite).
  auto write(std::span<const std::byte> buf) requires AsyncWrite<Inner> {
    return inner_.write(buf);
  }
  auto write_vectored(std::span<const IoSlice> slices) requires AsyncWriteVectored<Inner> {
    return inner_.write_vectored(slices);
  }
  auto flush() requires AsyncWrite<Inner> { return inner_.flush(); }
  auto shutdown() requires AsyncWrite<Inner> { return inner_.shutdown(); }

 private:
  static std::unique_ptr<std::byte[]> make_buffer(std::size_t capacity) {
    if (capacity == 0)
      throw std::invalid_argument("tokio::io::BufReader: capacity must be at least 1 byte");
    return std::make_unique_for_overwrite<std::byte[]>(capacity);
  }

  R inner_;
  std::unique_ptr<std::byte[]> buf_;
  std::size_t cap_;
  std::size_t pos_ = 0;     // first unconsumed byte
  std::size_t filled_ = 0;  // end of the valid bytes; pos_ <= filled_ <= cap_
};

template <class R>
BufReader(R&&) -> BufReader<std::remove_cvref_t<R>>;
template <class R>
BufReader(std::size_t, R&&) -> BufReader<std::remove_cvref_t<R>>;

}  // namespace tokio::io
