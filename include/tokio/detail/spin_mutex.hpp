// SpinMutex: a lock for critical sections of a few dozen instructions (waiter queues, channel
// buffers) that are hit from several worker threads at once.
//
// A contended std::mutex sends the loser to sleep in the kernel at once (a futex syscall on
// both sides, about a microsecond each on these machines), which is far longer than the
// critical section it waits for. SpinMutex instead spins briefly, then yields the CPU (the
// holder may have been preempted), so that it never burns a core against a sleeping holder.
// Not fair and not recursive; meets the Lockable requirements (std::lock_guard works).
// Keep what runs under it short and bounded: the mpsc queue's push_back, which now and then
// grows the vector (moving every buffered value), is the longest section it guards; the
// others are a few pointer and counter writes.
#pragma once

#include <atomic>

#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class SpinMutex {
 public:
  SpinMutex() = default;
  SpinMutex(const SpinMutex&) = delete;
  SpinMutex& operator=(const SpinMutex&) = delete;

  void lock() noexcept {
    // Test-and-test-and-set: spin on a plain load so that waiters share the cache line
    // instead of bouncing it with failed exchanges. Acquire pairs with unlock's release.
    for (unsigned spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < kSpinsBeforeYield) {
          seam::spin_loop_hint();
        } else {
          seam::yield_thread();
        }
      }
    }
  }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  static constexpr unsigned kSpinsBeforeYield = 64;
  seam::atomic<bool> locked_{false};
};

}  // namespace tokio::detail
