#include "model/model_task.hpp"

#include <algorithm>

namespace tokio_model {

using tokio::detail::Header;

namespace {

bool poll(Header* h) {
  auto& t = ModelTask::of(h);
  MODEL_ASSERT(!t.inside && !t.finished && "polled while running elsewhere or after finishing");
  t.inside = true;
  ++t.polls;
  yield_point("task body");
  const bool done = t.body(t);
  t.inside = false;
  t.finished = done;
  return done;
}

void cancel(Header* h) noexcept {
  auto& t = ModelTask::of(h);
  MODEL_ASSERT(!t.inside && !t.finished && "cancelled while running or after finishing");
  ++t.cancels;
  t.finished = true;
}

std::exception_ptr drop_output(Header* h) noexcept {
  auto& t = ModelTask::of(h);
  MODEL_ASSERT(t.finished && "output dropped before the task finished");
  ++t.outputs_dropped;
  MODEL_ASSERT(t.outputs_dropped == 1 && "output dropped twice");
  return nullptr;
}

void dealloc(Header* h) noexcept {
  auto& t = ModelTask::of(h);
  ++t.deallocs;
  MODEL_ASSERT(t.deallocs == 1 && "task deallocated twice");
  // The memory belongs to the scenario, which checks the counters afterwards; what the cell's
  // destructor would release goes now (the JoinHandle's waker holds a reference on its task).
  t.join_waker = tokio::detail::Waker();
}

constexpr tokio::detail::TaskVTable kVTable{&poll, &cancel, &drop_output, &dealloc};

}  // namespace

ModelTask::ModelTask(std::function<bool(ModelTask&)> b, std::uint64_t initial)
    : Header(&kVTable, initial), body(std::move(b)) {}

void ModelScheduler::bind(ModelTask& task) {
  task.scheduler = this;
  retain_unit();
  std::lock_guard lock(mutex_);
  owned_.push_back(&task);
}

void ModelScheduler::schedule(Header* task, bool) noexcept {
  std::lock_guard lock(mutex_);
  MODEL_ASSERT(std::find(queue_.begin(), queue_.end(), task) == queue_.end() &&
               "a task was queued twice (two notifications at once)");
  queue_.push_back(task);
  condvar_.notify_all();
}

bool ModelScheduler::release(Header* task) noexcept {
  std::lock_guard lock(mutex_);
  auto it = std::find(owned_.begin(), owned_.end(), task);
  if (it == owned_.end()) return false;
  owned_.erase(it);
  return true;
}

void ModelScheduler::run_until_finished(ModelTask& task) {
  while (!task.finished) {
    Header* next;
    {
      std::unique_lock lock(mutex_);
      condvar_.wait(lock, [&] { return !queue_.empty(); });
      next = queue_.front();
      queue_.pop_front();
    }
    tokio::detail::task_run(next);
  }
}

int ModelScheduler::run_queued() {
  int ran = 0;
  for (;;) {
    Header* next;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return ran;
      next = queue_.front();
      queue_.pop_front();
    }
    tokio::detail::task_run(next);
    ++ran;
  }
}

}  // namespace tokio_model
