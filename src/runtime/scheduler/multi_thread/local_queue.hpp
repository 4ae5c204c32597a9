// A worker's run queue: fixed-capacity, single-producer (the owning worker), multi-consumer
// (thieves steal half), lock-free. Design after Tokio's multi_thread/queue.rs.
//
// head_ packs two u32 indices: `real` (the next slot to pop) and `steal` (where an in-progress
// steal began; equal to `real` when no thief is active). tail_ is written only by the owner.
// Indices grow without bound and wrap (unsigned arithmetic); slot = index & kMask.
//
//   owner push:   write slot tail, then tail.store(release)  -- a thief's tail.load(acquire)
//                 then sees the slot. Room is measured from `steal`, so the slots a thief is
//                 still copying are never overwritten.
//   owner pop:    CAS head from (steal, real) to (steal, real+1) -- (real+1, real+1) if idle.
//   thief:        CAS head (s, s) -> (s, s+n) to claim n slots, copy them, then CAS the steal
//                 index forward to end the steal. Only one thief at a time (steal != real
//                 means "busy, try elsewhere").
// Slots are std::atomic<Header*> accessed relaxed: the ordering comes from head/tail.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/scheduler/inject.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

template <std::uint32_t Capacity = 256>
class LocalQueue {
  static_assert((Capacity & (Capacity - 1)) == 0 && Capacity >= 4, "power of two");
  static constexpr std::uint32_t kMask = Capacity - 1;

 public:
  static constexpr std::uint32_t capacity = Capacity;

  /// Owner only. Appends `task`; when full, moves half the queue plus `task` to `inject`.
  void push_back_or_overflow(Header* task, Inject& inject) noexcept {
    for (;;) {
      const auto head = head_.load(std::memory_order_acquire);
      const auto steal = unpack_steal(head);
      const auto real = unpack_real(head);
      const auto tail = tail_.load(std::memory_order_relaxed);
      if (tail - steal < Capacity) {
        buffer_[tail & kMask].store(task, std::memory_order_relaxed);
        tail_.store(tail + 1, std::memory_order_release);
        return;
      }
      if (steal != real) {
        // A thief is copying out of the full queue: it will free room soon, but not now.
        if (!inject.push(task)) task_drop_ref(task);
        return;
      }
      if (push_overflow(task, real, tail, inject)) return;
      // A thief took tasks between our load and CAS: there is room now.
    }
  }

  /// Owner only. Takes the oldest task, or null.
  Header* pop() noexcept {
    auto head = head_.load(std::memory_order_acquire);
    for (;;) {
      const auto steal = unpack_steal(head);
      const auto real = unpack_real(head);
      if (real == tail_.load(std::memory_order_relaxed)) return nullptr;
      const auto next_real = real + 1;
      const auto next = steal == real ? pack(next_real, next_real) : pack(steal, next_real);
      if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        return buffer_[real & kMask].load(std::memory_order_relaxed);
    }
  }

  /// Thief: moves about half of this queue into `dst` (owned by the caller) and returns one of
  /// the stolen tasks to run now, or null.
  Header* steal_into(LocalQueue& dst) noexcept {
    const auto dst_tail = dst.tail_.load(std::memory_order_relaxed);
    const auto dst_steal = unpack_steal(dst.head_.load(std::memory_order_acquire));
    if (dst_tail - dst_steal > Capacity / 2) return nullptr;  // no room to take half
    auto n = steal_into2(dst, dst_tail);
    if (n == 0) return nullptr;
    --n;
    Header* ret = dst.buffer_[(dst_tail + n) & kMask].load(std::memory_order_relaxed);
    if (n > 0) dst.tail_.store(dst_tail + n, std::memory_order_release);
    return ret;
  }

  /// Approximate (exact for the owner) number of queued tasks.
  std::uint32_t len() const noexcept {
    const auto head = head_.load(std::memory_order_acquire);
    return tail_.load(std::memory_order_acquire) - unpack_real(head);
  }
  bool is_empty() const noexcept { return len() == 0; }
  /// Owner only: how many pushes fit before overflow.
  std::uint32_t remaining_slots() const noexcept {
    const auto steal = unpack_steal(head_.load(std::memory_order_acquire));
    return Capacity - (tail_.load(std::memory_order_relaxed) - steal);
  }

 private:
  static std::uint32_t unpack_steal(std::uint64_t head) noexcept {
    return static_cast<std::uint32_t>(head >> 32);
  }
  static std::uint32_t unpack_real(std::uint64_t head) noexcept {
    return static_cast<std::uint32_t>(head);
  }
  static std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
    return (static_cast<std::uint64_t>(steal) << 32) | real;
  }

  bool push_overflow(Header* task, std::uint32_t head, std::uint32_t tail,
                     Inject& inject) noexcept {
    constexpr std::uint32_t kHalf = Capacity / 2;
    (void)tail;  // tail - head == Capacity here
    auto expected = pack(head, head);
    if (!head_.compare_exchange_strong(expected, pack(head + kHalf, head + kHalf),
                                       std::memory_order_release, std::memory_order_relaxed))
      return false;
    // The claimed slots are ours alone now: link them, then `task`, into one batch.
    Header* first = buffer_[head & kMask].load(std::memory_order_relaxed);
    Header* prev = first;
    for (std::uint32_t i = 1; i < kHalf; ++i) {
      Header* next = buffer_[(head + i) & kMask].load(std::memory_order_relaxed);
      prev->queue_next = next;
      prev = next;
    }
    prev->queue_next = task;
    inject.push_batch(first, task, kHalf + 1);
    return true;
  }

  std::uint32_t steal_into2(LocalQueue& dst, std::uint32_t dst_tail) noexcept {
    auto prev = head_.load(std::memory_order_acquire);
    std::uint64_t next;
    std::uint32_t n;
    for (;;) {
      const auto src_steal = unpack_steal(prev);
      const auto src_real = unpack_real(prev);
      if (src_steal != src_real) return 0;  // another thief is at work
      const auto src_tail = tail_.load(std::memory_order_acquire);
      n = src_tail - src_real;
      n -= n / 2;
      if (n == 0) return 0;
      next = pack(src_steal, src_real + n);
      if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        break;
    }
    const auto first = unpack_steal(next);
    for (std::uint32_t i = 0; i < n; ++i) {
      Header* task = buffer_[(first + i) & kMask].load(std::memory_order_relaxed);
      dst.buffer_[(dst_tail + i) & kMask].store(task, std::memory_order_relaxed);
    }
    // End the steal: move `steal` up to `real` (the owner may have popped meanwhile).
    prev = next;
    for (;;) {
      const auto real = unpack_real(prev);
      if (head_.compare_exchange_weak(prev, pack(real, real), std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        return n;
    }
  }

  alignas(64) seam::atomic<std::uint64_t> head_{0};
  alignas(64) seam::atomic<std::uint32_t> tail_{0};
  alignas(64) seam::atomic<Header*> buffer_[Capacity] = {};
};

}  // namespace tokio::detail
