#include "runtime/park.hpp"

#include <algorithm>
#include <mutex>

namespace tokio::detail {

void ParkThread::park(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  std::unique_lock lock(mutex_);
  if (timeout) {
    // Bounded so that steady_clock::now() + timeout cannot overflow; returning early is allowed.
    const auto bounded = std::min<std::chrono::nanoseconds>(*timeout, std::chrono::hours(24));
    condvar_.wait_for(lock, bounded, [&] { return notified_; });
  } else {
    condvar_.wait(lock, [&] { return notified_; });
  }
  notified_ = false;
}

void ParkThread::unpark() noexcept {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  condvar_.notify_one();
}

}  // namespace tokio::detail
