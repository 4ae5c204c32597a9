// tokio::sync::broadcast: a multi-producer, multi-consumer channel in which every receiver sees
// every value sent after it subscribed (after Tokio's sync/broadcast.rs).
//
// Design. A ring of `capacity` slots (a power of two) and everything else in the shared block
// is guarded by one std::mutex, `mutex`:
// - `tail` is the position the next value is written at; positions only grow (uint64_t).
// - Slot `p & mask` holds the value sent at position `slot.pos`; `slot.rem` counts the
//   receivers that subscribed before it was written and have not read it yet. The value is
//   destroyed when the last of them reads it (that one gets it moved, the others get copies),
//   when the slot is overwritten `capacity` sends later, or when the channel goes away -
//   exactly once in every case. A never-written slot i starts at position i - capacity, so
//   "slot.pos + capacity == next" means "nothing sent at `next` yet" on every lap.
// - A Receiver reads position `next`. If its slot already holds a later position, the receiver
//   fell more than `capacity` behind: it jumps to the oldest position still kept (tail -
//   capacity) and reports Lagged(how many it skipped).
// - Waiting receivers (and Sender::closed waiters) are intrusive nodes in their awaiting frames,
//   queued on lists guarded by the same mutex; every send wakes all waiting receivers. Wakers are
//   woken after the mutex is released.
// - Handles are counted: `tx_count` (atomic; the last Sender closes the channel), `rx_count`
//   (under the mutex; written into each new slot), and `refs` (every handle; the last one
//   deletes the block).
#pragma once

#include <algorithm>
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "tokio/detail/block_on_thread.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/wake_list.hpp"
#include "tokio/detail/waker.hpp"
#include "tokio/result.hpp"
#include "tokio/task/task.hpp"

namespace tokio::sync::broadcast {

/// Why Receiver::recv gave no value. `Closed`: every Sender is gone and this receiver has read
/// everything. `Lagged`: the receiver fell behind by more than the capacity and `skipped()`
/// values were dropped for it; the next recv gives the oldest value still kept. These are
/// Tokio's `RecvError::Closed` and `RecvError::Lagged(n)`.
class RecvError {
 public:
  enum class Kind { Closed, Lagged };
  static constexpr RecvError closed() noexcept { return RecvError(Kind::Closed, 0); }
  static constexpr RecvError lagged(std::uint64_t skipped) noexcept {
    return RecvError(Kind::Lagged, skipped);
  }
  Kind kind() const noexcept { return kind_; }
  bool is_closed() const noexcept { return kind_ == Kind::Closed; }
  bool is_lagged() const noexcept { return kind_ == Kind::Lagged; }
  /// How many values were skipped (Lagged); 0 for Closed.
  std::uint64_t skipped() const noexcept { return skipped_; }
  const char* what() const noexcept {
    return kind_ == Kind::Closed ? "channel closed" : "channel lagged";
  }
  friend bool operator==(const RecvError&, const RecvError&) = default;

 private:
  constexpr RecvError(Kind kind, std::uint64_t skipped) noexcept : kind_(kind), skipped_(skipped) {}
  Kind kind_;
  std::uint64_t skipped_;
};

/// Why Receiver::try_recv gave no value: as RecvError, plus `Empty` (nothing new yet).
class TryRecvError {
 public:
  enum class Kind { Empty, Closed, Lagged };
  static constexpr TryRecvError empty() noexcept { return TryRecvError(Kind::Empty, 0); }
  static constexpr TryRecvError closed() noexcept { return TryRecvError(Kind::Closed, 0); }
  static constexpr TryRecvError lagged(std::uint64_t skipped) noexcept {
    return TryRecvError(Kind::Lagged, skipped);
  }
  Kind kind() const noexcept { return kind_; }
  bool is_empty() const noexcept { return kind_ == Kind::Empty; }
  bool is_closed() const noexcept { return kind_ == Kind::Closed; }
  bool is_lagged() const noexcept { return kind_ == Kind::Lagged; }
  std::uint64_t skipped() const noexcept { return skipped_; }
  const char* what() const noexcept {
    return kind_ == Kind::Empty ? "channel empty"
                                : (kind_ == Kind::Closed ? "channel closed" : "channel lagged");
  }
  friend bool operator==(const TryRecvError&, const TryRecvError&) = default;

