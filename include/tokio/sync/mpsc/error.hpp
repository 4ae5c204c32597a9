// The error types of tokio::sync::mpsc. Each one that stands for a refused send carries the
// value back, so that nothing is lost.
#pragma once

#include <utility>

namespace tokio::sync::mpsc {

/// The receiver is gone (dropped, or closed): `value` was not sent.
template <class T = void>
struct SendError {
  T value;
  const char* what() const noexcept { return "channel closed"; }
};
/// A reservation was refused because the receiver is gone or closed.
template <>
struct SendError<void> {
  const char* what() const noexcept { return "channel closed"; }
  friend bool operator==(SendError, SendError) noexcept { return true; }
};

/// Why try_send refused `value`: the channel is full, or closed.
template <class T = void>
struct TrySendError {
  enum class Kind { Full, Closed };
  Kind kind;
  T value;
  bool is_full() const noexcept { return kind == Kind::Full; }
  bool is_closed() const noexcept { return kind == Kind::Closed; }
  /// The value that was not sent.
  T into_inner() && { return std::move(value); }
  const char* what() const noexcept {
    return kind == Kind::Full ? "no available capacity" : "channel closed";
  }
};
/// Why try_reserve failed: no capacity now, or the channel is closed.
template <>
struct TrySendError<void> {
  enum class Kind { Full, Closed };
  Kind kind;
  bool is_full() const noexcept { return kind == Kind::Full; }
  bool is_closed() const noexcept { return kind == Kind::Closed; }
  const char* what() const noexcept {
    return kind == Kind::Full ? "no available capacity" : "channel closed";
  }
};

/// Why send_timeout refused `value`: the deadline passed first, or the channel is closed.
template <class T>
struct SendTimeoutError {
  enum class Kind { Timeout, Closed };
  Kind kind;
  T value;
  bool is_timeout() const noexcept { return kind == Kind::Timeout; }
  bool is_closed() const noexcept { return kind == Kind::Closed; }
  T into_inner() && { return std::move(value); }
  const char* what() const noexcept {
    return kind == Kind::Timeout ? "timed out waiting on send operation" : "channel closed";
  }
};

/// Why try_recv gave nothing: the channel is empty now, or empty for good (every sender gone,
/// or the receiver closed and no permit outstanding).
enum class TryRecvError { Empty, Disconnected };

}  // namespace tokio::sync::mpsc
