// ImmediateOp: an awaitable that completes at once, running `fn` in await_resume (the flush
// and shutdown of streams that buffer nothing). Internal.
#pragma once

#include <coroutine>

namespace tokio::detail {

template <class Fn>
struct [[nodiscard]] ImmediateOp {
  using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
  Fn fn;
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  auto await_resume() { return fn(); }
};
// Clang 14 does not deduce an aggregate's template arguments (P1816) without a guide.
template <class Fn>
ImmediateOp(Fn) -> ImmediateOp<Fn>;

}  // namespace tokio::detail
