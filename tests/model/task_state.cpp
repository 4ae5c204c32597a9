// The task state word under the model checker: a run, a wake, an abort and the JoinHandle
// racing one another through the real harness (task_run, wakers, task_abort, join_*).
#include "model/model.hpp"
#include "model/model_task.hpp"
#include "model/scenario.hpp"
#include "tokio/detail/header.hpp"

namespace {

using tokio::detail::Header;
using tokio_model::check;
using tokio_model::ModelScheduler;
using tokio_model::ModelTask;
using tokio_model::Thread;

// A task that is pending at its first poll and finishes at its second.
bool finishes_at_second_poll(ModelTask& t) {
  return t.polls >= 2;
}

MODEL_SCENARIO(task_run_wake_abort_join_drop) {
  check("task state: a run, a wake, an abort and the JoinHandle's drop race", [] {
    ModelScheduler scheduler;
    ModelTask task(&finishes_at_second_poll);
    scheduler.bind(task);
    scheduler.schedule(&task, false);  // the spawn's notification
    tokio::detail::Waker waker = tokio::detail::task_waker(&task);
    Thread runner([&] { scheduler.run_queued(); });
    Thread waking([&] { waker.wake(); });
    Thread aborting([&] { tokio::detail::task_abort(&task); });
    tokio::detail::join_handle_drop(&task);
    runner.join();
    waking.join();
    aborting.join();
    scheduler.run_queued();  // whatever notification is left
    // The abort guarantees an end; exactly one of poll-to-completion or cancel ended it, its
    // output was dropped once, and the last reference freed it once.
    MODEL_ASSERT(task.finished);
    MODEL_ASSERT(task.cancels + (task.polls == 2 ? 1 : 0) == 1);
    MODEL_ASSERT(task.outputs_dropped == 1);
    MODEL_ASSERT(task.deallocs == 1);
  });
}

// A JoinHandle registers its waker (from a task of its own, polled on another thread) while the
// task completes: the joiner is always woken to see the completion (no lost wake-up: a miss is
// a deadlock in run_until_finished).
MODEL_SCENARIO(task_join_waker_vs_complete) {
  check("task state: the JoinHandle's waker registration races completion", [] {
    ModelScheduler scheduler;
    ModelTask task([](ModelTask&) { return true; });
    scheduler.bind(task);
    ModelScheduler joiner_scheduler;
    ModelTask joiner([&](ModelTask& self) {
      if (tokio::detail::task_is_complete(&task)) return true;
      return !tokio::detail::join_register_waker(&task, tokio::detail::task_waker(&self));
    });
    joiner_scheduler.bind(joiner);
    joiner_scheduler.schedule(&joiner, false);
    scheduler.schedule(&task, false);
    Thread runner([&] { scheduler.run_until_finished(task); });
    joiner_scheduler.run_until_finished(joiner);
    runner.join();
    tokio::detail::join_handle_drop(&task);
    tokio::detail::join_handle_drop(&joiner);
    joiner_scheduler.run_queued();
    scheduler.run_queued();
    MODEL_ASSERT(task.outputs_dropped == 1 && task.deallocs == 1);
    MODEL_ASSERT(joiner.outputs_dropped == 1 && joiner.deallocs == 1);
  });
}

// Two wakers wake an idle task at once while it is also being run: one notification at most is
// queued at a time, and no reference is lost or leaked.
MODEL_SCENARIO(task_concurrent_wakes) {
  check("task state: two wakes race a run", [] {
    ModelScheduler scheduler;
    ModelTask task([](ModelTask& t) { return t.polls >= 3; });
    scheduler.bind(task);
    scheduler.schedule(&task, false);
    tokio::detail::Waker first = tokio::detail::task_waker(&task);
    tokio::detail::Waker second = tokio::detail::task_waker(&task);
    Thread a([&] { first.wake_by_ref(); });
    Thread b([&] { second.wake(); });
    scheduler.run_queued();
    a.join();
    b.join();
    scheduler.run_queued();
    first = tokio::detail::Waker();
    MODEL_ASSERT(!task.finished || task.polls == 3);
    tokio::detail::task_abort(&task);
    scheduler.run_queued();
    tokio::detail::join_handle_drop(&task);
    MODEL_ASSERT(task.finished && task.outputs_dropped == 1 && task.deallocs == 1);
  });
}

}  // namespace
