#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "runtime/enter.hpp"
#include "runtime/scheduler/current_thread/current_thread.hpp"
#include "runtime/scheduler/multi_thread/multi_thread.hpp"
#include "runtime/scheduler/scheduler_ptr.hpp"
#include "tokio/runtime/local_runtime.hpp"
#include "tokio/runtime/runtime.hpp"

namespace tokio::runtime {

Builder Builder::new_current_thread() {
  return Builder(RuntimeFlavor::CurrentThread);
}
Builder Builder::new_multi_thread() {
  return Builder(RuntimeFlavor::MultiThread);
}

Builder& Builder::worker_threads(std::size_t count) {
  if (count == 0) throw std::invalid_argument("Builder::worker_threads: must be at least 1");
  config_.worker_threads = count;
  return *this;
}
Builder& Builder::max_blocking_threads(std::size_t count) {
  if (count == 0) throw std::invalid_argument("Builder::max_blocking_threads: must be at least 1");
  config_.max_blocking_threads = count;
  return *this;
}
Builder& Builder::thread_name(std::string name) {
  config_.thread_name = [name = std::move(name)] { return name; };
  return *this;
}
Builder& Builder::thread_name_fn(std::function<std::string()> fn) {
  if (!fn) throw std::invalid_argument("Builder::thread_name_fn: empty function");
  config_.thread_name = std::move(fn);
  return *this;
}
Builder& Builder::thread_stack_size(std::size_t bytes) {
  config_.thread_stack_size = bytes;
  return *this;
}
Builder& Builder::on_thread_start(std::function<void()> fn) {
  config_.on_thread_start = std::move(fn);
  return *this;
}
Builder& Builder::on_thread_stop(std::function<void()> fn) {
  config_.on_thread_stop = std::move(fn);
  return *this;
}
Builder& Builder::unhandled_exception(UnhandledException policy) {
  config_.unhandled_exception = policy;
  config_.unhandled_exception_hook = nullptr;
  return *this;
}

Builder& Builder::unhandled_exception(std::function<void(task::Id, std::exception_ptr)> hook) {
  if (!hook)
    throw std::invalid_argument("Builder::unhandled_exception: the hook is empty; pass a policy");
  config_.unhandled_exception_hook = std::move(hook);
  return *this;
}

Builder& Builder::thread_keep_alive(std::chrono::nanoseconds duration) {
  if (duration.count() < 0) throw std::invalid_argument("Builder::thread_keep_alive: negative");
  config_.thread_keep_alive = duration;
  return *this;
}
Builder& Builder::event_interval(std::uint32_t ticks) {
  if (ticks == 0) throw std::invalid_argument("Builder::event_interval: must be at least 1");
  config_.event_interval = ticks;
  return *this;
}
Builder& Builder::global_queue_interval(std::uint32_t ticks) {
  if (ticks == 0) throw std::invalid_argument("Builder::global_queue_interval: must be at least 1");
  config_.global_queue_interval = ticks;
  return *this;
}
Builder& Builder::busy_poll(std::chrono::nanoseconds duration) {
  if (duration.count() < 0) throw std::invalid_argument("Builder::busy_poll: negative duration");
  if (duration > std::chrono::milliseconds(1))
    throw std::invalid_argument(
        "Builder::busy_poll: at most 1 ms (longer polling only burns a core; use 0 to disable)");
  config_.busy_poll = duration;
  return *this;
}
Builder& Builder::enable_io() {
  config_.enable_io = true;
  return *this;
}
Builder& Builder::enable_time() {
  config_.enable_time = true;
  return *this;
}
Builder& Builder::enable_all() {
  config_.enable_io = true;
  config_.enable_time = true;
  return *this;
}
Builder& Builder::start_paused(bool paused) {
  config_.start_paused = paused;
  return *this;
}

Runtime Builder::build() {
  if (config_.start_paused && config_.flavor != RuntimeFlavor::CurrentThread)
    throw std::logic_error(
        "Builder::start_paused(true) needs the current_thread runtime: the paused clock is a "
        "single-threaded test tool (build with Builder::new_current_thread())");
  if (config_.start_paused && !config_.enable_time)
    throw std::logic_error("Builder::start_paused(true) needs enable_time() or enable_all()");
  if (config_.flavor == RuntimeFlavor::CurrentThread)
    return Runtime(detail::make_scheduler<detail::CurrentThread>(config_));
  auto inner = detail::make_scheduler<detail::MultiThread>(config_);
  inner->start();
  return Runtime(std::move(inner));
}

LocalRuntime Builder::build_local() {
  if (config_.flavor != RuntimeFlavor::CurrentThread)
    throw std::logic_error(
        "Builder::build_local needs a current_thread builder: a LocalRuntime runs its tasks on "
        "the thread that calls block_on (use Builder::new_current_thread())");
  return LocalRuntime(build());
}

Runtime::Runtime() : Runtime(Builder::new_multi_thread().enable_all().build()) {}

Runtime::Runtime(std::shared_ptr<detail::RuntimeInner> inner) noexcept : inner_(std::move(inner)) {}

Runtime& Runtime::operator=(Runtime&& other) noexcept {
  if (this != &other) {
    if (inner_) inner_->shutdown(std::nullopt);
    inner_ = std::move(other.inner_);
  }
  return *this;
}

namespace {
void check_not_in_runtime() {
  if (detail::tl_driving) {
    std::fputs(
        "tokio: a Runtime was dropped or shut down from inside a runtime thread (a task or a "
        "block_on body). That would wait for itself; drop it from outside the runtime, or use "
        "shutdown_background(). Aborting.\n",
        stderr);
    std::abort();
  }
}
}  // namespace

Runtime::~Runtime() {
  if (!inner_) return;
  check_not_in_runtime();
  inner_->shutdown(std::nullopt);
}

void Runtime::shutdown_timeout(std::chrono::nanoseconds timeout) && {
  if (!inner_) return;
  check_not_in_runtime();
  std::exchange(inner_, nullptr)->shutdown(timeout);
}

void Runtime::shutdown_background() && {
  if (!inner_) return;
  std::exchange(inner_, nullptr)->shutdown(std::chrono::nanoseconds(0));
}

}  // namespace tokio::runtime
