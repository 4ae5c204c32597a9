#include "runtime/scheduler/unhandled_stop.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace tokio::detail {

bool UnhandledStop::add_root(Header* root) {
  std::lock_guard lock(mutex_);
  if (stopped_.load(std::memory_order_relaxed)) return false;
  roots_.push_back(root);
  return true;
}

void UnhandledStop::remove_root(Header* root) noexcept {
  std::lock_guard lock(mutex_);
  std::erase(roots_, root);
}

bool UnhandledStop::stop(std::string reason) noexcept {
  std::lock_guard lock(mutex_);
  if (stopped_.load(std::memory_order_relaxed)) return false;
  reason_ = std::move(reason);
  stopped_.store(true, std::memory_order_release);
  for (Header* root : roots_)
    task_abort(root);
  return true;
}

void UnhandledStop::throw_stopped() const {
  std::lock_guard lock(mutex_);
  throw std::runtime_error(
      "tokio: the runtime was shut down by Builder::unhandled_exception("
      "ShutdownRuntime): " +
      reason_);
}

}  // namespace tokio::detail
