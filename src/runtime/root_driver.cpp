// Driving a root task on the calling thread: the loop of the multi-thread runtime's block_on
// (its workers own the driver, so the calling thread sleeps on a parker of its own) and of the
// blocking_* calls (no runtime at all). The root is the only task polled here; its scheduler
// records the notification and unparks the thread.
#include "runtime/root_driver.hpp"

#include <memory>
#include <string>

#include "runtime/enter.hpp"
#include "runtime/scheduler/parker.hpp"
#include "runtime/scheduler/scheduler_ptr.hpp"
#include "tokio/detail/block_on_thread.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

namespace {

struct RootScheduler;
// The scheduler whose loop runs on this thread right now (it needs no unpark to see a wake).
constinit thread_local const RootScheduler* tl_polling = nullptr;

// One per thread (cached by drive_root), alive while the thread's cache holds it and while a
// root bound to it exists (a unit each, see Scheduler), so that a wake that arrives after the
// loop returned (from a thread that still holds a clone of the waker) touches live memory.
struct RootScheduler final : Scheduler {
  Parker parker{nullptr};
  seam::atomic<bool> notified{true};

  void schedule(Header*, bool) noexcept override {
    // The driving thread itself (a yield in the body) is awake: no unpark needed.
    if (tl_polling == this) {
      notified.store(true, std::memory_order_release);
      return;
    }
    // Once `notified` is raised the driving thread may finish its root and exit, releasing
    // every unit of this scheduler, while unpark() still runs here: hold a unit of our own from
    // before the store (until then the pending notification keeps the root, and through it
    // this scheduler, alive).
    retain_unit();
    notified.store(true, std::memory_order_release);
    parker.unpark();
    release_unit();
  }
  bool release(Header*) noexcept override { return false; }
  void destroy() noexcept override { delete this; }
};

}  // namespace

void drive_root(Header* root) {
  // One scheduler per thread, reused: when a root completes no notification is outstanding,
  // so a previous root can leave behind at most the tail of an unpark() (an early wake-up).
  thread_local std::shared_ptr<RootScheduler> cached;
  if (!cached) cached = make_scheduler<RootScheduler>();
  auto& scheduler = *cached;
  scheduler.notified.store(true, std::memory_order_relaxed);
  root->scheduler = &scheduler;
  scheduler.retain_unit();
  const RootScheduler* saved = std::exchange(tl_polling, &scheduler);
  struct Restore {
    const RootScheduler* saved;
    ~Restore() { tl_polling = saved; }
  } restore{saved};
  for (;;) {
    if (scheduler.notified.load(std::memory_order_acquire)) {
      // While this notification is unconsumed the root's NOTIFIED bit is set, so nobody else
      // raises the flag before task_run clears the bit: a plain store is enough.
      scheduler.notified.store(false, std::memory_order_relaxed);
      task_run(root);
      if (task_is_complete(root)) return;
      continue;
    }
    scheduler.parker.park();
  }
}

void block_on_thread(Header* root, const char* what) {
  if (tl_driving) {
    task_shutdown(root);
    task_drop_ref(root);
    throw std::logic_error(std::string(what) +
                           " called from a thread that drives a runtime (a task or a block_on "
                           "body), where blocking would stall other tasks: co_await the async "
                           "form instead, or call it from task::spawn_blocking or a plain thread");
  }
  drive_root(root);
}

}  // namespace tokio::detail
