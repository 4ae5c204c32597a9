// Transitions of a task's state word (layout in include/tokio/detail/header.hpp).
//
// Memory orders: every transition that hands the task's frames or output from one thread to
// another (to RUNNING, to idle, to COMPLETE, JOIN_WAKER) is acq_rel, so the writes of the thread
// that gives the task up are visible to the one that takes it. Plain reference increments are
// relaxed (the incrementing thread already holds a reference); decrements are acq_rel so that
// the thread freeing the cell sees every other thread's last use of it.
#pragma once

#include <atomic>
#include <cstdint>

#include "tokio/detail/header.hpp"

namespace tokio::detail::state {

enum class ToRunning { Success, Cancelled, Failed };
enum class ToIdle { Ok, OkNotified, OkDealloc, Cancelled };
enum class ToNotified { DoNothing, Submit, Dealloc };

inline std::uint64_t ref_count(std::uint64_t s) noexcept {
  return s >> REF_SHIFT;
}

/// The caller holds a notification. Failed: the task is running or complete elsewhere.
inline ToRunning to_running(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (RUNNING | COMPLETE)) return ToRunning::Failed;
    const auto next = (cur & ~NOTIFIED) | RUNNING;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return (cur & CANCELLED) ? ToRunning::Cancelled : ToRunning::Success;
  }
}

/// After a poll that did not finish. Ok and OkDealloc consume the caller's notification
/// reference; OkNotified passes it on to the resubmission; Cancelled changes nothing.
inline ToIdle to_idle(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & CANCELLED) return ToIdle::Cancelled;
    std::uint64_t next = cur & ~RUNNING;
    ToIdle result = ToIdle::OkNotified;
    if (!(cur & NOTIFIED)) {
      next -= REF_ONE;
      result = ref_count(next) == 0 ? ToIdle::OkDealloc : ToIdle::Ok;
    }
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return result;
  }
}

/// After a poll in which the task yielded: back to idle and notified in one step (the caller's
/// notification reference passes to the resubmission). Cancelled changes nothing.
inline ToIdle to_idle_yielded(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & CANCELLED) return ToIdle::Cancelled;
    const std::uint64_t next = (cur & ~RUNNING) | NOTIFIED;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return ToIdle::OkNotified;
  }
}

inline ToNotified to_notified_by_ref(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (COMPLETE | NOTIFIED)) return ToNotified::DoNothing;
    std::uint64_t next = cur | NOTIFIED;
    if (!(cur & RUNNING)) next += REF_ONE;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return (cur & RUNNING) ? ToNotified::DoNothing : ToNotified::Submit;
  }
}

/// Consumes the caller's reference (it becomes the notification's on Submit).
inline ToNotified to_notified_by_val(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    std::uint64_t next;
    ToNotified result;
    if (cur & (COMPLETE | NOTIFIED)) {
      next = cur - REF_ONE;
      result = ref_count(next) == 0 ? ToNotified::Dealloc : ToNotified::DoNothing;
    } else if (cur & RUNNING) {
      next = (cur | NOTIFIED) - REF_ONE;  // the runner holds a reference: never zero
      result = ToNotified::DoNothing;
    } else {
      next = cur | NOTIFIED;
      result = ToNotified::Submit;
    }
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return result;
  }
}

/// Abort: mark cancelled; Submit when the caller must queue it (a reference was added).
inline bool to_notified_and_cancel(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (COMPLETE | CANCELLED)) return false;
    std::uint64_t next = cur | CANCELLED | NOTIFIED;
    const bool submit = !(cur & (RUNNING | NOTIFIED));
    if (submit) next += REF_ONE;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return submit;
  }
}

/// Shutdown: mark cancelled; true when the caller now owns the task (it was idle) and must
/// cancel and complete it.
inline bool to_shutdown(Header* t) noexcept {
  auto cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    std::uint64_t next = cur | CANCELLED;
    const bool idle = !(cur & (RUNNING | COMPLETE));
    if (idle) next |= RUNNING;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return idle;
  }
}

/// RUNNING -> COMPLETE; returns the previous state.
inline std::uint64_t to_complete(Header* t) noexcept {
  return t->state.fetch_xor(RUNNING | COMPLETE, std::memory_order_acq_rel);
}

}  // namespace tokio::detail::state
