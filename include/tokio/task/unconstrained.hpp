// tokio::task::unconstrained: opt a Task out of the cooperative budget.
#pragma once

#include <utility>

#include "tokio/detail/branch.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/into_task.hpp"

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

template <class T>
Task<T> unconstrained_task(Task<T> task) {
  if constexpr (std::is_void_v<T>) {
    co_await UnconstrainedAwaiter<T>(std::move(task));
  } else {
    co_return co_await UnconstrainedAwaiter<T>(std::move(task));
  }
}

}  // namespace tokio::detail

namespace tokio::task {

/// Runs `awaitable` (a Task or any other awaitable, see tokio::select) with the cooperative
/// budget switched off: its operations never yield because the budget is spent. Use sparingly:
/// such a task can starve others on its worker.
/// Errors: whatever it throws. Cancel safety: as the awaitable's.
template <class A>
requires detail::Awaitable<A> Task<detail::into_task_value_type<A>> unconstrained(A&& awaitable) {
  // Not a coroutine itself: the awaitable is taken now, not when the Task first runs.
  return detail::unconstrained_task(detail::into_task(std::forward<A>(awaitable)));
}

}  // namespace tokio::task
