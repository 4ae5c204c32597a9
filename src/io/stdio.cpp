// The blocking-pool machinery behind tokio::io::stdin / stdout / stderr.
#include "tokio/io/util/stdio.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>
#include <utility>

#include "tokio/task/spawn.hpp"

namespace tokio::detail {

namespace {

// The most one blocking job moves, as Tokio's stdio (bounds the copy a write makes).
constexpr std::size_t kMaxChunk = 2 * 1024 * 1024;

StdioReader::Chunk read_fd(int fd, std::size_t size) {
  StdioReader::Chunk chunk;
  chunk.data.resize(size);
  for (;;) {
    ssize_t r = ::read(fd, chunk.data.data(), size);
    if (r >= 0) {
      chunk.data.resize(static_cast<std::size_t>(r));
      return chunk;
    }
    if (errno != EINTR) {
      chunk.error = errno;
      chunk.data.clear();
      return chunk;
    }
  }
}

// Writes all of `data`, with SIGPIPE blocked on this thread: a write to a closed pipe then
// fails with EPIPE, and the SIGPIPE it raised (thread-directed, so pending on this thread)
// is taken with a zero-timeout sigtimedwait before the old mask comes back, unless one was
// pending already. Gives errno, or 0.
int write_fd(int fd, const std::byte* p, std::size_t n) noexcept {
  sigset_t pipe_set;
  sigset_t old_mask;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  int error = 0;
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  if (error == EPIPE && !was_pending) {
    struct timespec zero {};
    while (sigtimedwait(&pipe_set, nullptr, &zero) == -1 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return error;
}

}  // namespace

std::size_t StdioReader::take_buffered(std::span<std::byte> buf) noexcept {
  std::size_t n = std::min(buf.size(), buf_.size() - pos_);
  if (n > 0) std::memcpy(buf.data(), buf_.data() + pos_, n);
  pos_ += n;
  return n;
}

Task<std::size_t> StdioReader::read(std::span<std::byte> buf) {
  if (buf.empty()) co_return 0;
  if (pos_ < buf_.size()) co_return take_buffered(buf);
  if (!inflight_) {
    std::size_t size = std::min(buf.size(), kMaxChunk);
    auto job = [fd = fd_, size] { return read_fd(fd, size); };
    inflight_.emplace(task::spawn_blocking(std::move(job)));
  }
  // The handle stays in inflight_ while we wait: if this read is cancelled, the next one
  // waits for the same job and gets its bytes.
  auto& handle = *inflight_;
  std::optional<Chunk> chunk;
  try {
    chunk.emplace(co_await handle);
  } catch (...) {
    inflight_.reset();
    throw;
  }
  inflight_.reset();
  if (chunk->error != 0)
    throw std::system_error(chunk->error, std::system_category(), "tokio::io::stdin: read");
  buf_ = std::move(chunk->data);
  pos_ = 0;
  co_return take_buffered(buf);
}

Task<void> StdioWriter::flush() {
  if (!inflight_) co_return;
  auto& handle = *inflight_;
  int error = 0;
  try {
    error = co_await handle;
  } catch (...) {
    inflight_.reset();
    throw;
  }
  inflight_.reset();
  if (error != 0)
    throw std::system_error(error, std::system_category(), "tokio::io: write to a stdio stream");
}

Task<std::size_t> StdioWriter::write(std::span<const std::byte> buf) {
  co_await flush();  // the previous job, and its error
  if (buf.empty()) co_return 0;
  std::size_t n = std::min(buf.size(), kMaxChunk);
  std::vector<std::byte> data(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  auto job = [fd = fd_, data = std::move(data)] { return write_fd(fd, data.data(), data.size()); };
  inflight_.emplace(task::spawn_blocking(std::move(job)));
  co_return n;
}

}  // namespace tokio::detail
