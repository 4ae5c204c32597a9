// tokio::future::pending: an awaitable that never completes.
#pragma once

#include <coroutine>
#include <exception>

#include "tokio/detail/context.hpp"

namespace tokio::future {

/// The awaitable of pending<T>(): never completes, so the awaiting task waits until it is
/// cancelled (aborted, dropped by select, or at runtime shutdown). Movable and copyable.
///
/// Cancel safety: cancel-safe (it holds nothing).
/// Example: `co_await tokio::select(rx.recv(), tokio::future::pending<void>())` waits on rx
/// only.
template <class T = void>
class [[nodiscard]] Pending final : detail::Leaf {
 public:
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> awaiting) {
    detail::suspend_leaf(detail::current_context("awaiting tokio::future::pending"), this,
                         awaiting);
  }
  [[noreturn]] T await_resume() const noexcept { std::terminate(); }  // never resumed

 private:
  bool poll_ready() noexcept override { return false; }
};

/// An awaitable that never completes, typed as producing a `T` (Rust's
/// `std::future::pending::<T>()`): a select branch that is never taken, a task that runs until
/// it is aborted.
/// Errors: awaiting it outside a task throws std::logic_error.
template <class T = void>
Pending<T> pending() noexcept {
  return {};
}

}  // namespace tokio::future
