// Synchronisation primitives under the model checker: the oneshot channel's state word and the
// batch semaphore's release/cancel race, driven through their real awaiters by model tasks.
#include <optional>
#include <utility>

#include "model/model.hpp"
#include "model/model_task.hpp"
#include "model/scenario.hpp"
#include "tokio/sync/oneshot.hpp"
#include "tokio/sync/semaphore.hpp"

namespace {

using tokio_model::check;
using tokio_model::LeafDriver;
using tokio_model::ModelScheduler;
using tokio_model::ModelTask;
using tokio_model::Thread;

// A value that counts its live instances, so that a value destroyed twice or never shows.
int g_live = 0;
struct Counted {
  Counted() { ++g_live; }
  Counted(Counted&&) noexcept { ++g_live; }
  Counted& operator=(Counted&&) noexcept = default;
  ~Counted() { --g_live; }
};

// Ends a model task that is still pending (its awaiter gone), then drops its JoinHandle, and
// checks that it was freed exactly once.
void finish(ModelScheduler& scheduler, ModelTask& task) {
  tokio::detail::task_abort(&task);
  scheduler.run_queued();
  tokio::detail::join_handle_drop(&task);
  scheduler.run_queued();
  MODEL_ASSERT(task.finished && task.deallocs == 1);
}

// The receiving task awaits while another thread sends or drops the Sender: it is always woken
// (a miss is a deadlock), gets the value exactly when one was sent, and no value leaks.
void oneshot_receive_scenario(bool send) {
  g_live = 0;
  {
    auto channel = tokio::sync::oneshot::channel<Counted>();
    auto& rx = channel.second;
    ModelScheduler scheduler;
    auto awaiter = rx.operator co_await();
    std::optional<tokio::Result<Counted, tokio::sync::oneshot::RecvError>> got;
    LeafDriver drive(awaiter, [&] { got.emplace(awaiter.await_resume()); });
    ModelTask task(std::ref(drive));
    scheduler.bind(task);
    scheduler.schedule(&task, false);
    Thread sender([&] {
      auto tx = std::move(channel.first);
      if (send) {
        MODEL_ASSERT(tx.send(Counted{}).has_value());
      } else {
        auto dropped = std::move(tx);
      }
    });
    scheduler.run_until_finished(task);
    sender.join();
    MODEL_ASSERT(got.has_value() && got->has_value() == send);
    got.reset();
    finish(scheduler, task);
  }
  MODEL_ASSERT(g_live == 0);
}

MODEL_SCENARIO(oneshot_send_vs_recv) {
  check("oneshot: a send races the receiver's registration",
        [] { oneshot_receive_scenario(true); });
}

MODEL_SCENARIO(oneshot_drop_sender_vs_recv) {
  check("oneshot: the Sender's drop races the receiver's registration",
        [] { oneshot_receive_scenario(false); });
}

// The receiver closes while the sender sends: the value is either refused (back to the sender)
// or delivered (then try_recv gets it); destroyed once either way.
MODEL_SCENARIO(oneshot_send_vs_close) {
  check("oneshot: a send races Receiver::close", [] {
    g_live = 0;
    {
      auto channel = tokio::sync::oneshot::channel<Counted>();
      auto& tx = channel.first;
      auto& rx = channel.second;
      bool delivered = false;
      Thread sender([&] { delivered = tx.send(Counted{}).has_value(); });
      rx.close();
      sender.join();
      MODEL_ASSERT(rx.try_recv().has_value() == delivered);
    }
    MODEL_ASSERT(g_live == 0);
  });
}

// A task awaits Sender::closed() while the Receiver is dropped on another thread: woken once
// the drop is done, and the block is freed exactly once (ASan would see a double free).
MODEL_SCENARIO(oneshot_closed_vs_receiver_drop) {
  check("oneshot: Sender::closed() races the Receiver's drop", [] {
    auto channel = tokio::sync::oneshot::channel<int>();
    auto& tx = channel.first;
    auto& rx = channel.second;
    ModelScheduler scheduler;
    auto awaiter = tx.closed();
    bool woke = false;
    LeafDriver drive(awaiter, [&] {
      awaiter.await_resume();
      woke = true;
    });
    ModelTask task(std::ref(drive));
    scheduler.bind(task);
    scheduler.schedule(&task, false);
    Thread receiver([&] { auto dropped = std::move(rx); });
    scheduler.run_until_finished(task);
    receiver.join();
    MODEL_ASSERT(woke && tx.is_closed());
    { auto dropped = std::move(tx); }  // the block's waker slot holds a reference on the task
    finish(scheduler, task);
  });
}

// Two waiters queue (A wants 2 permits, then B wants 1); 2 permits are released one at a time
// while A's acquire is cancelled. B must be served (a miss is a deadlock), and the permits are
// whole at the end: none lost to the cancelled waiter, none counted twice.
MODEL_SCENARIO(semaphore_release_vs_cancel) {
  check("batch semaphore: release races a cancelled acquire", [] {
    tokio::sync::Semaphore sem(0);
    ModelScheduler scheduler;
    std::optional<tokio::sync::Semaphore::Acquire> a_acquire;
    a_acquire.emplace(sem, 2);
    std::optional<tokio::sync::SemaphorePermit> a_permit;
    LeafDriver drive_a(*a_acquire,
                       [&] { a_permit.emplace(std::move(a_acquire->await_resume()).value()); });
    ModelTask a([&](ModelTask& t) { return a_acquire.has_value() && drive_a(t); });
    tokio::sync::Semaphore::Acquire b_acquire(sem, 1);
    std::optional<tokio::sync::SemaphorePermit> b_permit;
    LeafDriver drive_b(b_acquire,
                       [&] { b_permit.emplace(std::move(b_acquire.await_resume()).value()); });
    ModelTask b(std::ref(drive_b));
    scheduler.bind(a);
    scheduler.bind(b);
    scheduler.schedule(&a, false);
    scheduler.schedule(&b, false);
    scheduler.run_queued();  // both queue: no permits yet
    MODEL_ASSERT(!a.finished && !b.finished);
    Thread releaser([&] {
      sem.add_permits(1);
      sem.add_permits(1);
    });
    a_acquire.reset();  // cancel A: only this thread polls A, so it never took its permits
    scheduler.run_until_finished(b);
    releaser.join();
    scheduler.run_queued();
    MODEL_ASSERT(!a_permit.has_value() && b_permit.has_value());
    MODEL_ASSERT(sem.available_permits() == 1);
    b_permit.reset();
    MODEL_ASSERT(sem.available_permits() == 2);
    finish(scheduler, a);
    tokio::detail::join_handle_drop(&b);
    scheduler.run_queued();
    MODEL_ASSERT(a.deallocs == 1 && b.deallocs == 1);
  });
}

// An acquire queues while permits are added from another thread (the release fast path that
// skips the lock when nobody waits): the waiter is always served (a miss is a deadlock).
MODEL_SCENARIO(semaphore_acquire_vs_release) {
  check("batch semaphore: an acquire queues while a release takes the lock-free path", [] {
    tokio::sync::Semaphore sem(0);
    ModelScheduler scheduler;
    tokio::sync::Semaphore::Acquire acquire(sem, 1);
    std::optional<tokio::sync::SemaphorePermit> permit;
    LeafDriver drive(acquire, [&] { permit.emplace(std::move(acquire.await_resume()).value()); });
    ModelTask task(std::ref(drive));
    scheduler.bind(task);
    scheduler.schedule(&task, false);
    Thread releaser([&] { sem.add_permits(1); });
    scheduler.run_until_finished(task);
    releaser.join();
    MODEL_ASSERT(permit.has_value() && sem.available_permits() == 0);
    permit.reset();
    MODEL_ASSERT(sem.available_permits() == 1);
    tokio::detail::join_handle_drop(&task);
    scheduler.run_queued();
    MODEL_ASSERT(task.deallocs == 1);
  });
}

}  // namespace
