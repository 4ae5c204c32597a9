// tokio::signal::ctrl_c: waiting for Ctrl-C (SIGINT).
#pragma once

#include "tokio/task/task.hpp"

namespace tokio::signal {

/// Completes at the next SIGINT (Ctrl-C at the terminal) after it first runs. The listener is
/// made when the returned task is first awaited, so a Ctrl-C before that is not seen; await it
/// early (or keep a `unix::signal(SignalKind::interrupt())` listener) when that matters.
///
/// The first call installs the process-wide SIGINT handler: from then on Ctrl-C no longer
/// terminates the program, also once nothing awaits ctrl_c() any more (as in Tokio). Use it
/// for graceful shutdown:
/// ```
/// co_await tokio::select(serve(listener), tokio::signal::ctrl_c());
/// ```
///
/// Errors (thrown when awaited): std::logic_error outside a runtime or in one without
/// enable_io; std::system_error when the handler cannot be installed. Cancel-safe.
Task<void> ctrl_c();

}  // namespace tokio::signal
