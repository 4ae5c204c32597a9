// tokio::io::split(stream), ReadHalf, WriteHalf, unsplit: one stream used as two owned halves
// (Tokio's io::split), e.g. to read in one task and write in another.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/ext.hpp"

namespace tokio::io {

template <class T>
class ReadHalf;
template <class T>
class WriteHalf;

}  // namespace tokio::io

namespace tokio::detail {
// Makes the two halves (their constructors are private).
struct HalvesAccess {
  template <class T>
  static std::pair<io::ReadHalf<T>, io::WriteHalf<T>> make(std::shared_ptr<T> stream) {
    return {io::ReadHalf<T>(stream), io::WriteHalf<T>(std::move(stream))};
  }
};
}  // namespace tokio::detail

namespace tokio::io {

/// The read half of a stream split by split(): an AsyncRead (and AsyncBufRead when T is)
/// sharing ownership of the stream with its WriteHalf.
///
/// Thread safety: unlike Tokio's halves, which lock the stream around each poll, these call the
/// stream directly. A read on this half and a write on the other may run at once (from two
/// tasks, on two threads) only if T allows one read and one write concurrently: tokio-cpp's
/// sockets, DuplexStream and SimplexStream do. Two reads at once are never allowed.
/// Errors and cancel safety: those of T's read.
template <class T>
class ReadHalf : public AsyncReadExt<ReadHalf<T>> {
 public:
  /// AsyncRead: T's read.
  auto read(std::span<std::byte> buf) { return stream_->read(buf); }
  /// AsyncBufRead, when T is.
  auto fill_buf() requires AsyncBufRead<T> { return stream_->fill_buf(); }
  void consume(std::size_t n) requires AsyncBufRead<T> { stream_->consume(n); }

  /// True if `other` was split from the same stream as this half.
  bool is_pair_of(const WriteHalf<T>& other) const noexcept {
    return stream_ && stream_ == other.stream_;
  }
  /// Joins this half with its WriteHalf and gives the stream back. Throws std::logic_error if
  /// `other` is not this half's pair (see is_pair_of).
  T unsplit(WriteHalf<T> other) && {
    if (!is_pair_of(other))
      throw std::logic_error(
          "tokio::io::unsplit: the halves come from different split() calls; pass the "
          "ReadHalf and WriteHalf returned by the same split");
    std::shared_ptr<T> stream = std::move(stream_);
    other.stream_.reset();
    return std::move(*stream);
  }

 private:
  friend struct detail::HalvesAccess;
  friend class WriteHalf<T>;
  explicit ReadHalf(std::shared_ptr<T> stream) noexcept : stream_(std::move(stream)) {}
  std::shared_ptr<T> stream_;
};

/// The write half of a stream split by split(): an AsyncWrite (AsyncWriteVectored when T is)
/// sharing ownership of the stream with its ReadHalf. Dropping it does not shut the stream
/// down: call shutdown() for that. Thread safety: see ReadHalf.
template <class T>
class WriteHalf : public AsyncWriteExt<WriteHalf<T>> {
 public:
  /// AsyncWrite: T's write, flush and shutdown.
  auto write(std::span<const std::byte> buf) { return stream_->write(buf); }
  auto write_vectored(std::span<const IoSlice> slices) requires AsyncWriteVectored<T> {
    return stream_->write_vectored(slices);
  }
  auto flush() { return stream_->flush(); }
  auto shutdown() { return stream_->shutdown(); }

  /// True if `other` was split from the same stream as this half.
  bool is_pair_of(const ReadHalf<T>& other) const noexcept { return other.is_pair_of(*this); }

 private:
  friend struct detail::HalvesAccess;
  friend class ReadHalf<T>;
  explicit WriteHalf(std::shared_ptr<T> stream) noexcept : stream_(std::move(stream)) {}
  std::shared_ptr<T> stream_;
};

/// Splits `stream` (moved in) into a read half and a write half that share it; the stream is
/// destroyed when both halves are. See ReadHalf for when the halves may be used at once.
/// Errors: std::bad_alloc only.
template <class T>
std::pair<ReadHalf<T>, WriteHalf<T>> split(T stream) requires AsyncRead<T> && AsyncWrite<T> {
  return detail::HalvesAccess::make(std::make_shared<T>(std::move(stream)));
}

/// Joins two halves made by the same split() and gives the stream back. Throws
/// std::logic_error if they are not a pair.
template <class T>
T unsplit(ReadHalf<T> read, WriteHalf<T> write) {
  return std::move(read).unsplit(std::move(write));
}

}  // namespace tokio::io
