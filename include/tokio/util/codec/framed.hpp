// tokio::util::codec::FramedRead, FramedWrite and Framed: a byte stream seen as a stream of
// frames (read through a Decoder) and as a sink of frames (written through an Encoder).
#pragma once

#include <cstddef>
#include <optional>
#include <system_error>
#include <utility>

#include "tokio/bytes/bytes_mut.hpp"
#include "tokio/detail/done_or_task.hpp"
#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/error.hpp"
#include "tokio/task/task.hpp"
#include "tokio/util/codec/decoder.hpp"

namespace tokio::util::codec {

namespace detail {

// Bytes asked of each read when the buffer has less room than that.
inline constexpr std::size_t kReadReserve = 8 * 1024;
// FramedWrite::feed flushes first once this much is buffered (tokio-util's default).
inline constexpr std::size_t kBackpressureBoundary = 128 * 1024;

// The read side shared by FramedRead and Framed: one buffer, the end-of-input flag.
struct ReadHalfState {
  bytes::BytesMut buffer;
  bool eof = false;

  template <class IO, class D>
  Task<std::optional<typename D::Item>> read_next(IO& io, D& codec) {
    for (;;) {
      if (eof) co_return decode_eof(codec, buffer);  // each call after the end: one more try
      if (auto frame = codec.decode(buffer)) co_return frame;
      if (buffer.capacity() - buffer.size() < kReadReserve / 8) buffer.reserve(kReadReserve);
      // A read lost to a cancellation took no byte; what was read before stays in `buffer`.
      const std::size_t n = co_await io.read(buffer.spare_capacity());
      if (n == 0) {
        eof = true;
      } else {
        buffer.commit(n);
      }
    }
  }
};

// The awaitable of next(): a frame already in the buffer is decoded in await_ready, with no
// coroutine frame; otherwise a Task reads until one is there. Decoding happens only when the
// awaitable is awaited (never when it is made), so a next() that a select drops before
// polling it takes nothing from the buffer.
template <class IO, class D>
class [[nodiscard]] FramedNext {
 public:
  using tokio_native_awaiter = void;  // ready at once, or Task::Awaiter's protocol
  using Output = std::optional<typename D::Item>;

  FramedNext(ReadHalfState& state, IO& io, D& codec) noexcept
      : state_(&state), io_(&io), codec_(&codec) {}
  FramedNext(FramedNext&&) noexcept = default;  // before it is first awaited
  FramedNext& operator=(const FramedNext&) = delete;

  bool await_ready() {
    if (state_->eof) return false;
    ready_ = codec_->decode(state_->buffer);
    return ready_.has_value();
  }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) {
    task_ = state_->read_next(*io_, *codec_);
    awaiter_.emplace(typename Task<Output>::Awaiter{task_});
    return awaiter_->await_suspend(awaiting);
  }
  Output await_resume() {
    if (ready_) return std::move(ready_);
    return awaiter_->await_resume();
  }

 private:
  ReadHalfState* state_;
  IO* io_;
  D* codec_;
  Output ready_;
  Task<Output> task_;
  std::optional<typename Task<Output>::Awaiter> awaiter_;
};

// The write side shared by FramedWrite and Framed.
struct WriteHalfState {
  bytes::BytesMut buffer;
  std::size_t backpressure_boundary = kBackpressureBoundary;

  template <class IO>
  Task<void> flush(IO& io) {
    while (!buffer.empty()) {
      const std::size_t n = co_await io.write(buffer.span());
      if (n == 0)
        throw std::system_error(make_error_code(io::Errc::write_zero),
                                "tokio::util::codec: writing a frame");
      buffer.advance(n);  // after each write: a cancelled flush resumes where it stopped
    }
    co_await io.flush();
  }

  // Encodes `item` into the buffer at once when it has room (no coroutine frame), else after a
  // flush.
  template <class IO, class E, class Item>
  tokio::detail::DoneOrTask feed(IO& io, E& encoder, Item item) {
    if (buffer.size() < backpressure_boundary) {
      encoder.encode(std::move(item), buffer);
      return tokio::detail::DoneOrTask::done();
    }
    return tokio::detail::DoneOrTask::later(flush_then_encode(io, encoder, std::move(item)));
  }
  template <class IO, class E, class Item>
  Task<void> send(IO& io, E& encoder, Item item) {
    co_await feed(io, encoder, std::move(item));
    co_await flush(io);
  }
  template <class IO>
  Task<void> close(IO& io) {
    co_await flush(io);
    co_await io.shutdown();
  }

 private:
  template <class IO, class E, class Item>
  Task<void> flush_then_encode(IO& io, E& encoder, Item item) {
    co_await flush(io);
    encoder.encode(std::move(item), buffer);
  }
};

}  // namespace detail

