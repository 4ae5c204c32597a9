// BatchSemaphore: the fair (FIFO) async semaphore under Semaphore, Mutex and RwLock (after
// Tokio's sync/batch_semaphore.rs).
//
// Waiters are intrusive nodes in the awaiting frame (no allocation). Released permits are
// assigned to waiters in queue order, partially to the head if it needs more than are free, so
// a large request is never starved by small ones. A waiter is complete when all the permits it
// asked for are assigned. Cancelling a waiter (destroying its awaiter) unlinks it and releases
// whatever had been assigned to it, which passes its turn on.
//
// Everything below is guarded by `mutex_`, except `permits_`, which is also read without it
// for the uncontended fast path (an atomic; acquire/release pairs with the locked writers).
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

#include "tokio/detail/header.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class BatchSemaphore {
 public:
  /// The largest number of permits a semaphore may hold.
  static constexpr std::size_t kMaxPermits = std::size_t{1} << 60;

  struct Waiter {
    Waiter* prev = nullptr;
    Waiter* next = nullptr;
    std::size_t needed = 0;  // permits still to assign
    Waker waker;             // guarded by the semaphore's mutex
    Header* waker_task = nullptr;
    bool queued = false;
    bool done = false;  // every permit assigned (and the waiter unlinked)
  };
  enum class TryAcquire { Ok, NoPermits, Closed };
  enum class Poll { Ready, Pending, Closed };

  explicit BatchSemaphore(std::size_t permits);
  BatchSemaphore(const BatchSemaphore&) = delete;
  BatchSemaphore& operator=(const BatchSemaphore&) = delete;

  std::size_t available_permits() const noexcept {
    return permits_.load(std::memory_order_acquire);
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
  /// releases whatever had been assigned to it (all `n` if it was complete).
  void cancel(Waiter& waiter, std::size_t n) noexcept;

 private:
  // Hands `n` permits to queued waiters in order (the rest become free); the wakers of the
  // waiters this completes are appended to `wake`.
  void release_locked(std::size_t n, std::vector<Waker>& wake) noexcept;
  void unlink_locked(Waiter& w) noexcept;
  static std::vector<Waker>& wake_list() noexcept;

  std::mutex mutex_;
  std::atomic<std::size_t> permits_;
  std::atomic<bool> closed_{false};
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

}  // namespace tokio::detail
