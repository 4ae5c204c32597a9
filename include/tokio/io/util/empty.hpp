// tokio::io::empty / Empty: a reader that is always at end of stream (Tokio's io::empty).
#pragma once

#include <cstddef>
#include <span>

#include "tokio/io/util/ext.hpp"
#include "tokio/task/task.hpp"
#include "tokio/task/yield_now.hpp"

namespace tokio::io {

/// A reader that is always at end of stream: read gives 0, fill_buf an empty view.
/// Each call takes one unit of the cooperative budget (so a loop on it still lets other tasks
/// run). Errors: none. Cancel safety: cancel-safe.
class Empty : public AsyncReadExt<Empty>, public AsyncBufReadExt<Empty> {
 public:
  [[nodiscard]] Task<std::size_t> read(std::span<std::byte>) {
    co_await task::consume_budget();
    co_return 0;
  }
  [[nodiscard]] Task<std::span<const std::byte>> fill_buf() {
    co_await task::consume_budget();
    co_return std::span<const std::byte>{};
  }
  void consume(std::size_t) noexcept {}
};

/// A reader that is always at end of stream. See Empty.
inline Empty empty() noexcept {
  return {};
}

}  // namespace tokio::io
