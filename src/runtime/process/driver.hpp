// The process layer of the driver stack (after Tokio's runtime/process.rs): on top of the
// signal layer, it reaps orphaned children (see process/orphan.hpp) after each SIGCHLD.
#pragma once

#include <cstdint>

#include "runtime/signal/driver.hpp"

namespace tokio::detail {

class ProcessDriver final : public Park {
 public:
  explicit ProcessDriver(SignalDriver& signal) noexcept : signal_(signal) {}

  void park(std::optional<std::chrono::nanoseconds> timeout) noexcept override {
    signal_.park(timeout);
    reap_if_signalled();
  }
  void poll() noexcept override {
    signal_.poll();
    reap_if_signalled();
  }
  void unpark() noexcept override { signal_.unpark(); }

 private:
  // Driver thread: when a SIGCHLD was broadcast since the last look and orphans are queued,
  // reaps those that exited.
  void reap_if_signalled() noexcept;

  SignalDriver& signal_;
  std::uint64_t sigchld_seen_ = 0;  // driver thread only
};

}  // namespace tokio::detail
