// tokio::runtime::LocalRuntime: a current_thread runtime whose tasks may all stay on its thread.
#pragma once

#include <chrono>
#include <utility>

#include "tokio/runtime/builder.hpp"
#include "tokio/runtime/handle.hpp"
#include "tokio/runtime/runtime.hpp"
#include "tokio/task/local_set.hpp"

namespace tokio::runtime {

/// A current_thread runtime with a LocalSet built in (Tokio's LocalRuntime): inside its
/// block_on, tokio::task::spawn_local works everywhere (in the block_on body, in local tasks
/// and in tasks spawned with tokio::spawn), and local tasks run on the block_on thread beside
/// the runtime's other tasks. Build it with `Builder::new_current_thread().build_local()`, or
/// default-construct it (I/O and time enabled).
///
/// ```
/// tokio::runtime::LocalRuntime rt;
/// rt.block_on([]() -> tokio::Task<> {
///   auto state = std::make_shared<std::vector<int>>();  // never leaves this thread
///   auto writer = tokio::task::spawn_local([state]() -> tokio::Task<> {
///     state->push_back(1);
///     co_return;
///   });
///   co_await writer;
/// }());
/// ```
///
/// Destroying it cancels the local tasks first (on the destroying thread, inside the runtime's
/// context), then shuts the runtime down as ~Runtime does.
///
/// Thread safety: use it from the thread that first calls block_on (spawn_local and spawn may
/// also be called from other threads; such tasks run at the next block_on). Move-only.
class LocalRuntime {
 public:
  /// A LocalRuntime with I/O and time enabled.
  LocalRuntime();
  explicit LocalRuntime(Runtime runtime);
  LocalRuntime(LocalRuntime&&) noexcept = default;
  LocalRuntime& operator=(LocalRuntime&& other) noexcept;
  ~LocalRuntime();

  /// Runs `task` on this thread until it completes, with the local tasks and the runtime's
  /// tasks beside it, and returns its value (an exception that escapes it is re-thrown here).
  /// Errors: as Runtime::block_on; std::logic_error from another thread than the first one.
  template <class T>
  T block_on(Task<T> task) {
    auto entered = enter_local("tokio::runtime::LocalRuntime::block_on");
    return runtime_.block_on(local_.run_until(std::move(task)));
  }
  /// Spawns a local task (see task::LocalSet::spawn_local); it runs on this runtime's thread.
  template <class F, class... Args>
  requires detail::Spawnable<F, Args...>
  auto spawn_local(F&& f, Args&&... args) {
    return local_.spawn_local(std::forward<F>(f), std::forward<Args>(args)...);
  }
  /// Spawns a task onto the runtime (see tokio::spawn).
  template <class F, class... Args>
  requires detail::Spawnable<F, Args...>
  auto spawn(F&& f, Args&&... args) {
    return runtime_.spawn(std::forward<F>(f), std::forward<Args>(args)...);
  }
  /// Runs `fn(args...)` on the blocking pool (see task::spawn_blocking).
  template <class F, class... Args>
  requires detail::BoundCallable<F, Args...>
  auto spawn_blocking(F&& fn, Args&&... args) {
    return runtime_.spawn_blocking(std::forward<F>(fn), std::forward<Args>(args)...);
  }
  /// A Handle to the runtime (it spawns onto the runtime, not into the local set).
  Handle handle() const { return runtime_.handle(); }
  /// Cancels the local tasks, then shuts the runtime down as Runtime::shutdown_timeout does.
  void shutdown_timeout(std::chrono::nanoseconds timeout) &&;
  /// Cancels the local tasks, then shuts the runtime down without waiting for its threads.
  void shutdown_background() &&;

 private:
  task::LocalSet::EnterGuard enter_local(const char* what);
  void close_local() noexcept;

  Runtime runtime_;
  task::LocalSet local_;
};

}  // namespace tokio::runtime
