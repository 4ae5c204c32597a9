// The in-memory pipes behind tokio::io::duplex and simplex. See the MemPipe comment in
// include/tokio/io/util/mem.hpp for the locking and wake-up protocol.
#include "tokio/io/util/mem.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "tokio/task/yield_now.hpp"

namespace tokio::detail {

MemPipe::Outcome MemPipe::try_read(std::span<std::byte> buf, std::size_t& n) {
  {
    std::lock_guard lock(mutex_);
    std::size_t queued = buf_.size() - head_;
    if (queued == 0) return closed_ ? Outcome::Closed : Outcome::Wait;
    n = std::min(queued, buf.size());
    std::memcpy(buf.data(), buf_.data() + head_, n);
    head_ += n;
    if (head_ == buf_.size()) {
      buf_.clear();
      head_ = 0;
    }
  }
  writable_.notify_waiters();  // after unlocking: room was made
  return Outcome::Done;
}

MemPipe::Outcome MemPipe::try_write(std::span<const io::IoSlice> slices, std::size_t& n) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return Outcome::Closed;
    std::size_t queued = buf_.size() - head_;
    if (queued >= max_) return Outcome::Wait;
    // Move the queued bytes to the front once the consumed prefix is at least as long as they
    // are: each byte is moved at most once per byte consumed before it (amortised O(1)).
    if (head_ > 0 && head_ >= queued) {
      std::memmove(buf_.data(), buf_.data() + head_, queued);
      buf_.resize(queued);
      head_ = 0;
    }
    std::size_t room = max_ - queued;
    n = 0;
    for (const io::IoSlice& s : slices) {
      std::size_t k = std::min(room - n, s.size());
      buf_.insert(buf_.end(), s.bytes().begin(),
                  s.bytes().begin() + static_cast<std::ptrdiff_t>(k));
      n += k;
      if (n == room) break;
    }
  }
  if (n > 0) readable_.notify_waiters();  // after unlocking: bytes were added
  return Outcome::Done;
}

Task<std::size_t> MemPipe::read(std::span<std::byte> buf) {
  co_await task::consume_budget();
  if (buf.empty()) co_return 0;
  for (;;) {
    std::size_t n = 0;
    Outcome outcome = try_read(buf, n);
    if (outcome == Outcome::Done) co_return n;
    if (outcome == Outcome::Closed) co_return 0;
    // Register first, then check again: a write between the two is seen by one or the other.
    auto notified = readable_.notified();
    notified.enable();
    outcome = try_read(buf, n);
    if (outcome == Outcome::Done) co_return n;
    if (outcome == Outcome::Closed) co_return 0;
    co_await notified;
  }
}

[[noreturn]] static void throw_broken_pipe() {
  throw std::system_error(std::make_error_code(std::errc::broken_pipe),
                          "tokio::io: write to a closed in-memory pipe");
}

Task<std::size_t> MemPipe::write_slices(std::span<const io::IoSlice> slices) {
  co_await task::consume_budget();
  if (std::all_of(slices.begin(), slices.end(), [](const io::IoSlice& s) { return s.empty(); })) {
    std::lock_guard lock(mutex_);
    if (closed_) throw_broken_pipe();
    co_return 0;
  }
  for (;;) {
    std::size_t n = 0;
    Outcome outcome = try_write(slices, n);
    if (outcome == Outcome::Closed) throw_broken_pipe();
    if (outcome == Outcome::Done) co_return n;
    // Register first, then check again: a read between the two is seen by one or the other.
    auto notified = writable_.notified();
    notified.enable();
    outcome = try_write(slices, n);
    if (outcome == Outcome::Closed) throw_broken_pipe();
    if (outcome == Outcome::Done) co_return n;
    co_await notified;
  }
}

Task<std::size_t> MemPipe::write(std::span<const std::byte> buf) {
  // The slice lives in this frame while write_slices runs.
  io::IoSlice slice(buf);
  co_return co_await write_slices(std::span<const io::IoSlice>(&slice, 1));
}

Task<std::size_t> MemPipe::write_vectored(std::span<const io::IoSlice> slices) {
  return write_slices(slices);
}

void MemPipe::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  readable_.notify_waiters();
  writable_.notify_waiters();
}

}  // namespace tokio::detail

namespace tokio::io {

namespace {
void check_capacity(std::size_t max_buf_size, const char* what) {
  if (max_buf_size == 0)
    throw std::invalid_argument(std::string(what) + ": max_buf_size must be at least 1 byte");
}
[[noreturn]] void moved_from(const char* what) {
  throw std::logic_error(std::string(what) + " used after it was moved from");
}
}  // namespace

std::pair<DuplexStream, DuplexStream> duplex(std::size_t max_buf_size) {
  check_capacity(max_buf_size, "tokio::io::duplex");
  auto one = std::make_shared<detail::MemPipe>(max_buf_size);
  auto two = std::make_shared<detail::MemPipe>(max_buf_size);
  return {DuplexStream(one, two), DuplexStream(two, one)};
}

DuplexStream& DuplexStream::operator=(DuplexStream&& other) noexcept {
  if (this != &other) {
    close();
    read_ = std::move(other.read_);
    write_ = std::move(other.write_);
  }
  return *this;
}

DuplexStream::~DuplexStream() {
  close();
}

void DuplexStream::close() noexcept {
  if (read_) read_->close();
  if (write_) write_->close();
}

detail::MemPipe& DuplexStream::read_pipe() const {
  if (!read_) moved_from("tokio::io::DuplexStream");
  return *read_;
}
detail::MemPipe& DuplexStream::write_pipe() const {
  if (!write_) moved_from("tokio::io::DuplexStream");
  return *write_;
}

Task<std::size_t> DuplexStream::read(std::span<std::byte> buf) {
  return read_pipe().read(buf);
}
Task<std::size_t> DuplexStream::write(std::span<const std::byte> buf) {
  return write_pipe().write(buf);
}
Task<std::size_t> DuplexStream::write_vectored(std::span<const IoSlice> slices) {
  return write_pipe().write_vectored(slices);
}
Task<void> DuplexStream::flush() {
  co_return;
}
Task<void> DuplexStream::shutdown() {
  write_pipe().close();
  co_return;
}

SimplexStream::SimplexStream(std::size_t max_buf_size) {
  check_capacity(max_buf_size, "tokio::io::SimplexStream");
  pipe_ = std::make_shared<detail::MemPipe>(max_buf_size);
}
SimplexStream& SimplexStream::operator=(SimplexStream&& other) noexcept {
  if (this != &other) {
    if (pipe_) pipe_->close();
    pipe_ = std::move(other.pipe_);
  }
  return *this;
}
SimplexStream::~SimplexStream() {
  if (pipe_) pipe_->close();
}
detail::MemPipe& SimplexStream::pipe() const {
  if (!pipe_) moved_from("tokio::io::SimplexStream");
  return *pipe_;
}
Task<std::size_t> SimplexStream::read(std::span<std::byte> buf) {
  return pipe().read(buf);
}
Task<std::size_t> SimplexStream::write(std::span<const std::byte> buf) {
  return pipe().write(buf);
}
Task<std::size_t> SimplexStream::write_vectored(std::span<const IoSlice> slices) {
  return pipe().write_vectored(slices);
}
Task<void> SimplexStream::flush() {
  co_return;
}
Task<void> SimplexStream::shutdown() {
  pipe().close();
  co_return;
}

std::pair<ReadHalf<SimplexStream>, WriteHalf<SimplexStream>> simplex(std::size_t max_buf_size) {
  return split(SimplexStream(max_buf_size));
}

}  // namespace tokio::io
