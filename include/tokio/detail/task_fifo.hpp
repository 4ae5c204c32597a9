// TaskFifo: a FIFO of notified tasks linked through Header::queue_next (each entry holds its
// notification's reference). It has no synchronisation of its own: for a queue that one
// thread owns, or that a lock guards (the owner says which).
#pragma once

#include <utility>

#include "tokio/detail/header.hpp"

namespace tokio::detail {

struct TaskFifo {
  Header* head = nullptr;
  Header* tail = nullptr;

  bool empty() const noexcept { return head == nullptr; }
  void push_back(Header* task) noexcept {
    task->queue_next = nullptr;
    if (tail) {
      tail->queue_next = task;
    } else {
      head = task;
    }
    tail = task;
  }
  /// The oldest task (its queue_next cleared), or null.
  Header* pop_front() noexcept {
    Header* task = head;
    if (task) {
      head = std::exchange(task->queue_next, nullptr);
      if (!head) tail = nullptr;
    }
    return task;
  }
  /// Moves every task of `other` behind this queue's, in order.
  void append(TaskFifo&& other) noexcept {
    if (!other.head) return;
    if (tail) {
      tail->queue_next = other.head;
    } else {
      head = other.head;
    }
    tail = other.tail;
    other = TaskFifo{};
  }
};

}  // namespace tokio::detail
