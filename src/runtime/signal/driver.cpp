#include "runtime/signal/driver.hpp"

#include "signal/registry.hpp"

namespace tokio::detail {

SignalDriver::~SignalDriver() {
  if (ScheduledIo* pipe = pipe_.load(std::memory_order_relaxed)) io_.deregister_io(pipe);
}

void SignalDriver::enable() {
  if (pipe_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(enable_mutex_);
  if (pipe_.load(std::memory_order_relaxed)) return;
  pipe_.store(io_.register_io(signal_pipe_read_fd(), IoKind::Notification),
              std::memory_order_release);
}

void SignalDriver::dispatch() noexcept {
  ScheduledIo* pipe = pipe_.load(std::memory_order_acquire);
  if (!pipe) return;
  IoWaiter check;  // never queued: polled without a task
  check.interest = io::Ready(io::Ready::kReadable | io::Ready::kReadClosed);
  ReadyEvent event;
  if (!pipe->poll(check, nullptr, event)) return;
  // Cleared before draining: a byte written after the drain raises readiness anew.
  pipe->clear_readiness(event);
  signal_broadcast();
}

}  // namespace tokio::detail
