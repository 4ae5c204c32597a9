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
      shard.tasks.push_back(*task);
      return true;
    }
  }
  task_shutdown(task);  // destroys its frames here; its JoinHandle reports cancelled
  task_drop_ref(task);  // the list's reference, never taken
  task_drop_ref(task);  // the notification's
  return false;
}

bool OwnedTasks::remove(Header* task) noexcept {
  Shard& shard = shard_of(task);
  std::lock_guard lock(shard.mutex);
  if (!List::is_linked(*task)) return false;
  List::remove(*task);
  return true;
}

void OwnedTasks::close_and_shutdown_all() noexcept {
  closed_.store(true, std::memory_order_release);
  for (Shard& shard : shards_) {
    for (;;) {
      Header* task;
      {
        std::lock_guard lock(shard.mutex);
        task = shard.tasks.pop_front();
        if (!task) break;
      }
      task_shutdown(task);
      task_drop_ref(task);
    }
  }
}

}  // namespace tokio::detail
