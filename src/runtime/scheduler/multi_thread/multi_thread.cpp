#include "runtime/scheduler/multi_thread/multi_thread.hpp"

#include <thread>

#include "runtime/enter.hpp"
#include "runtime/root_driver.hpp"
#include "runtime/scheduler/multi_thread/worker_context.hpp"
#include "runtime/task/state.hpp"
#include "runtime/task/unhandled.hpp"

namespace tokio::detail {

namespace {

std::size_t default_workers() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

}  // namespace

MultiThread::MultiThread(const RuntimeConfig& config)
    : config_(config),
      driver_(DriverConfig{config.enable_io, config.enable_time, config.start_paused,
                           config.busy_poll}),
      idle_(config.worker_threads ? config.worker_threads : default_workers()),
      blocking_(config, config.worker_threads ? config.worker_threads : default_workers()) {
  const std::size_t workers = config.worker_threads ? config.worker_threads : default_workers();
  config_.worker_threads = workers;
  for (std::size_t i = 0; i < workers; ++i) {
    remotes_.push_back(std::make_unique<Remote>(&driver_));
    auto core = std::make_unique<Core>();
    core->index = i;
    core->rng = static_cast<std::uint32_t>(0x9e3779b9u * (i + 1)) | 1u;
    cores_.push_back(std::move(core));
  }
  blocking_.set_runtime(this);
}

void MultiThread::start() {
  // Each worker keeps the runtime alive until its loop returns, so that shutdown_background
  // can return while workers are still finishing.
  auto self = std::static_pointer_cast<MultiThread>(shared_from_this());
  for (auto& core : cores_) {
    Core* c = core.get();
    blocking_.spawn_mandatory([self, c] { self->run_worker(c); });
  }
}

MultiThread::~MultiThread() {
  shutdown(std::nullopt);
  // Every thread is gone now; drop what was queued after the last worker drained (a wake from a
  // blocking-pool thread that raced with shutdown).
  while (Header* task = inject_.pop())
    task_drop_ref(task);
}

void MultiThread::spawn(Header* task) noexcept {
  task->scheduler = this;
  retain_unit();
  if (owned_.bind(task)) schedule(task, false);  // else: shut down, cancelled by bind
}

void MultiThread::spawn_blocking(Header* job) {
  blocking_.spawn_task(job);
}

void MultiThread::schedule(Header* task, bool is_yield) noexcept {
  if (tl_worker.runtime == this && tl_worker.core) {
    schedule_local(static_cast<Core*>(tl_worker.core), task, is_yield);
  } else {
    schedule_remote(task);
  }
}

void MultiThread::schedule_local(Core* core, Header* task, bool is_yield) noexcept {
  auto& queue = remotes_[core->index]->queue;
  bool should_notify;
  if (is_yield) {
    queue.push_back_or_overflow(task, inject_);
    should_notify = true;
  } else {
    Header* prev = std::exchange(core->lifo_slot, task);
    should_notify = prev != nullptr;
    if (prev) queue.push_back_or_overflow(prev, inject_);
  }
  // While parked, this thread is inside its own driver turn and will look at the queue next.
  if (should_notify && !core->is_parked) notify_parked();
}

void MultiThread::schedule_remote(Header* task) noexcept {
  if (!inject_.push(task)) {
    task_drop_ref(task);  // shut down: the task was or will be cancelled
    return;
  }
  notify_parked();
}

void MultiThread::block_on(Header* root) {
  EnterRuntime enter(this, root);  // first: a rejected nested call must not touch the scheduler
  root->id = 0;
  // The workers own the driver: this thread sleeps on a parker of its own.
  drive_stoppable_root(unhandled_stop_, root, [root] { drive_root(root); });
}

void MultiThread::block_in_place(void (*f)(void*), void* arg) {
  if (tl_worker.runtime != this || !tl_worker.core) {
    f(arg);  // not a worker (block_on's body, a blocking thread): nothing to hand off
    return;
  }
  Core* core = static_cast<Core*>(tl_worker.core);
  transition_from_searching(core);
  tl_worker.core = nullptr;
  try {
    auto self = std::static_pointer_cast<MultiThread>(shared_from_this());
    blocking_.spawn_mandatory([self, core] { self->run_worker(core); });
  } catch (...) {
    tl_worker.core = core;  // no thread to hand off to: block this worker instead
  }
  f(arg);
}

void MultiThread::begin_shutdown() noexcept {
  if (shutdown_.exchange(true)) return;
  inject_.close();
  for (auto& remote : remotes_)
    remote->parker.unpark();
}

void MultiThread::shutdown(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  begin_shutdown();
  blocking_.shutdown(timeout);  // idempotent: the first call decides the wait
}

void MultiThread::unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept {
  std::string reason;
  try {
    reason = describe_unhandled_exception(task_id, error);
  } catch (...) {
  }
  if (!apply_unhandled_policy(config_, task_id, std::move(error))) return;
  unhandled_stop_.stop(std::move(reason));
  begin_shutdown();
}

}  // namespace tokio::detail
