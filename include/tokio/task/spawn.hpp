// tokio::spawn, tokio::task::spawn_blocking, tokio::task::block_in_place.
#pragma once

#include <concepts>
#include <functional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/detail/blocking_cell.hpp"
#include "tokio/detail/cell.hpp"
#include "tokio/detail/into_task.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// Spawns `task` onto `target`: a runtime, or a LocalSet's scheduler (anything whose
/// `spawn(Header*)` binds and queues a fresh task; see RuntimeInner::spawn).
template <class Target, class T>
task::JoinHandle<T> spawn_on(Target& target, Task<T>&& task) {
  auto coro = task.release();
  if (!coro)
    throw std::logic_error("tokio::spawn of an empty Task (moved from or already awaited)");
  auto* cell = CoroCell<T>::create(coro, kSpawnState);
  target.spawn(cell);
  return task::JoinHandle<T>(cell);
}

template <class F, class... Args>
using blocking_result_t = bound_result_t<F, Args...>;

template <class F, class... Args>
task::JoinHandle<blocking_result_t<F, Args...>> spawn_blocking_on(RuntimeInner& runtime, F&& fn,
                                                                  Args&&... args) {
  using R = blocking_result_t<F, Args...>;
  if constexpr (sizeof...(Args) == 0) {
    using Fn = std::decay_t<F>;
    auto* cell = BlockingCell<R, Fn>::create(Fn(std::forward<F>(fn)), kBlockOnState);
    task::JoinHandle<R> handle(cell);
    runtime.spawn_blocking(cell);
    return handle;
  } else {
    // The arguments are stored (decayed) with the function, as std::thread stores them.
    return spawn_blocking_on(runtime, BoundCall<std::decay_t<F>, std::decay_t<Args>...>(
                                          std::forward<F>(fn), std::forward<Args>(args)...));
  }
}

}  // namespace tokio::detail

namespace tokio {

/// Spawns a task onto the current runtime and returns its JoinHandle. The task starts running
/// in the background at once, even if the JoinHandle is never awaited: dropping the handle
/// detaches the task, as in Tokio (an exception that then escapes it is reported, see
/// Builder::unhandled_exception).
///
/// What can be spawned:
/// - a Task: `tokio::spawn(handle(std::move(socket)))`;
/// - a callable returning a Task, with arguments for it: `tokio::spawn(handle, std::move(socket))`
///   or `tokio::spawn([state]() -> tokio::Task<> {...})`. The callable and decayed copies of the
///   arguments are kept in the task until it ends (as std::jthread keeps its arguments), so a
///   lambda's captures and a coroutine parameter taken as `const std::string&` cannot dangle;
/// - any other awaitable, moved in (`tokio::spawn(std::move(rx).recv())`-style one-shots).
///
/// Errors: throws std::logic_error when called outside a runtime (use Runtime::spawn or
/// Handle::spawn there) or with an empty Task. On a runtime that is shutting down the task is
/// cancelled at once: awaiting its JoinHandle throws a cancelled JoinError.
///
/// Thread safety: callable from any thread that is inside the runtime's context.
///
/// Example (Tokio's accept loop):
///   for (;;) {
///     auto [socket, addr] = co_await listener.accept();
///     tokio::spawn(process, std::move(socket));
///   }
template <class F, class... Args>
requires detail::Spawnable<F, Args...>
auto spawn(F&& f, Args&&... args) {
  return detail::spawn_on(
      detail::current_runtime("tokio::spawn"),
      detail::into_spawned_task(std::forward<F>(f), std::forward<Args>(args)...));
}

}  // namespace tokio

namespace tokio::task {

/// Runs the blocking function `fn(args...)` on the runtime's blocking pool (up to
/// max_blocking_threads threads, each kept 10 s when idle) and returns a JoinHandle for its
/// result. The function and decayed copies of the arguments are stored with the job. An
/// exception that escapes `fn` is reported as a panicked JoinError.
///
/// Passing state as arguments rather than lambda captures also sidesteps a GCC 12 bug that
/// destroys a capturing lambda written inside a `co_await` twice (see the README):
///   auto n = co_await tokio::task::spawn_blocking([](const std::string& p) { return load(p); },
///                                                path);
///
/// Errors: std::logic_error outside a runtime; std::system_error if a thread cannot be started.
/// Cancel safety: `abort()` only prevents a job that has not started yet; a running job runs
/// to the end. Runtime shutdown waits for running jobs (see Runtime::shutdown_timeout).
template <class F, class... Args>
requires detail::BoundCallable<F, Args...> JoinHandle<detail::blocking_result_t<F, Args...>>
spawn_blocking(F&& fn, Args&&... args) {
  return detail::spawn_blocking_on(detail::current_runtime("tokio::task::spawn_blocking"),
                                   std::forward<F>(fn), std::forward<Args>(args)...);
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
