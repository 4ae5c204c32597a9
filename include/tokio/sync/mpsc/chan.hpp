// The shared state of an mpsc channel (bounded and unbounded) and the pieces of the public
// handles that both flavours share.
//
// Layout: senders append to `queue_` under `mutex_`; the receiver swaps the whole queue into
// its private `batch_` in one locked step and then takes values from the batch without any
// lock, so a busy receiver pays for the mutex once per batch rather than once per value.
// Order is preserved: the batch is always drained before the next swap.
//
// Capacity (bounded only) is a BatchSemaphore of `bound_` permits: a sender holds one permit
// from reservation until its value is received, so `queue_` + the rest of `batch_` never
// exceed the bound, and waiting senders are served FIFO.
//
// Ownership and threads:
// - `refs_` counts every handle (strong and weak senders, the receiver); the last one deletes.
// - `queue_`, the receiver's waker, and the rx_closed_/rx_dropped_/tx_closed_ flags are guarded
//   by `mutex_`.
// - `batch_` and `batch_pos_` belong to the receiver: only the thread currently using the
//   Receiver touches them (the Receiver is move-only and its operations are not concurrent).
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/detail/batch_semaphore.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail::mpsc {

template <class T>
class Chan {
  static_assert(std::is_move_constructible_v<T> && std::is_destructible_v<T>,
                "tokio::sync::mpsc channels carry move-constructible values");

 public:
  enum class Poll { Value, Pending, Closed };

  /// A channel with one sender and the receiver; `bound` 0 means unbounded.
  static Chan* create(std::size_t bound) { return new Chan(bound); }

  // ---- handle counting -------------------------------------------------------------------
  // Relaxed increments: a new handle is made from an existing one, which keeps the count > 0.
  // The final decrement is acq_rel so that every handle's writes happen before the delete.
  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void drop_ref() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  void add_sender() noexcept {
    tx_count_.fetch_add(1, std::memory_order_relaxed);
    add_ref();
  }
  /// A strong sender from a weak one, unless every strong sender is gone (then the channel
  /// is closed for good and stays so).
  bool try_add_sender() noexcept {
    auto n = tx_count_.load(std::memory_order_relaxed);
    do {
      if (n == 0) return false;
    } while (!tx_count_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
    add_ref();
    return true;
  }
  void drop_sender() noexcept {
    if (tx_count_.fetch_sub(1, std::memory_order_acq_rel) == 1) close_tx();
    drop_ref();
  }
  void add_weak() noexcept {
    weak_count_.fetch_add(1, std::memory_order_relaxed);
    add_ref();
  }
  void drop_weak() noexcept {
    weak_count_.fetch_sub(1, std::memory_order_relaxed);
    drop_ref();
  }
  std::size_t strong_count() const noexcept { return tx_count_.load(std::memory_order_relaxed); }
  std::size_t weak_count() const noexcept { return weak_count_.load(std::memory_order_relaxed); }

  // ---- sending ---------------------------------------------------------------------------
  /// Appends `value` (moving from it only on success) and wakes the receiver if it waits.
  /// Refused when the receiver is gone, or, unless `has_permit`, when it was closed: a
  /// reserved permit stays usable after close() so the receiver can drain it, as in Tokio.
  bool push(T& value, bool has_permit) {
    Waker waker;
    {
      std::lock_guard lock(mutex_);
      if (rx_dropped_ || (rx_closed_ && !has_permit)) return false;
      queue_.push_back(std::move(value));
      if (rx_waiting_) waker = take_rx_waker_locked();
    }
    waker.wake();
    return true;
  }
  /// Returns one unit of capacity that was reserved but not used (bounded only).
  void release_permit() noexcept {
    sem_.release(1);
    permit_returned();
  }
  /// After capacity came back other than through a receive: the receiver of a closed channel
  /// waits for the last outstanding permit, so wake it if that was the one.
  void permit_returned() noexcept {
    // Store-buffering pair with close_rx + refill: this side returned a permit (a seq_cst RMW
    // in the semaphore), then reads the closed flag; the receiver set the flag, then (in
    // refill) reads the permit count. All four are seq_cst, so at least one side sees the
    // other's write: either this wake happens or the receiver sees the channel idle.
    if (closed_flag_.load(std::memory_order_seq_cst) && idle()) wake_rx();
  }
  BatchSemaphore& semaphore() noexcept { return sem_; }
  std::size_t bound() const noexcept { return bound_; }
  /// True once the receiver closed the channel or went away.
  bool is_closed() const noexcept { return closed_flag_.load(std::memory_order_acquire); }
  /// A counted reference to a channel, for Tasks that may outlive the handle they came from.
  class Ref {
   public:
    explicit Ref(Chan* chan) noexcept : chan_(chan) { chan_->add_ref(); }
    Ref(Ref&& other) noexcept : chan_(std::exchange(other.chan_, nullptr)) {}
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    ~Ref() {
      if (chan_) chan_->drop_ref();
    }
    Chan* get() const noexcept { return chan_; }

   private:
    Chan* chan_;
  };
  /// Completes when is_closed() becomes true. The Task keeps the channel alive.
  static Task<void> closed(Ref ref) {
    Chan* chan = ref.get();
    for (;;) {
      auto notified = chan->closed_notify_.notified();
      notified.enable();  // registered before the check, so a close in between is seen
      if (chan->is_closed()) co_return;
      co_await notified;
    }
  }

  // ---- receiving (receiver's thread only) --------------------------------------------------
  /// Takes the next value into `out`; on Pending, registers `task`'s waker when `task` is set.
  Poll poll_recv(Header* task, std::optional<T>& out) {
    if (batch_pos_ == batch_.size()) {
      batch_.clear();  // destroys the moved-from husks outside the lock
      batch_pos_ = 0;
      if (Poll p = refill(task); p != Poll::Value) return p;
    }
    out.emplace(std::move(batch_[batch_pos_]));  // a throwing move leaves the value in place
    ++batch_pos_;
    received(1);
    return Poll::Value;
  }
  /// Appends up to `limit` values to `out` (at least one unless Pending or Closed).
  Poll poll_recv_many(Header* task, std::vector<T>& out, std::size_t limit) {
    std::size_t taken = 0;
    // Capacity goes back for what was taken even if a push_back throws half-way.
    struct Release {
      Chan* chan;
      const std::size_t& taken;
      ~Release() { chan->received(taken); }
    } release{this, taken};
    while (taken < limit) {
      if (batch_pos_ == batch_.size()) {
        batch_.clear();
        batch_pos_ = 0;
        if (Poll p = refill(taken ? nullptr : task); p != Poll::Value) {
          if (taken) break;
          return p;
        }
      }
      for (; taken < limit && batch_pos_ < batch_.size(); ++taken, ++batch_pos_)
        out.push_back(std::move(batch_[batch_pos_]));
    }
    return Poll::Value;
  }
  /// Values buffered now (sent and not yet received).
  std::size_t len() {
    std::lock_guard lock(mutex_);
    return queue_.size() + (batch_.size() - batch_pos_);
  }
  /// Receiver::close: refuse new sends and reservations, wake waiting senders with an error;
  /// buffered values and outstanding permits can still be received.
  void close_rx() noexcept {
    {
      std::lock_guard lock(mutex_);
      if (rx_closed_) return;
      rx_closed_ = true;
    }
    closed_flag_.store(true, std::memory_order_seq_cst);  // see permit_returned
    sem_.close();
    closed_notify_.notify_waiters();
  }
  /// The receiver goes away: close, then destroy every buffered value here, exactly once.
  void drop_rx() noexcept {
    close_rx();
    std::vector<T> doomed;
    {
      std::lock_guard lock(mutex_);
      rx_dropped_ = true;
      doomed.swap(queue_);
    }
    doomed.clear();
    batch_.clear();
    batch_pos_ = 0;
    drop_ref();
  }

 private:
  explicit Chan(std::size_t bound) : bound_(bound), sem_(bound) {}
  ~Chan() = default;

  // The channel is finished for the receiver once nothing buffered remains and nothing more
  // can arrive: every sender is gone (an outstanding Permit counts as a sender), or the
  // receiver closed it and no permit is outstanding.
  bool finished_locked() const noexcept { return tx_closed_ || (rx_closed_ && idle()); }
  bool idle() const noexcept { return !bound_ || sem_.available_permits() == bound_; }

  // Swaps the shared queue into the (empty) batch.
  Poll refill(Header* task) {
    std::lock_guard lock(mutex_);
    if (!queue_.empty()) {
      batch_.swap(queue_);
      return Poll::Value;
    }
    if (finished_locked()) return Poll::Closed;
    if (task) {
      if (rx_waker_task_ != task) {
        rx_waker_ = task_waker(task);
        rx_waker_task_ = task;
      }
      rx_waiting_ = true;
    }
    return Poll::Pending;
  }
  void received(std::size_t n) noexcept {
    if (bound_ && n) sem_.release(n);
  }
  Waker take_rx_waker_locked() noexcept {
    rx_waiting_ = false;
    rx_waker_task_ = nullptr;
    return std::move(rx_waker_);
  }
  void wake_rx() noexcept {
    Waker waker;
    {
      std::lock_guard lock(mutex_);
      if (rx_waiting_) waker = take_rx_waker_locked();
    }
    waker.wake();
  }
  void close_tx() noexcept {
    {
      std::lock_guard lock(mutex_);
      tx_closed_ = true;
    }
    wake_rx();
  }

  seam::atomic<std::size_t> refs_{2};  // the first sender and the receiver
  seam::atomic<std::size_t> tx_count_{1};
  seam::atomic<std::size_t> weak_count_{0};
  const std::size_t bound_;
  BatchSemaphore sem_;
  seam::atomic<bool> closed_flag_{false};  // mirrors rx_closed_ for lock-free is_closed()
  tokio::sync::Notify closed_notify_;      // wakes Sender::closed() waiters

  SpinMutex mutex_;
  std::vector<T> queue_;
  Waker rx_waker_;
  Header* rx_waker_task_ = nullptr;
  bool rx_waiting_ = false;
  bool rx_closed_ = false;
  bool rx_dropped_ = false;
  bool tx_closed_ = false;

  std::vector<T> batch_;  // receiver-owned, see above
  std::size_t batch_pos_ = 0;
};

/// The awaitable of Receiver::recv: gives std::optional<T>, empty once the channel is finished.
template <class T>
class [[nodiscard]] Recv final : public LeafOp<Recv<T>> {
 public:
  explicit Recv(Chan<T>* chan) noexcept : chan_(chan) {}
  Recv(Recv&&) noexcept(std::is_nothrow_move_constructible_v<T>) = default;
  Recv& operator=(const Recv&) = delete;

  std::optional<T> await_resume() noexcept(std::is_nothrow_move_constructible_v<T>) {
    coop_consume();
    return std::move(value_);
  }

 private:
  friend LeafOp<Recv>;
  static const char* what() noexcept { return "awaiting tokio::sync::mpsc::Receiver::recv"; }
  // True when done: a value was taken (it is in value_ and is returned at once, so a select
  // that drops this awaitable never loses one) or the channel is finished.
  bool poll(Header* task) { return chan_->poll_recv(task, value_) != Chan<T>::Poll::Pending; }

  Chan<T>* chan_;
  std::optional<T> value_;
};

/// The awaitable of Receiver::recv_many: gives how many values were appended (0 when the
/// channel is finished or `limit` is 0).
template <class T>
class [[nodiscard]] RecvMany final : public LeafOp<RecvMany<T>> {
 public:
  RecvMany(Chan<T>* chan, std::vector<T>& out, std::size_t limit) noexcept
      : chan_(chan), out_(out), limit_(limit), before_(out.size()) {}
  RecvMany(RecvMany&&) noexcept = default;
  RecvMany& operator=(const RecvMany&) = delete;

  bool await_ready() { return limit_ == 0 || LeafOp<RecvMany>::await_ready(); }
  std::size_t await_resume() noexcept {
    coop_consume();
    return out_.size() - before_;
  }

 private:
  friend LeafOp<RecvMany>;
  static const char* what() noexcept { return "awaiting tokio::sync::mpsc::Receiver::recv_many"; }
  bool poll(Header* task) {
    return chan_->poll_recv_many(task, out_, limit_) != Chan<T>::Poll::Pending;
  }

  Chan<T>* chan_;
  std::vector<T>& out_;
  std::size_t limit_;
  std::size_t before_;
};

}  // namespace tokio::detail::mpsc
