#include "tokio/detail/batch_semaphore.hpp"

#include <algorithm>
#include <mutex>

namespace tokio::detail {

BatchSemaphore::BatchSemaphore(std::size_t permits) : permits_(permits) {}

BatchSemaphore::TryAcquire BatchSemaphore::try_acquire(std::size_t n) noexcept {
  auto cur = permits_.load(std::memory_order_acquire);
  for (;;) {
    if (closed_.load(std::memory_order_acquire)) return TryAcquire::Closed;
    if (cur < n) return TryAcquire::NoPermits;
    if (permits_.compare_exchange_weak(cur, cur - n, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return TryAcquire::Ok;
  }
}

void BatchSemaphore::unlink_locked(Waiter& w) noexcept {
  queue_.remove(w);
  if (queue_.empty())
    has_waiters_.store(false, std::memory_order_relaxed);  // stale true is harmless
}

void BatchSemaphore::drain_pool_locked(Lock& lock, WakeList& wake) noexcept {
  if (queue_.empty()) return;
  if (const auto pooled = permits_.exchange(0, std::memory_order_seq_cst))
    release_locked(pooled, lock, wake);
}

void BatchSemaphore::release_locked(std::size_t n, Lock& lock, WakeList& wake) noexcept {
  // `n` lives here while the lock is dropped between batches of wake-ups: those permits are
  // then neither free nor assigned, and go to whoever is queued after the lock is re-taken.
  while (n > 0 && !queue_.empty()) {
    Waiter& w = *queue_.front();
    const std::size_t give = std::min(n, w.needed);
    w.needed -= give;
    n -= give;
    if (w.needed == 0) {
      unlink_locked(w);
      wake.push(std::move(w.waker));
      w.waker_task = nullptr;
      w.done.store(true, std::memory_order_release);  // last touch, see Waiter::done
      wake.flush_if_full(lock);
    }
  }
  if (n > 0) permits_.fetch_add(n, std::memory_order_seq_cst);  // see available_permits
}

void BatchSemaphore::release(std::size_t n) noexcept {
  if (n == 0) return;
  // Fast path, no lock: nobody waits, so the permits go to the pool. The handshake with a
  // waiter that queues concurrently is a store-buffering pair, all seq_cst: this side adds the
  // permits then reads has_waiters_; poll_acquire sets has_waiters_ then takes the pool (under
  // the lock). At least one side sees the other, so permits never sit in the pool while a
  // waiter sleeps; if both do, draining twice is harmless.
  if (!has_waiters_.load(std::memory_order_seq_cst)) {
    permits_.fetch_add(n, std::memory_order_seq_cst);
    if (!has_waiters_.load(std::memory_order_seq_cst)) return;
    n = 0;  // a waiter queued meanwhile: hand it the pool below
  }
  WakeList wake;
  Lock lock(mutex_);
  if (n) {
    release_locked(n, lock, wake);
  } else {
    drain_pool_locked(lock, wake);
  }
}

void BatchSemaphore::close() noexcept {
  WakeList wake;
  Lock lock(mutex_);
  closed_.store(true, std::memory_order_release);  // nobody queues from now on
  has_waiters_.store(false, std::memory_order_relaxed);
  wake.drain(queue_, lock, [](Waiter& w) {
    w.closed_out = true;
    return std::move(w.waker);
  });
}

BatchSemaphore::Poll BatchSemaphore::poll_acquire(Waiter& w, std::size_t n, Header* task) {
  // Completed by a release since the last poll: no need for the lock.
  if (w.done.load(std::memory_order_acquire)) return Poll::Ready;
  WakeList wake;  // declared before the lock: woken after it is released
  Lock lock(mutex_);
  if (w.done.load(std::memory_order_relaxed)) return Poll::Ready;
  if (closed_.load(std::memory_order_relaxed)) {
    if (w.is_linked()) {
      unlink_locked(w);
      w.closed_out = true;
    }
    return Poll::Closed;
  }
  if (w.is_linked()) {
    if (w.waker_task != task) {  // awaited by another task now
      w.waker = task_waker(task);
      w.waker_task = task;
    }
    return Poll::Pending;
  }
  // First poll. Fair: permits go to the queue first, so only take them if nobody waits.
  std::size_t taken = 0;
  if (queue_.empty()) {
    auto cur = permits_.load(std::memory_order_acquire);
    for (;;) {
      taken = std::min(cur, n);
      if (permits_.compare_exchange_weak(cur, cur - taken, std::memory_order_acq_rel,
                                         std::memory_order_acquire))
        break;
    }
    if (taken == n) {
      w.done.store(true, std::memory_order_relaxed);
      return Poll::Ready;
    }
  }
  w.needed = n - taken;
  queue_.push_back(w);
  // The other half of release()'s handshake: announce the waiter, then take whatever a
  // lock-free release put in the pool meanwhile (this may complete `w` itself; `w` is ours, so
  // it stays put while the drain drops the lock between batches).
  has_waiters_.store(true, std::memory_order_seq_cst);
  drain_pool_locked(lock, wake);
  if (w.done.load(std::memory_order_relaxed)) return Poll::Ready;
  w.waker = task_waker(task);
  w.waker_task = task;
  return Poll::Pending;
}

std::size_t BatchSemaphore::cancel(Waiter& w, std::size_t n) noexcept {
  WakeList wake;
  Lock lock(mutex_);
  std::size_t assigned = 0;
  if (w.is_linked()) {
    unlink_locked(w);
    assigned = n - w.needed;
  } else if (w.done.load(std::memory_order_acquire)) {
    assigned = n;  // completed but never taken (e.g. a select loser)
  } else if (w.closed_out) {
    assigned = n - w.needed;  // partly served when close() cut it off
  }
  w.done.store(false, std::memory_order_relaxed);
  w.closed_out = false;
  // Given back even when closed: a closed semaphore still counts its permits (the bounded
  // mpsc receiver waits for all of them to come home before it reports the end).
  if (assigned) release_locked(assigned, lock, wake);
  return assigned;
}

}  // namespace tokio::detail
