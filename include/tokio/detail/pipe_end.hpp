// One end of a pipe, non-blocking and registered with the reactor: what ChildStdin,
// ChildStdout and ChildStderr are built on. Internal.
//
// Threads: as a socket (see stream_socket.hpp): one read and one write may run at once.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <utility>

#include "tokio/detail/poll_evented.hpp"

namespace tokio::detail {

/// write(2) that reports a reader that is gone as EPIPE without raising SIGPIPE in the
/// process (pipes have no MSG_NOSIGNAL): SIGPIPE is blocked in this thread around the call, and
/// one it raised is taken back before it is unblocked.
ssize_t write_without_sigpipe(int fd, const void* data, std::size_t len) noexcept;

class PipeEnd {
 public:
  /// Takes `io`; `name` names this end in error messages ("stdin of child 1234").
  PipeEnd(PollEvented io, std::string name) noexcept : io_(std::move(io)), name_(std::move(name)) {}
  PipeEnd(PipeEnd&&) noexcept = default;
  PipeEnd& operator=(PipeEnd&&) noexcept = default;

  struct ReadCall {
    const PipeEnd* pipe;
    std::byte* data;
    std::size_t len;
    ssize_t operator()() const noexcept;
    // A short read proves the pipe was emptied.
    bool drained(ssize_t n) const noexcept { return n > 0 && static_cast<std::size_t>(n) < len; }
    std::size_t complete(ssize_t n) const noexcept { return static_cast<std::size_t>(n); }
    [[noreturn]] void fail(int err) const { pipe->fail(err, "reading"); }
    const char* what() const noexcept { return "awaiting a read from a pipe"; }
  };
  struct WriteCall {
    const PipeEnd* pipe;
    const std::byte* data;
    std::size_t len;
    ssize_t operator()() const noexcept {
      return len == 0 ? 0 : write_without_sigpipe(pipe->fd(), data, len);
    }
    bool drained(ssize_t n) const noexcept { return static_cast<std::size_t>(n) < len; }
    std::size_t complete(ssize_t n) const noexcept { return static_cast<std::size_t>(n); }
    [[noreturn]] void fail(int err) const { pipe->fail(err, "writing"); }
    const char* what() const noexcept { return "awaiting a write to a pipe"; }
  };
  using ReadOp = IoOp<ReadCall>;
  using WriteOp = IoOp<WriteCall>;

  ReadOp read(std::span<std::byte> buf) const noexcept {
    return ReadOp(io_.io(), io::Interest::READABLE, ReadCall{this, buf.data(), buf.size()});
  }
  WriteOp write(std::span<const std::byte> buf) const noexcept {
    return WriteOp(io_.io(), io::Interest::WRITABLE, WriteCall{this, buf.data(), buf.size()});
  }

  int fd() const noexcept { return io_.fd(); }
  /// Deregisters and gives the descriptor back (still non-blocking).
  int release() noexcept { return io_.release(); }
  /// Deregisters and closes; idempotent.
  void close() noexcept { io_.close(); }
  [[noreturn]] void fail(int err, const char* op) const;

 private:
  PollEvented io_;
  std::string name_;
};

}  // namespace tokio::detail
