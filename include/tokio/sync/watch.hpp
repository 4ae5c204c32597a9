// tokio::sync::watch: a single-value channel; receivers see the latest value and are told when
// it changes (after Tokio's sync/watch.rs).
//
// Design. One shared block holds:
// - `value`, guarded by `value_mutex` (a std::shared_mutex: receivers borrow under a shared
//   lock, senders write under the exclusive lock);
// - `state`, an atomic word: bit 0 CLOSED (every Sender is gone), bits 1.. the version, which
//   advances by 2 on every notifying send. The version is only advanced while the exclusive
//   lock is held, so a reader holding the shared lock reads the version of the value it sees.
//   A Receiver remembers the version it has seen; "changed" means the two differ;
// - the handle counts (`tx_count`, `rx_count`) and `refs`, the number of handles of either
//   kind: the last handle to go deletes the block;
// - two wait lists (tasks in Receiver::changed, tasks in Sender::closed). A waiter checks its
//   condition and enqueues under the list's mutex; whoever changes the condition does so
//   first and then empties the list under the same mutex, so no wake-up is lost.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <utility>

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
#include "tokio/task/yield_now.hpp"

namespace tokio::detail::watch {

inline constexpr std::uint64_t kClosed = 1;
inline constexpr std::uint64_t kVersionStep = 2;
inline constexpr std::uint64_t version_of(std::uint64_t state) noexcept {
  return state & ~kClosed;
}

/// A task waiting in a WaitList. Its fields are guarded by the list's mutex.
struct Waiter : ListLinks<Waiter> {
  Waker waker;
  Header* task = nullptr;  // whose waker `waker` holds (null once taken by notify_all)
};

/// Tasks waiting for a condition on the channel to become true.
class WaitList {
 public:
  /// One poll of `w` for `task`: true when `ready()` holds (then `w` is not queued); otherwise
  /// queues `w` with a waker for `task`. `ready` runs under the list's mutex, which is what makes
  /// the check-then-enqueue atomic with respect to notify_all.
  template <class Ready>
  bool poll(Waiter& w, Header* task, Ready&& ready) {
    Waker replaced;  // destroyed after the lock is released (declared before the guard)
    std::lock_guard lock(mutex_);
    if (ready()) {
      if (IntrusiveList<Waiter>::is_linked(w)) list_.remove(w);
      return true;
    }
    if (!IntrusiveList<Waiter>::is_linked(w)) list_.push_back(w);
    if (w.task != task) {
      replaced = std::exchange(w.waker, task_waker(task));
      w.task = task;
    }
    return false;
  }
  /// Unlinks `w` if it is queued (an awaiter going away).
  void cancel(Waiter& w) noexcept {
    std::lock_guard lock(mutex_);
    if (IntrusiveList<Waiter>::is_linked(w)) list_.remove(w);
  }
  /// Wakes every queued waiter (after the caller changed the condition).
  void notify_all() noexcept {
    WakeList wake;  // declared before the lock: woken after it is released
    std::unique_lock lock(mutex_);
    wake.drain(list_, lock, [](Waiter& w) {
      w.task = nullptr;
      return std::move(w.waker);
    });
  }

 private:
  detail::seam::mutex mutex_;
  IntrusiveList<Waiter> list_;
};

template <class T>
struct Shared {
  template <class... Args>
  explicit Shared(Args&&... args) : value(std::forward<Args>(args)...) {}

  std::shared_mutex value_mutex;
  T value;  // guarded by value_mutex
  detail::seam::atomic<std::uint64_t> state{0};
  detail::seam::atomic<std::size_t> tx_count{0};
  detail::seam::atomic<std::size_t> rx_count{0};
  detail::seam::atomic<std::size_t> refs{0};
  WaitList changed_waiters;  // tasks in Receiver::changed
  WaitList closed_waiters;   // tasks in Sender::closed

