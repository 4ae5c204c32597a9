// block_on_thread: the driver loop of the blocking_* calls. The root is the only task; its
// scheduler records the notification and unparks the thread, exactly like a block_on root of
// the multi-thread runtime but with no runtime entered.
#include "tokio/detail/block_on_thread.hpp"

#include <memory>
#include <string>

#include "runtime/driver/parker.hpp"
#include "runtime/enter.hpp"

namespace tokio::detail {

namespace {

struct ThreadScheduler;
// The scheduler whose loop runs on this thread right now (it needs no unpark to see a wake).
constinit thread_local const ThreadScheduler* tl_polling = nullptr;

// Owned by the root through Header::keep_alive so that a wake that arrives after the loop
// returned (from a thread that still holds a clone of the waker) touches live memory.
struct ThreadScheduler final : Scheduler, std::enable_shared_from_this<ThreadScheduler> {
  Parker parker{nullptr};
  std::atomic<bool> notified{true};

  void schedule(Header*, bool) noexcept override {
    // The driving thread itself (a yield in the body) is awake: no unpark needed.
    if (tl_polling == this) {
      notified.store(true, std::memory_order_release);
      return;
    }
    // Once `notified` is raised the driving thread may finish its root and exit, destroying
    // its thread-local reference to this scheduler, while unpark() still runs here: hold a
    // reference of our own from before the store (until then the pending notification keeps
    // the root, and through keep_alive this scheduler, alive).
    const auto self = shared_from_this();
    notified.store(true, std::memory_order_release);
    parker.unpark();
  }
  bool release(Header*) noexcept override { return false; }
};

}  // namespace

void block_on_thread(Header* root, const char* what) {
  if (tl_driving) {
    task_shutdown(root);
    task_drop_ref(root);
    throw std::logic_error(std::string(what) +
                           " called from a thread that drives a runtime (a task or a block_on "
                           "body), where blocking would stall other tasks: co_await the async "
                           "form instead, or call it from task::spawn_blocking or a plain thread");
  }
  // One scheduler per thread, reused: when a root completes no notification is outstanding,
  // so a previous root can leave behind at most the tail of an unpark() (an early wake-up).
  thread_local std::shared_ptr<ThreadScheduler> cached;
  if (!cached) cached = std::make_shared<ThreadScheduler>();
  auto& scheduler = *cached;
  scheduler.notified.store(true, std::memory_order_relaxed);
  root->scheduler = &scheduler;
  root->keep_alive = cached;
  const ThreadScheduler* saved = std::exchange(tl_polling, &scheduler);
  struct Restore {
    const ThreadScheduler* saved;
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

}  // namespace tokio::detail
