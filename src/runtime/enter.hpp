// Entering a runtime's context on a thread: what block_on and the workers do first.
#pragma once

#include <stdexcept>

#include "tokio/detail/runtime_inner.hpp"

namespace tokio::detail {

/// True while this thread drives a runtime (a worker, or inside block_on).
extern constinit thread_local bool tl_driving;

/// Marks this thread as driving `runtime` for the guard's lifetime.
/// Errors: throws std::logic_error when the thread already drives a runtime.
class EnterRuntime {
 public:
  /// `rejected_root`, if given, is a block_on root that is cancelled and released (its
  /// notification reference dropped) when entering fails, so that nothing leaks.
  explicit EnterRuntime(RuntimeInner* runtime, Header* rejected_root = nullptr)
      : saved_runtime_(tl_runtime) {
    if (tl_driving) {
      if (rejected_root) {
        task_shutdown(rejected_root);
        task_drop_ref(rejected_root);
      }
      throw std::logic_error(
          "Cannot start a runtime from within a runtime: block_on was called on a thread that "
          "is already driving tasks. Await the Task instead, or run the blocking code with "
          "task::spawn_blocking / task::block_in_place");
    }
    tl_driving = true;
    tl_runtime = runtime;
    bind_unit_cache(runtime);  // tasks spawned and freed here take units locally
  }
  ~EnterRuntime() {
    flush_unit_cache();
    tl_driving = false;
    tl_runtime = saved_runtime_;
  }
  EnterRuntime(const EnterRuntime&) = delete;
  EnterRuntime& operator=(const EnterRuntime&) = delete;

 private:
  RuntimeInner* saved_runtime_;
};

}  // namespace tokio::detail