 private:
  constexpr TryRecvError(Kind kind, std::uint64_t skipped) noexcept
      : kind_(kind), skipped_(skipped) {}
  Kind kind_;
  std::uint64_t skipped_;
};

/// The error of Sender::send: no Receiver exists; `value` was not sent.
template <class T>
struct SendError {
  T value;
  const char* what() const noexcept { return "channel closed"; }
};

}  // namespace tokio::sync::broadcast

namespace tokio::detail::broadcast {

template <class T>
struct Slot {
  std::uint64_t pos = 0;
  std::size_t rem = 0;  // receivers still to read it; the value is present iff rem > 0
  std::optional<T> value;
};

/// A task waiting on the channel; fields guarded by the channel's mutex.
struct Waiter : ListLinks<Waiter> {
  Waker waker;
  Header* task = nullptr;  // whose waker `waker` holds (null once taken by a wake-up)
};

enum class Poll { Value, Empty, Closed, Lagged };

template <class T>
class Shared {
  static_assert(std::is_copy_constructible_v<T>,
                "tokio::sync::broadcast gives each receiver a copy: T must be copyable (wrap it "
                "in a std::shared_ptr otherwise)");
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "tokio::sync::broadcast needs a noexcept move constructor for T (wrap it in a "
                "std::shared_ptr otherwise)");

 public:
  static std::size_t checked_capacity(std::size_t requested) {
    if (requested == 0)
      throw std::invalid_argument(
          "tokio::sync::broadcast::channel: capacity must be at least 1 (it is the number of "
          "values kept for slow receivers)");
    if (requested > (SIZE_MAX >> 1))
      throw std::invalid_argument("tokio::sync::broadcast::channel: capacity " +
                                  std::to_string(requested) + " is too large; the largest is " +
                                  std::to_string(SIZE_MAX >> 1));
    std::size_t cap = 1;
    while (cap < requested)
      cap <<= 1;
    return cap;
  }

