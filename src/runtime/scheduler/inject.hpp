// Inject: the global FIFO of notified tasks (spawns and wakes from outside the workers, and a
// worker's overflow).
//
// Producers never block: a push is one atomic exchange of `tail_` plus one release store that
// links the previous node (Vyukov's intrusive MPSC queue, through Header::queue_next, with a stub
// node). Consumers (workers) take turns through `pop_mutex_`, which producers never touch, so a
// thread spawning from outside the runtime does not contend with the workers draining the queue.
// Between a producer's exchange and its link store the queue looks empty to the consumer; that
// producer notifies a worker after its push completes, so nothing is lost.
// `len_` counts linked nodes (incremented after linking) for cheap emptiness checks.
#pragma once

#include <atomic>
#include <cstddef>

#include "tokio/detail/header.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class Inject {
 public:
  Inject() noexcept;
  Inject(const Inject&) = delete;
  Inject& operator=(const Inject&) = delete;

  /// Appends a task (with its notification reference). False when closed: the caller keeps
  /// the reference and must drop it.
  bool push(Header* task) noexcept;
  /// Appends the chain first..last (linked by queue_next) of `count` tasks. When closed, drops
  /// their references.
  void push_batch(Header* first, Header* last, std::size_t count) noexcept;
  /// Takes the oldest task, or null.
  Header* pop() noexcept;
  /// Takes up to `max` tasks as a chain linked by queue_next; returns the first, stores the count.
  Header* pop_n(std::size_t max, std::size_t& count) noexcept;
  /// Refuses later pushes. Tasks already queued stay until popped (shutdown drains them).
  void close() noexcept { closed_.store(true, std::memory_order_seq_cst); }
  bool is_empty() const noexcept { return len_.load(std::memory_order_acquire) == 0; }
  std::size_t len() const noexcept { return len_.load(std::memory_order_acquire); }

 private:
  static seam::atomic_ref<Header*> next_of(Header* node) noexcept {
    return seam::atomic_ref<Header*>(node->queue_next);
  }
  void link(Header* first, Header* last) noexcept;
  Header* pop_locked() noexcept;

  alignas(64) seam::atomic<Header*> tail_;
  alignas(64) seam::atomic<std::size_t> len_{0};
  seam::atomic<bool> closed_{false};
  alignas(64) seam::mutex pop_mutex_;
  Header* head_;  // guarded by pop_mutex_
  Header stub_;
};

}  // namespace tokio::detail
