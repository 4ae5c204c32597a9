// tokio::sync::mpsc::channel: the bounded multi-producer, single-consumer channel.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>

#include "tokio/sync/mpsc/handles.hpp"
#include "tokio/time/timeout.hpp"

namespace tokio::sync::mpsc {

template <class T>
class Sender;
template <class T>
class Receiver;

/// One reserved unit of a bounded channel's capacity: `send` is then guaranteed to succeed
/// (or, if the receiver is gone, to destroy the value). Destroying an unused permit gives the
/// capacity back. Move-only.
template <class T>
class [[nodiscard]] Permit {
 public:
  Permit(Permit&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
  Permit& operator=(Permit&& other) noexcept {
    if (this != &other) {
      reset();
      chan_ = std::exchange(other.chan_, nullptr);
    }
    return *this;
  }
  ~Permit() { reset(); }

  /// Sends `value` using the reserved capacity; the permit is spent.
  /// Errors: std::logic_error on a spent (or moved-from) permit.
  void send(T value) {
    if (!chan_) throw std::logic_error("tokio::sync::mpsc::Permit::send on a spent permit");
    // The permit now belongs to the buffered value; only a gone receiver refuses it, and then
    // `value` dies here, with the permit going back (nobody will receive it).
    bool pushed = false;
    try {
      pushed = chan_->push(value, true);
    } catch (...) {
      reset();  // the value was not sent: give the capacity back
      throw;
    }
    auto* chan = std::exchange(chan_, nullptr);
    if (!pushed) chan->release_permit();
    chan->drop_sender();  // after the push: the receiver must not see the end before it
  }

 private:
  friend class Sender<T>;
  template <class>
  friend class OwnedPermit;
  // A permit counts as a sender: it may outlive the Sender it came from, and the receiver
  // must not report the end while a value may still come through it.
  explicit Permit(detail::mpsc::Chan<T>* chan) noexcept : chan_(chan) { chan_->add_sender(); }
  void reset() noexcept {
    if (auto* c = std::exchange(chan_, nullptr)) {
      c->release_permit();
      c->drop_sender();
    }
  }
  detail::mpsc::Chan<T>* chan_;
};

/// A Permit that owns its Sender (from Sender::reserve_owned): `send` gives the sender back.
template <class T>
class [[nodiscard]] OwnedPermit {
 public:
  OwnedPermit(OwnedPermit&&) noexcept = default;
  OwnedPermit& operator=(OwnedPermit&&) noexcept = default;

  /// Sends `value` and returns the sender. Errors: std::logic_error on a spent permit.
  Sender<T> send(T value) {
    if (!sender_) throw std::logic_error("tokio::sync::mpsc::OwnedPermit::send on a spent permit");
    permit_.send(std::move(value));
    return std::move(*std::exchange(sender_, std::nullopt));
  }
  /// Gives the capacity back without sending, and returns the sender.
  Sender<T> release() {
    if (!sender_)
      throw std::logic_error("tokio::sync::mpsc::OwnedPermit::release on a spent permit");
    Permit<T> drop = std::move(permit_);
    return std::move(*std::exchange(sender_, std::nullopt));
  }

 private:
  friend class Sender<T>;
  OwnedPermit(Permit<T> permit, Sender<T> sender)
      : sender_(std::move(sender)), permit_(std::move(permit)) {}
  std::optional<Sender<T>> sender_;
  Permit<T> permit_;
};

/// A sender that does not keep the channel open (from Sender::downgrade).
template <class T>
class WeakSender : public detail::mpsc::WeakSenderBase<T> {
 public:
  /// A Sender, unless every Sender is already gone.
  std::optional<Sender<T>> upgrade() const {
    if (!this->chan_ || !this->chan_->try_add_sender()) return std::nullopt;
    return Sender<T>(this->chan_);
  }

 private:
  friend class Sender<T>;
  using detail::mpsc::WeakSenderBase<T>::WeakSenderBase;
};

/// The sending half of a bounded channel; copy it to get more senders.
///
/// Errors: sends give the value back in an error (SendError / TrySendError /
/// SendTimeoutError) when the receiver is gone or closed. Operations on a moved-from sender
/// throw std::logic_error.
/// Thread safety: a Sender may be used from any thread; copies may be used concurrently.
template <class T>
class Sender : public detail::mpsc::SenderBase<T> {
  using Chan = detail::mpsc::Chan<T>;

