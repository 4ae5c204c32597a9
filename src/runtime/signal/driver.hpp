// The signal layer of the driver stack (after Tokio's runtime/signal/mod.rs): sits on the I/O
// driver and turns the readiness of the process-wide signal pipe into signal deliveries.
//
// The pipe is registered only once a signal is listened for on this runtime (enable()), so a
// runtime that never handles signals polls nothing more than before.
#pragma once

#include <atomic>
#include <mutex>

#include "runtime/io/driver.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class SignalDriver final : public Park {
 public:
  explicit SignalDriver(IoDriver& io) noexcept : io_(io) {}
  ~SignalDriver() override;

  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept override {
    io_.park(timeout);
    dispatch();
  }
  void poll() noexcept override {
    io_.poll();
    dispatch();
  }
  void unpark() noexcept override { io_.unpark(); }

  /// Makes this runtime read the signal pipe from now on (idempotent; any thread).
  /// Errors: std::system_error when the pipe cannot be created or registered.
  void enable();

 private:
  // Driver thread: if the pipe is readable, drains it and broadcasts the pending signals.
  void dispatch() noexcept;

  IoDriver& io_;
  std::mutex enable_mutex_;
  // Set once by enable() (release), read by the driver thread (acquire).
  seam::atomic<ScheduledIo*> pipe_{nullptr};
};

}  // namespace tokio::detail
