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
// Waker and each AbortHandle. The cell is freed when the count reaches zero.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "tokio/detail/context.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

struct Header;

/// Whoever runs a task: a scheduler or the blocking pool. Implemented in src/.
class Scheduler {
 public:
  /// Queues a notified task; takes over the notification's reference.
  virtual void schedule(Header* task, bool is_yield) noexcept = 0;
  /// Removes a completed task from the owned list; true when it was there (the caller then
  /// drops the list's reference).
  virtual bool release(Header* task) noexcept = 0;

 protected:
  ~Scheduler() = default;
};

struct TaskVTable {
  bool (*poll)(Header*);             // resume; true when finished (output stored, frames gone)
  void (*cancel)(Header*) noexcept;  // destroy the frames; store the Cancelled outcome
  void (*drop_output)(Header*) noexcept;
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

struct Header {
  std::atomic<std::uint64_t> state;
  const TaskVTable* vtable;
  Scheduler* scheduler = nullptr;
  Header* queue_next = nullptr;  // owned by whoever holds the task's notification
  Header* owned_prev = nullptr;  // owned-list links, guarded by that list's shard lock
  Header* owned_next = nullptr;
  bool in_owned_list = false;  // guarded by the same shard lock
  std::uint64_t id;
  Waker join_waker;  // see JOIN_WAKER
  Context root;      // touched only by the RUNNING thread
  // Keeps `scheduler` alive for as long as the task is referenced, when the scheduler is not
  // the runtime itself (a block_on root's parker). Null for spawned tasks.
  std::shared_ptr<void> keep_alive;

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