 public:
  /// The awaitable of send: `Result<void, SendError<T>>`.
  class [[nodiscard]] Send {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    Send(Chan* chan, T&& value)
        : chan_(chan),
          value_(std::move(value)),
          op_(chan->semaphore(), 1, "awaiting tokio::sync::mpsc::Sender::send") {}
    Send(Send&&) = default;  // until first awaited (see AcquireOp)
    Send& operator=(const Send&) = delete;
    // A capacity unit assigned to a send that never completed (cancelled, closed, or a push
    // that threw) goes back, and a closed channel's receiver may be waiting for exactly that.
    ~Send() {
      if (op_.cancel()) chan_->permit_returned();
    }
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> awaiting) { return op_.await_suspend(awaiting); }
    Result<void, SendError<T>> await_resume() {
      if (!op_.await_resume()) return Err(SendError<T>{std::move(value_)});
      if (!chan_->push(value_, true)) return Err(SendError<T>{std::move(value_)});
      op_.keep();  // the permit travels with the value until it is received
      return {};
    }

   private:
    Chan* chan_;
    T value_;
    tokio::detail::AcquireOp op_;
  };

  /// The awaitable of reserve: `Result<Permit<T>, SendError<>>`.
  class [[nodiscard]] Reserve {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit Reserve(Chan* chan)
        : chan_(chan), op_(chan->semaphore(), 1, "awaiting tokio::sync::mpsc::Sender::reserve") {}
    Reserve(Reserve&&) noexcept = default;  // until first awaited (see AcquireOp)
    Reserve& operator=(const Reserve&) = delete;
    ~Reserve() {  // as ~Send
      if (op_.cancel()) chan_->permit_returned();
    }
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> awaiting) { return op_.await_suspend(awaiting); }
    Result<Permit<T>, SendError<>> await_resume() {
      if (!op_.await_resume()) return Err(SendError<>{});
      Permit<T> permit(chan_);
      op_.keep();
      return permit;
    }

   private:
    Chan* chan_;
    tokio::detail::AcquireOp op_;
  };

  /// Waits for capacity, then sends `value`. Gives Err(SendError{value}) when the receiver
  /// is gone or closed.
  /// Cancel safety: not cancel-safe for the value: a cancelled send drops it (and its place
  /// in the queue of waiting senders). Use reserve() first when that matters.
  Send send(T value) { return Send(this->chan("send"), std::move(value)); }

  /// Sends `value` if there is capacity now: Err(Full) or Err(Closed), with the value, if not.
  Result<void, TrySendError<T>> try_send(T value) {
    Chan* c = this->chan("try_send");
    switch (c->semaphore().try_acquire(1)) {
      case tokio::detail::BatchSemaphore::TryAcquire::Ok: {
        bool pushed = false;
        try {
          pushed = c->push(value, true);
        } catch (...) {
          c->release_permit();
          throw;
        }
        if (pushed) return {};
        c->release_permit();
        break;
      }
      case tokio::detail::BatchSemaphore::TryAcquire::NoPermits:
        return Err(TrySendError<T>{TrySendError<T>::Kind::Full, std::move(value)});
      case tokio::detail::BatchSemaphore::TryAcquire::Closed:
        break;
    }
    return Err(TrySendError<T>{TrySendError<T>::Kind::Closed, std::move(value)});
  }

  /// send with a deadline: Err(Timeout) with the value if no capacity frees up within
  /// `duration`. Needs a runtime with time enabled.
  /// Cancel safety: as send (the value is dropped).
  /// The returned Task holds a copy of this sender.
  template <class Rep, class Period>
  Task<Result<void, SendTimeoutError<T>>> send_timeout(
      T value, std::chrono::duration<Rep, Period> duration) const {
    this->chan("send_timeout");
    return send_timeout_task(*this, std::move(value), time::Instant::now() + duration);
  }

  /// send for a plain thread: blocks it until there is capacity.
  /// Errors: std::logic_error when called on a runtime thread (use `co_await send(v)` there).
  Result<void, SendError<T>> blocking_send(T value) {
    return tokio::detail::block_on_thread(send_task(this->chan("blocking_send"), std::move(value)),
                                          "tokio::sync::mpsc::Sender::blocking_send");
  }

