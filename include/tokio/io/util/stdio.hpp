// tokio::io::stdin, stdout, stderr: the process's standard streams as AsyncRead / AsyncWrite
// (Tokio's io::stdin / stdout / stderr). The system calls run on the runtime's blocking pool
// (spawn_blocking), so they never block a worker thread, whatever the file descriptors are
// (terminals and regular files cannot be polled with epoll).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "tokio/io/util/ext.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

// Reads a file descriptor on the blocking pool, one read(2) of up to 2 MiB at a time. A read
// whose awaiting caller was cancelled keeps running; its bytes are kept in buf_ (via the
// retained JoinHandle) and served by the next read, so none is lost.
// Not thread-safe: one read at a time (as every reader).
class StdioReader {
 public:
  explicit StdioReader(int fd) noexcept : fd_(fd) {}
  Task<std::size_t> read(std::span<std::byte> buf);

  struct Chunk {
    std::vector<std::byte> data;
    int error = 0;  // errno of a failed read(2), 0 otherwise
  };

 private:
  std::size_t take_buffered(std::span<std::byte> buf) noexcept;

  int fd_;
  std::vector<std::byte> buf_;  // bytes read and not yet returned: buf_[pos_ ..]
  std::size_t pos_ = 0;
  std::optional<task::JoinHandle<Chunk>> inflight_;
};

// Writes a file descriptor on the blocking pool, as Tokio's Blocking<T> does: write copies up
// to 2 MiB of the caller's bytes, starts a blocking job that writes them all, and returns at
// once with that count. The next write, flush or shutdown first waits for that job and throws
// its error, if any. SIGPIPE is blocked around the write(2) calls, so a closed pipe gives
// EPIPE (as a std::system_error) instead of killing the process.
// Not thread-safe: one operation at a time (as every writer).
class StdioWriter {
 public:
  explicit StdioWriter(int fd) noexcept : fd_(fd) {}
  Task<std::size_t> write(std::span<const std::byte> buf);
  Task<void> flush();
  Task<void> shutdown() { return flush(); }

 private:
  int fd_;
  std::optional<task::JoinHandle<int>> inflight_;  // the job gives errno, or 0
};

}  // namespace tokio::detail

namespace tokio::io {

/// The standard input (file descriptor 0) as an AsyncRead. Each read runs read(2) on the
/// blocking pool; use a BufReader around it to read lines.
///
/// Errors: std::system_error from read(2); awaiting outside a runtime throws
/// std::logic_error (spawn_blocking needs one).
/// Cancel safety: cancel-safe: a read that is cancelled keeps running in the background, and
/// the bytes it gets are returned by the next read on the same Stdin.
/// Caveat (as Tokio): a blocking read cannot be interrupted, so a runtime shut down while
/// one waits for input waits for it (see Runtime::shutdown_timeout); for interactive input,
/// prefer a dedicated thread.
/// Thread safety: one read at a time; separate Stdin objects may be used at once, but their
/// reads then split the input between them arbitrarily.
class Stdin : public AsyncReadExt<Stdin> {
 public:
  [[nodiscard]] Task<std::size_t> read(std::span<std::byte> buf) { return impl_.read(buf); }

 private:
  friend Stdin stdin() noexcept;
  Stdin() noexcept : impl_(0) {}
  detail::StdioReader impl_;
};

/// The standard output (file descriptor 1) as an AsyncWrite. A write copies the bytes (up to
/// 2 MiB) and hands them to the blocking pool, returning at once; flush waits until they were
/// written. Interleaving with std::cout / printf is not ordered: flush those first.
///
/// Errors: std::system_error from write(2) (e.g. std::errc::broken_pipe when stdout is a
/// closed pipe: never a SIGPIPE death), reported by the write, flush or shutdown that follows
/// the failed one. Outside a runtime, std::logic_error.
/// Cancel safety: write is cancel-safe (a cancelled write took no bytes); flush may be started
/// again. Bytes written but not flushed when the runtime shuts down may be lost.
/// Thread safety: one operation at a time.
class Stdout : public AsyncWriteExt<Stdout> {
 public:
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf) { return impl_.write(buf); }
  [[nodiscard]] Task<void> flush() { return impl_.flush(); }
  /// Flushes; the file descriptor stays open.
  [[nodiscard]] Task<void> shutdown() { return impl_.flush(); }

 private:
  friend Stdout stdout() noexcept;
  Stdout() noexcept : impl_(1) {}
  detail::StdioWriter impl_;
};

/// The standard error (file descriptor 2) as an AsyncWrite. Same behaviour as Stdout.
class Stderr : public AsyncWriteExt<Stderr> {
 public:
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf) { return impl_.write(buf); }
  [[nodiscard]] Task<void> flush() { return impl_.flush(); }
  /// Flushes; the file descriptor stays open.
  [[nodiscard]] Task<void> shutdown() { return impl_.flush(); }

 private:
  friend Stderr stderr() noexcept;
  Stderr() noexcept : impl_(2) {}
  detail::StdioWriter impl_;
};

/// A handle to the standard input. See Stdin.
inline Stdin stdin() noexcept {
  return Stdin();
}
/// A handle to the standard output. See Stdout.
inline Stdout stdout() noexcept {
  return Stdout();
}
/// A handle to the standard error. See Stderr.
inline Stderr stderr() noexcept {
  return Stderr();
}

}  // namespace tokio::io
