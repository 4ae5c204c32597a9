// LocalScheduler: see tokio/detail/local_scheduler.hpp for who may touch what.
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "runtime/scheduler/owned_tasks.hpp"
#include "runtime/scheduler/scheduler_ptr.hpp"
#include "runtime/task/task_local_slots.hpp"
#include "tokio/detail/local_scheduler.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/local_set.hpp"

namespace tokio::detail {

namespace {
constinit thread_local LocalScheduler* tl_local_set = nullptr;

// Tasks run per tick before the runtime gets its turn, and ticks between looks at the remote
// queue before the local one (so that wakes from other threads are not starved by tasks that
// keep waking each other).
constexpr int kMaxTasksPerTick = 61;
constexpr std::uint32_t kRemoteFirstInterval = 31;

void drop_all(TaskFifo queue) noexcept {
  while (Header* task = queue.pop_front())
    task_drop_ref(task);  // a notification of a cancelled (or cancelling) task
}
}  // namespace

LocalScheduler& current_local_set(const char* what) {
  if (LocalScheduler* set = tl_local_set) [[likely]]
    return *set;
  throw std::logic_error(std::string(what) +
                         " called outside of a LocalSet: spawn local tasks from inside "
                         "LocalSet::run_until (or a LocalSet's tasks), or run on a "
                         "runtime::LocalRuntime; from elsewhere use LocalSet::spawn_local");
}

std::shared_ptr<LocalScheduler> make_local_scheduler() {
  return make_scheduler<LocalScheduler>();
}

LocalScheduler::LocalScheduler() : owned_(std::make_unique<OwnedTasks>()) {}

// Nothing can be queued here: a queued notification holds a task, which holds a unit.
LocalScheduler::~LocalScheduler() = default;

void LocalScheduler::spawn(Header* task) noexcept {
  task->scheduler = this;
  retain_unit();
  live_.fetch_add(1, std::memory_order_relaxed);
  if (owned_->bind(task)) {
    schedule(task, false);
  } else {
    live_.fetch_sub(1, std::memory_order_release);  // closed: bind cancelled it
  }
}

bool LocalScheduler::release(Header* task) noexcept {
  if (!owned_->remove(task)) return false;
  // Release: whoever sees the set idle (acquire) also sees the task's completion.
  live_.fetch_sub(1, std::memory_order_release);
  return true;
}

void LocalScheduler::schedule(Header* task, bool) noexcept {
  if (tl_local_set == this) {  // the owner thread, inside the set
    if (closed_.load(std::memory_order_relaxed)) {
      task_drop_ref(task);  // close() cancels (or has cancelled) the task
      return;
    }
    local_.push_back(task);
    if (!running_) wake_runner();  // entered but not running: the runner must come back
    return;
  }
  Waker runner;
  {
    std::lock_guard lock(mutex_);
    if (!closed_.load(std::memory_order_relaxed)) {
      remote_.push_back(task);
      remote_pending_.store(true, std::memory_order_release);
      runner = runner_;  // woken outside the lock: its scheduler may take locks of its own
      task = nullptr;
    }
  }
  if (task) task_drop_ref(task);  // closed: close() cancels (or has cancelled) the task
  runner.wake();
}

void LocalScheduler::wake_runner() noexcept {
  Waker runner;
  {
    std::lock_guard lock(mutex_);
    runner = runner_;
  }
  runner.wake();
}

void LocalScheduler::take_remote() noexcept {
  if (!remote_pending_.load(std::memory_order_acquire)) return;
  TaskFifo remote;
  {
    std::lock_guard lock(mutex_);
    remote = std::exchange(remote_, TaskFifo{});
    remote_pending_.store(false, std::memory_order_relaxed);
  }
  local_.append(std::move(remote));
}

Header* LocalScheduler::next_task() noexcept {
  if (++tick_ % kRemoteFirstInterval == 0) take_remote();  // behind the queued ones, not lost
  if (Header* task = local_.pop_front()) return task;
  take_remote();
  return local_.pop_front();
}

void LocalScheduler::run_tick() {
  if (std::this_thread::get_id() != owner_)
    throw std::logic_error(
        "tokio::task::LocalSet: a run of the set was continued on another thread (a "
        "current_thread runtime's core handed to another block_on thread?); a LocalSet runs "
        "its tasks on one thread only");
  if (closed_.load(std::memory_order_relaxed)) return;
  // The runner's task-local values are its own, not its local tasks' (as for any other task).
  HideTaskLocals hidden;
  for (int ran = 0; ran < kMaxTasksPerTick; ++ran) {
    Header* task = next_task();
    if (!task) return;
    task_run(task);
  }
  take_remote();
  if (!local_.empty()) wake_runner();  // more to do: after the runtime's other work has had a turn
}

LocalScheduler::Entered::Entered(LocalScheduler& set, bool running) noexcept
    : set_(set), saved_set_(std::exchange(tl_local_set, &set)), saved_running_(set.running_) {
  if (running) set.running_ = true;
}

LocalScheduler::Entered::~Entered() {
  set_.running_ = saved_running_;
  tl_local_set = saved_set_;
}

void LocalScheduler::claim_thread(const char* what) {
  const auto here = std::this_thread::get_id();
  if (owner_ != std::thread::id{} && owner_ != here)
    throw std::logic_error(std::string(what) +
                           ": a LocalSet runs its tasks on one thread only, and this one was "
                           "first run or entered on another thread");
  owner_ = here;
}

void LocalScheduler::begin_run(Header* runner, const char* what) {
  if (runner_task_)
    throw std::logic_error(std::string(what) +
                           ": this LocalSet is already being run (by run_until or by awaiting "
                           "it); run it from one place at a time");
  RuntimeInner* runtime = tl_runtime;
  if (runtime && runtime->flavor() == runtime::RuntimeFlavor::MultiThread && runner->id != 0)
    throw std::logic_error(
        std::string(what) +
        " inside a task of a multi_thread runtime: that task may move to another worker "
        "thread between polls, and the LocalSet's tasks with it. Run the LocalSet from "
        "Runtime::block_on, on a current_thread runtime, or use a LocalRuntime");
  claim_thread(what);
  runner_task_ = runner;
  std::lock_guard lock(mutex_);
  runner_ = task_waker(runner);
  if (runtime) runtime_ = runtime->weak_from_this();
}

void LocalScheduler::end_run() noexcept {
  runner_task_ = nullptr;
  Waker runner;
  {
    std::lock_guard lock(mutex_);
    runner = std::move(runner_);
  }
}

void LocalScheduler::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    if (closed_.load(std::memory_order_relaxed)) return;
    closed_.store(true, std::memory_order_relaxed);
  }
  // Cancelled on this thread, inside the set, so that a destructor that spawns a local task
  // (refused) or wakes one (dropped) finds the set closed instead of another thread's.
  Entered entered(*this, true);
  owned_->close_and_shutdown_all();
  live_.store(0, std::memory_order_release);
  drop_all(std::exchange(local_, TaskFifo{}));
  TaskFifo remote;
  {
    std::lock_guard lock(mutex_);
    remote = std::exchange(remote_, TaskFifo{});
  }
  drop_all(remote);
}

void LocalScheduler::unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept {
  std::shared_ptr<RuntimeInner> runtime;
  {
    std::lock_guard lock(mutex_);
    runtime = runtime_.lock();
  }
  if (runtime) {
    runtime->unhandled_exception(task_id, std::move(error));
  } else {
    Scheduler::unhandled_exception(task_id, std::move(error));
  }
}

}  // namespace tokio::detail
