// tokio::sync::mpsc::unbounded_channel: the multi-producer, single-consumer channel with no
// capacity limit.
#pragma once

#include <optional>
#include <utility>

#include "tokio/sync/mpsc/handles.hpp"

namespace tokio::sync::mpsc {

template <class T>
class UnboundedSender;
template <class T>
class UnboundedReceiver;

/// A sender that does not keep the channel open (from UnboundedSender::downgrade).
template <class T>
class WeakUnboundedSender : public detail::mpsc::WeakSenderBase<T> {
 public:
  /// An UnboundedSender, unless every one is already gone.
  std::optional<UnboundedSender<T>> upgrade() const {
    if (!this->chan_ || !this->chan_->try_add_sender()) return std::nullopt;
    return UnboundedSender<T>(this->chan_);
  }

 private:
  friend class UnboundedSender<T>;
  using detail::mpsc::WeakSenderBase<T>::WeakSenderBase;
};

/// The sending half of an unbounded channel; copy it to get more senders. `send` never waits.
///
/// Errors: send gives the value back in SendError when the receiver is gone or closed.
/// Operations on a moved-from sender throw std::logic_error.
/// Thread safety: usable from any thread, inside or outside a runtime.
template <class T>
class UnboundedSender : public detail::mpsc::SenderBase<T> {
 public:
  /// Buffers `value` for the receiver, or gives it back in Err(SendError) when the receiver
  /// is gone or closed. Never waits; memory grows with the backlog.
  Result<void, SendError<T>> send(T value) {
    if (this->chan("send")->push(value, false)) return {};
    return Err(SendError<T>{std::move(value)});
  }
  /// A WeakUnboundedSender for this channel.
  WeakUnboundedSender<T> downgrade() const {
    return WeakUnboundedSender<T>(this->chan("downgrade"));
  }

 private:
  friend class WeakUnboundedSender<T>;
  template <class U>
  friend std::pair<UnboundedSender<U>, UnboundedReceiver<U>> unbounded_channel();
  using detail::mpsc::SenderBase<T>::SenderBase;
};

/// The receiving half of an unbounded channel; see ReceiverBase for the interface.
/// Destroying it closes the channel and destroys every buffered value.
template <class T>
class UnboundedReceiver : public detail::mpsc::ReceiverBase<T> {
 private:
  template <class U>
  friend std::pair<UnboundedSender<U>, UnboundedReceiver<U>> unbounded_channel();
  using detail::mpsc::ReceiverBase<T>::ReceiverBase;
};

/// A channel with no capacity limit: `auto [tx, rx] = mpsc::unbounded_channel<int>();`.
template <class T>
std::pair<UnboundedSender<T>, UnboundedReceiver<T>> unbounded_channel() {
  auto* chan = detail::mpsc::Chan<T>::create(0);
  return {UnboundedSender<T>(chan), UnboundedReceiver<T>(chan)};
}

}  // namespace tokio::sync::mpsc
