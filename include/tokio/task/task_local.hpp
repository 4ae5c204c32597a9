// tokio::task::LocalKey and TOKIO_TASK_LOCAL: values scoped to a task (Tokio's task_local!).
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "tokio/detail/branch.hpp"
#include "tokio/detail/into_task.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// This thread's slot for the task-local key at `key`: the value of the innermost scope running
/// here, or null. Out of line on purpose: a coroutine may resume on another thread, and the
/// compiler must not reuse a thread-local address computed before a suspension.
/// Errors: std::bad_alloc the first time a thread uses a key.
void*& task_local_slot(const void* key);

// Runs `task` as its only branch, with `*slot` pointing at `value` during each of its polls
// (and back to what it was after, exceptions included): code of the task, and of the join and
// select branches it runs, sees the value; other tasks polled on the thread do not.
template <class T, class V>
class TaskLocalScope final : public CombinatorBase<TaskLocalScope<T, V>> {
 public:
  static constexpr const char* kName = "tokio::task::LocalKey::scope";

  TaskLocalScope(Task<T>&& task, V value, const void* key)
      : branch_(std::move(task)), value_(std::move(value)), key_(key) {}

  void start_branches(Header* task) { branch_.start(task); }
  bool poll_branches() {
    void*& slot = task_local_slot(key_);  // this thread's, looked up at each poll
    struct Restore {
      void*& slot;
      void* saved;
      ~Restore() { slot = saved; }
    } restore{slot, std::exchange(slot, static_cast<void*>(&value_))};
    return branch_.poll();
  }
  T await_resume() {
    if constexpr (std::is_void_v<T>) {
      branch_.take();  // re-throws what the task threw
    } else {
      return branch_.take();
    }
  }

 private:
  Branch<T> branch_;
  V value_;
  const void* key_;
};

}  // namespace tokio::detail

namespace tokio::task {

/// A task-local variable of type `T` (Tokio's `LocalKey`), declared with TOKIO_TASK_LOCAL.
/// `KEY.scope(value, awaitable)` runs the awaitable with the key set to `value`: code that runs
/// as part of it, on whatever thread, including its join/select branches, sees the value
/// through `with`, `try_with` or `get`. Tasks spawned from inside do not inherit it (as in
/// Tokio: pass the value on, or scope the spawned task too). Scopes nest: an inner scope of
/// the same key hides the outer one until it ends.
///
/// ```
/// TOKIO_TASK_LOCAL(std::string, request_id);
/// tokio::Task<void> handle() {
///   request_id.with([](const std::string& id) { log("handling " + id); });
///   co_return;
/// }
/// co_await request_id.scope("req-42", handle());
/// ```
///
/// Errors: `with` and `get` outside any scope throw std::logic_error (`try_with` gives
/// std::nullopt). Cancel safety: `scope` is as cancel-safe as the awaitable it runs.
template <class T, class Tag>
class LocalKey {
 public:
  constexpr explicit LocalKey(const char* name) noexcept : name_(name) {}

  /// Runs `awaitable` (taken by value: move a Task in) with this key set to `value`; gives its
  /// result.
  template <class A>
  requires detail::Awaitable<A>
  auto scope(T value, A awaitable) const {
    return scope_task(std::move(value), detail::into_task(std::move(awaitable)), this);
  }

  /// Calls `f()` with this key set to `value`, synchronously (Tokio's sync_scope).
  template <class F>
  decltype(auto) sync_scope(T value, F&& f) const {
    void*& slot = detail::task_local_slot(this);
    struct Restore {
      void*& slot;
      void* saved;
      ~Restore() { slot = saved; }
    } restore{slot, std::exchange(slot, static_cast<void*>(&value))};
    return std::invoke(std::forward<F>(f));
  }

  /// Calls `f(value)` with the value of the innermost scope of this key.
  /// Errors: std::logic_error outside any scope of it.
  template <class F>
  decltype(auto) with(F&& f) const {
    T* value = current();
    if (!value)
      throw std::logic_error(std::string("tokio::task::LocalKey '") + name_ +
                             "': no value set; run the code inside " + name_ +
                             ".scope(value, task)");
    return std::invoke(std::forward<F>(f), *value);
  }
  /// `with`, or std::nullopt (false for an `f` returning void) outside any scope.
  template <class F>
  auto try_with(F&& f) const {
    using R = std::invoke_result_t<F, T&>;
    T* value = current();
    if constexpr (std::is_void_v<R>) {
      if (!value) return false;
      std::invoke(std::forward<F>(f), *value);
      return true;
    } else {
      if (!value) return std::optional<R>();
      return std::optional<R>(std::invoke(std::forward<F>(f), *value));
    }
  }
  /// A copy of the value. Errors: as `with`.
  T get() const {
    return with([](const T& v) { return v; });
  }

 private:
  T* current() const { return static_cast<T*>(detail::task_local_slot(this)); }
  template <class R>
  static Task<R> scope_task(T value, Task<R> inner, const void* key) {
    co_return co_await detail::TaskLocalScope<R, T>(std::move(inner), std::move(value), key);
  }

  const char* name_;
};

}  // namespace tokio::task

/// Declares a task-local variable `name` of type `type` at namespace scope (Tokio's
/// `task_local!`): `TOKIO_TASK_LOCAL(int, user_id);` then `user_id.scope(7, task)`.
#define TOKIO_TASK_LOCAL(type, name)                                                 \
  struct name##_tokio_task_local_tag;                                                \
  inline constexpr ::tokio::task::LocalKey<type, name##_tokio_task_local_tag> name { \
#name                                                                            \
  }
