// tokio::task::unconstrained: opt a Task out of the cooperative budget.
#pragma once

#include <utility>

#include "tokio/detail/branch.hpp"
#include "tokio/detail/coop.hpp"

namespace tokio::detail {

template <class T>
class UnconstrainedAwaiter final : public CombinatorBase<UnconstrainedAwaiter<T>> {
 public:
  static constexpr const char* kName = "tokio::task::unconstrained";
  explicit UnconstrainedAwaiter(Task<T>&& task) : branch_(std::move(task)) {}
  void start_branches(Header* task) { branch_.start(task); }
  bool poll_branches() {
    BudgetScope unlimited(Budget{kInitialBudget, false});
    return branch_.poll();
  }
  BranchValue<T> await_resume() { return branch_.take(); }

 private:
  Branch<T> branch_;
};

}  // namespace tokio::detail

namespace tokio::task {

/// Runs `task` with the cooperative budget switched off: its operations never yield because
/// the budget is spent. Use sparingly: such a task can starve others on its worker.
/// Errors: whatever `task` throws. Cancel safety: as `task`'s.
template <class T>
Task<T> unconstrained(Task<T> task) {
  if constexpr (std::is_void_v<T>) {
    co_await detail::UnconstrainedAwaiter<T>(std::move(task));
  } else {
    co_return co_await detail::UnconstrainedAwaiter<T>(std::move(task));
  }
}

}  // namespace tokio::task