  // Handle counting. A new handle is made from an existing one (or at creation), so the
  // increments can be relaxed; the final decrement of `refs` is acq_rel so that every handle's
  // accesses happen before the delete.
  void add_sender() noexcept {
    tx_count.fetch_add(1, std::memory_order_relaxed);
    refs.fetch_add(1, std::memory_order_relaxed);
  }
  void add_receiver() noexcept {
    rx_count.fetch_add(1, std::memory_order_relaxed);
    refs.fetch_add(1, std::memory_order_relaxed);
  }
  void drop_sender() noexcept {
    // acq_rel: the last sender's close must come after every sender's sends.
    if (tx_count.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // release: a receiver that sees CLOSED (acquire) sees everything sent before it.
      state.fetch_or(kClosed, std::memory_order_release);
      changed_waiters.notify_all();
    }
    drop_ref();
  }
  void drop_receiver() noexcept {
    // acq_rel: a Sender::closed() that sees zero (acquire) sees the receivers' last accesses.
    if (rx_count.fetch_sub(1, std::memory_order_acq_rel) == 1) closed_waiters.notify_all();
    drop_ref();
  }
  void drop_ref() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

}  // namespace tokio::detail::watch

namespace tokio::sync::watch {

/// The error of Receiver::changed / has_changed / wait_for: every Sender is gone (and, for
/// changed and wait_for, no unseen value remains).
struct RecvError {
  const char* what() const noexcept { return "channel closed"; }
  friend bool operator==(RecvError, RecvError) noexcept { return true; }
};

/// The error of Sender::send: no Receiver exists; `value` was not stored.
template <class T>
struct SendError {
  T value;
  const char* what() const noexcept { return "channel closed"; }
};

template <class T>
class Sender;
template <class T>
class Receiver;

/// A borrowed view of the channel's value, holding a shared (read) lock on it.
///
/// While a Ref is alive, senders block. Keep it short-lived and never hold it across a
/// `co_await`: the task may resume on another thread (a std::shared_mutex must be unlocked by
/// the thread that locked it), and a sender waiting for the lock blocks a runtime thread.
template <class T>
class [[nodiscard]] Ref {
 public:
  Ref(Ref&&) noexcept = default;
  Ref& operator=(Ref&&) noexcept = default;

  const T& operator*() const noexcept { return *value_; }
  const T* operator->() const noexcept { return value_; }
  /// True when the value was not yet seen by the receiver that borrowed it (as it was at the
  /// time of the borrow; always false for a Sender's borrow).
  bool has_changed() const noexcept { return has_changed_; }

 private:
  friend class Sender<T>;
  friend class Receiver<T>;
  Ref(std::shared_lock<std::shared_mutex> lock, const T* value, bool has_changed) noexcept
      : lock_(std::move(lock)), value_(value), has_changed_(has_changed) {}

  std::shared_lock<std::shared_mutex> lock_;
  const T* value_;
  bool has_changed_;
};

template <class T>
std::pair<Sender<T>, Receiver<T>> channel(T init);

/// The receiving half: copyable (each copy tracks which version it has seen on its own).
///
/// Errors: changed / wait_for / has_changed give RecvError once every Sender is gone (see each).
/// Thread safety: a Receiver is used by one thread at a time; copies may be used concurrently.
template <class T>
class Receiver {
  using Shared = detail::watch::Shared<T>;

 public:
  /// A new receiver of the same channel that has seen what this one has seen.
  Receiver(const Receiver& other) noexcept : shared_(other.shared_), version_(other.version_) {
    shared_->add_receiver();
  }
  Receiver(Receiver&& other) noexcept
      : shared_(std::exchange(other.shared_, nullptr)), version_(other.version_) {}
  Receiver& operator=(Receiver other) noexcept {
    std::swap(shared_, other.shared_);
    std::swap(version_, other.version_);
    return *this;
  }
  /// The last Receiver going away wakes Sender::closed() waiters.
  ~Receiver() {
    if (shared_) shared_->drop_receiver();
  }

