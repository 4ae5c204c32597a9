// Streams over the library's other sources (tokio-stream's wrappers): IntervalStream,
// TcpListenerStream, UnixListenerStream, LinesStream, SplitStream, ReadDirStream, SignalStream.
//
// Errors: these sources report I/O errors by throwing, so the wrappers do too: next() throws
// the source's std::system_error, and the stream stays usable (a listener that hit EMFILE
// accepts again on the next next()). Tokio yields such errors as `io::Result` items instead.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tokio/detail/map_await.hpp"
#include "tokio/fs/read_dir.hpp"
#include "tokio/io/util/lines.hpp"
#include "tokio/io/util/split.hpp"
#include "tokio/net/tcp/listener.hpp"
#include "tokio/net/unix/listener.hpp"
#include "tokio/signal/unix.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/time/interval.hpp"

namespace tokio::stream::wrappers {

/// The ticks of an Interval, as the instants they were scheduled for; never ends.
/// Cancel-safe (as tick).
class IntervalStream {
 public:
  explicit IntervalStream(time::Interval interval) noexcept : interval_(std::move(interval)) {}
  /// The next tick's scheduled instant (never std::nullopt).
  Task<std::optional<time::Instant>> next() { co_return co_await interval_.tick(); }
  time::Interval into_inner() && noexcept { return std::move(interval_); }

 private:
  time::Interval interval_;
};

/// The connections a TcpListener accepts (the peer addresses dropped); never ends.
class TcpListenerStream {
 public:
  explicit TcpListenerStream(net::TcpListener listener) noexcept : listener_(std::move(listener)) {}
  /// The next accepted connection (never std::nullopt). Errors: accept's std::system_error.
  Task<std::optional<net::TcpStream>> next() {
    auto accepted = co_await listener_.accept();
    co_return std::move(accepted.first);
  }
  net::TcpListener into_inner() && noexcept { return std::move(listener_); }

 private:
  net::TcpListener listener_;
};

/// The connections a UnixListener accepts; never ends.
class UnixListenerStream {
 public:
  explicit UnixListenerStream(net::UnixListener listener) noexcept
      : listener_(std::move(listener)) {}
  /// The next accepted connection (never std::nullopt). Errors: accept's std::system_error.
  Task<std::optional<net::UnixStream>> next() {
    auto accepted = co_await listener_.accept();
    co_return std::move(accepted.first);
  }
  net::UnixListener into_inner() && noexcept { return std::move(listener_); }

 private:
  net::UnixListener listener_;
};

/// The lines of an io::Lines (see Lines::next_line: cancel-safe).
template <class R>
class LinesStream {
 public:
  explicit LinesStream(io::Lines<R> lines) noexcept : lines_(std::move(lines)) {}
  /// The next line; std::nullopt at the end of input. Errors: the reader's.
  Task<std::optional<std::string>> next() { return lines_.next_line(); }
  io::Lines<R> into_inner() && noexcept { return std::move(lines_); }

 private:
  io::Lines<R> lines_;
};

/// The segments of an io::Split (see Split::next_segment).
template <class R>
class SplitStream {
 public:
  explicit SplitStream(io::Split<R> split) noexcept : split_(std::move(split)) {}
  /// The next segment; std::nullopt at the end of input. Errors: the reader's.
  Task<std::optional<std::vector<std::byte>>> next() { return split_.next_segment(); }
  io::Split<R> into_inner() && noexcept { return std::move(split_); }

 private:
  io::Split<R> split_;
};

/// The entries of an fs::ReadDir (see ReadDir::next_entry: cancel-safe).
class ReadDirStream {
 public:
  explicit ReadDirStream(fs::ReadDir dir) noexcept : dir_(std::move(dir)) {}
  /// The next entry; std::nullopt after the last. Errors: the directory's std::system_error.
  Task<std::optional<fs::DirEntry>> next() { return dir_.next_entry(); }
  fs::ReadDir into_inner() && noexcept { return std::move(dir_); }

 private:
  fs::ReadDir dir_;
};

/// One item per delivery of a signal listener (deliveries coalesce as in Signal::recv), the
/// item being the signal's kind (Tokio's is `()`); never ends. Cancel-safe.
class SignalStream {
 public:
  explicit SignalStream(signal::Signal signal) noexcept : signal_(std::move(signal)) {}
  /// The kind, once per (coalesced) delivery; never std::nullopt.
  auto next() {
    return detail::MapAwait(signal_.recv(), [kind = signal_.kind()] {
      return std::optional<signal::SignalKind>(kind);
    });
  }
  signal::Signal into_inner() && noexcept { return std::move(signal_); }

 private:
  signal::Signal signal_;
};

}  // namespace tokio::stream::wrappers
