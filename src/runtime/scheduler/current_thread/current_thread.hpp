// The current_thread scheduler: every task runs on the thread that is inside block_on.
//
// The "core" (the local run queue and the driver) belongs to the thread holding core_mutex_
// inside block_on; only that thread touches local_*. Other threads schedule through the
// inject queue and unpark the core's Parker, which sleeps in the driver. A second block_on
// (another thread, e.g. a spawn_blocking job calling Handle::block_on) polls its own root on
// its own thread while the core is taken, and takes the core when it is handed over.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/blocking/pool.hpp"
#include "runtime/driver.hpp"
#include "runtime/scheduler/inject.hpp"
#include "runtime/scheduler/owned_tasks.hpp"
#include "runtime/scheduler/parker.hpp"
#include "runtime/scheduler/unhandled_stop.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/task_fifo.hpp"
#include "tokio/runtime/builder.hpp"

namespace tokio::detail {

class CurrentThread final : public RuntimeInner {
 public:
  explicit CurrentThread(const RuntimeConfig& config);
  ~CurrentThread() override;

  void spawn(Header* task) noexcept override;
  void spawn_blocking(Header* job) override;
  void block_on(Header* root) override;
  runtime::RuntimeFlavor flavor() const noexcept override {
    return runtime::RuntimeFlavor::CurrentThread;
  }
  void shutdown(std::optional<std::chrono::nanoseconds> timeout) noexcept override;
  void block_in_place(void (*f)(void*), void* arg) override;
  TimeDriver* time_driver() noexcept override { return driver_.time(); }
  IoDriver* io_driver() noexcept override { return driver_.io(); }
  SignalDriver* signal_driver() noexcept override { return driver_.signal(); }

  void schedule(Header* task, bool is_yield) noexcept override;
  bool release(Header* task) noexcept override { return owned_.remove(task); }
  void unhandled_exception(std::uint64_t task_id, std::exception_ptr error) noexcept override;

 private:
  void destroy() noexcept override { delete this; }

 public:
 private:
  struct RootScheduler;
  bool on_core_thread() const noexcept;
  Header* next_task() noexcept;
  void drain_queues() noexcept;
  void drive(Header* root);
  // False when the root completed before the core could be taken (`core` is then unlocked).
  bool drive_without_core(Header* root, RootScheduler& scheduler,
                          std::unique_lock<seam::mutex>& core);
  void run_core(Header* root, RootScheduler& scheduler);
  // Cancels every task (on this thread, holding the core). Idempotent.
  void close_tasks() noexcept;
  bool auto_advance() noexcept;

  RuntimeConfig config_;
  Driver driver_;
  Parker parker_{&driver_};
  OwnedTasks owned_;
  Inject inject_;
  BlockingPool blocking_;
  seam::mutex core_mutex_;
  TaskFifo local_;  // core thread only
  std::uint32_t tick_ = 0;
  UnhandledStop unhandled_stop_;
  seam::atomic<bool> shut_down_{false};
  seam::atomic<bool> tasks_closed_{false};
  std::shared_ptr<RootScheduler> root_scheduler_;  // cached for reuse; guarded by core_mutex_
  seam::mutex core_waiters_mutex_;
  std::vector<Parker*> core_waiters_;  // block_on threads waiting for the core; guarded above
};

}  // namespace tokio::detail