  explicit Shared(std::size_t requested)
      : capacity_(checked_capacity(requested)),
        mask_(capacity_ - 1),
        buffer_(std::make_unique<Slot<T>[]>(capacity_)) {
    for (std::size_t i = 0; i < capacity_; ++i)
      buffer_[i].pos = static_cast<std::uint64_t>(i) - capacity_;  // wraps: "before lap 0"
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // ---- handles --------------------------------------------------------------------------
  // New handles come from existing ones (or creation): relaxed increments suffice. The final
  // decrements are acq_rel so that every handle's accesses happen before the delete / close.
  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void drop_ref() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  void add_sender() noexcept {
    tx_count_.fetch_add(1, std::memory_order_relaxed);
    add_ref();
  }
  void drop_sender() noexcept {
    if (tx_count_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      WakeList wake;  // declared before the lock: woken after it is released
      std::unique_lock lock(mutex_);
      closed_ = true;
      drain_locked(rx_waiters_, lock, wake);
    }
    drop_ref();
  }
  std::size_t sender_count() const noexcept { return tx_count_.load(std::memory_order_relaxed); }
  bool senders_gone() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  /// A new receiver that will read from the next value sent.
  std::uint64_t subscribe() {
    std::lock_guard lock(mutex_);
    ++rx_count_;
    add_ref();
    return tail_;
  }
  /// A receiver at `next` goes away: it no longer holds back the values it has not read.
  void unsubscribe(std::uint64_t next) noexcept {
    {
      WakeList wake;  // declared before the lock: woken after it is released
      std::unique_lock lock(mutex_);
      // Positions older than tail - capacity were overwritten (their counts were reset).
      const std::uint64_t from = tail_ - next > capacity_ ? tail_ - capacity_ : next;
      for (std::uint64_t p = from; p != tail_; ++p) {
        Slot<T>& s = buffer_[p & mask_];
        if (--s.rem == 0) s.value.reset();
      }
      if (--rx_count_ == 0) drain_locked(closed_waiters_, lock, wake);
    }
    drop_ref();
  }
  std::size_t receiver_count() const {
    std::lock_guard lock(mutex_);
    return rx_count_;
  }

  // ---- sending ----------------------------------------------------------------------------
  /// Writes `value` at the tail and wakes every waiting receiver; returns how many receivers
  /// will see it, or 0 (leaving `value` alone) when there is none.
  std::size_t send(T& value) {
    WakeList wake;  // declared before the lock: woken after it is released
    std::unique_lock lock(mutex_);
    const std::size_t receivers = rx_count_;
    if (receivers == 0) return 0;
    Slot<T>& s = buffer_[tail_ & mask_];
    s.value.reset();  // overwritten: receivers that still wanted it will see Lagged
    s.value.emplace(std::move(value));  // nothrow (static_assert above)
    s.pos = tail_;
    s.rem = receivers;
    ++tail_;
    drain_locked(rx_waiters_, lock, wake);
    return receivers;
  }
  /// Values still held for some receiver (sent, and not yet read by everyone who will).
  std::size_t len() const {
    std::lock_guard lock(mutex_);
    const std::uint64_t kept = std::min<std::uint64_t>(tail_, capacity_);
    // `rem` does not decrease from older to newer positions (a receiver that still needs a
    // value needs every later one too), so the held values are a suffix: binary search.
    std::uint64_t lo = 0, hi = kept;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (buffer_[(tail_ - kept + mid) & mask_].rem == 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return static_cast<std::size_t>(kept - lo);
  }

  // ---- receiving --------------------------------------------------------------------------
  /// Values sent that a receiver at `next` has not received (may exceed the capacity when it
  /// lags).
  std::uint64_t pending(std::uint64_t next) const {
    std::lock_guard lock(mutex_);
    return tail_ - next;
  }
  /// One attempt to receive at `next`. On Value, `out` holds it; on Lagged, `skipped` says how
  /// many values were missed and `next` moved to the oldest one kept. When `waiter` is given and
  /// the channel is empty for this receiver, the waiter is queued with `task`'s waker.
  /// An exception from T's copy constructor propagates after the value was counted as
  /// received (it is skipped for this receiver, as in Tokio).
  Poll poll_recv(std::uint64_t& next, std::optional<T>& out, std::uint64_t& skipped, Waiter* waiter,
                 Header* task) {
    Waker replaced;  // destroyed after the lock is released (declared before the guard)
    std::lock_guard lock(mutex_);
    Slot<T>& s = buffer_[next & mask_];
    if (s.pos != next) {
      if (s.pos + capacity_ == next) {  // nothing sent at `next` yet
        if (closed_) {
          unlink_locked(waiter);
          return Poll::Closed;
        }
        if (waiter) {
          if (!IntrusiveList<Waiter>::is_linked(*waiter)) rx_waiters_.push_back(*waiter);
          if (waiter->task != task) {
            replaced = std::exchange(waiter->waker, task_waker(task));
            waiter->task = task;
          }
        }
        return Poll::Empty;
      }
      // Overwritten: more than `capacity` values were sent since `next`.
      const std::uint64_t oldest = tail_ - capacity_;
      skipped = oldest - next;
      next = oldest;
      unlink_locked(waiter);
      return Poll::Lagged;
    }
    unlink_locked(waiter);
    ++next;
    if (--s.rem == 0) {
      out.emplace(std::move(*s.value));  // the last reader takes it
      s.value.reset();
    } else {
      out.emplace(*s.value);
    }
    return Poll::Value;
  }
  /// Unlinks `w` if queued (an awaiter going away).
  void cancel(Waiter& w) noexcept {
    std::lock_guard lock(mutex_);
    unlink_locked(&w);
  }
  /// One poll of Sender::closed(): true when no receiver exists, else queues `w`.
  bool poll_closed(Waiter& w, Header* task) {
    Waker replaced;
    std::lock_guard lock(mutex_);
    if (rx_count_ == 0) {
      if (IntrusiveList<Waiter>::is_linked(w)) closed_waiters_.remove(w);
      return true;
    }
    if (!IntrusiveList<Waiter>::is_linked(w)) closed_waiters_.push_back(w);
    if (w.task != task) {
      replaced = std::exchange(w.waker, task_waker(task));
      w.task = task;
    }
    return false;
  }
  void cancel_closed(Waiter& w) noexcept {
    std::lock_guard lock(mutex_);
    if (IntrusiveList<Waiter>::is_linked(w)) closed_waiters_.remove(w);
  }

 private:
  ~Shared() = default;  // via drop_ref only

  void unlink_locked(Waiter* w) noexcept {
    if (w && IntrusiveList<Waiter>::is_linked(*w)) rx_waiters_.remove(*w);
  }
  // Collects the wakers of every waiter in `list` (see WakeList::drain: waiters that queue
  // while the lock is dropped between batches wait for the next send).
  static void drain_locked(IntrusiveList<Waiter>& list, std::unique_lock<detail::seam::mutex>& lock,
                           WakeList& wake) noexcept {
    wake.drain(list, lock, [](Waiter& w) {
      w.task = nullptr;
      return std::move(w.waker);
    });
  }

  const std::size_t capacity_;
  const std::uint64_t mask_;
  mutable detail::seam::mutex mutex_;
  std::unique_ptr<Slot<T>[]> buffer_;     // slots guarded by mutex_
  std::uint64_t tail_ = 0;                // guarded by mutex_
  std::size_t rx_count_ = 0;              // guarded by mutex_
  bool closed_ = false;                   // every Sender gone; guarded by mutex_
  IntrusiveList<Waiter> rx_waiters_;      // guarded by mutex_
  IntrusiveList<Waiter> closed_waiters_;  // guarded by mutex_
  detail::seam::atomic<std::size_t> tx_count_{0};
  detail::seam::atomic<std::size_t> refs_{0};
};

}  // namespace tokio::detail::broadcast

namespace tokio::sync::broadcast {

template <class T>
class Sender;
template <class T>
class Receiver;
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity);

/// The receiving half. Move-only; resubscribe() makes another receiver of the same channel.
///
/// Errors: see RecvError / TryRecvError.
/// Thread safety: a Receiver is used by one thread at a time; receivers of one channel may be
/// used concurrently.
template <class T>
class Receiver {
  using Shared = detail::broadcast::Shared<T>;
  using Poll = detail::broadcast::Poll;

