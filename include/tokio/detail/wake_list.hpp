// WakeList: wakers collected while a lock is held and woken after it is released (after Tokio's
// util/wake_list.rs). Waking under the lock would let the woken task's thread run into that
// lock at once, and would hold it across the scheduler's queue operations.
//
// Storage is an inline array of kCapacity (32) wakers in the caller's stack frame, so collecting
// never allocates and needs no per-thread scratch. A caller with possibly more than kCapacity
// wakers to collect drains in batches, as Tokio does: when the list is full it releases its
// lock, wakes the batch and takes the lock again (flush). Across that gap the state it is
// draining may change, so:
// - a "wake everyone who waits now" (drain) first moves the waiters to a private list on its
//   stack; waiters that queue during a gap are left for the next notification, and a waiter
//   destroyed during a gap unlinks itself from the private list (IntrusiveList::remove needs
//   no list). The private list is guarded by the same lock as the list it came from;
// - any other caller re-reads its state after each flush (the I/O driver restarts its scan,
//   the semaphore keeps the permits still to hand out in a local).
//
// Waking only schedules a task (it never resumes one on this thread), so a WakeList is never
// used re-entrantly. Thread rule: a WakeList belongs to the thread whose stack holds it.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>

#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class WakeList {
 public:
  static constexpr std::size_t kCapacity = 32;

  WakeList() noexcept {}  // the slots stay unconstructed until pushed
  WakeList(const WakeList&) = delete;
  WakeList& operator=(const WakeList&) = delete;
  /// Wakes whatever is left: declare the list before the lock guard, so that the lock is
  /// released first.
  ~WakeList() { wake_all(); }

  bool full() const noexcept { return len_ == kCapacity; }

  /// Adds `waker` (an empty one is dropped). The list must not be full.
  void push(Waker&& waker) noexcept {
    assert(!full());
    if (waker) ::new (static_cast<void*>(&wakers_[len_++])) Waker(std::move(waker));
  }

  /// Wakes and empties the list. Call it without the lock held.
  void wake_all() noexcept {
    for (std::size_t i = 0; i < len_; ++i) {
      wakers_[i].wake();
      wakers_[i].~Waker();
    }
    len_ = 0;
  }

  /// When the list is full: releases `lock`, wakes the batch, and re-takes `lock`.
  template <class Lock>
  void flush_if_full(Lock& lock) noexcept {
    if (!full()) return;
    lock.unlock();
    wake_all();
    lock.lock();
  }

  /// Collects the waker of every node of `list` as the list is now, unlinking them; `take(node)`
  /// marks a node notified and gives its Waker. Flushes (see above) when full; `lock` guards
  /// `list` and is held on entry and on return, with the last batch left in this list.
  template <class T, class Tag, class Lock, class Take>
  void drain(IntrusiveList<T, Tag>& list, Lock& lock, Take&& take) noexcept {
    IntrusiveList<T, Tag> pending;
    pending.splice_back(list);
    while (T* node = pending.pop_front()) {
      push(take(*node));  // the last touch of `node`: it may go away in the gap below
      flush_if_full(lock);
    }
  }

 private:
  union {
    Waker wakers_[kCapacity];  // [0, len_) are constructed
  };
  std::size_t len_ = 0;
};

}  // namespace tokio::detail
