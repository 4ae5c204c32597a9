// tokio::task::yield_now and tokio::task::consume_budget.
#pragma once

#include <coroutine>

#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"

namespace tokio::detail {

// Suspends once and reschedules the task behind the ones already queued.
struct YieldAwaiter final : Leaf {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> awaiting) {
    auto& ctx = current_context("tokio::task::yield_now");
    suspend_leaf(ctx, this, awaiting);
    yield_current(ctx);
  }
  void await_resume() const noexcept {}
  bool poll_ready() noexcept override { return true; }
};

// Consumes one unit of budget; yields only when the budget is spent.
struct ConsumeBudgetAwaiter final : Leaf {
  bool await_ready() const noexcept {
    if (!coop_has_budget()) return false;
    coop_consume();
    return true;
  }
  void await_suspend(std::coroutine_handle<> awaiting) {
    auto& ctx = current_context("tokio::task::consume_budget");
    suspend_leaf(ctx, this, awaiting);
    yield_current(ctx);
  }
  void await_resume() const noexcept {}
  bool poll_ready() noexcept override { return true; }
};

}  // namespace tokio::detail

namespace tokio::task {

/// Yields to the scheduler: the task is queued again behind the tasks that are ready now, so
/// they run first. Use it to break up long computations.
///
/// Errors: std::logic_error when awaited outside a task.
/// Cancel safety: cancel-safe.
[[nodiscard]] inline detail::YieldAwaiter yield_now() noexcept {
  return {};
}

/// Consumes one unit of the task's cooperative budget (128 units per scheduling) and yields
/// only when it is spent: a cheap way for a busy loop that awaits nothing else to let other
/// tasks run. Inside task::unconstrained it never yields.
///
/// Errors: std::logic_error when it must yield outside a task.
/// Cancel safety: cancel-safe.
[[nodiscard]] inline detail::ConsumeBudgetAwaiter consume_budget() noexcept {
  return {};
}

}  // namespace tokio::task
