// LocalScheduler: the scheduler of a task::LocalSet's tasks, which run only on the thread that
// runs the set, inside the poll of whatever awaits it (run_until, or the set itself).
//
// Threads and ownership:
// - The *owner* thread is the one that first runs or enters the set; every later run must be on
//   it (checked). Only the owner touches `local_`, `running_`, `tick_` and `runner_task_`, and
//   runs tasks; it recognises itself by `tl_local_set == this` (set while it runs or enters the
//   set, see Entered).
// - Any thread may wake a task: a wake on the owner inside the set queues locally; any other
//   wake queues on `remote_` under `mutex_` and wakes the runner (`runner_`, the Waker of the
//   task awaiting the set, guarded by `mutex_`). `remote_pending_` lets the owner skip the lock
//   when nothing was queued remotely (release by the pusher under the lock, acquire by the
//   owner before it takes the lock).
// - Tasks are in `owned_` (OwnedTasks, one reference each), so that closing the set cancels
//   each exactly once. `live_` counts them, for awaiting the set until it is idle.
// Lifetime: a Scheduler counted in units (see header.hpp): the LocalSet's shared_ptr holds one,
// each bound task one, so a late wake from any thread finds it alive (and closed).
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <thread>

#include "tokio/detail/header.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/task_fifo.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class OwnedTasks;
class RuntimeInner;

class LocalScheduler final : public Scheduler {
 public:
  LocalScheduler();
  ~LocalScheduler();

  /// Binds a freshly created task (see RuntimeInner::spawn) and queues it; on a closed set
  /// cancels it at once. Any thread.
  void spawn(Header* task) noexcept;
  void schedule(Header* task, bool is_yield) noexcept override;
  bool release(Header* task) noexcept override;
  /// Forwards to the runtime the set last ran on (its policy), else reports on stderr.
  void unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept override;

  /// Cancels every task (their destructors run here, on this thread) and refuses new ones.
  /// Idempotent.
  void close() noexcept;

  /// Makes this thread the set's owner if it has none. Throws std::logic_error naming `what`
  /// when another thread owns it.
  void claim_thread(const char* what);
  /// Starts a run by the task `runner` (run_until, or awaiting the set). Throws
  /// std::logic_error naming `what` when the set is already being run, is run from another
  /// thread than before, or from a task of a multi_thread runtime (which may move between
  /// worker threads).
  void begin_run(Header* runner, const char* what);
  /// Ends the run begun by begin_run (finished or cancelled).
  void end_run() noexcept;

  /// Makes this thread's current set this one (for spawn_local) while it lives; `running`
  /// also marks the set as being run (its local wakes need no wake-up). Nests.
  class Entered {
   public:
    Entered(LocalScheduler& set, bool running) noexcept;
    ~Entered();
    Entered(const Entered&) = delete;
    Entered& operator=(const Entered&) = delete;

   private:
    LocalScheduler& set_;
    LocalScheduler* saved_set_;
    bool saved_running_;
  };

  /// Runs up to a tick's worth of queued tasks on the owner thread (inside Entered with
  /// `running`); throws std::logic_error on another thread. When tasks are still queued after that,
  /// wakes the runner so that the runtime gets its turn first. The task-local values of the runner
  /// are hidden from the tasks.
  void run_tick();
  /// True when no task of the set is left (all completed or cancelled). Owner thread.
  bool idle() const noexcept { return live_.load(std::memory_order_acquire) == 0; }

 private:
  void destroy() noexcept override { delete this; }
  void take_remote() noexcept;
  Header* next_task() noexcept;
  void wake_runner() noexcept;

  std::unique_ptr<OwnedTasks> owned_;
  seam::atomic<std::uint64_t> live_{0};
  TaskFifo local_;  // owner thread only
  std::uint32_t tick_ = 0;
  bool running_ = false;
  // Set once, under mutex_, by close(); read under mutex_, or by the owner thread (relaxed:
  // close() runs on the owner thread, or on another while the set is not being run).
  seam::atomic<bool> closed_{false};
  std::thread::id owner_{};
  seam::mutex mutex_;
  TaskFifo remote_;  // guarded by mutex_
  seam::atomic<bool> remote_pending_{false};
  Waker runner_;                         // guarded by mutex_
  Header* runner_task_ = nullptr;        // owner thread; non-null while a run is active
  std::weak_ptr<RuntimeInner> runtime_;  // guarded by mutex_
};

/// A new LocalScheduler, owned through a shared_ptr whose last copy gives back the owner's
/// unit (it does not close the set: LocalSet's destructor does).
std::shared_ptr<LocalScheduler> make_local_scheduler();

}  // namespace tokio::detail