  /// The latest value, without marking it seen. See Ref for the lock it holds.
  Ref<T> borrow() const {
    std::shared_lock lock(shared_->value_mutex);
    // Relaxed under the lock: the version only advances under the exclusive lock.
    const auto version = detail::watch::version_of(shared_->state.load(std::memory_order_relaxed));
    return Ref<T>(std::move(lock), &shared_->value, version != version_);
  }
  /// The latest value, marking it seen (a later changed() waits for a newer one).
  Ref<T> borrow_and_update() {
    std::shared_lock lock(shared_->value_mutex);
    const auto version = detail::watch::version_of(shared_->state.load(std::memory_order_relaxed));
    const bool changed = version != version_;
    version_ = version;
    return Ref<T>(std::move(lock), &shared_->value, changed);
  }
  /// Whether a value this receiver has not seen is present; does not mark it seen.
  ///
  /// Errors: RecvError if and only if every Sender is gone (even with an unseen value, as in
  /// Tokio).
  Result<bool, RecvError> has_changed() const {
    const auto state = shared_->state.load(std::memory_order_acquire);
    if (state & detail::watch::kClosed) return Err(RecvError{});
    return detail::watch::version_of(state) != version_;
  }
  /// Makes the current value count as unseen: has_changed() gives true and changed() completes
  /// at once.
  void mark_changed() noexcept { version_ -= detail::watch::kVersionStep; }
  /// Makes the current value count as seen.
  void mark_unchanged() noexcept {
    version_ = detail::watch::version_of(shared_->state.load(std::memory_order_acquire));
  }
  /// True when both receivers belong to the same channel.
  bool same_channel(const Receiver& other) const noexcept { return shared_ == other.shared_; }

  /// The awaitable of changed(). Movable until first awaited; not copyable.
  class [[nodiscard]] Changed final : public detail::LeafOp<Changed> {
   public:
    Changed(Receiver& rx, bool cooperative) noexcept : rx_(rx), coop_(cooperative) {}
    Changed(Changed&&) noexcept = default;  // until first awaited (its waiter is then queued)
    Changed& operator=(const Changed&) = delete;
    ~Changed() {
      if (queued_) rx_.shared_->changed_waiters.cancel(waiter_);
    }

    /// wait_for consumes budget once for the whole wait, not per change.
    bool cooperative() const noexcept { return coop_; }
    Result<void, RecvError> await_resume() noexcept {
      if (coop_) detail::coop_consume();
      if (!ok_) return Err(RecvError{});
      return {};
    }

   private:
    friend detail::LeafOp<Changed>;
    static const char* what() noexcept {
      return "awaiting tokio::sync::watch::Receiver::changed()";
    }
    // True when the wait is over: marks a new version seen (ok_), or finds the channel closed
    // with nothing unseen. Only ever true right before the awaiting coroutine resumes, so a
    // cancelled changed() never marks anything seen (cancel safety).
    bool check() noexcept {
      // acquire: pairs with the version's release increment and the release of CLOSED.
      const auto state = rx_.shared_->state.load(std::memory_order_acquire);
      const auto version = detail::watch::version_of(state);
      if (version != rx_.version_) {
        rx_.version_ = version;
        ok_ = true;
        return true;
      }
      return (state & detail::watch::kClosed) != 0;
    }
    bool poll(detail::Header* task) {
      if (!task) return check();
      queued_ = true;
      return rx_.shared_->changed_waiters.poll(waiter_, task, [this] { return check(); });
    }

    Receiver& rx_;
    detail::watch::Waiter waiter_;
    bool coop_;
    bool queued_ = false;  // waiter_ may be in the list (owner-local)
    bool ok_ = false;
  };

  /// Waits until a value this receiver has not seen is present, then marks it seen.
  /// Completes at once if the current value is unseen. Consumes one unit of the task's
  /// cooperative budget when it completes.
  ///
  /// Errors: RecvError when every Sender is gone and the current value was already seen.
  /// Cancel safety: cancel-safe: a changed() that is cancelled marks nothing seen.
  Changed changed() noexcept { return Changed(*this, true); }

