// tokio::util::io::InspectReader and InspectWriter: see the bytes passing through a reader or
// a writer (for checksums, logging, progress), without changing them.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <utility>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/task/task.hpp"

namespace tokio::util::io {

/// An AsyncRead that calls `f(bytes)` with the bytes of each read (never with an empty span).
template <class R, class F>
requires tokio::io::AsyncRead<R> && std::invocable<F&, std::span<const std::byte>>
class InspectReader {
 public:
  InspectReader(R reader, F f) : reader_(std::move(reader)), f_(std::move(f)) {}
  Task<std::size_t> read(std::span<std::byte> buf) {
    const std::size_t n = co_await reader_.read(buf);
    if (n != 0) std::invoke(f_, std::span<const std::byte>(buf.data(), n));
    co_return n;
  }
  R& get_mut() noexcept { return reader_; }
  R into_inner() && { return std::move(reader_); }

 private:
  R reader_;
  F f_;
};

/// An AsyncWrite that calls `f(bytes)` with the bytes each write actually wrote.
template <class W, class F>
requires tokio::io::AsyncWrite<W> && std::invocable<F&, std::span<const std::byte>>
class InspectWriter {
 public:
  InspectWriter(W writer, F f) : writer_(std::move(writer)), f_(std::move(f)) {}
  Task<std::size_t> write(std::span<const std::byte> buf) {
    const std::size_t n = co_await writer_.write(buf);
    if (n != 0) std::invoke(f_, buf.first(n));
    co_return n;
  }
  auto flush() { return writer_.flush(); }
  auto shutdown() { return writer_.shutdown(); }
  W& get_mut() noexcept { return writer_; }
  W into_inner() && { return std::move(writer_); }

 private:
  W writer_;
  F f_;
};

}  // namespace tokio::util::io
