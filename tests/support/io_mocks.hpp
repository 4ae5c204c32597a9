// Scripted readers and writers for the tokio::io utility tests: a reader that gives its data in
// fixed chunks (and optionally an error), and a writer that takes at most N bytes per call.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "tokio/io/util/ext.hpp"
#include "tokio/task/task.hpp"
#include "tokio/task/yield_now.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio_test {

/// Gives each scripted chunk (or the part of it that fits) per read, then EOF, or throws
/// `error` once the chunks are used up when it is set. With `yield_first`, every read yields
/// to the scheduler once before it completes (so the caller really suspends).
class ScriptedReader : public tokio::io::AsyncReadExt<ScriptedReader> {
 public:
  explicit ScriptedReader(std::vector<std::string> chunks)
      : chunks_(chunks.begin(), chunks.end()) {}

  tokio::Task<std::size_t> read(std::span<std::byte> buf) {
    ++reads;
    read_sizes.push_back(buf.size());
    if (yield_first) co_await tokio::task::yield_now();
    if (buf.empty()) co_return 0;
    if (chunks_.empty()) {
      if (error) throw std::system_error(error, "scripted read error");
      co_return 0;
    }
    std::string& front = chunks_.front();
    std::size_t n = std::min(buf.size(), front.size());
    std::memcpy(buf.data(), front.data(), n);
    front.erase(0, n);
    if (front.empty()) chunks_.pop_front();
    co_return n;
  }

  int reads = 0;
  std::vector<std::size_t> read_sizes;
  bool yield_first = false;
  std::error_code error;

 private:
  std::deque<std::string> chunks_;
};

/// Takes at most `max_per_call` bytes per write (and 0 once `accept_total` bytes were taken,
/// when that is set), records flushes and shutdown. write_vectored is not offered.
class LimitedWriter : public tokio::io::AsyncWriteExt<LimitedWriter> {
 public:
  explicit LimitedWriter(std::size_t max_per_call = SIZE_MAX) : max_per_call_(max_per_call) {}

  tokio::Task<std::size_t> write(std::span<const std::byte> buf) {
    ++writes;
    write_sizes.push_back(buf.size());
    if (yield_first) co_await tokio::task::yield_now();
    if (error) throw std::system_error(error, "scripted write error");
    std::size_t n = std::min(buf.size(), max_per_call_);
    if (accept_total != SIZE_MAX) n = std::min(n, accept_total - data.size());
    data.append(reinterpret_cast<const char*>(buf.data()), n);
    co_return n;
  }
  tokio::Task<void> flush() {
    ++flushes;
    co_return;
  }
  tokio::Task<void> shutdown() {
    ++shutdowns;
    co_return;
  }

  std::string data;
  int writes = 0;
  int flushes = 0;
  int shutdowns = 0;
  std::vector<std::size_t> write_sizes;
  std::size_t accept_total = SIZE_MAX;
  bool yield_first = false;
  std::error_code error;

 private:
  std::size_t max_per_call_;
};

inline std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s));
}

/// A deterministic byte pattern (position-dependent, period 251, a prime) for large transfers.
inline std::vector<std::byte> pattern(std::size_t n, unsigned seed = 0) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = static_cast<std::byte>((i + seed) % 251);
  return v;
}

/// A Task that sleeps (select takes Tasks).
inline tokio::Task<void> sleep_ms(int ms) {
  co_await tokio::time::sleep(std::chrono::milliseconds(ms));
}

}  // namespace tokio_test
