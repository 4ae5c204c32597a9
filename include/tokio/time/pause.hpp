// The paused clock for tests: tokio::time::pause, resume and advance.
#pragma once

#include "tokio/task/task.hpp"
#include "tokio/time/instant.hpp"

namespace tokio::time {

/// Freezes the current runtime's clock: Instant::now() stops moving and sleeps complete only
/// when time is advanced. While the runtime has nothing else to do (no ready task, no running
/// spawn_blocking job), time jumps straight to the next timer, so a test that sleeps an hour
/// finishes at once. See also Builder::start_paused.
///
/// Errors: std::logic_error outside a runtime, on a multi_thread runtime (only current_thread
/// supports a paused clock, as in Tokio), without enable_time, or if already paused.
void pause();

/// Lets the clock run again from the real current time.
/// Errors: std::logic_error as for pause, or if the clock is not paused.
void resume();

/// Moves the paused clock forward by `duration`, fires the timers that became due, and yields
/// so that the tasks they woke run before advance returns.
/// Errors: std::logic_error as for pause, or if the clock is not paused.
Task<void> advance(Duration duration);

}  // namespace tokio::time