  /// Waits for one unit of capacity and reserves it: Permit::send then cannot fail for lack
  /// of room. Err(SendError<>) when the receiver is gone or closed.
  /// Cancel safety: cancel-safe; a cancelled reserve passes its turn to the next sender.
  Reserve reserve() { return Reserve(this->chan("reserve")); }
  /// A Permit if capacity is free now; Err(Full) or Err(Closed) if not.
  Result<Permit<T>, TrySendError<>> try_reserve() {
    Chan* c = this->chan("try_reserve");
    switch (c->semaphore().try_acquire(1)) {
      case tokio::detail::BatchSemaphore::TryAcquire::Ok:
        return Permit<T>(c);
      case tokio::detail::BatchSemaphore::TryAcquire::NoPermits:
        return Err(TrySendError<>{TrySendError<>::Kind::Full});
      case tokio::detail::BatchSemaphore::TryAcquire::Closed:
        break;
    }
    return Err(TrySendError<>{TrySendError<>::Kind::Closed});
  }
  /// reserve, consuming this sender: the OwnedPermit carries it (a Task). On error the sender
  /// is dropped. Cancel safety: as reserve (a cancelled call drops the sender).
  Task<Result<OwnedPermit<T>, SendError<>>> reserve_owned() && {
    this->chan("reserve_owned");
    return reserve_owned_task(std::move(*this));
  }
  /// try_reserve, consuming this sender; on failure the sender comes back in the error.
  Result<OwnedPermit<T>, TrySendError<Sender>> try_reserve_owned() && {
    auto permit = try_reserve();
    if (!permit)
      return Err(TrySendError<Sender>{permit.error().is_full() ? TrySendError<Sender>::Kind::Full
                                                               : TrySendError<Sender>::Kind::Closed,
                                      std::move(*this)});
    return OwnedPermit<T>(std::move(*permit), std::move(*this));
  }

  /// Free capacity now (the bound minus buffered values and outstanding permits).
  std::size_t capacity() const { return this->chan("capacity")->semaphore().available_permits(); }
  /// The bound the channel was created with.
  std::size_t max_capacity() const { return this->chan("max_capacity")->bound(); }
  /// A WeakSender for this channel.
  WeakSender<T> downgrade() const { return WeakSender<T>(this->chan("downgrade")); }

 private:
  friend class WeakSender<T>;
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t);
  using detail::mpsc::SenderBase<T>::SenderBase;

  static Task<Result<Permit<T>, SendError<>>> reserve_task(Chan* chan) {
    co_return co_await Reserve(chan);
  }
  static Task<Result<void, SendTimeoutError<T>>> send_timeout_task(Sender self, T value,
                                                                   time::Instant deadline) {
    using Error = SendTimeoutError<T>;
    auto permit = co_await time::timeout_at(deadline, reserve_task(self.chan_));
    if (!permit) co_return Err(Error{Error::Kind::Timeout, std::move(value)});
    if (!*permit) co_return Err(Error{Error::Kind::Closed, std::move(value)});
    (**permit).send(std::move(value));
    co_return Result<void, Error>{};
  }
  static Task<Result<OwnedPermit<T>, SendError<>>> reserve_owned_task(Sender self) {
    auto permit = co_await Reserve(self.chan_);
    if (!permit) co_return Err(SendError<>{});
    co_return OwnedPermit<T>(std::move(*permit), std::move(self));
  }
  static Task<Result<void, SendError<T>>> send_task(Chan* chan, T value) {
    co_return co_await Send(chan, std::move(value));
  }
};

/// The receiving half of a bounded channel; see ReceiverBase for the interface
/// (recv, recv_many, try_recv, blocking_recv, close, len, ...). Destroying it closes the
/// channel and destroys every buffered value.
template <class T>
class Receiver : public detail::mpsc::ReceiverBase<T> {
 public:
  /// Free capacity now.
  std::size_t capacity() const { return this->chan("capacity")->semaphore().available_permits(); }
  /// The bound the channel was created with.
  std::size_t max_capacity() const { return this->chan("max_capacity")->bound(); }

 private:
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t);
  using detail::mpsc::ReceiverBase<T>::ReceiverBase;
};

/// A bounded channel that buffers up to `capacity` values: `send` waits while it is full.
/// `auto [tx, rx] = tokio::sync::mpsc::channel<int>(64);`
/// Errors: std::invalid_argument when capacity is 0 or above Semaphore::kMaxPermits.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity) {
  if (capacity == 0)
    throw std::invalid_argument("tokio::sync::mpsc::channel: capacity must be at least 1");
  if (capacity > tokio::detail::BatchSemaphore::kMaxPermits)
    throw std::invalid_argument("tokio::sync::mpsc::channel: capacity too large");
  auto* chan = detail::mpsc::Chan<T>::create(capacity);
  return {Sender<T>(chan), Receiver<T>(chan)};
}

}  // namespace tokio::sync::mpsc
