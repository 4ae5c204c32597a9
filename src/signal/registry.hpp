// The driver-facing half of the signal registry (see tokio/detail/signal_registry.hpp).
#pragma once

namespace tokio::detail {

/// The read end of the process-wide signal pipe (non-blocking), created on first use.
/// Errors: std::system_error when pipe2 fails.
int signal_pipe_read_fd();

/// Drains the signal pipe, then delivers every pending signal: bumps its generation and wakes
/// its waiters. Called by a driver that saw the pipe readable; any thread.
void signal_broadcast() noexcept;

}  // namespace tokio::detail
