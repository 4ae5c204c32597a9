#include "runtime/process/driver.hpp"

#include <signal.h>

#include "process/orphan.hpp"
#include "tokio/detail/signal_registry.hpp"

namespace tokio::detail {

void ProcessDriver::reap_if_signalled() noexcept {
  if (!orphans_waiting()) return;
  const std::uint64_t now = signal_generation(SIGCHLD);
  if (now == sigchld_seen_) return;
  sigchld_seen_ = now;
  orphan_reap();
}

}  // namespace tokio::detail
