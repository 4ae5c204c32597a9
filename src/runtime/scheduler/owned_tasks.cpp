#include "runtime/scheduler/owned_tasks.hpp"

#include <mutex>

namespace tokio::detail {

bool OwnedTasks::bind(Header* task) noexcept {
  {
    Shard& shard = shard_of(task);
    std::lock_guard lock(shard.mutex);
    // Checked under the shard lock: close_and_shutdown_all sets the flag before draining each
    // shard under the same lock, so a task linked here is either refused or drained.
    if (!closed_.load(std::memory_order_acquire)) {
      task->owned_prev = nullptr;
      task->owned_next = shard.head;
      if (shard.head) shard.head->owned_prev = task;
      shard.head = task;
      task->in_owned_list = true;
      return true;
    }
  }
  task_shutdown(task);  // destroys its frames here; its JoinHandle reports cancelled
  task_drop_ref(task);  // the list's reference, never taken
  task_drop_ref(task);  // the notification's
  return false;
}

void OwnedTasks::unlink(Shard& shard, Header* task) noexcept {
  if (task->owned_prev) {
    task->owned_prev->owned_next = task->owned_next;
  } else {
    shard.head = task->owned_next;
  }
  if (task->owned_next) task->owned_next->owned_prev = task->owned_prev;
  task->owned_prev = task->owned_next = nullptr;
  task->in_owned_list = false;
}

bool OwnedTasks::remove(Header* task) noexcept {
  Shard& shard = shard_of(task);
  std::lock_guard lock(shard.mutex);
  if (!task->in_owned_list) return false;
  unlink(shard, task);
  return true;
}

void OwnedTasks::close_and_shutdown_all() noexcept {
  closed_.store(true, std::memory_order_release);
  for (Shard& shard : shards_) {
    for (;;) {
      Header* task;
      {
        std::lock_guard lock(shard.mutex);
        task = shard.head;
        if (!task) break;
        unlink(shard, task);
      }
      task_shutdown(task);
      task_drop_ref(task);
    }
  }
}

}  // namespace tokio::detail
