// The orphan queue (after Tokio's process/unix/orphan.rs): children whose Child was destroyed
// before they were waited for. They are reaped with waitpid(pid, WNOHANG) (never waitpid(-1),
// which would steal other code's children) when SIGCHLD is delivered: every runtime's
// ProcessDriver checks the queue after a SIGCHLD, and a push checks once more after queueing.
#pragma once

#include <sys/types.h>

namespace tokio::detail {

/// Reaps `pid` now if it has exited, else queues it. Installs the SIGCHLD handler and makes
/// the current runtime (if any, with I/O) read signals, so that a later exit is noticed.
void orphan_push(pid_t pid) noexcept;

/// Whether the queue may hold children (a relaxed hint).
bool orphans_waiting() noexcept;

/// Reaps every queued child that has exited. Any thread; skips if another thread is at it.
void orphan_reap() noexcept;

}  // namespace tokio::detail
