// The per-thread slots of task-local keys (see tokio/task/task_local.hpp).
#include <deque>
#include <utility>

#include "runtime/task/task_local_slots.hpp"
#include "tokio/task/task_local.hpp"

namespace tokio::detail {

namespace {
// A deque: its elements stay where they are as it grows, so a slot reference held by an
// enclosing scope stays valid. A program has a handful of keys: a linear search is fine.
std::deque<std::pair<const void*, void*>>& slots() {
  static thread_local std::deque<std::pair<const void*, void*>> table;
  return table;
}
}  // namespace

void*& task_local_slot(const void* key) {
  auto& table = slots();
  for (auto& [k, value] : table)
    if (k == key) return value;
  return table.emplace_back(key, nullptr).second;
}

HideTaskLocals::HideTaskLocals() {
  auto& table = slots();
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].second) hidden_.emplace_back(i, std::exchange(table[i].second, nullptr));
}

HideTaskLocals::~HideTaskLocals() {
  // The same thread (a guard never crosses a suspension), and slots are never removed, so the
  // indices still name the same keys; a scope inside has restored its own value by now.
  auto& table = slots();
  for (auto& [index, value] : hidden_)
    table[index].second = value;
}

}  // namespace tokio::detail