/// Frames decoded from an AsyncRead (tokio-util's FramedRead): `co_await r.next()` gives the
/// next frame, or std::nullopt once the input has ended (after the decoder's decode_eof had
/// its say). A StreamLike, so the StreamExt functions and StreamMap take it.
///
/// Errors: the reader's std::system_error; the decoder's errors (a CodecError). After a
/// decoder error the FramedRead stays usable: the next next() goes on with the input after the
/// bad frame, if the codec resynchronises (LinesCodec does). Tokio's ends the stream instead.
///
/// Cancel safety: next() is cancel-safe: bytes read before the cancellation stay buffered.
/// Memory: the buffer holds at most one partial frame plus one read (8 KiB); a codec with a
/// length limit bounds the partial frame.
template <class R, Decoder D>
requires io::AsyncRead<R>
class FramedRead {
 public:
  using Item = typename D::Item;
  FramedRead(R reader, D decoder) : reader_(std::move(reader)), decoder_(std::move(decoder)) {}

  /// The next frame, or std::nullopt at the end of the input. Cancel-safe.
  auto next() { return detail::FramedNext<R, D>(state_, reader_, decoder_); }

  R& get_mut() noexcept { return reader_; }
  const R& get_ref() const noexcept { return reader_; }
  D& decoder_mut() noexcept { return decoder_; }
  const D& decoder() const noexcept { return decoder_; }
  /// Bytes read but not yet decoded.
  const bytes::BytesMut& read_buffer() const noexcept { return state_.buffer; }
  R into_inner() && { return std::move(reader_); }

 private:
  R reader_;
  D decoder_;
  detail::ReadHalfState state_;
};

/// A sink of frames encoded into an AsyncWrite (tokio-util's FramedWrite).
///
/// `feed(item)` encodes into the buffer (flushing first once 128 KiB are buffered);
/// `flush()` writes the buffer out and flushes the writer; `send(item)` is feed then flush;
/// `close()` flushes and shuts the writer down. Errors: the encoder's (nothing is buffered for
/// that item) and the writer's std::system_error.
///
/// Cancel safety: an item fed is in the buffer and goes out with the next flush; a cancelled
/// flush or send may be started again and writes each byte once.
template <class W, class E>
requires io::AsyncWrite<W>
class FramedWrite {
 public:
  FramedWrite(W writer, E encoder) : writer_(std::move(writer)), encoder_(std::move(encoder)) {}

  template <class Item>
  requires Encoder<E, Item> tokio::detail::DoneOrTask feed(Item item) {
    return state_.feed(writer_, encoder_, std::move(item));
  }
  template <class Item>
  requires Encoder<E, Item> Task<void> send(Item item) {
    return state_.send(writer_, encoder_, std::move(item));
  }
  Task<void> flush() { return state_.flush(writer_); }
  Task<void> close() { return state_.close(writer_); }

  void set_backpressure_boundary(std::size_t bytes) noexcept {
    state_.backpressure_boundary = bytes;
  }
  W& get_mut() noexcept { return writer_; }
  const W& get_ref() const noexcept { return writer_; }
  E& encoder_mut() noexcept { return encoder_; }
  /// Bytes encoded but not yet written.
  const bytes::BytesMut& write_buffer() const noexcept { return state_.buffer; }
  W into_inner() && { return std::move(writer_); }

 private:
  W writer_;
  E encoder_;
  detail::WriteHalfState state_;
};

/// One I/O object read and written as frames through one codec (tokio-util's Framed): the
/// members of FramedRead and FramedWrite together.
///
/// ```
/// tokio::util::codec::Framed lines(std::move(socket),
///                                  tokio::util::codec::LinesCodec::new_with_max_length(4096));
/// while (auto line = co_await lines.next()) co_await lines.send(*line);  // an echo server
/// ```
///
/// Thread safety: one task at a time; a next() and a send() may be pending together in that
/// task (in a select or join), as they use separate buffers.
template <class T, class C>
requires io::AsyncRead<T> && io::AsyncWrite<T> && Decoder<C>
class Framed {
 public:
  using Item = typename C::Item;
  Framed(T io, C codec) : io_(std::move(io)), codec_(std::move(codec)) {}

  /// The next frame, or std::nullopt at the end of the input. Cancel-safe.
  auto next() { return detail::FramedNext<T, C>(read_, io_, codec_); }

  template <class Out>
  requires Encoder<C, Out> tokio::detail::DoneOrTask feed(Out item) {
    return write_.feed(io_, codec_, std::move(item));
  }
  template <class Out>
  requires Encoder<C, Out> Task<void> send(Out item) {
    return write_.send(io_, codec_, std::move(item));
  }
  Task<void> flush() { return write_.flush(io_); }
  Task<void> close() { return write_.close(io_); }

  void set_backpressure_boundary(std::size_t bytes) noexcept {
    write_.backpressure_boundary = bytes;
  }
  T& get_mut() noexcept { return io_; }
  const T& get_ref() const noexcept { return io_; }
  C& codec_mut() noexcept { return codec_; }
  const C& codec() const noexcept { return codec_; }
  const bytes::BytesMut& read_buffer() const noexcept { return read_.buffer; }
  const bytes::BytesMut& write_buffer() const noexcept { return write_.buffer; }
  T into_inner() && { return std::move(io_); }

 private:
  T io_;
  C codec_;
  detail::ReadHalfState read_;
  detail::WriteHalfState write_;
};

}  // namespace tokio::util::codec
