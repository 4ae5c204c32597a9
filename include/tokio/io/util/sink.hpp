// tokio::io::sink / Sink: a writer that drops every byte (Tokio's io::sink).
#pragma once

#include <cstddef>
#include <span>

#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/task/task.hpp"
#include "tokio/task/yield_now.hpp"

namespace tokio::io {

/// A writer that takes every byte and drops it; flush and shutdown do nothing.
/// Each write takes one unit of the cooperative budget. Errors: none. Cancel safety:
/// cancel-safe.
class Sink : public AsyncWriteExt<Sink> {
 public:
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf) {
    co_await task::consume_budget();
    co_return buf.size();
  }
  [[nodiscard]] Task<std::size_t> write_vectored(std::span<const IoSlice> slices) {
    co_await task::consume_budget();
    std::size_t n = 0;
    for (const IoSlice& s : slices)
      n += s.size();
    co_return n;
  }
  [[nodiscard]] Task<void> flush() { co_return; }
  [[nodiscard]] Task<void> shutdown() { co_return; }
};

/// A writer that drops everything. See Sink.
inline Sink sink() noexcept {
  return {};
}

}  // namespace tokio::io
