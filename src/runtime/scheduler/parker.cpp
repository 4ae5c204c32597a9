#include "runtime/scheduler/parker.hpp"

namespace tokio::detail {

void Parker::park(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  int expected = NOTIFIED;
  if (state_.compare_exchange_strong(expected, EMPTY)) return;
  if (timeout && timeout->count() == 0 && !driver_) return;
  if (driver_ && driver_->try_lock()) {
    park_driver(timeout);
    driver_->unlock();
  } else {
    park_condvar(timeout);
  }
}

void Parker::park_driver(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  int expected = EMPTY;
  if (!state_.compare_exchange_strong(expected, PARKED_DRIVER)) {
    state_.store(EMPTY);  // was NOTIFIED
    return;
  }
  driver_->park(timeout);
  state_.exchange(EMPTY);  // NOTIFIED (consumed) or PARKED_DRIVER (timeout / other event)
}

void Parker::park_condvar(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  std::unique_lock lock(mutex_);
  int expected = EMPTY;
  if (!state_.compare_exchange_strong(expected, PARKED_CONDVAR)) {
    state_.store(EMPTY);  // was NOTIFIED
    return;
  }
  const auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout
                                : std::chrono::steady_clock::time_point::max();
  for (;;) {
    if (timeout) {
      condvar_.wait_until(lock, deadline);
    } else {
      condvar_.wait(lock);
    }
    expected = NOTIFIED;
    if (state_.compare_exchange_strong(expected, EMPTY)) return;
    if (timeout && std::chrono::steady_clock::now() >= deadline) {
      state_.exchange(EMPTY);  // PARKED_CONDVAR, or a NOTIFIED that raced in: consume it
      return;
    }
  }
}

void Parker::unpark() noexcept {
  switch (state_.exchange(NOTIFIED)) {
    case EMPTY:
    case NOTIFIED:
      return;
    case PARKED_CONDVAR: {
      // Taking the lock orders this notify after the sleeper's wait began.
      std::lock_guard lock(mutex_);
    }
      condvar_.notify_one();
      return;
    case PARKED_DRIVER:
      driver_->unpark();
      return;
  }
}

}  // namespace tokio::detail
