#include "runtime/scheduler/inject.hpp"

namespace tokio::detail {

bool Inject::push(Header* task) noexcept {
  task->queue_next = nullptr;
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  if (tail_) {
    tail_->queue_next = task;
  } else {
    head_ = task;
  }
  tail_ = task;
  len_.store(len_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  return true;
}

void Inject::push_batch(Header* first, Header* last, std::size_t count) noexcept {
  last->queue_next = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      if (tail_) {
        tail_->queue_next = first;
      } else {
        head_ = first;
      }
      tail_ = last;
      len_.store(len_.load(std::memory_order_relaxed) + count, std::memory_order_release);
      return;
    }
  }
  while (first) {
    Header* next = first->queue_next;
    task_drop_ref(first);
    first = next;
  }
}

Header* Inject::pop() noexcept {
  std::size_t count;
  return pop_n(1, count);
}

Header* Inject::pop_n(std::size_t max, std::size_t& count) noexcept {
  count = 0;
  if (is_empty()) return nullptr;
  std::lock_guard lock(mutex_);
  Header* first = head_;
  Header* last = nullptr;
  while (head_ && count < max) {
    last = head_;
    head_ = head_->queue_next;
    ++count;
  }
  if (!head_) tail_ = nullptr;
  if (last) last->queue_next = nullptr;
  len_.store(len_.load(std::memory_order_relaxed) - count, std::memory_order_release);
  return count ? first : nullptr;
}

void Inject::close() noexcept {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

bool Inject::is_closed() noexcept {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace tokio::detail