  /// Waits until `pred(value)` holds, checking the current value first (even if seen), then
  /// every new value; gives a Ref to the value that satisfied it, marked seen. The Receiver
  /// must outlive the returned Task. `pred` runs under the shared lock: it must not send on
  /// this channel. Bind a lambda to a variable before `co_await rx.wait_for(f)` when it
  /// captures by value (a GCC 12 pitfall, see the README).
  ///
  /// Errors: RecvError when every Sender is gone and the last value did not satisfy `pred`.
  /// An exception from `pred` propagates (the lock is released).
  /// Cancel safety: cancel-safe: if cancelled, every value marked seen failed `pred`.
  template <class Pred>
  Task<Result<Ref<T>, RecvError>> wait_for(Pred pred) {
    co_await task::consume_budget();  // wait_for as a whole is one cooperative operation
    bool closed = false;
    for (;;) {
      {
        std::shared_lock lock(shared_->value_mutex);
        const auto version =
            detail::watch::version_of(shared_->state.load(std::memory_order_relaxed));
        const bool changed = version != version_;
        version_ = version;
        if (!closed || changed) {
          const T& value = shared_->value;
          if (std::invoke(pred, value))
            co_return Result<Ref<T>, RecvError>(Ref<T>(std::move(lock), &value, changed));
        }
      }
      if (closed) co_return Err(RecvError{});
      auto next = co_await Changed(*this, false);
      closed = !next;
    }
  }

 private:
  friend class Sender<T>;
  friend std::pair<Sender<T>, Receiver<T>> channel<T>(T init);
  Receiver(Shared* shared, std::uint64_t version) noexcept : shared_(shared), version_(version) {
    shared_->add_receiver();
  }

  Shared* shared_;
  std::uint64_t version_;  // the version this receiver has seen
};

/// The sending half: copyable (each copy counts as a sender; the channel closes for the
/// receivers when the last one goes).
///
/// Errors: send fails when there is no receiver (the value comes back). The other send
/// methods always succeed.
/// Thread safety: any number of threads may use Senders of one channel concurrently. The
/// closures given to send_modify / send_if_modified run under the exclusive lock: they must not
/// borrow or send on the same channel.
///
/// Example:
///   auto [tx, rx] = tokio::sync::watch::channel<int>(0);
///   tx.send_modify([](int& v) { ++v; });
///   auto changed = co_await rx.changed();   // ok; *rx.borrow_and_update() == 1
template <class T>
class Sender {
  using Shared = detail::watch::Shared<T>;

 public:
  /// A Sender of a new channel holding `init`, with no Receiver yet (use subscribe()).
  explicit Sender(T init) : shared_(new Shared(std::move(init))) { shared_->add_sender(); }
  Sender(const Sender& other) noexcept : shared_(other.shared_) { shared_->add_sender(); }
  Sender(Sender&& other) noexcept : shared_(std::exchange(other.shared_, nullptr)) {}
  Sender& operator=(Sender other) noexcept {
    std::swap(shared_, other.shared_);
    return *this;
  }
  /// The last Sender going away closes the channel: changed() waiters wake (with RecvError
  /// once they have seen the final value).
  ~Sender() {
    if (shared_) shared_->drop_sender();
  }

