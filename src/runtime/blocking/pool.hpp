// The blocking pool: threads for spawn_blocking jobs and for the multi-thread workers.
//
// A job is either a spawn_blocking task (its Header, holding a notification reference) or a
// "mandatory" closure (a worker's run loop) that always gets a thread. Ordinary jobs are
// limited to max_blocking_threads threads beyond the mandatory ones. An idle thread waits
// keep_alive for work, then exits. Shutdown cancels queued ordinary jobs, lets running ones
// finish, and waits (up to a timeout) for every thread.
//
// Concurrency: all fields of Shared are guarded by Shared::mutex. A thread's body holds a
// shared_ptr to Shared, so a thread still finishing after a timed-out shutdown never touches
// freed memory.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "tokio/detail/header.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/runtime/builder.hpp"

namespace tokio::detail {

class RuntimeInner;

class BlockingPool {
 public:
  BlockingPool(const RuntimeConfig& config, std::size_t mandatory_threads);
  ~BlockingPool();

  /// Queues a spawn_blocking job (notification reference included) and makes sure a thread
  /// will run it. Throws std::system_error when no thread can be started (the job is
  /// cancelled first).
  void spawn_task(Header* job);
  /// Runs `fn` on a pool thread, starting one if none is idle (not limited by
  /// max_blocking_threads). Throws std::system_error when no thread can be started.
  void spawn_mandatory(std::function<void()> fn);
  /// See the file comment. Idempotent.
  void shutdown(std::optional<std::chrono::nanoseconds> timeout) noexcept;

  /// True while spawn_blocking jobs are queued or running (the paused clock must not jump).
  bool busy() const noexcept { return shared_->busy_jobs.load(std::memory_order_acquire) != 0; }

  /// The runtime whose context pool threads enter (for spawn from a blocking job).
  void set_runtime(RuntimeInner* runtime) noexcept { shared_->runtime = runtime; }

 private:
  struct Job {
    Header* task = nullptr;
    std::function<void()> fn;
  };
  // Also the Scheduler of spawn_blocking jobs: it must outlive the pool object, since a job
  // abandoned by a timed-out shutdown completes after the runtime is gone. Owned through
  // make_scheduler by the pool and its threads, and by a unit per job.
  struct Shared final : Scheduler {
    // Only abort re-notifies a blocking job; running it now cancels it without starting it.
    void schedule(Header* job, bool) noexcept override { task_run(job); }
    bool release(Header*) noexcept override { return false; }
    void destroy() noexcept override { delete this; }

    seam::atomic<std::size_t> busy_jobs{0};  // spawn_blocking jobs queued or running
    seam::mutex mutex;
    seam::condition_variable work_cv;
    seam::condition_variable exit_cv;
    std::deque<Job> queue;
    std::size_t threads = 0;     // live threads
    std::size_t idle = 0;        // threads waiting for work
    std::size_t wakeups = 0;     // notifications sent to idle threads, not yet consumed
    std::size_t ordinary_limit;  // max_blocking_threads + mandatory threads
    bool shutdown = false;
    bool abandoned = false;          // shutdown timed out: exiting threads detach themselves
    std::vector<pthread_t> to_join;  // threads that have exited (or are about to)
    RuntimeConfig config;
    RuntimeInner* runtime = nullptr;
  };

  void push(Job job, bool mandatory);
  static void* thread_main(void* arg);
  static void run_thread(const std::shared_ptr<Shared>& shared);
  static void run_job(Shared& shared, Job& job) noexcept;

  std::shared_ptr<Shared> shared_;
};

}  // namespace tokio::detail
