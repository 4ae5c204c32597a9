// Cooperative budget (Tokio's coop): each scheduling of a task gets 128 units; leaf operations
// that complete consume one. When the budget is spent, leaves report "not ready" and the task
// yields, so a task that always finds its operations ready cannot starve its neighbours.
// The budget is per thread: only the thread running a task reads or writes it.
#pragma once

#include <coroutine>
#include <cstdint>

#include "tokio/detail/context.hpp"

namespace tokio::detail {

inline constexpr std::uint8_t kInitialBudget = 128;

struct Budget {
  std::uint8_t remaining = kInitialBudget;
  bool constrained = false;  // false outside tasks and inside task::unconstrained
};

extern constinit thread_local Budget tl_budget;

/// True when the running task may make progress (budget left, or unconstrained).
inline bool coop_has_budget() noexcept {
  return !tl_budget.constrained || tl_budget.remaining > 0;
}
/// Consumes one unit of budget (a leaf operation completed).
inline void coop_consume() noexcept {
  if (tl_budget.constrained && tl_budget.remaining > 0) --tl_budget.remaining;
}

/// Sets the budget for one scheduling of a task and restores the previous one on exit.
class BudgetScope {
 public:
  explicit BudgetScope(Budget budget) noexcept : saved_(tl_budget) { tl_budget = budget; }
  ~BudgetScope() { tl_budget = saved_; }
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  Budget saved_;
};

/// Set by yield_current while a task runs; task_run then requeues the task behind the others
/// in the same state transition that ends the poll (one atomic operation instead of two).
extern constinit thread_local bool tl_yield_requested;

/// Makes the running task (of `ctx`) be polled again after the tasks already queued.
inline void yield_current(Context&) noexcept {
  tl_yield_requested = true;
}

/// The prologue of a leaf awaitable's await_suspend: when the budget is spent, suspends `leaf`
/// (it is polled again after the other queued tasks) and returns true.
inline bool suspend_if_budget_spent(Context& ctx, Leaf* leaf,
                                    std::coroutine_handle<> awaiting) noexcept {
  if (coop_has_budget()) return false;
  suspend_leaf(ctx, leaf, awaiting);
  yield_current(ctx);
  return true;
}

}  // namespace tokio::detail
