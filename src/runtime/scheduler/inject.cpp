#include "runtime/scheduler/inject.hpp"

#include "tokio/detail/task_fifo.hpp"

namespace tokio::detail {

namespace {
constexpr TaskVTable kStubVTable{nullptr, nullptr, nullptr, nullptr};
}

Inject::Inject() noexcept : tail_(&stub_), head_(&stub_), stub_(&kStubVTable, 0) {}

void Inject::link(Header* first, Header* last) noexcept {
  next_of(last).store(nullptr, std::memory_order_relaxed);
  // acq_rel: the previous tail's link store below must not be reordered before the exchange,
  // and the consumer's acquire load of that link sees everything written to the chain.
  Header* prev = tail_.exchange(last, std::memory_order_acq_rel);
  next_of(prev).store(first, std::memory_order_release);
}

bool Inject::push(Header* task) noexcept {
  if (closed_.load(std::memory_order_acquire)) return false;
  link(task, task);
  len_.fetch_add(1, std::memory_order_release);
  return true;
}

void Inject::push_batch(Header* first, Header* last, std::size_t count) noexcept {
  if (closed_.load(std::memory_order_acquire)) {
    last->queue_next = nullptr;
    while (first) {
      Header* next = first->queue_next;
      task_drop_ref(first);
      first = next;
    }
    return;
  }
  link(first, last);
  len_.fetch_add(count, std::memory_order_release);
}

Header* Inject::pop_locked() noexcept {
  Header* head = head_;
  Header* next = next_of(head).load(std::memory_order_acquire);
  if (head == &stub_) {
    if (!next) return nullptr;
    head_ = head = next;
    next = next_of(head).load(std::memory_order_acquire);
  }
  if (!next) {
    if (tail_.load(std::memory_order_acquire) != head) return nullptr;  // a push is mid-way
    // `head` is the last node: queue the stub behind it so that it can be detached.
    link(&stub_, &stub_);
    next = next_of(head).load(std::memory_order_acquire);
    if (!next) return nullptr;  // another push got in between and is mid-way
  }
  head_ = next;
  len_.fetch_sub(1, std::memory_order_release);
  return head;
}

Header* Inject::pop() noexcept {
  if (is_empty()) return nullptr;
  std::lock_guard lock(pop_mutex_);
  Header* task = pop_locked();
  if (task) task->queue_next = nullptr;
  return task;
}

Header* Inject::pop_n(std::size_t max, std::size_t& count) noexcept {
  count = 0;
  if (is_empty()) return nullptr;
  std::lock_guard lock(pop_mutex_);
  TaskFifo chain;
  while (count < max) {
    Header* task = pop_locked();
    if (!task) break;
    chain.push_back(task);  // popped nodes are ours alone: their links make the chain
    ++count;
  }
  return chain.head;
}

}  // namespace tokio::detail
