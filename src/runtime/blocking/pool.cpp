#include "runtime/blocking/pool.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include "runtime/scheduler/scheduler_ptr.hpp"
#include "tokio/detail/runtime_inner.hpp"

namespace tokio::detail {

BlockingPool::BlockingPool(const RuntimeConfig& config, std::size_t mandatory_threads)
    : shared_(make_scheduler<Shared>()) {
  shared_->config = config;
  shared_->ordinary_limit = config.max_blocking_threads + mandatory_threads;
}

BlockingPool::~BlockingPool() {
  shutdown(std::nullopt);
}

void BlockingPool::run_job(Shared& shared, Job& job) noexcept {
  if (job.task) {
    task_run(job.task);
    shared.busy_jobs.fetch_sub(1, std::memory_order_acq_rel);
  } else {
    job.fn();
  }
}

void BlockingPool::spawn_task(Header* job) {
  job->scheduler = shared_.get();
  shared_->retain_unit();
  shared_->busy_jobs.fetch_add(1, std::memory_order_acq_rel);
  push(Job{job, {}}, false);
}

void BlockingPool::spawn_mandatory(std::function<void()> fn) {
  push(Job{nullptr, std::move(fn)}, true);
}

void BlockingPool::push(Job job, bool mandatory) {
  auto& s = *shared_;
  std::unique_lock lock(s.mutex);
  if (s.shutdown) {
    lock.unlock();
    if (job.task) {
      task_shutdown(job.task);
      task_drop_ref(job.task);
      s.busy_jobs.fetch_sub(1, std::memory_order_acq_rel);
      return;
    }
    throw std::system_error(std::make_error_code(std::errc::operation_canceled),
                            "tokio blocking pool is shut down");
  }
  s.queue.push_back(std::move(job));
  if (s.idle > s.wakeups) {
    ++s.wakeups;
    // Notified after unlocking, so the woken thread does not wake only to block on the mutex
    // we still hold (two more context switches per job). Nothing is lost: the wake-up is
    // counted in `wakeups` under the lock, and an idle thread checks it before it waits.
    lock.unlock();
    s.work_cv.notify_one();
    return;
  }
  if (!mandatory && s.threads >= s.ordinary_limit) return;  // a busy thread will take it

  // Join threads that exited on keep-alive since the last spawn.
  auto exited = std::move(s.to_join);
  s.to_join.clear();

  auto* arg = new std::shared_ptr<Shared>(shared_);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (s.config.thread_stack_size) pthread_attr_setstacksize(&attr, s.config.thread_stack_size);
  pthread_t thread;
  const int err = pthread_create(&thread, &attr, &thread_main, arg);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    delete arg;
    Job failed = std::move(s.queue.back());
    s.queue.pop_back();
    lock.unlock();
    for (pthread_t t : exited)
      pthread_join(t, nullptr);
    if (failed.task) {
      task_shutdown(failed.task);
      task_drop_ref(failed.task);
      s.busy_jobs.fetch_sub(1, std::memory_order_acq_rel);
    }
    throw std::system_error(err, std::generic_category(), "tokio runtime: starting a thread");
  }
  ++s.threads;
  lock.unlock();
  for (pthread_t t : exited)
    pthread_join(t, nullptr);
}

void* BlockingPool::thread_main(void* arg) {
  std::shared_ptr<Shared> shared = std::move(*static_cast<std::shared_ptr<Shared>*>(arg));
  delete static_cast<std::shared_ptr<Shared>*>(arg);
  run_thread(shared);
  return nullptr;
}

void BlockingPool::run_thread(const std::shared_ptr<Shared>& shared) {
  auto& s = *shared;
  {
    std::string name = s.config.thread_name ? s.config.thread_name() : std::string("tokio");
    if (name.size() > 15) name.resize(15);
    pthread_setname_np(pthread_self(), name.c_str());
  }
  if (s.config.on_thread_start) s.config.on_thread_start();
  RuntimeInner* const saved_runtime = tl_runtime;
  tl_runtime = s.runtime;

  std::unique_lock lock(s.mutex);
  for (;;) {
    while (!s.queue.empty()) {
      {
        Job job = std::move(s.queue.front());
        s.queue.pop_front();
        lock.unlock();
        run_job(s, job);
        // `job` dies here, unlocked: a worker's closure may hold the last reference to the
        // runtime, whose destruction takes this pool's lock.
      }
      lock.lock();
    }
    if (s.shutdown) break;
    ++s.idle;
    bool timed_out = false;
    const auto deadline = std::chrono::steady_clock::now() + s.config.thread_keep_alive;
    for (;;) {
      if (s.wakeups > 0) {
        --s.wakeups;
        break;
      }
      if (s.shutdown) break;
      if (s.work_cv.wait_until(lock, deadline) == std::cv_status::timeout && s.wakeups == 0 &&
          !s.shutdown) {
        timed_out = true;
        break;
      }
    }
    --s.idle;
    if (timed_out && s.queue.empty()) break;
  }
  tl_runtime = saved_runtime;
  lock.unlock();
  if (s.config.on_thread_stop) s.config.on_thread_stop();
  lock.lock();
  --s.threads;
  if (s.abandoned) {
    pthread_detach(pthread_self());  // shutdown stopped waiting for us: nobody will join
  } else {
    s.to_join.push_back(pthread_self());
  }
  s.exit_cv.notify_all();
}

void BlockingPool::shutdown(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  auto& s = *shared_;
  std::deque<Job> cancelled;
  std::unique_lock lock(s.mutex);
  if (s.shutdown) return;  // the first call decides how long to wait
  s.shutdown = true;
  for (auto& job : s.queue) {
    if (job.task) cancelled.push_back(std::move(job));
  }
  std::erase_if(s.queue, [](const Job& job) { return job.task != nullptr; });
  s.work_cv.notify_all();
  lock.unlock();
  for (auto& job : cancelled) {
    task_shutdown(job.task);
    task_drop_ref(job.task);
    s.busy_jobs.fetch_sub(1, std::memory_order_acq_rel);
  }
  lock.lock();
  auto done = [&] { return s.threads == 0; };
  bool all_exited = true;
  if (timeout) {
    all_exited = s.exit_cv.wait_for(lock, *timeout, done);
  } else {
    s.exit_cv.wait(lock, done);
  }
  if (!all_exited) s.abandoned = true;
  auto exited = std::move(s.to_join);
  s.to_join.clear();
  lock.unlock();
  // Every thread in `exited` has left its loop; joining waits only for its last instructions.
  for (pthread_t t : exited)
    pthread_join(t, nullptr);
}

}  // namespace tokio::detail
