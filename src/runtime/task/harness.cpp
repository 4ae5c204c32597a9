// Running, cancelling and completing tasks; references; the JoinHandle protocol.
//
// Only the thread that won the RUNNING bit (to_running, or to_shutdown on an idle task) calls
// the vtable's poll/cancel and writes the outcome. Completion publishes the outcome with the
// acq_rel RUNNING->COMPLETE transition.
#include <atomic>
#include <utility>

#include "runtime/task/state.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"

namespace tokio::detail {

Header::Header(const TaskVTable* vt, std::uint64_t initial_state) noexcept
    : state(initial_state), vtable(vt), id(next_task_id()) {}

std::uint64_t next_task_id() noexcept {
  // Each thread takes ids from the shared counter a block at a time, so spawning makes no
  // shared atomic operation but once per kBlock tasks. Ids stay unique (they are all that is
  // promised), not ordered. Relaxed: the counter orders nothing else. A plain std::atomic, not
  // the sync seam's: it synchronises nothing, so the model checker need not schedule around it
  // (and a thread-local refill would make its schedules differ from one iteration to the next).
  constexpr std::uint64_t kBlock = 256;
  struct alignas(64) Counter {  // a cache line of its own: every thread's refill hits it
    std::atomic<std::uint64_t> value{1};
  };
  static Counter next;
  struct Block {
    std::uint64_t next = 0;
    std::uint64_t end = 0;
  };
  constinit thread_local Block block{};
  if (block.next == block.end) {
    block.next = next.value.fetch_add(kBlock, std::memory_order_relaxed);
    block.end = block.next + kBlock;
  }
  return block.next++;
}

void task_inc_ref(Header* task) noexcept {
  task->state.fetch_add(state::REF_ONE, std::memory_order_relaxed);
}

// Frees the cell, then gives back its unit of the scheduler (which may free the scheduler).
static void dealloc(Header* task) noexcept {
  Scheduler* scheduler = task->scheduler;
  task->vtable->dealloc(task);
  if (scheduler) scheduler->release_unit();
}

static void drop_refs(Header* task, std::uint64_t count) noexcept {
  const auto prev = task->state.fetch_sub(count * state::REF_ONE, std::memory_order_acq_rel);
  if (state::ref_count(prev) == count) dealloc(task);
}

void task_drop_ref(Header* task) noexcept {
  drop_refs(task, 1);
}

// Drops the output nobody will take; an exception in it is reported to the scheduler.
static void drop_output(Header* task) noexcept {
  if (std::exception_ptr error = task->vtable->drop_output(task))
    task->scheduler->unhandled_exception(task->id, std::move(error));
}

// Publishes the outcome, wakes the JoinHandle, leaves the owned list. The caller still holds
// `held_refs` references (its notification, if any), dropped here together with the list's.
static void complete(Header* task, std::uint64_t held_refs) noexcept {
  const auto prev = state::to_complete(task);
  if (!(prev & state::JOIN_INTEREST)) {
    drop_output(task);
  } else if (prev & state::JOIN_WAKER) {
    // JOIN_WAKER set and COMPLETE now set: the JoinHandle no longer writes join_waker.
    task->join_waker.wake_by_ref();
  }
  if (task->scheduler && task->scheduler->release(task)) ++held_refs;
  if (held_refs) drop_refs(task, held_refs);
}

static void cancel_and_complete(Header* task, std::uint64_t held_refs) noexcept {
  task->vtable->cancel(task);
  complete(task, held_refs);
}

void task_run(Header* task) noexcept {
  switch (state::to_running(task)) {
    case state::ToRunning::Failed:
      task_drop_ref(task);
      return;
    case state::ToRunning::Cancelled:
      cancel_and_complete(task, 1);
      return;
    case state::ToRunning::Success:
      break;
  }
  bool done;
  bool yielded;
  {
    BudgetScope budget(Budget{kInitialBudget, true});
    // Saved and restored: a poll can run another task inline (aborting a queued blocking job).
    const bool outer_yield = std::exchange(tl_yield_requested, false);
    done = task->vtable->poll(task);
    yielded = std::exchange(tl_yield_requested, outer_yield);
  }
  if (done) {
    complete(task, 1);
    return;
  }
  switch (yielded ? state::to_idle_yielded(task) : state::to_idle(task)) {
    case state::ToIdle::Ok:
      return;
    case state::ToIdle::OkNotified:
      task->scheduler->schedule(task, /*is_yield=*/true);
      return;
    case state::ToIdle::OkDealloc:
      dealloc(task);
      return;
    case state::ToIdle::Cancelled:
      cancel_and_complete(task, 1);
      return;
  }
}

void task_shutdown(Header* task) noexcept {
  if (state::to_shutdown(task)) cancel_and_complete(task, 0);
}

void task_abort(Header* task) noexcept {
  if (state::to_notified_and_cancel(task)) task->scheduler->schedule(task, false);
}

bool task_is_complete(const Header* task) noexcept {
  return task->state.load(std::memory_order_acquire) & state::COMPLETE;
}

bool join_register_waker(Header* task, const Waker& waker) noexcept {
  auto cur = task->state.load(std::memory_order_acquire);
  if (cur & state::COMPLETE) return false;
  if (cur & state::JOIN_WAKER) {
    // While JOIN_WAKER is set only reads are allowed; will_wake is a read.
    if (task->join_waker.will_wake(waker)) return true;
    for (;;) {  // take exclusive access back
      if (cur & state::COMPLETE) return false;
      if (task->state.compare_exchange_weak(cur, cur & ~state::JOIN_WAKER,
                                            std::memory_order_acq_rel, std::memory_order_acquire))
        break;
    }
  }
  task->join_waker = waker;
  cur = task->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & state::COMPLETE) return false;
    if (task->state.compare_exchange_weak(cur, cur | state::JOIN_WAKER, std::memory_order_acq_rel,
                                          std::memory_order_acquire))
      return true;
  }
}

void join_handle_drop(Header* task) noexcept {
  auto cur = task->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & state::COMPLETE) {
      // Completed with JOIN_INTEREST set: the output is ours to drop.
      drop_output(task);
      break;
    }
    if (task->state.compare_exchange_weak(cur, cur & ~state::JOIN_INTEREST,
                                          std::memory_order_acq_rel, std::memory_order_acquire))
      break;
  }
  task_drop_ref(task);
}

// --- Wakers -------------------------------------------------------------------------------

namespace {

void* waker_clone(void* data) noexcept {
  task_inc_ref(static_cast<Header*>(data));
  return data;
}
void waker_wake(void* data) noexcept {
  auto* task = static_cast<Header*>(data);
  switch (state::to_notified_by_val(task)) {
    case state::ToNotified::Submit:
      task->scheduler->schedule(task, false);
      return;
    case state::ToNotified::Dealloc:
      dealloc(task);
      return;
    case state::ToNotified::DoNothing:
      return;
  }
}
void waker_wake_by_ref(void* data) noexcept {
  auto* task = static_cast<Header*>(data);
  if (state::to_notified_by_ref(task) == state::ToNotified::Submit)
    task->scheduler->schedule(task, false);
}
void waker_drop(void* data) noexcept {
  task_drop_ref(static_cast<Header*>(data));
}

constexpr WakerVTable kTaskWakerVTable{&waker_clone, &waker_wake, &waker_wake_by_ref, &waker_drop};

}  // namespace

Waker task_waker(Header* task) noexcept {
  task_inc_ref(task);
  return Waker(task, &kTaskWakerVTable);
}

}  // namespace tokio::detail
