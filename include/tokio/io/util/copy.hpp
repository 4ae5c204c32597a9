// tokio::io::copy and copy_buf: move every byte of a reader into a writer (Tokio's io::copy,
// io::copy_buf).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "tokio/io/async_read.hpp"
#include "tokio/io/async_write.hpp"
#include "tokio/io/util/write.hpp"
#include "tokio/task/task.hpp"

namespace tokio::io {

/// Reads `reader` to its end and writes everything to `writer` through an 8 KiB buffer; flushes
/// the writer at the end and gives the number of bytes copied. Does not shut the writer down.
///
/// Flushing: Tokio flushes the writer whenever the reader has nothing ready, so bytes sitting
/// in a BufWriter are not held back while the reader waits. A coroutine cannot ask whether a
/// read will wait without starting it, so copy flushes before every read that follows a
/// write: the same guarantee, at the price of more flushes (cheap for unbuffered writers,
/// whose flush does nothing).
///
/// Errors: the reader's or writer's std::system_error; Errc::write_zero when the writer takes
/// no more bytes. Bytes already copied are not reported then.
/// Cancel safety: not cancel-safe: bytes read but not yet written when it is cancelled are lost.
template <AsyncRead R, AsyncWrite W>
[[nodiscard]] Task<std::uint64_t> copy(R& reader, W& writer) {
  constexpr std::size_t kBufSize = 8 * 1024;
  auto buf = std::make_unique_for_overwrite<std::byte[]>(kBufSize);
  std::uint64_t total = 0;
  bool dirty = false;  // written to since the last flush
  for (;;) {
    if (dirty) {
      co_await writer.flush();
      dirty = false;
    }
    std::size_t n = co_await reader.read(std::span<std::byte>(buf.get(), kBufSize));
    if (n == 0) break;
    co_await detail::write_all_impl(writer, std::span<const std::byte>(buf.get(), n));
    total += n;
    dirty = true;
  }
  co_await writer.flush();
  co_return total;
}

/// Like copy, but writes straight from the reader's own buffer (fill_buf / consume), with no
/// buffer of its own. Flushes as copy does; gives the number of bytes copied.
///
/// Errors: as copy. Cancel safety: cancel-safe if the writer's write is: bytes are consumed
/// from the reader only after the writer took them.
template <AsyncBufRead R, AsyncWrite W>
[[nodiscard]] Task<std::uint64_t> copy_buf(R& reader, W& writer) {
  std::uint64_t total = 0;
  bool dirty = false;
  for (;;) {
    if (dirty) {
      co_await writer.flush();
      dirty = false;
    }
    std::span<const std::byte> avail = co_await reader.fill_buf();
    if (avail.empty()) break;
    std::size_t n = co_await writer.write(avail);
    if (n == 0) detail::throw_write_zero("tokio::io::copy_buf");
    reader.consume(n);
    total += n;
    dirty = true;
  }
  co_await writer.flush();
  co_return total;
}

}  // namespace tokio::io
