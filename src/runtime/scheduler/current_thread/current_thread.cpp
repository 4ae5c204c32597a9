#include "runtime/scheduler/current_thread/current_thread.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "runtime/enter.hpp"
#include "runtime/scheduler/scheduler_ptr.hpp"
#include "runtime/task/state.hpp"
#include "runtime/task/unhandled.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

namespace {
constinit thread_local const CurrentThread* tl_core_owner = nullptr;
}

// A block_on root's scheduler: a notification raises `notified` and wakes whoever drives the
// root: the core's parker while the root's thread holds the core, or the thread's own parker
// (`waiter`) while it waits for the core (another thread's block_on holds it). Alive while the
// runtime caches it and while its root exists (a unit each), so that a late wake from another
// thread never touches freed memory; it reaches the runtime through a weak_ptr (the runtime
// caches it for reuse, so a strong pointer would be a cycle).
struct CurrentThread::RootScheduler final : Scheduler {
  std::weak_ptr<RuntimeInner> runtime;
  seam::atomic<bool> notified{true};  // the root starts with its first notification
  // Set while the root's thread waits for the core; cleared (seq_cst) when it takes the core.
  seam::atomic<Parker*> waiter{nullptr};
  Parker own_parker{nullptr};

  void schedule(Header*, bool) noexcept override {
    retain_unit();  // once `notified` is raised the root may complete and be freed
    // seq_cst store, then seq_cst load of `waiter`: with the driver's store of `waiter` and
    // load of `notified` (seq_cst too) one side sees the other, so no wake is lost when the
    // root's thread takes the core meanwhile.
    notified.store(true, std::memory_order_seq_cst);
    if (Parker* parker = waiter.load(std::memory_order_seq_cst)) {
      parker->unpark();
    } else if (auto rt = runtime.lock()) {
      auto* owner = static_cast<CurrentThread*>(rt.get());
      if (tl_core_owner != owner) owner->parker_.unpark();
    }
    release_unit();
  }
  bool release(Header*) noexcept override { return false; }
  void destroy() noexcept override { delete this; }
};

CurrentThread::CurrentThread(const RuntimeConfig& config)
    : config_(config),
      driver_(DriverConfig{config.enable_io, config.enable_time, config.start_paused,
                           config.busy_poll}),
      blocking_(config, 0) {
  blocking_.set_runtime(this);
}

CurrentThread::~CurrentThread() {
  shutdown(std::nullopt);
  while (Header* task = inject_.pop())
    task_drop_ref(task);  // wakes that raced with shutdown
}

bool CurrentThread::on_core_thread() const noexcept {
  return tl_core_owner == this;
}

void CurrentThread::spawn(Header* task) noexcept {
  task->scheduler = this;
  retain_unit();
  if (owned_.bind(task)) schedule(task, false);  // else: shut down, cancelled by bind
}

void CurrentThread::spawn_blocking(Header* job) {
  blocking_.spawn_task(job);
}

void CurrentThread::schedule(Header* task, bool) noexcept {
  if (on_core_thread()) {
    local_.push_back(task);
    return;
  }
  if (!inject_.push(task)) {
    task_drop_ref(task);  // shut down: the task was or will be cancelled by shutdown
    return;
  }
  parker_.unpark();
}

Header* CurrentThread::next_task() noexcept {
  ++tick_;
  if (tick_ % config_.global_queue_interval == 0) {
    if (Header* task = inject_.pop()) return task;
    return local_.pop_front();
  }
  if (Header* task = local_.pop_front()) return task;
  return inject_.pop();
}

void CurrentThread::block_on(Header* root) {
  EnterRuntime enter(this, root);
  root->id = 0;
  drive_stoppable_root(unhandled_stop_, root, [this, root] { drive(root); });
}

void CurrentThread::drive(Header* root) {
  // Declared before the core lock: wakes the threads waiting for the core once it is free.
  struct HandOverCore {
    CurrentThread* self;
    ~HandOverCore() {
      std::lock_guard lock(self->core_waiters_mutex_);
      for (Parker* waiter : self->core_waiters_)
        waiter->unpark();
    }
  };
  std::optional<HandOverCore> hand_over;
  std::unique_lock core(core_mutex_, std::try_to_lock);
  std::shared_ptr<RootScheduler> scheduler;
  if (core.owns_lock()) {
    // Reuse the core's root scheduler (guarded by the core): a root that completed leaves no
    // notification behind, so late wakers of an earlier root can only cause a spurious poll.
    if (!root_scheduler_) {
      root_scheduler_ = make_scheduler<RootScheduler>();
      root_scheduler_->runtime = weak_from_this();
    }
    scheduler = root_scheduler_;
  } else {
    scheduler = make_scheduler<RootScheduler>();
    scheduler->runtime = weak_from_this();
    scheduler->waiter.store(&scheduler->own_parker, std::memory_order_relaxed);
  }
  scheduler->notified.store(true, std::memory_order_relaxed);
  root->scheduler = scheduler.get();
  scheduler->retain_unit();

  if (!core.owns_lock()) {
    // Another thread's block_on holds the core and runs the tasks; poll this root here until
    // it completes or the core is free (as Tokio's current_thread block_on does).
    if (!drive_without_core(root, *scheduler, core)) return;
  }
  hand_over.emplace(HandOverCore{this});
  const CurrentThread* saved_owner = tl_core_owner;
  tl_core_owner = this;
  struct Restore {
    const CurrentThread* saved;
    ~Restore() { tl_core_owner = saved; }
  } restore{saved_owner};
  struct CloseIfStopped {
    CurrentThread* self;
    // A stop (UnhandledException::ShutdownRuntime) cancels the root; the tasks go with it.
    ~CloseIfStopped() {
      if (self->unhandled_stop_.stopped()) self->close_tasks();
    }
  } close_if_stopped{this};
  run_core(root, *scheduler);
}

