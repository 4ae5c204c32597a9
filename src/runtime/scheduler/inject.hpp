// Inject: the global FIFO of notified tasks (spawns and wakes from outside the workers, and a
// worker's overflow). A mutex-guarded intrusive list through Header::queue_next; `len_` is an
// atomic mirror of the length so that workers can see "empty" without taking the lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>

#include "tokio/detail/header.hpp"

namespace tokio::detail {

class Inject {
 public:
  /// Appends a task (with its notification reference). False when closed: the caller keeps
  /// the reference and must drop it.
  bool push(Header* task) noexcept;
  /// Appends the chain first..last (linked by queue_next) of `count` tasks. When closed, drops
  /// their references.
  void push_batch(Header* first, Header* last, std::size_t count) noexcept;
  /// Takes the oldest task, or null.
  Header* pop() noexcept;
  /// Takes up to `max` tasks as a chain; returns the first and stores the count.
  Header* pop_n(std::size_t max, std::size_t& count) noexcept;
  /// Closes the queue; later pushes are refused.
  void close() noexcept;
  bool is_closed() noexcept;
  bool is_empty() const noexcept { return len_.load(std::memory_order_acquire) == 0; }
  std::size_t len() const noexcept { return len_.load(std::memory_order_acquire); }

 private:
  std::mutex mutex_;
  Header* head_ = nullptr;
  Header* tail_ = nullptr;
  bool closed_ = false;
  std::atomic<std::size_t> len_{0};
};

}  // namespace tokio::detail
