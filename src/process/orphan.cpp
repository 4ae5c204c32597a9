#include "process/orphan.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <vector>

#include "signal/registry.hpp"
#include "tokio/detail/runtime_inner.hpp"

namespace tokio::detail {

namespace {
std::mutex queue_mutex;
std::vector<pid_t> queue;  // guarded by queue_mutex
std::atomic<bool> waiting{false};
// Raised by every reap request; the thread holding the queue lock repeats its pass while it
// is raised, so a request that found the lock taken is not lost.
std::atomic<bool> reap_again{false};

// True when `pid` is gone for us: reaped now, or not our child any more (ECHILD).
bool try_reap(pid_t pid) noexcept {
  int status;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r == 0) return false;
    if (errno == EINTR) continue;
    return true;  // ECHILD: nothing left to reap
  }
}
}  // namespace

void orphan_push(pid_t pid) noexcept {
  if (try_reap(pid)) return;
  {
    std::lock_guard lock(queue_mutex);
    try {
      queue.push_back(pid);
    } catch (...) {
      return;  // out of memory: the child stays a zombie until the process exits
    }
    waiting.store(true, std::memory_order_release);
  }
  try {
    signal_install(SIGCHLD, "tokio::process (reaping a dropped Child)");
    enable_current_signal_driver();
  } catch (...) {
    // Without the handler the child is still reaped by the next push or reap.
  }
  // The child may have exited before the handler was installed (no SIGCHLD seen): look again.
  orphan_reap();
}

bool orphans_waiting() noexcept {
  return waiting.load(std::memory_order_relaxed);
}

void orphan_reap() noexcept {
  reap_again.store(true);
  while (reap_again.load()) {
    std::unique_lock lock(queue_mutex, std::try_to_lock);
    if (!lock.owns_lock()) return;  // the holder repeats its pass
    reap_again.store(false);
    std::erase_if(queue, try_reap);
    waiting.store(!queue.empty(), std::memory_order_release);
  }
}

}  // namespace tokio::detail
