#include "tokio/time/sleep.hpp"

#include <stdexcept>

#include "runtime/task/state.hpp"
#include "runtime/time/driver.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/runtime_inner.hpp"

namespace tokio::detail {

TimeDriver& current_time_driver(const char* what) {
  auto& runtime = current_runtime(what);
  if (TimeDriver* driver = runtime.time_driver()) return *driver;
  throw std::logic_error(std::string(what) +
                         ": this runtime was built without timers; call enable_time() or "
                         "enable_all() on its Builder");
}

}  // namespace tokio::detail

namespace tokio::time {

Sleep::Sleep(Instant deadline)
    : runtime_(&detail::current_runtime("tokio::time::Sleep")),
      driver_(&detail::current_time_driver("tokio::time::Sleep")),
      deadline_(deadline) {
  runtime_->retain_unit();
}

Sleep::Sleep(Sleep&& other) noexcept
    : LeafOp<Sleep>(other),
      runtime_(other.runtime_),
      driver_(other.driver_),
      deadline_(other.deadline_),
      elapsed_(other.elapsed_ ||
               (other.armed_ && other.entry_.fired.load(std::memory_order_acquire))) {
  runtime_->retain_unit();  // the moved-from Sleep keeps its own until it is destroyed
}

Sleep::~Sleep() {
  if (armed_ && !entry_.fired.load(std::memory_order_acquire)) driver_->disarm(entry_);
  runtime_->release_unit();
}

bool Sleep::is_elapsed() const noexcept {
  return elapsed_ || (armed_ && entry_.fired.load(std::memory_order_acquire)) ||
         driver_->clock().now() >= deadline_;
}

void Sleep::reset(Instant deadline) {
  deadline_ = deadline;
  elapsed_ = false;
  if (armed_) {
    // Still linked: move it. Already fired: link it again with no waker until awaited.
    if (!entry_.fired.load(std::memory_order_acquire)) {
      if (!driver_->rearm(entry_, deadline)) elapsed_ = true;
      return;
    }
    armed_ = false;
  }
}

bool Sleep::poll(detail::Header* task) {
  if (task) return poll_elapsed(task);
  if (!elapsed_ && driver_->clock().now() >= deadline_) elapsed_ = true;  // a check only
  return elapsed_;
}

void Sleep::await_resume() noexcept {
  detail::coop_consume();
}

bool Sleep::poll_elapsed(detail::Header* task) {
  if (elapsed_) return true;
  if (armed_) {
    if (entry_.fired.load(std::memory_order_acquire)) {
      elapsed_ = true;
    } else if (waker_task_ != task) {
      driver_->set_waker(entry_, detail::task_waker(task));  // awaited by another task now
      waker_task_ = task;
    }
    return elapsed_;
  }
  // First poll: link the entry with this task's waker.
  if (!driver_->arm(entry_, deadline_, detail::task_waker(task))) {
    elapsed_ = true;
    return true;
  }
  armed_ = true;
  waker_task_ = task;
  return false;
}

}  // namespace tokio::time
