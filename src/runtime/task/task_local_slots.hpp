// Hiding this thread's task-local values from tasks run inside another task's poll.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace tokio::detail {

/// While it lives, every task-local key reads as unset on this thread; the values come back
/// when it is destroyed. A LocalSet runs its tasks inside the poll of the task that runs the
/// set, whose scopes must not leak into them.
/// Errors: std::bad_alloc when more than a handful of keys are set at once.
class HideTaskLocals {
 public:
  HideTaskLocals();
  ~HideTaskLocals();
  HideTaskLocals(const HideTaskLocals&) = delete;
  HideTaskLocals& operator=(const HideTaskLocals&) = delete;

 private:
  std::vector<std::pair<std::size_t, void*>> hidden_;  // (slot index, value); rarely any
};

}  // namespace tokio::detail
