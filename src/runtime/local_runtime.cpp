// tokio::runtime::LocalRuntime: see tokio/runtime/local_runtime.hpp.
#include "tokio/runtime/local_runtime.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace tokio::runtime {

LocalRuntime::LocalRuntime() : LocalRuntime(Builder::new_current_thread().enable_all().build()) {}

LocalRuntime::LocalRuntime(Runtime runtime) : runtime_(std::move(runtime)) {
  if (runtime_.handle().runtime_flavor() != RuntimeFlavor::CurrentThread)
    throw std::logic_error(
        "tokio::runtime::LocalRuntime needs a current_thread runtime: its tasks run on the "
        "thread that calls block_on (build it with Builder::new_current_thread())");
}

LocalRuntime& LocalRuntime::operator=(LocalRuntime&& other) noexcept {
  if (this != &other) {
    close_local();
    runtime_ = std::move(other.runtime_);
    local_ = std::move(other.local_);
  }
  return *this;
}

LocalRuntime::~LocalRuntime() {
  close_local();
}

task::LocalSet::EnterGuard LocalRuntime::enter_local(const char* what) {
  if (!runtime_.inner_)
    throw std::logic_error(std::string(what) + ": this LocalRuntime was moved from");
  try {
    return local_.enter();
  } catch (const std::logic_error&) {
    throw std::logic_error(std::string(what) +
                           ": a LocalRuntime runs on the thread that first called block_on; "
                           "call it from that thread");
  }
}

void LocalRuntime::close_local() noexcept {
  if (!runtime_.inner_) return;  // moved from
  // The local tasks' destructors run inside the runtime's context, as the runtime's own
  // tasks' do at shutdown (they may spawn, or touch timers and sockets of the runtime).
  struct Enter {
    detail::RuntimeInner* saved = std::exchange(detail::tl_runtime, nullptr);
    ~Enter() { detail::tl_runtime = saved; }
  } enter;
  detail::tl_runtime = runtime_.inner_.get();
  task::LocalSet closing = std::move(local_);  // its destructor cancels the tasks
}

void LocalRuntime::shutdown_timeout(std::chrono::nanoseconds timeout) && {
  close_local();
  std::move(runtime_).shutdown_timeout(timeout);
}

void LocalRuntime::shutdown_background() && {
  close_local();
  std::move(runtime_).shutdown_background();
}

}  // namespace tokio::runtime