 public:
  Receiver(Receiver&& other) noexcept
      : shared_(std::exchange(other.shared_, nullptr)), next_(other.next_) {}
  Receiver& operator=(Receiver&& other) noexcept {
    if (this != &other) {
      reset();
      shared_ = std::exchange(other.shared_, nullptr);
      next_ = other.next_;
    }
    return *this;
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  /// Values this receiver has not read stop being held for it; the last receiver going away
  /// wakes Sender::closed() waiters.
  ~Receiver() { reset(); }

  /// The awaitable of recv(). Movable until first awaited; not copyable.
  class [[nodiscard]] Recv final : public detail::LeafOp<Recv> {
   public:
    explicit Recv(Receiver& rx) noexcept : rx_(rx) {}
    Recv(Recv&&) noexcept = default;  // until first awaited (its waiter is then queued)
    Recv& operator=(const Recv&) = delete;
    ~Recv() {
      if (queued_) rx_.shared_->cancel(waiter_);
    }

    Result<T, RecvError> await_resume() {
      detail::coop_consume();
      if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
      switch (outcome_) {
        case Poll::Value:
          return Result<T, RecvError>(std::move(*value_));
        case Poll::Lagged:
          return Err(RecvError::lagged(skipped_));
        default:
          return Err(RecvError::closed());
      }
    }

   private:
    friend detail::LeafOp<Recv>;
    static const char* what() noexcept {
      return "awaiting tokio::sync::broadcast::Receiver::recv()";
    }
    // True when recv is over. Only ever true right before the awaiting coroutine resumes and
    // takes the outcome, so a cancelled recv never loses a value (cancel safety).
    bool poll(detail::Header* task) noexcept {
      try {
        if (task) queued_ = true;
        outcome_ =
            rx_.shared_->poll_recv(rx_.next_, value_, skipped_, task ? &waiter_ : nullptr, task);
        return outcome_ != Poll::Empty;
      } catch (...) {
        error_ = std::current_exception();  // T's copy threw; re-thrown by await_resume
        return true;
      }
    }

    Receiver& rx_;
    detail::broadcast::Waiter waiter_;
    std::optional<T> value_;
    std::exception_ptr error_;
    std::uint64_t skipped_ = 0;
    Poll outcome_ = Poll::Empty;
    bool queued_ = false;  // waiter_ may be in the list (owner-local)
  };

  /// Waits for the next value: a copy of it (the last receiver to read a value gets it moved).
  /// Consumes one unit of the task's cooperative budget when it completes.
  ///
  /// Errors: RecvError::lagged(n) when n values were dropped for this receiver (the next recv
  /// gives the oldest value still kept); RecvError::closed() when every Sender is gone and
  /// everything was read. An exception thrown by T's copy constructor propagates; that value
  /// then counts as received (as in Tokio), so the receiver is not stuck on it.
  /// Cancel safety: cancel-safe: a recv that loses a select or whose task is aborted takes no
  /// value; the next recv gets it.
  Recv recv() noexcept { return Recv(*this); }

  /// The next value if one is there now, without waiting (usable outside a runtime).
  ///
  /// Errors: TryRecvError: Empty (nothing new yet), Closed, Lagged(n) (see recv).
  Result<T, TryRecvError> try_recv() {
    std::optional<T> value;
    std::uint64_t skipped = 0;
    switch (shared_->poll_recv(next_, value, skipped, nullptr, nullptr)) {
      case Poll::Value:
        return Result<T, TryRecvError>(std::move(*value));
      case Poll::Lagged:
        return Err(TryRecvError::lagged(skipped));
      case Poll::Closed:
        return Err(TryRecvError::closed());
      case Poll::Empty:
        break;
    }
    return Err(TryRecvError::empty());
  }

  /// Waits for the next value on a thread that is not running a runtime, blocking it.
  ///
  /// Errors: as recv; std::logic_error when called on a runtime thread (await recv instead).
  Result<T, RecvError> blocking_recv() {
    return detail::block_on_thread(blocking_body(this),
                                   "tokio::sync::broadcast::Receiver::blocking_recv");
  }

  /// A new receiver of the same channel that starts at the next value sent (not where this
  /// one is).
  Receiver resubscribe() const { return Receiver(shared_, shared_->subscribe()); }

  /// How many values were sent that this receiver has not received (more than the capacity
  /// means the next recv reports Lagged).
  std::size_t len() const { return static_cast<std::size_t>(shared_->pending(next_)); }
  /// True when len() is 0.
  bool is_empty() const { return len() == 0; }
  /// True when every Sender is gone (values may still be left to receive).
  bool is_closed() const { return shared_->senders_gone(); }
  /// True when both receivers belong to the same channel.
  bool same_channel(const Receiver& other) const noexcept { return shared_ == other.shared_; }

 private:
  friend class Sender<T>;
  friend std::pair<Sender<T>, Receiver<T>> channel<T>(std::size_t capacity);
  Receiver(Shared* shared, std::uint64_t next) noexcept : shared_(shared), next_(next) {}

  void reset() noexcept {
    if (Shared* s = std::exchange(shared_, nullptr)) s->unsubscribe(next_);
  }
  static Task<Result<T, RecvError>> blocking_body(Receiver* rx) { co_return co_await rx->recv(); }

  Shared* shared_;
  std::uint64_t next_;  // the position this receiver reads next
};

/// The sending half. Copyable: every copy is a sender; the channel closes for the receivers
/// when the last one goes (after they have read what was sent).
///
/// Errors: send fails, giving the value back, when no Receiver exists.
/// Thread safety: Senders of one channel may be used from any threads concurrently.
///
/// Example:
///   auto [tx, rx] = tokio::sync::broadcast::channel<int>(16);
///   auto rx2 = tx.subscribe();
///   (void)tx.send(10);                      // both receivers will get 10
///   auto a = co_await rx.recv();            // *a == 10
template <class T>
class Sender {
  using Shared = detail::broadcast::Shared<T>;

