// tokio::time::timeout and timeout_at.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "tokio/detail/branch.hpp"
#include "tokio/detail/into_task.hpp"
#include "tokio/result.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio::time {

/// The error of a timeout whose deadline passed first.
struct Elapsed {
  const char* what() const noexcept { return "deadline has elapsed"; }
  friend bool operator==(Elapsed, Elapsed) noexcept { return true; }
};

}  // namespace tokio::time

namespace tokio::detail {

// Runs the task as the only branch; arms the deadline's Sleep only if the task is not done on
// its first poll, so a timeout around a ready task never touches the timer wheel.
template <class T>
class TimeoutAwaiter final : public CombinatorBase<TimeoutAwaiter<T>> {
 public:
  static constexpr const char* kName = "tokio::time::timeout";

  TimeoutAwaiter(Task<T>&& task, time::Instant deadline)
      : branch_(std::move(task)), deadline_(deadline) {}

  void start_branches(Header* task) {
    task_ = task;
    branch_.start(task);
  }
  bool poll_branches() {
    if (branch_.poll()) return true;
    if (!sleep_) sleep_.emplace(deadline_);
    if (!sleep_->poll_elapsed(task_)) return false;
    branch_.cancel();  // the inner task's frames go before the caller sees Elapsed
    elapsed_ = true;
    return true;
  }
  Result<T, time::Elapsed> await_resume() {
    if (elapsed_) return Err<time::Elapsed>(time::Elapsed{});
    if constexpr (std::is_void_v<T>) {
      branch_.take();  // re-throws what the task threw
      return {};
    } else {
      return Result<T, time::Elapsed>(branch_.take());
    }
  }

 private:
  Branch<T> branch_;
  time::Instant deadline_;
  Header* task_ = nullptr;
  std::optional<time::Sleep> sleep_;
  bool elapsed_ = false;
};

}  // namespace tokio::detail

namespace tokio::detail {

template <class T>
Task<Result<T, time::Elapsed>> timeout_task(time::Instant deadline, Task<T> task) {
  co_return co_await TimeoutAwaiter<T>(std::move(task), deadline);
}

}  // namespace tokio::detail

namespace tokio::time {

/// Awaits `awaitable` with a deadline: its value, or Err(Elapsed) if the deadline passes
/// first, in which case the awaitable is destroyed (its destructors run) before timeout_at
/// returns. It runs inside the calling task, like join/select, and may be any awaitable (a
/// Task, a JoinHandle, `rx.recv()`, a third-party awaitable; an rvalue is moved in, an lvalue
/// awaited in place). An exception it throws propagates.
///
/// Errors: std::logic_error outside a runtime or without enable_time (when the deadline must be
/// armed).
/// Cancel safety: as the awaitable's; dropping the timeout drops it.
/// Example:
///   auto r = co_await tokio::time::timeout(1s, rx.recv());
///   if (!r) { /* Elapsed */ } else if (std::optional<int> v = *r) { ... }
template <class A>
requires detail::Awaitable<A> Task<Result<detail::into_task_value_type<A>, Elapsed>> timeout_at(
    Instant deadline, A&& awaitable) {
  return detail::timeout_task(deadline, detail::into_task(std::forward<A>(awaitable)));
}

/// See timeout_at; the deadline is `Instant::now() + duration` (saturating).
template <class A, class Rep, class Period>
requires detail::Awaitable<A> Task<Result<detail::into_task_value_type<A>, Elapsed>> timeout(
    std::chrono::duration<Rep, Period> duration, A&& awaitable) {
  return timeout_at(Instant::now() + duration, std::forward<A>(awaitable));
}

}  // namespace tokio::time
