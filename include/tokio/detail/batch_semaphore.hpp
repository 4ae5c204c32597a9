// BatchSemaphore: the fair (FIFO) async semaphore under Semaphore, Mutex and RwLock (after
// Tokio's sync/batch_semaphore.rs).
//
// Waiters are intrusive nodes in the awaiting frame (no allocation). Released permits are
// assigned to waiters in queue order, partially to the head if it needs more than are free, so
// a large request is never starved by small ones. A waiter is complete when all the permits it
// asked for are assigned. Cancelling a waiter (destroying its awaiter) unlinks it and releases
// whatever had been assigned to it, which passes its turn on.
//
// Everything below is guarded by `mutex_`, except `permits_` and `has_waiters_`, which are also
// used without it on the uncontended fast paths of acquire and release (see release()).
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <utility>

#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/wake_list.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class BatchSemaphore {
 public:
  /// The largest number of permits a semaphore may hold.
  static constexpr std::size_t kMaxPermits = std::size_t{1} << 60;

  /// A queued acquisition; linked (queued) and its fields guarded by the semaphore's mutex.
  struct Waiter : ListLinks<Waiter> {
    std::size_t needed = 0;  // permits still to assign
    Waker waker;
    Header* waker_task = nullptr;
    bool closed_out = false;  // unlinked by close(); `needed` still tells what was assigned
    // Every permit assigned (and the waiter unlinked). Set last, with release, by the thread
    // that completes the waiter, which touches the waiter no more afterwards: the awaiting
    // task may read it without the lock (acquire) and then destroy the waiter at once.
    seam::atomic<bool> done{false};
  };
  enum class TryAcquire { Ok, NoPermits, Closed };
  enum class Poll { Ready, Pending, Closed };

  explicit BatchSemaphore(std::size_t permits);
  BatchSemaphore(const BatchSemaphore&) = delete;
  BatchSemaphore& operator=(const BatchSemaphore&) = delete;

  /// The permits in the pool now. seq_cst, like every write of the count, so that callers
  /// can pair it with a flag in a store-buffering handshake (the bounded mpsc close).
  std::size_t available_permits() const noexcept {
    return permits_.load(std::memory_order_seq_cst);
  }
  /// Takes `n` permits if that many are free (regardless of queued waiters, as in Tokio).
  TryAcquire try_acquire(std::size_t n) noexcept;
  /// Returns `n` permits, assigning them to waiters first.
  void release(std::size_t n) noexcept;
  /// Wakes every waiter with an error and refuses later acquisitions.
  void close() noexcept;
  bool is_closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  /// One poll of an acquisition of `n` permits by `task` through `waiter`: completes at once
  /// when no one is queued and enough permits are free, otherwise queues the waiter (FIFO).
  Poll poll_acquire(Waiter& waiter, std::size_t n, Header* task);
  /// The awaiter is going away without having taken its permits: unlinks it if queued and
  /// gives back whatever had been assigned to it (all `n` if it was complete), even when the
  /// semaphore is closed, so that the count stays whole. Returns how many were given back.
  std::size_t cancel(Waiter& waiter, std::size_t n) noexcept;

 private:
  using Lock = std::unique_lock<SpinMutex>;
  // Hands `n` permits to queued waiters in order (the rest become free); the wakers of the
  // waiters this completes go to `wake`, which is flushed (`lock` dropped and re-taken) when
  // full.
  void release_locked(std::size_t n, Lock& lock, WakeList& wake) noexcept;
  void unlink_locked(Waiter& w) noexcept;
  // Hands the pooled permits to the queue, if anyone waits.
  void drain_pool_locked(Lock& lock, WakeList& wake) noexcept;

  SpinMutex mutex_;
  seam::atomic<std::size_t> permits_;
  seam::atomic<bool> closed_{false};
  // True while the queue is non-empty (written under mutex_). release() reads it without the
  // lock to skip the mutex when nobody waits; see release() for the handshake.
  seam::atomic<bool> has_waiters_{false};
  IntrusiveList<Waiter> queue_;  // FIFO; guarded by mutex_
};

/// The awaitable acquisition of `n` permits of a BatchSemaphore, shared by Semaphore, Mutex,
/// RwLock and the bounded mpsc channel. `await_resume` gives true when the permits were
/// assigned (the caller then owns them and must call `keep()`), false when the semaphore was
/// closed. Destroyed without keep(), it gives back whatever had been assigned (cancel safety).
/// `what` names the public call for the "outside of a task" error.
class [[nodiscard]] AcquireOp final : public LeafOp<AcquireOp> {
 public:
  AcquireOp(BatchSemaphore& sem, std::size_t n, const char* what) noexcept
      : sem_(sem), n_(n), what_(what) {}
  /// Movable until first awaited (select and timeout move their operands in): the moved-from
  /// op then gives nothing back. Moving one that was polled is a bug (asserted).
  AcquireOp(AcquireOp&& other) noexcept
      : LeafOp<AcquireOp>(other),
        sem_(other.sem_),
        n_(other.n_),
        what_(other.what_),
        kept_(std::exchange(other.kept_, true)),
        closed_(other.closed_) {
    assert(!other.waiter_.is_linked() && !other.waiter_.done.load(std::memory_order_relaxed) &&
           "an AcquireOp cannot move once awaited");
  }
  AcquireOp& operator=(const AcquireOp&) = delete;
  ~AcquireOp() { cancel(); }

  bool await_resume() noexcept {
    coop_consume();
    return !closed_;
  }
  /// The caller took ownership of the assigned permits.
  void keep() noexcept { kept_ = true; }
  /// Gives back now whatever was assigned and not kept (what the destructor would do);
  /// returns how many permits that was.
  std::size_t cancel() noexcept {
    if (std::exchange(kept_, true)) return 0;
    return sem_.cancel(waiter_, n_);
  }
  BatchSemaphore& semaphore() const noexcept { return sem_; }

 private:
  friend LeafOp<AcquireOp>;
  const char* what() const noexcept { return what_; }
  // True when the acquisition is over (permits assigned, or closed).
  bool poll(Header* task) {
    if (n_ == 0) {  // nothing to wait for, but a closed semaphore still refuses
      closed_ = sem_.is_closed();
      return true;
    }
    if (!task) {  // await_ready: only the uncontended fast path, no queueing
      auto r = sem_.try_acquire(n_);
      if (r == BatchSemaphore::TryAcquire::Closed) closed_ = true;
      if (r != BatchSemaphore::TryAcquire::Ok) return closed_;
      waiter_.done.store(true, std::memory_order_relaxed);
      return true;
    }
    switch (sem_.poll_acquire(waiter_, n_, task)) {
      case BatchSemaphore::Poll::Ready:
        return true;
      case BatchSemaphore::Poll::Closed:
        closed_ = true;
        return true;
      case BatchSemaphore::Poll::Pending:
        return false;
    }
    return false;
  }

  BatchSemaphore& sem_;
  std::size_t n_;
  const char* what_;
  BatchSemaphore::Waiter waiter_;
  bool kept_ = false;
  bool closed_ = false;
};

}  // namespace tokio::detail
