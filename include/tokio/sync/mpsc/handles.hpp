// What the bounded and unbounded handles of tokio::sync::mpsc have in common: the receiver's
// whole interface, and the counting, closing and comparing parts of the senders.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tokio/detail/block_on_thread.hpp"
#include "tokio/result.hpp"
#include "tokio/sync/mpsc/chan.hpp"
#include "tokio/sync/mpsc/error.hpp"

namespace tokio::detail::mpsc {

/// The receiving half (see Receiver / UnboundedReceiver). Move-only; one task receives at a
/// time (the operations take the receiver by reference and must not run concurrently).
template <class T>
class ReceiverBase {
 public:
  ReceiverBase(ReceiverBase&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
  ReceiverBase& operator=(ReceiverBase&& other) noexcept {
    if (this != &other) {
      reset();
      chan_ = std::exchange(other.chan_, nullptr);
    }
    return *this;
  }
  ReceiverBase(const ReceiverBase&) = delete;
  ReceiverBase& operator=(const ReceiverBase&) = delete;

  /// Waits for the next value: `std::optional<T>`, empty once every sender is gone (or the
  /// receiver was closed and no permit is outstanding) and the buffer is drained.
  /// Errors: std::logic_error on a moved-from receiver, or when awaited outside a task.
  /// Cancel safety: cancel-safe; a recv that loses a select has taken no value.
  Recv<T> recv() { return Recv<T>(chan("recv")); }

  /// Waits for at least one value, then appends up to `limit` of those available to
  /// `buffer`; gives how many were appended, 0 when the channel is finished (or limit is 0).
  /// Cancel safety: cancel-safe, as recv.
  RecvMany<T> recv_many(std::vector<T>& buffer, std::size_t limit) {
    return RecvMany<T>(chan("recv_many"), buffer, limit);
  }

  /// The next value if one is buffered now; Err(Empty) if not, Err(Disconnected) if none
  /// can come any more.
  Result<T, sync::mpsc::TryRecvError> try_recv() {
    std::optional<T> value;
    switch (chan("try_recv")->poll_recv(nullptr, value)) {
      case Chan<T>::Poll::Value:
        return std::move(*value);
      case Chan<T>::Poll::Closed:
        return Err(sync::mpsc::TryRecvError::Disconnected);
      case Chan<T>::Poll::Pending:
        break;
    }
    return Err(sync::mpsc::TryRecvError::Empty);
  }

  /// recv for a plain thread: blocks it until a value arrives or the channel is finished.
  /// Errors: std::logic_error when called on a runtime thread (use `co_await recv()` there).
  std::optional<T> blocking_recv() {
    return block_on_thread(recv_task(chan("blocking_recv")),
                           "tokio::sync::mpsc::Receiver::blocking_recv");
  }

  /// Closes the channel for senders: later sends and reservations fail and waiting ones are
  /// woken with an error; values already sent, and values sent through permits reserved
  /// before, can still be received. Idempotent.
  void close() { chan("close")->close_rx(); }
  /// True once the channel is finished or closed: every sender is gone, or close() was called.
  bool is_closed() const {
    const auto* c = chan("is_closed");
    return c->is_closed() || c->strong_count() == 0;
  }
  /// True when nothing is buffered now.
  bool is_empty() { return len() == 0; }
  /// How many values are buffered now.
  std::size_t len() { return chan("len")->len(); }
  /// Live strong / weak senders.
  std::size_t sender_strong_count() const { return chan("sender_strong_count")->strong_count(); }
  std::size_t sender_weak_count() const { return chan("sender_weak_count")->weak_count(); }

 protected:
  explicit ReceiverBase(Chan<T>* chan) noexcept : chan_(chan) {}
  ~ReceiverBase() { reset(); }
  Chan<T>* chan(const char* what) const {
    if (!chan_)
      throw std::logic_error(std::string("tokio::sync::mpsc::Receiver::") + what +
                             " on a moved-from receiver");
    return chan_;
  }

 private:
  static Task<std::optional<T>> recv_task(Chan<T>* chan) { co_return co_await Recv<T>(chan); }
  void reset() noexcept {
    if (auto* c = std::exchange(chan_, nullptr)) c->drop_rx();
  }
  Chan<T>* chan_;
};

/// The parts of a sender that both flavours share. Copying a sender adds a sender; the
/// channel closes for the receiver when the last one is destroyed.
template <class T>
class SenderBase {
 public:
  SenderBase(const SenderBase& other) noexcept : chan_(other.chan_) {
    if (chan_) chan_->add_sender();
  }
  SenderBase(SenderBase&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
  SenderBase& operator=(SenderBase other) noexcept {
    std::swap(chan_, other.chan_);
    return *this;
  }

  /// True once the receiver is gone or closed: sends will fail.
  bool is_closed() const { return chan("is_closed")->is_closed(); }
  /// Completes when the receiver is dropped or closed (a Task<void>, which keeps the channel's
  /// state alive but does not count as a sender). Cancel safety: cancel-safe.
  Task<void> closed() const { return Chan<T>::closed(typename Chan<T>::Ref(chan("closed"))); }
  /// True when both send into the same channel.
  bool same_channel(const SenderBase& other) const noexcept { return chan_ == other.chan_; }
  /// Live strong / weak senders of this channel.
  std::size_t strong_count() const { return chan("strong_count")->strong_count(); }
  std::size_t weak_count() const { return chan("weak_count")->weak_count(); }

 protected:
  explicit SenderBase(Chan<T>* chan) noexcept : chan_(chan) {}
  ~SenderBase() {
    if (chan_) chan_->drop_sender();
  }
  Chan<T>* chan(const char* what) const {
    if (!chan_)
      throw std::logic_error(std::string("tokio::sync::mpsc::Sender::") + what +
                             " on a moved-from sender");
    return chan_;
  }
  Chan<T>* chan_;
};

/// The parts of a weak sender that both flavours share: it does not keep the channel open.
template <class T>
class WeakSenderBase {
 public:
  WeakSenderBase(const WeakSenderBase& other) noexcept : chan_(other.chan_) {
    if (chan_) chan_->add_weak();
  }
  WeakSenderBase(WeakSenderBase&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
  WeakSenderBase& operator=(WeakSenderBase other) noexcept {
    std::swap(chan_, other.chan_);
    return *this;
  }
  std::size_t strong_count() const noexcept { return chan_ ? chan_->strong_count() : 0; }
  std::size_t weak_count() const noexcept { return chan_ ? chan_->weak_count() : 0; }

 protected:
  explicit WeakSenderBase(Chan<T>* chan) noexcept : chan_(chan) {
    if (chan_) chan_->add_weak();
  }
  ~WeakSenderBase() {
    if (chan_) chan_->drop_weak();
  }
  Chan<T>* chan_;
};

}  // namespace tokio::detail::mpsc