 public:
  /// A Sender of a new channel of `capacity` (rounded up to a power of two), with no receiver
  /// yet (use subscribe()).
  ///
  /// Errors: std::invalid_argument when capacity is 0 or larger than SIZE_MAX / 2.
  explicit Sender(std::size_t capacity) : shared_(new Shared(capacity)) { shared_->add_sender(); }
  Sender(const Sender& other) noexcept : shared_(other.shared_) { shared_->add_sender(); }
  Sender(Sender&& other) noexcept : shared_(std::exchange(other.shared_, nullptr)) {}
  Sender& operator=(Sender other) noexcept {
    std::swap(shared_, other.shared_);
    return *this;
  }
  ~Sender() {
    if (shared_) shared_->drop_sender();
  }

  /// Sends `value` to every current receiver; gives how many there are.
  ///
  /// Errors: SendError (holding `value`) when no Receiver exists. A value sent when some
  /// receivers lag may overwrite the oldest value they have not read (they get Lagged).
  Result<std::size_t, SendError<T>> send(T value) {
    const std::size_t receivers = shared_->send(value);
    if (receivers == 0) return Err(SendError<T>{std::move(value)});
    return receivers;
  }
  /// A new Receiver that gets every value sent from now on.
  Receiver<T> subscribe() const { return Receiver<T>(shared_, shared_->subscribe()); }
  /// How many Receivers exist.
  std::size_t receiver_count() const { return shared_->receiver_count(); }
  /// How many Senders exist.
  std::size_t sender_count() const noexcept { return shared_->sender_count(); }
  /// How many values are held for receivers that have not read them yet (at most the
  /// capacity).
  std::size_t len() const { return shared_->len(); }
  /// True when len() is 0.
  bool is_empty() const { return len() == 0; }
  /// True when no Receiver exists (send would fail).
  bool is_closed() const { return receiver_count() == 0; }
  /// True when both senders belong to the same channel.
  bool same_channel(const Sender& other) const noexcept { return shared_ == other.shared_; }

