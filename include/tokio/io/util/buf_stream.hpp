// tokio::io::BufStream: a read buffer and a write buffer around one stream (Tokio's
// io::BufStream, which is BufReader<BufWriter<S>>).
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/buf_reader.hpp"
#include "tokio/io/util/buf_writer.hpp"
#include "tokio/io/util/ext.hpp"

namespace tokio::io {

/// Buffers both directions of a stream `S` that is AsyncRead and AsyncWrite: reads behave as
/// BufReader's, writes as BufWriter's (8 KiB each by default). Flush (or shut down) before
/// dropping it, or the buffered writes are lost. `S` may be a reference (borrowed stream).
///
/// Errors and cancel safety: see BufReader (read side) and BufWriter (write side).
/// Thread safety: one read-side and one write-side operation may run at once when S allows a
/// read and a write at once; must not move while an operation is running.
template <class S>
requires AsyncRead<std::remove_reference_t<S>> && AsyncWrite<std::remove_reference_t<S>>
class BufStream : public AsyncReadExt<BufStream<S>>,
                  public AsyncBufReadExt<BufStream<S>>,
                  public AsyncWriteExt<BufStream<S>> {
  using Inner = std::remove_reference_t<S>;

 public:
  /// Buffers of 8 KiB each way.
  explicit BufStream(S stream) : inner_(BufWriter<S>(std::forward<S>(stream))) {}
  /// Buffers of the given sizes (each at least 1; std::invalid_argument otherwise).
  BufStream(std::size_t read_capacity, std::size_t write_capacity, S stream)
      : inner_(read_capacity, BufWriter<S>(write_capacity, std::forward<S>(stream))) {}
  /// Tokio's spelling of the constructor above.
  static BufStream with_capacity(std::size_t read_capacity, std::size_t write_capacity, S stream) {
    return BufStream(read_capacity, write_capacity, std::forward<S>(stream));
  }

  /// The stream. Using it directly skips both buffers.
  Inner& get_mut() noexcept { return inner_.get_mut().get_mut(); }
  const Inner& get_ref() const noexcept { return inner_.get_ref().get_ref(); }
  /// Gives the stream back; buffered bytes (both ways) are dropped.
  S into_inner() && { return std::move(std::move(inner_).into_inner()).into_inner(); }

  /// See BufReader::read.
  [[nodiscard]] Task<std::size_t> read(std::span<std::byte> buf) { return inner_.read(buf); }
  /// See BufReader::fill_buf.
  [[nodiscard]] Task<std::span<const std::byte>> fill_buf() { return inner_.fill_buf(); }
  /// See BufReader::consume.
  void consume(std::size_t n) noexcept { inner_.consume(n); }
  /// See BufWriter::write.
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf) {
    return inner_.get_mut().write(buf);
  }
  /// See BufWriter::write_vectored.
  [[nodiscard]] Task<std::size_t> write_vectored(std::span<const IoSlice> slices) {
    return inner_.get_mut().write_vectored(slices);
  }
  /// See BufWriter::flush.
  [[nodiscard]] Task<void> flush() { return inner_.get_mut().flush(); }
  /// See BufWriter::shutdown.
  [[nodiscard]] Task<void> shutdown() { return inner_.get_mut().shutdown(); }

 private:
  BufReader<BufWriter<S>> inner_;
};

template <class S>
BufStream(S&&) -> BufStream<std::remove_cvref_t<S>>;
template <class S>
BufStream(std::size_t, std::size_t, S&&) -> BufStream<std::remove_cvref_t<S>>;

}  // namespace tokio::io
