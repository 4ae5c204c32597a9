// The LocalSet's scheduler under the model checker: wakes from another thread go through its
// remote queue and wake the task that runs the set; closing the set races such wakes.
#include <thread>

#include "model/model.hpp"
#include "model/model_task.hpp"
#include "model/scenario.hpp"
#include "tokio/detail/local_scheduler.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace {

using tokio::detail::LocalScheduler;
using tokio_model::check;
using tokio_model::ModelScheduler;
using tokio_model::ModelTask;
using tokio_model::Thread;

// A local task that finishes once `ready` is set (by the thread that then wakes it), polled by
// a runner task that runs the set until the local task has finished. A lost remote wake is a
// deadlock (the runner is never polled again); a poll off the runner's thread is an error.
MODEL_SCENARIO(local_set_remote_wake_vs_run) {
  check("LocalSet: a wake from another thread races the set's run", [] {
    auto set = tokio::detail::make_local_scheduler();
    tokio::detail::seam::atomic<bool> ready{false};
    const auto owner = std::this_thread::get_id();
    ModelTask local([&](ModelTask&) {
      MODEL_ASSERT(std::this_thread::get_id() == owner);
      return ready.load(std::memory_order_acquire);
    });
    set->spawn(&local);  // outside the set: through the remote queue
    tokio::detail::Waker waker = tokio::detail::task_waker(&local);

    ModelScheduler runtime;
    bool started = false;
    ModelTask runner([&](ModelTask& self) {
      if (!started) {
        set->begin_run(&self, "model runner");
        started = true;
      }
      LocalScheduler::Entered entered(*set, /*running=*/true);
      set->run_tick();
      if (!local.finished) return false;
      set->end_run();
      return true;
    });
    runtime.bind(runner);
    runtime.schedule(&runner, false);
    Thread waking([&] {
      ready.store(true, std::memory_order_release);
      waker.wake();
    });
    runtime.run_until_finished(runner);
    waking.join();
    tokio::detail::join_handle_drop(&local);
    tokio::detail::join_handle_drop(&runner);
    runtime.run_queued();
    set->close();
    MODEL_ASSERT(local.deallocs == 1 && local.cancels == 0);
  });
}

// A local task idle in the set is woken from another thread while the set is closed: it is
// cancelled once, the notification is dropped, and the task is freed once.
MODEL_SCENARIO(local_set_close_vs_remote_wake) {
  check("LocalSet: closing the set races a wake from another thread", [] {
    auto set = tokio::detail::make_local_scheduler();
    ModelTask local([](ModelTask&) { return false; });
    set->spawn(&local);
    set->claim_thread("model owner");
    {
      LocalScheduler::Entered entered(*set, /*running=*/true);
      set->run_tick();  // the first poll: pending
    }
    tokio::detail::Waker waker = tokio::detail::task_waker(&local);
    Thread waking([&] { waker.wake(); });
    set->close();
    waking.join();
    tokio::detail::join_handle_drop(&local);
    MODEL_ASSERT(local.polls == 1 && local.cancels == 1 && local.deallocs == 1);
  });
}

}  // namespace
