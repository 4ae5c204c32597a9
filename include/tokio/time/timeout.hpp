// tokio::time::timeout and timeout_at.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "tokio/detail/branch.hpp"
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

namespace tokio::time {

/// Runs `task` with a deadline `duration` from now: its value, or Err(Elapsed) if the deadline
/// passes first, in which case `task` is destroyed (its destructors run) before timeout
/// returns. `task` runs inside the calling task, like join/select. An exception from `task`
/// propagates.
///
/// Errors: std::logic_error outside a runtime or without enable_time (when the deadline must be
/// armed).
/// Cancel safety: as `task`'s; dropping the timeout drops `task`.
template <class T>
Task<Result<T, Elapsed>> timeout_at(Instant deadline, Task<T> task) {
  co_return co_await detail::TimeoutAwaiter<T>(std::move(task), deadline);
}

/// See timeout_at; the deadline is `Instant::now() + duration` (saturating).
template <class T, class Rep, class Period>
Task<Result<T, Elapsed>> timeout(std::chrono::duration<Rep, Period> duration, Task<T> task) {
  return timeout_at(Instant::now() + duration, std::move(task));
}

}  // namespace tokio::time
