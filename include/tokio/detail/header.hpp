// The header every spawned task (and every spawn_blocking job) starts with.
//
// State word (one std::atomic<uint64_t>), after Tokio's runtime/task/state.rs:
//   bit 0 RUNNING        a thread is polling or cancelling the task; only that thread may touch
//                        the task's frames and Context
//   bit 1 COMPLETE       the output (or the error) is stored; frames are gone
//   bit 2 NOTIFIED       a notification (one queue entry) exists or is owed
//   bit 3 JOIN_INTEREST  a JoinHandle still exists
//   bit 4 JOIN_WAKER     `join_waker` is set: while set and !COMPLETE only the runtime reads it;
//                        while unset only the JoinHandle writes it
//   bit 5 CANCELLED      abort or shutdown asked for the task to be dropped
//   bits 6.. reference count (REF_ONE = 64)
// References are held by: the JoinHandle, the owned-task list, each queue notification, each
// Waker and each AbortHandle. The cell is freed when the count reaches zero, and then gives
// back its unit of `scheduler` (see Scheduler), which it took when it was bound.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>

#include "tokio/detail/context.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

struct Header;

/// Whoever runs a task: a scheduler or the blocking pool. Implemented in src/.
///
/// Lifetime: a scheduler lives until its last *unit* is released. Its owner (the shared_ptr
/// made by make_scheduler, see src/runtime/scheduler/scheduler_ptr.hpp) holds one unit, and
/// every task bound to it holds one from bind to deallocation. So a task's scheduler outlives
/// the task, and a Waker (which holds a task reference) can wake from any thread at any time,
/// also while and after the runtime is dropped, as Tokio's wakers keep their scheduler alive.
///
/// A thread that drives a scheduler (a worker, a block_on thread) keeps a private stock of
/// units for it (`bind_unit_cache`), so that spawning and freeing tasks there takes a unit from
/// or returns it to a thread-local count: no shared atomic on the spawn path. Other threads
/// use the atomic count directly.
class Scheduler {
 public:
  /// Queues a notified task; takes over the notification's reference.
  virtual void schedule(Header* task, bool is_yield) noexcept = 0;
  /// Removes a completed task from the owned list; true when it was there (the caller then
  /// drops the list's reference).
  virtual bool release(Header* task) noexcept = 0;

  /// An exception escaped `task_id` and will never be seen: its JoinHandle was dropped (or is
  /// being dropped unawaited). The default reports it on stderr.
  virtual void unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept;

  /// Takes one unit (the scheduler must be alive: the caller holds a unit or an owner).
  void retain_unit() noexcept;
  /// Gives one unit back; the last one destroys the scheduler.
  void release_unit() noexcept;

 protected:
  Scheduler() noexcept = default;
  ~Scheduler() = default;
  /// Frees the scheduler; called once, by whoever releases the last unit (any thread).
  virtual void destroy() noexcept = 0;

 private:
  friend void flush_unit_cache() noexcept;
  // One unit for the owner, one per bound task, plus the units cached by driving threads.
  // Increments are relaxed (a unit can only be taken from a live scheduler); decrements are
  // acq_rel, so that the thread that destroys it sees every other thread's last use.
  alignas(64) seam::atomic<std::int64_t> units_{1};
};

/// Makes `scheduler` this thread's unit cache (releasing any other cache first); see Scheduler.
void bind_unit_cache(Scheduler* scheduler) noexcept;
/// Gives this thread's cached units back. Call before the thread stops driving the scheduler.
void flush_unit_cache() noexcept;

struct TaskVTable {
  bool (*poll)(Header*);             // resume; true when finished (output stored, frames gone)
  void (*cancel)(Header*) noexcept;  // destroy the frames; store the Cancelled outcome
  // Drops the stored outcome; gives back the exception it held, if it escaped the task and
  // nobody took it (an unhandled exception, see Scheduler::unhandled_exception).
  std::exception_ptr (*drop_output)(Header*) noexcept;
  void (*dealloc)(Header*) noexcept;
};

namespace state {
inline constexpr std::uint64_t RUNNING = 1;
inline constexpr std::uint64_t COMPLETE = 2;
inline constexpr std::uint64_t NOTIFIED = 4;
inline constexpr std::uint64_t JOIN_INTEREST = 8;
inline constexpr std::uint64_t JOIN_WAKER = 16;
inline constexpr std::uint64_t CANCELLED = 32;
inline constexpr std::uint64_t REF_ONE = 64;
inline constexpr std::uint64_t REF_SHIFT = 6;
}  // namespace state

/// The links of a task in its runtime's OwnedTasks (guarded by that list's shard lock).
struct OwnedLinksTag;

struct Header : ListLinks<OwnedLinksTag> {
  seam::atomic<std::uint64_t> state;
  const TaskVTable* vtable;
  Scheduler* scheduler = nullptr;
  Header* queue_next = nullptr;  // owned by whoever holds the task's notification
  std::uint64_t id;
  Waker join_waker;  // see JOIN_WAKER
  Context root;      // touched only by the RUNNING thread

  Header(const TaskVTable* vt, std::uint64_t initial_state) noexcept;
};

/// Allocates a fresh task id (never 0).
std::uint64_t next_task_id() noexcept;

/// A Waker for `task` (takes a new reference).
Waker task_waker(Header* task) noexcept;

/// Drops one reference; frees the task on the last one.
void task_drop_ref(Header* task) noexcept;
void task_inc_ref(Header* task) noexcept;

/// Runs one scheduling of `task`, consuming the caller's notification reference.
void task_run(Header* task) noexcept;

/// Cancels `task` from outside during runtime shutdown (runs its destructors here if idle).
void task_shutdown(Header* task) noexcept;

/// Marks `task` cancelled and schedules it so that it drops its frames at its next run.
void task_abort(Header* task) noexcept;

// JoinHandle protocol. `join_*` may only be called by the task's JoinHandle.
bool task_is_complete(const Header* task) noexcept;
/// Registers `waker` to be woken on completion; false if the task is already complete.
bool join_register_waker(Header* task, const Waker& waker) noexcept;
/// Drops the JoinHandle's interest and its reference; drops the output if already complete.
void join_handle_drop(Header* task) noexcept;

}  // namespace tokio::detail
