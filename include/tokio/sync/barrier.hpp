// tokio::sync::Barrier: lets a fixed number of tasks wait for each other, after Tokio's
// sync/barrier.rs.
//
// Design: a std::mutex guards `arrived_` and the intrusive list of suspended waiters (the nodes
// live in the awaiting frames). The n-th arrival of a generation becomes its leader: under the
// mutex it resets `arrived_`, which starts the next generation, marks every queued waiter
// released and takes their wakers; it wakes them after dropping the mutex (in batches, see
// WakeList::drain). A waiter's `released_` flag is only read and written under the mutex, so
// the waiter that is polled again (on its own thread) sees it set, and the leader never
// touches a waiter after it was unlinked (a waiter unlinks itself, under the mutex, when
// destroyed early).
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/wake_list.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::sync {

/// What Barrier::wait gives: whether this waiter was the generation's leader.
class BarrierWaitResult {
 public:
  explicit BarrierWaitResult(bool leader) noexcept : leader_(leader) {}
  /// True for exactly one waiter of each generation (the last to arrive), false for the others.
  bool is_leader() const noexcept { return leader_; }

 private:
  bool leader_;
};

/// A barrier: `n` tasks call `co_await barrier.wait()`; the first n-1 wait, and the n-th
/// releases them all at once. It can then be used again (the next n waits form the next
/// generation). Exactly one waiter of each generation gets is_leader() == true.
///
/// `Barrier(0)` behaves like `Barrier(1)` (every wait returns at once, as the leader), as in
/// Tokio and std::sync::Barrier.
///
/// Errors: waiting outside a runtime throws std::logic_error.
/// Cancel safety: wait is NOT cancel-safe, as in Tokio: the arrival is counted when the wait
/// is first awaited, and cancelling the wait afterwards does not take it back (the cancelled
/// waiter still counts towards its generation). Destroying a wait leaves no waiter behind.
/// Thread safety: wait may be called from any task on any thread. The Barrier must outlive
/// its waits.
class Barrier {
 public:
  /// A barrier for `n` tasks (0 counts as 1).
  explicit Barrier(std::size_t n) noexcept : n_(n == 0 ? 1 : n) {}
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  /// The awaitable of wait(). The arrival happens when it is first awaited.
  class [[nodiscard]] Wait final : public detail::LeafOp<Wait>, public detail::ListLinks<Wait> {
   public:
    explicit Wait(Barrier& barrier) noexcept : barrier_(barrier) {}
    Wait(Wait&&) noexcept = default;  // until first awaited (it may then be queued)
    Wait& operator=(const Wait&) = delete;
    ~Wait() {
      if (!arrived_ || leader_) return;
      std::lock_guard lock(barrier_.mutex_);
      if (is_linked()) barrier_.waiters_.remove(*this);
    }

    BarrierWaitResult await_resume() noexcept {
      detail::coop_consume();
      return BarrierWaitResult(leader_);
    }

   private:
    friend class Barrier;
    friend detail::LeafOp<Wait>;
    static const char* what() noexcept { return "awaiting tokio::sync::Barrier::wait"; }
    // Arrives on the first poll with a task (await_ready's check arrives nowhere); afterwards,
    // true once the generation is released.
    bool poll(detail::Header* task) {
      if (!task) return false;
      if (!arrived_) return barrier_.arrive(*this, task);
      std::lock_guard lock(barrier_.mutex_);
      if (released_) return true;
      if (waker_task_ != task) {  // awaited by another task now (e.g. moved into a select)
        waker_ = detail::task_waker(task);
        waker_task_ = task;
      }
      return false;
    }

    Barrier& barrier_;
    bool arrived_ = false;  // touched only by the awaiting task's thread
    bool leader_ = false;   // likewise
    // Guarded by barrier_.mutex_:
    bool released_ = false;
    detail::Waker waker_;
    detail::Header* waker_task_ = nullptr;
  };

  /// Waits until `n` tasks (this one included) have called wait in this generation.
  /// `co_await barrier.wait()` gives a BarrierWaitResult. Not cancel-safe (see the class).
  Wait wait() noexcept { return Wait(*this); }

 private:
  // Counts `w`'s arrival. The n-th arrival releases the generation and returns true (`w` is
  // the leader); otherwise `w` is queued with a waker for `task` and false is returned.
  bool arrive(Wait& w, detail::Header* task) {
    detail::WakeList wake;  // declared before the lock: woken after it is released
    std::unique_lock lock(mutex_);
    w.arrived_ = true;
    if (++arrived_ < n_) {
      w.waker_ = detail::task_waker(task);
      w.waker_task_ = task;
      waiters_.push_back(w);
      return false;
    }
    w.leader_ = true;
    arrived_ = 0;  // the next arrival starts the next generation
    // Releases exactly this generation: arrivals while the lock is dropped between batches
    // queue for the next one.
    wake.drain(waiters_, lock, [](Wait& waiter) {
      waiter.released_ = true;
      return std::move(waiter.waker_);
    });
    return true;
  }

  const std::size_t n_;
  detail::seam::mutex mutex_;
  // Guarded by mutex_:
  std::size_t arrived_ = 0;  // arrivals in the current generation
  detail::IntrusiveList<Wait> waiters_;
};

}  // namespace tokio::sync
