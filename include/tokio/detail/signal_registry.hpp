// The process-wide signal registry behind tokio::signal (after Tokio's signal/registry.rs).
//
// Delivery path: the handler installed for a signal (async-signal-safe) raises the signal's
// `pending` flag and writes a byte to one process-wide pipe. Every runtime that has listeners
// registers the pipe's read end with its I/O driver (SignalDriver); the first driver to see it
// readable drains it and calls signal_broadcast(), which, for each pending signal, bumps the
// signal's generation and wakes its waiters, whatever runtime they run on. A listener has seen
// the generation it last returned; a newer generation is one (coalesced) delivery for it.
//
// Threads: `pending` is written by the handler (any thread) and exchanged by the broadcasting
// driver; the generation is bumped by the broadcaster and read by listeners (acquire/release);
// the waiter list is guarded by the signal's lock.
#pragma once

#include <cstdint>

#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

/// A task waiting for a signal; a node in its awaiting operation.
struct SignalWaiter : ListLinks<SignalWaiter> {
  // Guarded by the signal's lock (the broadcaster unlinks the node and takes the waker):
  Waker waker;
  Header* waker_task = nullptr;  // whose waker `waker` is: a re-poll by it needs no new clone
  bool queued = false;
  // Touched only by the waiting task's thread: the node may be queued (a cancel must lock).
  bool registered = false;
};

/// Installs the process-wide handler for `signum` (once per signal, for the life of the
/// process: the signal's default action, such as terminating on SIGINT, no longer happens)
/// and makes the current runtime read the signal pipe. `what` names the caller in errors.
/// Errors: std::invalid_argument for a number that is not a signal or one that cannot be
/// handled (SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV); std::logic_error outside a runtime or
/// in one without enable_io; std::system_error when the OS refuses (sigaction, pipe).
void signal_enable(int signum, const char* what);

/// The number of deliveries of `signum` broadcast so far.
std::uint64_t signal_generation(int signum) noexcept;

/// One poll of a wait for a delivery newer than `seen`: true (and `seen` updated) when there is
/// one; otherwise, with a task, queues `waiter` with that task's waker.
bool signal_poll(int signum, std::uint64_t& seen, SignalWaiter& waiter, Header* task);

/// Unlinks `waiter` if it is queued.
void signal_cancel(int signum, SignalWaiter& waiter) noexcept;

}  // namespace tokio::detail
