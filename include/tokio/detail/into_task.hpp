// into_task: any awaitable as a Task, so that the combinators (join, select, try_join,
// timeout, unconstrained) and spawn take whatever Tokio's macros take: a Task, a JoinHandle,
// `rx.recv()`, `sleep(d)`, `notify.notified()`, a third-party awaitable.
//
// A Task is taken as it is. Another awaitable becomes a small coroutine that awaits it: an
// rvalue is moved into that coroutine's frame (so it lives as long as the Task, wherever the
// Task goes), an lvalue is awaited in place by reference (the caller keeps it alive, as
// Tokio's `&mut fut` branches borrow: a losing branch leaves it unfinished and usable).
#pragma once

#include <concepts>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tokio/detail/awaitable.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

template <class X>
inline constexpr bool is_task_v = false;
template <class T>
inline constexpr bool is_task_v<Task<T>> = true;

/// The value type of the Task that into_task makes of `A`: what `co_await` gives, with an
/// rvalue reference result held by value.
template <class A>
using into_task_value_t =
    std::conditional_t<std::is_rvalue_reference_v<await_result_t<A>>,
                       std::remove_reference_t<await_result_t<A>>, await_result_t<A>>;

template <class R, class A>
Task<R> await_owned(A awaitable) {
  if constexpr (std::is_void_v<R>) {
    co_await std::move(awaitable);
  } else {
    co_return co_await std::move(awaitable);
  }
}

template <class R, class A>
Task<R> await_borrowed(A& awaitable) {
  if constexpr (std::is_void_v<R>) {
    co_await awaitable;
  } else {
    co_return co_await awaitable;
  }
}

/// `awaitable` as a Task (see the file comment).
template <class A>
requires Awaitable<A>
auto into_task(A&& awaitable) {
  using D = std::remove_cvref_t<A>;
  if constexpr (is_task_v<D>) {
    return D(std::move(awaitable));  // a Task lvalue is consumed either way: take it
  } else if constexpr (std::is_lvalue_reference_v<A>) {
    return await_borrowed<into_task_value_t<A>>(awaitable);
  } else {
    static_assert(std::is_move_constructible_v<D>,
                  "this awaitable cannot be moved into a combinator: declare it first and pass "
                  "it as an lvalue (it is then awaited in place), or wrap it in a Task");
    return await_owned<into_task_value_t<D>, D>(std::move(awaitable));
  }
}

template <class A>
using into_task_t = decltype(into_task(std::declval<A>()));

/// The value type of the Task into_task makes of `A`.
template <class A>
using into_task_value_type = typename into_task_t<A>::value_type;

// --- What spawn takes ----------------------------------------------------------------------

/// Calls `fn(std::move(args)...)` and awaits the Task it returns. The callable and the
/// arguments are this coroutine's parameters, so they live in its frame for as long as the
/// Task runs: a coroutine lambda's captures and a `const std::string&` parameter cannot
/// dangle. The arguments are passed as rvalues, as std::thread passes its copies, so a
/// move-only argument (a socket) can be taken by value.
template <class R, class F, class... Args>
Task<R> call_owned(F fn, Args... args) {
  if constexpr (std::is_void_v<R>) {
    co_await std::invoke(fn, std::move(args)...);
  } else {
    co_return co_await std::invoke(fn, std::move(args)...);
  }
}

/// The stored callable, as it is called: an lvalue of its decayed type.
template <class F>
using stored_ref_t = std::decay_t<F>&;

/// What calling the stored callable with the stored (moved) arguments gives.
template <class F, class... Args>
using bound_result_t = std::invoke_result_t<stored_ref_t<F>, std::decay_t<Args>...>;

/// A callable that can be stored with decayed copies of `Args` and called once with them.
template <class F, class... Args>
concept BoundCallable = std::invocable<stored_ref_t<F>, std::decay_t<Args>...>;

template <class F, class... Args>
concept TaskFactory = BoundCallable<F, Args...> && is_task_v<bound_result_t<F, Args...>>;

/// `fn` with decayed copies of `args`, called once with the arguments moved in (what
/// spawn_blocking stores; std::thread's way of passing its arguments).
template <class F, class... Args>
class BoundCall {
 public:
  template <class G, class... As>
  explicit BoundCall(G&& fn, As&&... args)
      : fn_(std::forward<G>(fn)), args_(std::forward<As>(args)...) {}
  decltype(auto) operator()() {
    return std::apply(
        [this](Args&... args) -> decltype(auto) { return std::invoke(fn_, std::move(args)...); },
        args_);
  }

 private:
  F fn_;
  std::tuple<Args...> args_;
};

/// What tokio::spawn accepts: a Task (rvalue); a callable returning a Task, with arguments to
/// call it with (decayed copies are kept in the task, as std::jthread keeps its arguments); or
/// an rvalue awaitable of any other kind.
template <class F, class... Args>
concept Spawnable = (sizeof...(Args) == 0 && !std::is_lvalue_reference_v<F> &&
                     is_task_v<std::remove_cvref_t<F>>) ||
                    TaskFactory<F, Args...> ||
                    (sizeof...(Args) == 0 && !std::is_lvalue_reference_v<F> && Awaitable<F> &&
                     !std::invocable<stored_ref_t<F>>);

/// The Task that spawn runs for `f` (and `args`); see Spawnable.
template <class F, class... Args>
requires Spawnable<F, Args...>
auto into_spawned_task(F&& f, Args&&... args) {
  using D = std::remove_cvref_t<F>;
  if constexpr (sizeof...(Args) == 0 && is_task_v<D>) {
    return D(std::move(f));
  } else if constexpr (TaskFactory<F, Args...>) {
    using R = typename bound_result_t<F, Args...>::value_type;
    return call_owned<R, std::decay_t<F>, std::decay_t<Args>...>(std::forward<F>(f),
                                                                 std::forward<Args>(args)...);
  } else {
    return into_task(std::move(f));
  }
}

}  // namespace tokio::detail
