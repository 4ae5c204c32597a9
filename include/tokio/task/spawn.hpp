// tokio::spawn, tokio::task::spawn_blocking, tokio::task::block_in_place.
#pragma once

#include <concepts>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/detail/blocking_cell.hpp"
#include "tokio/detail/cell.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

template <class T>
task::JoinHandle<T> spawn_on(RuntimeInner& runtime, Task<T>&& task) {
  auto coro = task.release();
  if (!coro)
    throw std::logic_error("tokio::spawn of an empty Task (moved from or already awaited)");
  auto* cell = CoroCell<T>::create(coro, kSpawnState);
  runtime.spawn(cell);
  return task::JoinHandle<T>(cell);
}

template <class F, class R>
Task<R> call_owned(F fn) {
  co_return co_await fn();
}

template <class F>
using InvokeTask = std::invoke_result_t<F&>;

template <class X>
inline constexpr bool is_task_v = false;
template <class T>
inline constexpr bool is_task_v<Task<T>> = true;

template <class F>
task::JoinHandle<std::invoke_result_t<F&>> spawn_blocking_on(RuntimeInner& runtime, F&& fn) {
  using R = std::invoke_result_t<F&>;
  using Fn = std::decay_t<F>;
  auto* cell = BlockingCell<R, Fn>::create(Fn(std::forward<F>(fn)), kBlockOnState);
  task::JoinHandle<R> handle(cell);
  runtime.spawn_blocking(cell);
  return handle;
}

}  // namespace tokio::detail

namespace tokio {

/// Spawns `task` onto the current runtime and returns its JoinHandle. The task starts running
/// in the background at once, even if the JoinHandle is never awaited (dropping it detaches).
///
/// Errors: throws std::logic_error when called outside a runtime (use Runtime::spawn or
/// Handle::spawn there) or with an empty Task. On a runtime that is shutting down the task is
/// cancelled at once: awaiting its JoinHandle throws a cancelled JoinError.
///
/// Thread safety: callable from any thread that is inside the runtime's context.
template <class T>
task::JoinHandle<T> spawn(Task<T> task) {
  return detail::spawn_on(detail::current_runtime("tokio::spawn"), std::move(task));
}

/// Spawns the Task returned by calling `fn()`, keeping `fn` (and so a coroutine lambda's
/// captures) alive until the Task ends. Prefer this to `spawn(lambda())` when the lambda
/// captures state.
template <class F>
requires detail::is_task_v<std::invoke_result_t<F&>>
auto spawn(F fn) {
  using R = typename std::invoke_result_t<F&>::value_type;
  return spawn(detail::call_owned<F, R>(std::move(fn)));
}

}  // namespace tokio

namespace tokio::task {

/// Runs the blocking function `fn` on the runtime's blocking pool (up to max_blocking_threads
/// threads, each kept 10 s when idle) and returns a JoinHandle for its result. An exception
/// that escapes `fn` is reported as a panicked JoinError.
///
/// Errors: std::logic_error outside a runtime; std::system_error if a thread cannot be started.
/// Cancel safety: `abort()` only prevents a job that has not started yet; a running job runs
/// to the end. Runtime shutdown waits for running jobs (see Runtime::shutdown_timeout).
template <class F>
requires std::invocable<F&> JoinHandle<std::invoke_result_t<F&>> spawn_blocking(F&& fn) {
  return detail::spawn_blocking_on(detail::current_runtime("tokio::task::spawn_blocking"),
                                   std::forward<F>(fn));
}

/// Runs the blocking function `fn` on this thread after handing this worker's queued tasks to
/// a new worker thread, so other tasks keep running; returns what `fn` returns. Outside a
/// runtime, or inside block_on's body on a multi-thread runtime, `fn` simply runs.
///
/// Errors: throws std::logic_error on a current_thread runtime (which has no other thread to
/// hand its tasks to). Exceptions from `fn` propagate.
template <class F>
requires std::invocable<F&> std::invoke_result_t<F&> block_in_place(F&& fn) {
  auto* runtime = detail::tl_runtime;
  if (!runtime) return fn();
  using R = std::invoke_result_t<F&>;
  struct Call {
    F& fn;
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> result;
    std::exception_ptr error;
    static void run(void* self) {
      auto* call = static_cast<Call*>(self);
      try {
        if constexpr (std::is_void_v<R>) {
          call->fn();
          call->result.emplace(true);
        } else {
          call->result.emplace(call->fn());
        }
      } catch (...) {
        call->error = std::current_exception();
      }
    }
  } call{fn, std::nullopt, nullptr};
  runtime->block_in_place(&Call::run, &call);
  if (call.error) std::rethrow_exception(call.error);
  if constexpr (!std::is_void_v<R>) return std::move(*call.result);
}

}  // namespace tokio::task