bool CurrentThread::drive_without_core(Header* root, RootScheduler& scheduler,
                                       std::unique_lock<seam::mutex>& core) {
  {
    std::lock_guard lock(core_waiters_mutex_);
    core_waiters_.push_back(&scheduler.own_parker);
  }
  struct Unregister {
    CurrentThread* self;
    Parker* parker;
    ~Unregister() {
      std::lock_guard lock(self->core_waiters_mutex_);
      std::erase(self->core_waiters_, parker);
    }
  } unregister{this, &scheduler.own_parker};
  for (;;) {
    if (scheduler.notified.load(std::memory_order_acquire)) {
      scheduler.notified.store(false, std::memory_order_relaxed);  // see run_core
      task_run(root);
      if (task_is_complete(root)) return false;
      continue;
    }
    if (core.try_lock()) {
      // From now on wakes go to the core's parker; see RootScheduler::schedule.
      scheduler.waiter.store(nullptr, std::memory_order_seq_cst);
      return true;
    }
    scheduler.own_parker.park();  // a wake of the root, or the core was handed over
  }
}

void CurrentThread::run_core(Header* root, RootScheduler& scheduler) {
  for (;;) {
    // seq_cst: pairs with RootScheduler::schedule after a hand-over (see there).
    if (scheduler.notified.load(std::memory_order_seq_cst)) {
      // Plain store, no exchange: while this notification is unconsumed the root's NOTIFIED bit
      // is set, so no other thread can submit (and raise the flag) before task_run clears it.
      scheduler.notified.store(false, std::memory_order_relaxed);
      task_run(root);
      if (task_is_complete(root)) return;
      // A root that keeps yielding must not starve the timers either.
      if (++tick_ % config_.event_interval == 0) {
        driver_.process_timers();
        driver_.poll_if_free();
      }
    }
    // Then up to event_interval tasks before the root is polled again, even if it was woken
    // meanwhile: a root that keeps yielding must not starve the spawned tasks.
    std::uint32_t ran = 0;
    for (; ran < config_.event_interval; ++ran) {
      Header* task = next_task();
      if (!task) break;
      task_run(task);
    }
    if (scheduler.notified.load(std::memory_order_seq_cst)) continue;
    if (ran == 0) {
      if (auto_advance()) continue;
      parker_.park();
      driver_.process_timers();
    } else if (ran == config_.event_interval) {
      driver_.process_timers();  // timers and I/O must not wait behind a run of ready tasks
      driver_.poll_if_free();
    }
  }
}

bool CurrentThread::auto_advance() noexcept {
  // With the clock paused and nothing left to run, time jumps to the next timer instead of
  // sleeping; not while blocking jobs run, since they may still wake a task.
  TimeDriver* time = driver_.time();
  if (!time || !time->clock().is_paused() || blocking_.busy()) return false;
  const auto next = time->next_deadline();
  if (!next) return false;
  time->clock().advance_to(*next);
  time->process();
  return true;
}

void CurrentThread::block_in_place(void (*)(void*), void*) {
  throw std::logic_error(
      "task::block_in_place cannot be called from a current_thread runtime: it has no other "
      "thread to hand its tasks to. Use task::spawn_blocking, or a multi_thread runtime");
}

void CurrentThread::drain_queues() noexcept {
  while (Header* task = local_.pop_front())
    task_drop_ref(task);
  while (Header* task = inject_.pop())
    task_drop_ref(task);
}

void CurrentThread::unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept {
  std::string reason;
  try {
    reason = describe_unhandled_exception(task_id, error);
  } catch (...) {
  }
  if (!apply_unhandled_policy(config_, task_id, std::move(error))) return;
  unhandled_stop_.stop(std::move(reason));  // cancels the roots; block_on closes the tasks
}

void CurrentThread::shutdown(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  if (shut_down_.exchange(true)) return;
  close_tasks();
  blocking_.shutdown(timeout);
}

void CurrentThread::close_tasks() noexcept {
  if (tasks_closed_.exchange(true)) return;
  {
    // Cancel on this thread, inside the runtime's context, holding the core so that wakes
    // from destructors queue locally (and are then dropped).
    // From inside block_on (shutdown_background in a task) this thread already holds it.
    std::unique_lock core(core_mutex_, std::defer_lock);
    if (!on_core_thread()) core.lock();
    RuntimeInner* saved_runtime = tl_runtime;
    const CurrentThread* saved_owner = tl_core_owner;
    tl_runtime = this;
    tl_core_owner = this;
    inject_.close();
    owned_.close_and_shutdown_all();
    drain_queues();
    tl_core_owner = saved_owner;
    tl_runtime = saved_runtime;
  }
}

}  // namespace tokio::detail
