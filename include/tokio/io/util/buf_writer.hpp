// tokio::io::BufWriter: adds a write buffer to any AsyncWrite (Tokio's io::BufWriter).
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/io/util/write.hpp"
#include "tokio/task/task.hpp"

namespace tokio::io {

/// Collects small writes in a buffer (8 KiB by default) and hands them to `W` in large chunks.
/// A write that does not fit flushes the buffer first; a write at least as large as the
/// buffer then goes straight to the inner writer. flush() writes the buffer out and flushes
/// the inner writer; shutdown() does the same, then shuts the inner writer down.
///
/// Bytes still buffered when a BufWriter is destroyed are lost (a destructor cannot await):
/// call flush() or shutdown() first, as with Tokio.
///
/// `W` is the writer type (moved in), or a reference to it (borrowed). When W is also
/// AsyncRead (or AsyncBufRead), reads are passed through unchanged.
///
/// Errors: the inner writer's std::system_error; Errc::write_zero when the inner writer takes
/// no more bytes while the buffer is written out. Bytes the inner writer took are removed from
/// the buffer at once, so after an error or a cancellation the rest is still buffered.
/// Cancel safety: write and write_vectored are cancel-safe (a cancelled call buffered none of
/// its bytes, though it may have written out part of the older buffered bytes); flush and
/// shutdown may be started again after a cancel.
/// Thread safety: one write-side operation at a time; must not move while one is running.
template <class W>
requires AsyncWrite<std::remove_reference_t<W>>
class BufWriter : public AsyncReadExt<BufWriter<W>>,
                  public AsyncBufReadExt<BufWriter<W>>,
                  public AsyncWriteExt<BufWriter<W>> {
  using Inner = std::remove_reference_t<W>;

 public:
  static constexpr std::size_t kDefaultCapacity = 8 * 1024;

  /// A BufWriter with an 8 KiB buffer.
  explicit BufWriter(W inner) : BufWriter(kDefaultCapacity, std::forward<W>(inner)) {}
  /// A BufWriter with a buffer of `capacity` bytes. Throws std::invalid_argument if capacity is
  /// 0.
  BufWriter(std::size_t capacity, W inner) : inner_(std::forward<W>(inner)), cap_(capacity) {
    if (capacity == 0)
      throw std::invalid_argument("tokio::io::BufWriter: capacity must be at least 1 byte");
    buf_.reserve(capacity);
  }
  /// Tokio's spelling of the constructor above.
  static BufWriter with_capacity(std::size_t capacity, W inner) {
    return BufWriter(capacity, std::forward<W>(inner));
  }

  BufWriter(BufWriter&&) = default;
  BufWriter& operator=(BufWriter&&) = default;

  /// The inner writer. Writing to it directly bypasses (and overtakes) the buffered bytes.
  Inner& get_mut() noexcept { return inner_; }
  const Inner& get_ref() const noexcept { return inner_; }
  /// Gives the inner writer back; bytes still buffered are dropped (flush first).
  W into_inner() && { return std::forward<W>(inner_); }
  /// The bytes written to this BufWriter and not yet to the inner writer.
  std::span<const std::byte> buffer() const noexcept { return buf_; }
  /// The buffer's size in bytes.
  std::size_t capacity() const noexcept { return cap_; }

  /// AsyncWrite: buffers `buf` (flushing the buffer first if it does not fit), or writes it
  /// straight through when it is at least as large as the buffer. Gives how many bytes it
  /// took: all of buf when buffered.
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf) {
    if (buf_.size() + buf.size() > cap_) co_await flush_buf();
    if (buf.size() >= cap_) co_return co_await inner_.write(buf);
    buf_.insert(buf_.end(), buf.begin(), buf.end());
    co_return buf.size();
  }

  /// AsyncWriteVectored: buffers every slice when they fit together, else (after flushing the
  /// buffer) hands them to the inner writer's write_vectored, or writes the first non-empty
  /// one when the inner writer has none.
  [[nodiscard]] Task<std::size_t> write_vectored(std::span<const IoSlice> slices) {
    std::size_t total = 0;
    for (const IoSlice& s : slices)
      total += s.size();
    if (buf_.size() + total > cap_) co_await flush_buf();
    if (total >= cap_) co_return co_await detail::write_vectored_impl(inner_, slices);
    for (const IoSlice& s : slices)
      buf_.insert(buf_.end(), s.bytes().begin(), s.bytes().end());
    co_return total;
  }

  /// AsyncWrite: writes the whole buffer to the inner writer, then flushes it.
  [[nodiscard]] Task<void> flush() {
    co_await flush_buf();
    co_await inner_.flush();
  }

  /// AsyncWrite: writes the whole buffer to the inner writer, then shuts it down.
  [[nodiscard]] Task<void> shutdown() {
    co_await flush_buf();
    co_await inner_.shutdown();
  }

  // The read side of the inner stream, unchanged (only when W is AsyncRead / AsyncBufRead).
  auto read(std::span<std::byte> buf) requires AsyncRead<Inner> { return inner_.read(buf); }
  auto fill_buf() requires AsyncBufRead<Inner> { return inner_.fill_buf(); }
  void consume(std::size_t n) requires AsyncBufRead<Inner> { inner_.consume(n); }

 private:
  // Writes the buffer out, dropping each chunk as soon as the inner writer took it (so a
  // cancellation or an error keeps exactly the bytes not written yet).
  Task<void> flush_buf() {
    while (!buf_.empty()) {
      std::size_t n = co_await inner_.write(std::span<const std::byte>(buf_));
      if (n == 0) detail::throw_write_zero("tokio::io::BufWriter: writing the buffer out");
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }

  W inner_;
  std::vector<std::byte> buf_;  // size() <= cap_ after every write
  std::size_t cap_;
};

template <class W>
BufWriter(W&&) -> BufWriter<std::remove_cvref_t<W>>;
template <class W>
BufWriter(std::size_t, W&&) -> BufWriter<std::remove_cvref_t<W>>;

}  // namespace tokio::io
