// The driver-facing half of the signal registry (see tokio/detail/signal_registry.hpp).
#pragma once

namespace tokio::detail {

/// The read end of the process-wide signal pipe (non-blocking), created on first use.
/// Errors: std::system_error when pipe2 fails.
int signal_pipe_read_fd();

/// Installs the process-wide handler for `signum` (once) without touching any runtime.
/// Errors as signal_enable's, less the runtime ones.
void signal_install(int signum, const char* what);

/// Makes the current runtime (if any, with I/O) read the signal pipe. Errors: std::system_error
/// when the pipe cannot be registered.
void enable_current_signal_driver();

/// Drains the signal pipe, then delivers every pending signal: bumps its generation and wakes
/// its waiters. Called by a driver that saw the pipe readable; any thread.
void signal_broadcast() noexcept;

}  // namespace tokio::detail
