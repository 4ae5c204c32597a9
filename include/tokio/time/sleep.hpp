// tokio::time::sleep, sleep_until and the Sleep future.
#pragma once

#include <coroutine>

#include "tokio/detail/context.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/timer_entry.hpp"
#include "tokio/time/instant.hpp"

namespace tokio::detail {
class TimeDriver;
}

namespace tokio::time {

/// Completes when its deadline is reached: `co_await sleep(100ms)`.
///
/// A Sleep is bound to the runtime it was created in and registers with that runtime's timer
/// wheel the first time it is awaited (no allocation: the timer entry lives in the Sleep).
/// Resolution is 1 ms; a Sleep never completes before its deadline. It can be awaited again
/// after `reset`. Sleep is movable (select and timeout move it in), not copyable: the new Sleep
/// has the same deadline and registers its own timer when awaited, and the moved-from one
/// unlinks its timer when destroyed. A Sleep keeps its runtime's timer wheel alive, so it may
/// outlive the Runtime object (in a LocalSet's task, or returned from block_on).
///
/// Errors: the constructor throws std::logic_error outside a runtime, or on a runtime built
/// without enable_time.
/// Cancel safety: cancel-safe; destroying a pending Sleep unlinks its timer (O(1)).
/// Thread safety: a Sleep is awaited by one task at a time.
class [[nodiscard]] Sleep final : public detail::LeafOp<Sleep> {
 public:
  explicit Sleep(Instant deadline);
  Sleep(Sleep&& other) noexcept;
  ~Sleep();
  Sleep& operator=(const Sleep&) = delete;

  /// The instant at which this Sleep completes.
  Instant deadline() const noexcept { return deadline_; }
  /// True once the deadline has been reached.
  bool is_elapsed() const noexcept;
  /// Changes the deadline, also while the Sleep is being awaited (the awaiting task is woken
  /// at the new deadline, earlier or later).
  void reset(Instant deadline);

  void await_resume() noexcept;

  /// Registers `task`'s waker (or replaces another task's) and returns whether the deadline
  /// has passed. Used by the awaiter and by combinators such as timeout.
  bool poll_elapsed(detail::Header* task);

 private:
  friend detail::LeafOp<Sleep>;
  static const char* what() noexcept { return "awaiting a tokio::time::Sleep"; }
  bool poll(detail::Header* task);

  // A unit of the runtime (see detail::Scheduler): the driver lives as long as its runtime,
  // and a unit is cheaper than a shared_ptr copy (thread-local on a runtime thread).
  detail::Scheduler* runtime_;
  detail::TimeDriver* driver_;
  Instant deadline_;
  detail::TimerEntry entry_;
  detail::Header* waker_task_ = nullptr;  // whose waker the armed entry holds
  bool armed_ = false;                    // the entry was linked (it may have fired since)
  bool elapsed_ = false;                  // observed the deadline as passed
};

/// A Sleep that completes `duration` from now (a past or zero duration completes at once;
/// huge durations saturate and never overflow).
inline Sleep sleep(Duration duration) {
  return Sleep(Instant::now() + duration);
}
template <class Rep, class Period>
Sleep sleep(std::chrono::duration<Rep, Period> duration) {
  return Sleep(Instant::now() + duration);
}
/// A Sleep that completes at `deadline`.
inline Sleep sleep_until(Instant deadline) {
  return Sleep(deadline);
}

}  // namespace tokio::time
