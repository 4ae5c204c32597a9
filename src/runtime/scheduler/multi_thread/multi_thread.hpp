// The work-stealing multi-thread scheduler.
//
// Ownership: each worker index has a Remote (its stealable LocalQueue and its Parker) that
// lives as long as the runtime, and a Core (LIFO slot, tick, searching flag, RNG) that is owned
// by exactly one thread at a time: the thread running that worker, which may change when
// block_in_place hands the core to a fresh thread. Only the core's owner pushes to or pops
// from its local queue; any worker may steal from it.
//
// Scheduling a task from a worker goes to its LIFO slot (the previous occupant moves to the
// local queue); from anywhere else it goes to the inject queue. Either way a parked worker is
// woken only when no worker is searching (Idle), so the hot paths make no syscall while the
// workers are busy.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/blocking/pool.hpp"
#include "runtime/driver.hpp"
#include "runtime/scheduler/inject.hpp"
#include "runtime/scheduler/multi_thread/idle.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"
#include "runtime/scheduler/owned_tasks.hpp"
#include "runtime/scheduler/parker.hpp"
#include "runtime/scheduler/unhandled_stop.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/runtime/builder.hpp"

namespace tokio::detail {

class MultiThread final : public RuntimeInner {
 public:
  explicit MultiThread(const RuntimeConfig& config);
  ~MultiThread() override;

  /// Starts the worker threads; separate from the constructor so that shared_from_this works.
  void start();

  void spawn(Header* task) noexcept override;
  void spawn_blocking(Header* job) override;
  void block_on(Header* root) override;
  runtime::RuntimeFlavor flavor() const noexcept override {
    return runtime::RuntimeFlavor::MultiThread;
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
  static constexpr std::uint32_t kMaxLifoPolls = 3;

  struct Remote {
    explicit Remote(Driver* driver) : parker(driver) {}
    LocalQueue<256> queue;
    Parker parker;
  };
  // A cache line of its own: its owner writes it on every task it runs (lifo_slot, tick), and
  // the cores of two workers allocated side by side would otherwise share a line.
  struct alignas(64) Core {
    std::size_t index;
    Header* lifo_slot = nullptr;
    bool is_searching = false;
    bool is_shutdown = false;
    // Set while the owning thread sleeps in park(): what its driver turn wakes is queued here
    // without notifying other workers, since this one runs it as soon as park returns.
    bool is_parked = false;
    std::uint32_t tick = 0;
    std::uint32_t rng;
  };

  // Worker loop (worker.cpp).
  void run_worker(Core* core);
  bool run_task(Core* core, Header* task);  // false when the core was handed off
  Header* next_task(Core* core);
  Header* next_remote_batch(Core* core);
  Header* steal_work(Core* core);
  void park(Core* core);
  bool transition_to_parked(Core* core);
  bool transition_from_parked(Core* core);
  void transition_from_searching(Core* core);
  void maintenance(Core* core);
  void notify_parked();
  /// notify_parked for work this worker queued but will not run soon: ordered so that no
  /// worker can park without seeing it (see Idle::order_after_queued_work).
  void announce_work();
  void notify_if_work_pending();
  void shutdown_core(Core* core) noexcept;
  // Cancels every task and stops the workers without waiting for them. Idempotent.
  void begin_shutdown() noexcept;
  bool owns_core(Core* core) const noexcept;

  void schedule_local(Core* core, Header* task, bool is_yield) noexcept;
  void schedule_remote(Header* task) noexcept;

  RuntimeConfig config_;
  Driver driver_;
  // Read on every schedule and steal: kept off the line of the driver's try-lock flags.
  alignas(64) std::vector<std::unique_ptr<Remote>> remotes_;
  std::vector<std::unique_ptr<Core>> cores_;
  Inject inject_;
  Idle idle_;
  OwnedTasks owned_;
  BlockingPool blocking_;
  UnhandledStop unhandled_stop_;
  seam::atomic<bool> shutdown_{false};
  seam::mutex shutdown_mutex_;
  std::size_t cores_shut_down_ = 0;  // guarded by shutdown_mutex_
};

}  // namespace tokio::detail
