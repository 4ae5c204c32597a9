// tokio::util::io::ReaderStream and StreamReader: between byte streams (AsyncRead) and streams
// of byte chunks (tokio-util's io module).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <optional>
#include <span>
#include <utility>

#include "tokio/bytes/bytes.hpp"
#include "tokio/bytes/bytes_mut.hpp"
#include "tokio/io/async_read.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/task/task.hpp"

namespace tokio::util::io {

/// The bytes of an AsyncRead as a stream of Bytes chunks (each what one read gave, at most
/// `capacity` bytes), ending at the reader's end. Chunks share storage with the buffer and
/// are not copied again. Errors: the reader's, thrown by next(). Cancel-safe (as read).
template <class R>
requires tokio::io::AsyncRead<R>
class ReaderStream {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;
  explicit ReaderStream(R reader, std::size_t capacity = kDefaultCapacity)
      : reader_(std::move(reader)), capacity_(capacity == 0 ? 1 : capacity) {}

  Task<std::optional<bytes::Bytes>> next() {
    if (done_) co_return std::nullopt;
    if (buffer_.capacity() - buffer_.size() < capacity_) buffer_.reserve(capacity_);
    auto spare = buffer_.spare_capacity().first(capacity_);
    const std::size_t n = co_await reader_.read(spare);
    if (n == 0) {
      done_ = true;
      co_return std::nullopt;
    }
    buffer_.commit(n);
    co_return buffer_.split().freeze();
  }

  R& get_mut() noexcept { return reader_; }
  R into_inner() && { return std::move(reader_); }

 private:
  R reader_;
  std::size_t capacity_;
  bytes::BytesMut buffer_;
  bool done_ = false;
};

/// An AsyncRead (and AsyncBufRead) over a stream of byte chunks: reads give the chunks' bytes
/// in order, and 0 once the stream has ended. Chunk types: Bytes, BytesMut, std::string,
/// std::vector<std::byte>... (anything with data() and size() of bytes or chars). Errors: the
/// stream's, thrown by read. Cancel-safe: a read that waits for the next chunk takes no byte
/// when dropped, and the stream's next() keeps the chunk (StreamLike's contract).
template <tokio::stream::StreamLike S>
class StreamReader {
 public:
  explicit StreamReader(S stream) : stream_(std::move(stream)) {}

  Task<std::size_t> read(std::span<std::byte> buf) {
    if (buf.empty()) co_return 0;
    auto available = co_await fill_buf();
    const std::size_t n = std::min(buf.size(), available.size());
    if (n != 0) std::memcpy(buf.data(), available.data(), n);
    consume(n);
    co_return n;
  }

  /// The rest of the current chunk, fetching the next non-empty one when it is used up; empty
  /// at the end of the stream.
  Task<std::span<const std::byte>> fill_buf() {
    while (offset_ == current_size() && !ended_) {
      auto item = co_await stream_.next();
      if (!item) {
        ended_ = true;
        break;
      }
      chunk_ = std::move(*item);
      offset_ = 0;
    }
    co_return std::span<const std::byte>(current_data() + offset_, current_size() - offset_);
  }
  void consume(std::size_t n) noexcept { offset_ = std::min(offset_ + n, current_size()); }

  S& get_mut() noexcept { return stream_; }
  S into_inner() && { return std::move(stream_); }

 private:
  using Chunk = tokio::stream::item_t<S>;
  const std::byte* current_data() const noexcept {
    return chunk_ ? reinterpret_cast<const std::byte*>(std::data(*chunk_)) : nullptr;
  }
  std::size_t current_size() const noexcept { return chunk_ ? std::size(*chunk_) : 0; }

  S stream_;
  std::optional<Chunk> chunk_;
  std::size_t offset_ = 0;
  bool ended_ = false;
};

}  // namespace tokio::util::io