  /// The awaitable of closed(). Movable until first awaited; not copyable.
  class [[nodiscard]] Closed final : public detail::LeafOp<Closed> {
   public:
    explicit Closed(const Sender& tx) noexcept : shared_(tx.shared_) {}
    Closed(Closed&&) noexcept = default;  // until first awaited (its waiter is then queued)
    Closed& operator=(const Closed&) = delete;
    ~Closed() {
      if (queued_) shared_->cancel_closed(waiter_);
    }

    void await_resume() const noexcept { detail::coop_consume(); }

   private:
    friend detail::LeafOp<Closed>;
    static const char* what() noexcept {
      return "awaiting tokio::sync::broadcast::Sender::closed()";
    }
    bool poll(detail::Header* task) {
      if (!task) return shared_->receiver_count() == 0;
      queued_ = true;
      return shared_->poll_closed(waiter_, task);
    }

    Shared* shared_;
    detail::broadcast::Waiter waiter_;
    bool queued_ = false;
  };

  /// Waits until no Receiver exists (completes at once if none does). Consumes one unit of
  /// the task's cooperative budget when it completes.
  ///
  /// Cancel safety: cancel-safe.
  Closed closed() const noexcept { return Closed(*this); }

 private:
  friend std::pair<Sender<T>, Receiver<T>> channel<T>(std::size_t capacity);
  Shared* shared_;
};

/// Creates a broadcast channel that keeps the last `capacity` values (rounded up to a power of
/// two) for slow receivers: `auto [tx, rx] = tokio::sync::broadcast::channel<T>(16);`.
///
/// T must be copyable (each receiver gets a copy) and nothrow move constructible. T's copy
/// constructor and destructor run under the channel's lock: they must not use the same channel.
///
/// Errors: std::invalid_argument when capacity is 0 or larger than SIZE_MAX / 2;
/// std::bad_alloc.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity) {
  Sender<T> tx(capacity);
  auto rx = tx.subscribe();
  return {std::move(tx), std::move(rx)};
}

}  // namespace tokio::sync::broadcast
