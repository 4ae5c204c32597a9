// Streams over the channels (tokio-stream's wrappers): ReceiverStream, UnboundedReceiverStream,
// BroadcastStream, WatchStream.
#pragma once

#include <optional>
#include <utility>

#include "tokio/detail/map_await.hpp"
#include "tokio/result.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/sync/broadcast.hpp"
#include "tokio/sync/mpsc.hpp"
#include "tokio/sync/watch.hpp"

namespace tokio::stream::wrappers {

/// The values of an mpsc::Receiver, ending when every Sender is gone and the channel is drained.
/// next() is `recv()` itself: cancel-safe, and as fast.
template <class T>
class ReceiverStream {
 public:
  explicit ReceiverStream(sync::mpsc::Receiver<T> rx) noexcept : rx_(std::move(rx)) {}
  /// The next value, or std::nullopt once the channel is closed and drained. Cancel-safe.
  auto next() { return rx_.recv(); }
  /// Closes the channel (senders fail from now on); buffered values can still be received.
  void close() { rx_.close(); }
  sync::mpsc::Receiver<T> into_inner() && noexcept { return std::move(rx_); }

 private:
  sync::mpsc::Receiver<T> rx_;
};

/// The values of an mpsc::UnboundedReceiver (see ReceiverStream).
template <class T>
class UnboundedReceiverStream {
 public:
  explicit UnboundedReceiverStream(sync::mpsc::UnboundedReceiver<T> rx) noexcept
      : rx_(std::move(rx)) {}
  /// The next value, or std::nullopt once the channel is closed and drained. Cancel-safe.
  auto next() { return rx_.recv(); }
  /// Closes the channel (sends fail from now on); buffered values can still be received.
  void close() { rx_.close(); }
  sync::mpsc::UnboundedReceiver<T> into_inner() && noexcept { return std::move(rx_); }

 private:
  sync::mpsc::UnboundedReceiver<T> rx_;
};

/// The values of a broadcast::Receiver as `Result<T, broadcast::RecvError>` items: a receiver
/// that fell behind gets one Lagged(n) error item, then the oldest value still kept. Ends when
/// every Sender is gone and everything was received. Cancel-safe (as recv).
template <class T>
class BroadcastStream {
 public:
  using Item = Result<T, sync::broadcast::RecvError>;
  explicit BroadcastStream(sync::broadcast::Receiver<T> rx) noexcept : rx_(std::move(rx)) {}
  /// The next value or Lagged error item; std::nullopt once closed. Cancel-safe.
  auto next() {
    return detail::MapAwait(rx_.recv(), [](Result<T, sync::broadcast::RecvError> r) {
      if (!r.has_value() && r.error().is_closed()) return std::optional<Item>();
      return std::optional<Item>(std::move(r));
    });
  }

 private:
  sync::broadcast::Receiver<T> rx_;
};

namespace detail_watch {
// Each value is copied out before the co_yield: the borrow holds the value's read lock, which
// must not be held while the consumer runs.
template <class T>
T copy_current(sync::watch::Receiver<T>& rx) {
  return *rx.borrow_and_update();
}
template <class T>
Stream<T> values(sync::watch::Receiver<T> rx, bool from_changes) {
  if (!from_changes) {
    T first = copy_current(rx);
    co_yield std::move(first);
  }
  for (;;) {
    auto changed = co_await rx.changed();
    if (!changed.has_value()) co_return;  // the sender is gone
    T value = copy_current(rx);
    co_yield std::move(value);
  }
}
}  // namespace detail_watch

/// The values of a watch::Receiver: the current value first, then each new one (values
/// replaced before the stream looked are skipped, as watch does). Ends when the Sender is
/// gone. `from_changes` skips the current value. Cancel-safe.
template <class T>
class WatchStream {
 public:
  explicit WatchStream(sync::watch::Receiver<T> rx)
      : values_(detail_watch::values(std::move(rx), false)) {}
  /// The next value (see the class comment); std::nullopt once the Sender is gone.
  /// Only the values sent from now on (tokio-stream's WatchStream::from_changes).
  static WatchStream from_changes(sync::watch::Receiver<T> rx) {
    return WatchStream(detail_watch::values(std::move(rx), true));
  }
  auto next() { return values_.next(); }

 private:
  explicit WatchStream(Stream<T> values) noexcept : values_(std::move(values)) {}
  Stream<T> values_;
};

}  // namespace tokio::stream::wrappers
