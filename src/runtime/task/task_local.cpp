// The per-thread slots of task-local keys (see tokio/task/task_local.hpp).
#include <deque>
#include <utility>

#include "tokio/task/task_local.hpp"

namespace tokio::detail {

void*& task_local_slot(const void* key) {
  // A deque: its elements stay where they are as it grows, so a slot reference held by an
  // enclosing scope stays valid. A program has a handful of keys: a linear search is fine.
  static thread_local std::deque<std::pair<const void*, void*>> slots;
  for (auto& [k, value] : slots)
    if (k == key) return value;
  return slots.emplace_back(key, nullptr).second;
}

}  // namespace tokio::detail