  /// Stores `value` and notifies every receiver.
  ///
  /// Errors: SendError (holding `value`, which was not stored) when no Receiver exists.
  Result<void, SendError<T>> send(T value) {
    // Relaxed: a count, no data is read through it (as in Tokio).
    if (shared_->rx_count.load(std::memory_order_relaxed) == 0)
      return Err(SendError<T>{std::move(value)});
    (void)send_replace(std::move(value));
    return {};
  }
  /// Modifies the value in place under the exclusive lock, then notifies every receiver. Works
  /// without receivers. If `modify` throws, the exception propagates and nobody is notified
  /// (changes it made stay).
  template <class F>
  void send_modify(F&& modify) {
    (void)send_if_modified([&](T& value) {
      std::invoke(modify, value);
      return true;
    });
  }
  /// Calls `modify` on the value under the exclusive lock; notifies every receiver (and
  /// returns true) only when it returns true. If it throws, nobody is notified.
  template <class F>
  bool send_if_modified(F&& modify) {
    {
      std::unique_lock lock(shared_->value_mutex);
      if (!std::invoke(modify, shared_->value)) return false;
      // Under the exclusive lock (see the design note). release: pairs with the acquire of
      // changed()/has_changed(), so a receiver that sees the new version sees what the sender
      // did before sending.
      shared_->state.fetch_add(detail::watch::kVersionStep, std::memory_order_release);
    }
    shared_->changed_waiters.notify_all();
    return true;
  }
  /// Replaces the value, notifies every receiver, and returns the previous value. Works
  /// without receivers.
  T send_replace(T value) {
    T previous = [&] {
      std::unique_lock lock(shared_->value_mutex);
      T old = std::exchange(shared_->value, std::move(value));
      shared_->state.fetch_add(detail::watch::kVersionStep, std::memory_order_release);
      return old;
    }();
    shared_->changed_waiters.notify_all();
    return previous;
  }

  /// The current value (a Ref whose has_changed() is false). See Ref for the lock it holds.
  Ref<T> borrow() const {
    std::shared_lock lock(shared_->value_mutex);
    return Ref<T>(std::move(lock), &shared_->value, false);
  }
  /// A new Receiver that has seen the current value.
  Receiver<T> subscribe() const {
    std::shared_lock lock(shared_->value_mutex);
    const auto version = detail::watch::version_of(shared_->state.load(std::memory_order_relaxed));
    return Receiver<T>(shared_, version);
  }
  /// How many Receivers exist.
  std::size_t receiver_count() const noexcept {
    return shared_->rx_count.load(std::memory_order_relaxed);
  }
  /// How many Senders exist.
  std::size_t sender_count() const noexcept {
    return shared_->tx_count.load(std::memory_order_relaxed);
  }
  /// True when no Receiver exists (send would fail). subscribe() reopens the channel.
  bool is_closed() const noexcept { return receiver_count() == 0; }
  /// True when both senders belong to the same channel.
  bool same_channel(const Sender& other) const noexcept { return shared_ == other.shared_; }

  /// The awaitable of closed(). Movable until first awaited; not copyable.
  class [[nodiscard]] Closed final : public detail::LeafOp<Closed> {
   public:
    explicit Closed(const Sender& tx) noexcept : shared_(tx.shared_) {}
    Closed(Closed&&) noexcept = default;  // until first awaited (its waiter is then queued)
    Closed& operator=(const Closed&) = delete;
    ~Closed() {
      if (queued_) shared_->closed_waiters.cancel(waiter_);
    }

    void await_resume() const noexcept { detail::coop_consume(); }

   private:
    friend detail::LeafOp<Closed>;
    static const char* what() noexcept { return "awaiting tokio::sync::watch::Sender::closed()"; }
    // acquire: pairs with the last receiver's acq_rel decrement.
    bool check() const noexcept { return shared_->rx_count.load(std::memory_order_acquire) == 0; }
    bool poll(detail::Header* task) {
      if (!task) return check();
      queued_ = true;
      return shared_->closed_waiters.poll(waiter_, task, [this] { return check(); });
    }

    Shared* shared_;
    detail::watch::Waiter waiter_;
    bool queued_ = false;
  };

  /// Waits until no Receiver exists (completes at once if none does). Consumes one unit of the
  /// task's cooperative budget when it completes.
  ///
  /// Cancel safety: cancel-safe.
  Closed closed() const noexcept { return Closed(*this); }

 private:
  friend std::pair<Sender<T>, Receiver<T>> channel<T>(T init);
  Shared* shared_;
};

/// Creates a watch channel holding `init`: `auto [tx, rx] = tokio::sync::watch::channel(0);`.
/// The receiver starts having seen `init`.
///
/// Errors: std::bad_alloc, or what T's move constructor throws.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(T init) {
  Sender<T> tx(std::move(init));
  Receiver<T> rx(tx.shared_, 0);
  return {std::move(tx), std::move(rx)};
}

}  // namespace tokio::sync::watch
