// tokio::runtime::Runtime: owns the scheduler, its threads, its drivers and its blocking pool.
#pragma once

#include <chrono>
#include <memory>

#include "tokio/runtime/builder.hpp"
#include "tokio/runtime/handle.hpp"

namespace tokio::runtime {

/// The runtime: run a future with block_on, spawn tasks, and shut everything down.
///
/// Destroying the Runtime shuts it down: every task that has not finished is cancelled (its
/// frames are destroyed, so each destructor runs exactly once), then it waits for every
/// runtime thread, blocking-pool jobs included, to finish.
///
/// Thread safety: spawn and handle() may be called from any thread; block_on from any thread
/// that is not already driving a runtime. Move-only.
class Runtime {
 public:
  /// A multi-thread runtime with everything enabled (Tokio's Runtime::new()).
  Runtime();
  explicit Runtime(std::shared_ptr<detail::RuntimeInner> inner) noexcept;
  Runtime(Runtime&&) noexcept = default;
  Runtime& operator=(Runtime&& other) noexcept;
  ~Runtime();

  /// Runs `task` on the calling thread until it completes and returns its value; an exception
  /// that escapes `task` is re-thrown here. On the current_thread runtime, spawned tasks run
  /// only while some thread is inside block_on.
  /// Errors: std::logic_error when the thread is already inside a runtime.
  template <class T>
  T block_on(Task<T> task) {
    return handle().block_on(std::move(task));
  }
  /// Spawns a Task (or a callable with arguments, or an awaitable); see tokio::spawn.
  template <class F, class... Args>
  requires detail::Spawnable<F, Args...>
  auto spawn(F&& f, Args&&... args) {
    return detail::spawn_on(
        *inner_, detail::into_spawned_task(std::forward<F>(f), std::forward<Args>(args)...));
  }
  /// Runs `fn(args...)` on the blocking pool; see task::spawn_blocking.
  template <class F, class... Args>
  requires detail::BoundCallable<F, Args...>
  auto spawn_blocking(F&& fn, Args&&... args) {
    return detail::spawn_blocking_on(*inner_, std::forward<F>(fn), std::forward<Args>(args)...);
  }
  /// A Handle to this runtime.
  Handle handle() const { return Handle(inner_); }

  /// Shuts down, waiting at most `timeout` for threads (blocking jobs) to finish; threads still
  /// busy after that are left to finish on their own.
  void shutdown_timeout(std::chrono::nanoseconds timeout) &&;
  /// Shuts down without waiting for threads.
  void shutdown_background() &&;

 private:
  friend class LocalRuntime;  // enters the runtime's context to close its local set
  std::shared_ptr<detail::RuntimeInner> inner_;
};

}  // namespace tokio::runtime
