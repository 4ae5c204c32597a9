#include "runtime/driver.hpp"

#include "runtime/io/epoll_driver.hpp"

namespace tokio::detail {

Driver::Driver(const DriverConfig& config) {
  if (config.enable_io) {
    io_ = std::make_unique<EpollDriver>(config.busy_poll);
    signal_ = std::make_unique<SignalDriver>(*io_);
    process_ = std::make_unique<ProcessDriver>(*signal_);
    bottom_ = io_.get();
    top_ = process_.get();
  } else {
    thread_ = std::make_unique<ParkThread>();
    top_ = bottom_ = thread_.get();
  }
  if (config.enable_time) {
    time_ = std::make_unique<TimeDriver>(config.start_paused, *top_);
    top_ = time_.get();
  }
}

Driver::~Driver() {
  time_.reset();
  process_.reset();
  signal_.reset();
  io_.reset();
  thread_.reset();
}

void Driver::park(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  top_->park(timeout);
}

// Every layer forwards unpark() down; the bottom is the one that wakes the thread.
void Driver::unpark() noexcept {
  bottom_->unpark();
}

void Driver::poll_if_free() noexcept {
  // Without registrations there is nothing to poll: do not even touch the driver lock, so a
  // runtime that does no I/O keeps parking exactly as before.
  if (!io_ || !io_->may_have_events()) return;
  if (!try_lock()) return;
  top_->poll();
  unlock();
}

}  // namespace tokio::detail
