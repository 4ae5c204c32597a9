// Loops over a stream's own read / write primitives, for the socket tests (which check those
// primitives, so they do not go through the io utilities).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/io_mocks.hpp"  // pattern()
#include "tokio/task/task.hpp"
#include "tokio/test.hpp"

namespace tokio_test {

/// Writes all of `data` with w.write, checking that every write makes progress.
template <class W>
tokio::Task<void> send_all(W& w, std::span<const std::byte> data) {
  while (!data.empty()) {
    const std::size_t n = co_await w.write(data);
    TOKIO_CO_ASSERT(n > 0);
    data = data.subspan(n);
  }
}

/// Reads with r.read until end of stream.
template <class R>
tokio::Task<std::vector<std::byte>> recv_to_end(R& r) {
  std::vector<std::byte> out;
  std::byte buf[4096];
  for (;;) {
    const std::size_t n = co_await r.read(buf);
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  co_return out;
}

/// recv_to_end as text.
template <class R>
tokio::Task<std::string> recv_text_to_end(R& r) {
  std::string out;
  char buf[4096];
  for (;;) {
    const std::size_t n = co_await r.read(buf);
    if (n == 0) break;
    out.append(buf, n);
  }
  co_return out;
}

/// The bytes of a text (the text must outlive the span).
inline std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

}  // namespace tokio_test
