// tokio::runtime::Handle: a cheap, copyable reference to a runtime.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/spawn.hpp"

namespace tokio::runtime {

/// A reference to a runtime that can spawn onto it and block on it from any thread. Copies refer
/// to the same runtime. A Handle keeps the runtime's shared state alive but does not keep the
/// runtime running: after the Runtime is shut down, spawned tasks are cancelled at once.
///
/// Thread safety: all methods may be called from any thread.
class Handle {
 public:
  /// The handle of the runtime this thread is in (a worker thread, or inside block_on).
  /// Errors: throws std::logic_error when the thread is in no runtime.
  static Handle current() {
    return Handle(detail::current_runtime("tokio::runtime::Handle::current").shared_from_this());
  }
  /// Like current(), but std::nullopt when the thread is in no runtime.
  static std::optional<Handle> try_current() {
    if (!detail::tl_runtime) return std::nullopt;
    return Handle(detail::tl_runtime->shared_from_this());
  }

  /// Spawns a Task (or a callable with arguments, or an awaitable) onto this runtime, from any
  /// thread; see tokio::spawn.
  template <class F, class... Args>
  requires detail::Spawnable<F, Args...>
  auto spawn(F&& f, Args&&... args) const {
    return detail::spawn_on(
        *inner_, detail::into_spawned_task(std::forward<F>(f), std::forward<Args>(args)...));
  }
  /// Runs `fn(args...)` on this runtime's blocking pool; see task::spawn_blocking.
  template <class F, class... Args>
  requires detail::BoundCallable<F, Args...>
  auto spawn_blocking(F&& fn, Args&&... args) const {
    return detail::spawn_blocking_on(*inner_, std::forward<F>(fn), std::forward<Args>(args)...);
  }
  /// Runs `task` to completion on the calling thread and returns its value (an escaped exception
  /// is re-thrown). Tasks it spawns run on the runtime.
  /// Errors: std::logic_error when called from a thread that already drives a runtime.
  template <class T>
  T block_on(Task<T> task) const;

  /// Which scheduler the runtime uses.
  RuntimeFlavor runtime_flavor() const noexcept { return inner_->flavor(); }

  explicit Handle(std::shared_ptr<detail::RuntimeInner> inner) noexcept
      : inner_(std::move(inner)) {}

 private:
  std::shared_ptr<detail::RuntimeInner> inner_;
};

}  // namespace tokio::runtime

namespace tokio::detail {

template <class T>
T block_on_inner(RuntimeInner& runtime, Task<T>&& task) {
  auto coro = task.release();
  if (!coro) throw std::logic_error("block_on of an empty Task (moved from or already awaited)");
  auto* cell = CoroCell<T>::create(coro, kBlockOnState);
  struct Release {
    Header* cell;
    ~Release() { join_handle_drop(cell); }
  } release{cell};
  runtime.block_on(cell);
  if (auto* error = cell->outcome.error()) std::rethrow_exception(std::exchange(*error, nullptr));
  return cell->outcome.take(cell->id);
}

}  // namespace tokio::detail

template <class T>
T tokio::runtime::Handle::block_on(Task<T> task) const {
  return detail::block_on_inner(*inner_, std::move(task));
}
