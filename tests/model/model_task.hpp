// Tasks and a scheduler for model scenarios: real task headers driven by the real harness
// (task_run, wakers, abort, the JoinHandle protocol), with a scheduler whose queue is a model
// mutex and condition variable, so a lost wake-up shows up as a deadlock.
#pragma once

#include <coroutine>
#include <deque>
#include <functional>
#include <utility>

#include "model/model.hpp"
#include "runtime/task/state.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/header.hpp"

namespace tokio_model {

/// A task whose body is `poll` (true when finished), run by the real harness. Its counters are
/// checked by the scenarios: each vtable entry asserts the harness's promises (one runner at a
/// time, nothing after completion, one deallocation).
struct ModelTask : tokio::detail::Header {
  using Header = tokio::detail::Header;

  explicit ModelTask(std::function<bool(ModelTask&)> body,
                     std::uint64_t initial = tokio::detail::state::NOTIFIED |
                                             tokio::detail::state::JOIN_INTEREST |
                                             3 * tokio::detail::state::REF_ONE);

  std::function<bool(ModelTask&)> body;
  tokio::detail::Context context;  // the task's context while it polls a leaf awaiter
  // Plain counters: the model runs one thread at a time, and each is written under the
  // protocol the scenario checks (a race on them is what the assertions catch).
  int polls = 0;
  int cancels = 0;
  int outputs_dropped = 0;
  int deallocs = 0;
  bool inside = false;  // a poll or cancel is running
  bool finished = false;

  static ModelTask& of(Header* h) { return *static_cast<ModelTask*>(h); }
};

/// A scheduler with one FIFO of notified tasks and an owned list of one bit per task.
class ModelScheduler final : public tokio::detail::Scheduler {
 public:
  ModelScheduler() = default;
  ~ModelScheduler() = default;

  /// Binds `task` to this scheduler and puts it in the owned list (as spawn does).
  void bind(ModelTask& task);
  void schedule(tokio::detail::Header* task, bool is_yield) noexcept override;
  bool release(tokio::detail::Header* task) noexcept override;
  void unhandled_exception(std::uint64_t, std::exception_ptr) noexcept override {}

  /// Runs notified tasks on this thread until `task` has finished (blocking on the queue's
  /// condition variable meanwhile: a lost wake-up is a deadlock).
  void run_until_finished(ModelTask& task);
  /// Runs every notification queued now; returns how many ran.
  int run_queued();

 protected:
  void destroy() noexcept override {}

 private:
  Mutex mutex_;
  CondVar condvar_;
  std::deque<tokio::detail::Header*> queue_;
  std::deque<tokio::detail::Header*> owned_;
};

/// Drives a leaf awaiter as a task does: await_ready, await_suspend (with `task` current), and
/// on each later poll of `task` the leaf's poll_ready; once ready, `on_ready` (which calls
/// await_resume). Use as the task's body: `ModelTask task(LeafDriver(awaiter, on_ready));`.
template <class Awaiter>
class LeafDriver {
 public:
  LeafDriver(Awaiter& awaiter, std::function<void()> on_ready)
      : awaiter_(awaiter), on_ready_(std::move(on_ready)) {}

  bool operator()(ModelTask& task) {
    auto* saved = tokio::detail::tl_current_context;
    tokio::detail::tl_current_context = &task.context;
    task.context.task = &task;
    bool ready;
    if (!started_) {
      started_ = true;
      ready = awaiter_.await_ready() || !awaiter_.await_suspend(std::noop_coroutine());
    } else {
      ready = task.context.leaf->poll_ready();
    }
    if (ready) {
      task.context.leaf = nullptr;
      on_ready_();
    }
    tokio::detail::tl_current_context = saved;
    return ready;
  }

 private:
  Awaiter& awaiter_;
  std::function<void()> on_ready_;  // runs await_resume and records the outcome
  bool started_ = false;
};

}  // namespace tokio_model
