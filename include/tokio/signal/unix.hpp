// tokio::signal::unix: listening for Unix signals (SIGHUP, SIGTERM, SIGUSR1...).
#pragma once

#include <signal.h>

#include <cstdint>

#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/signal_registry.hpp"

// `unix` is a predefined macro in GNU modes (-std=gnu++20, CMake's default): hide it while the
// namespace is declared. Code built in a GNU mode names these through tokio::signal
// (tokio::signal::signal, tokio::signal::SignalKind) instead of tokio::signal::unix.
#pragma push_macro("unix")
#undef unix

namespace tokio::signal::unix {

/// Which signal to listen for. The named constructors cover the signals Tokio names; from_raw
/// takes any number (checked when the listener is made).
class SignalKind {
 public:
  /// Any signal number, e.g. `SignalKind::from_raw(SIGRTMIN + 1)`.
  static constexpr SignalKind from_raw(int signum) noexcept { return SignalKind(signum); }
  /// The signal number.
  constexpr int as_raw_value() const noexcept { return signum_; }

  /// SIGALRM: a real-time timer expired.
  static constexpr SignalKind alarm() noexcept { return SignalKind(SIGALRM); }
  /// SIGCHLD: a child process exited or stopped.
  static constexpr SignalKind child() noexcept { return SignalKind(SIGCHLD); }
  /// SIGHUP: the terminal went away; daemons take it as "reload the configuration".
  static constexpr SignalKind hangup() noexcept { return SignalKind(SIGHUP); }
  /// SIGINT: Ctrl-C at the terminal.
  static constexpr SignalKind interrupt() noexcept { return SignalKind(SIGINT); }
  /// SIGIO: I/O is possible on a descriptor set up for it.
  static constexpr SignalKind io() noexcept { return SignalKind(SIGIO); }
  /// SIGPIPE: a write to a pipe or socket whose reader is gone.
  static constexpr SignalKind pipe() noexcept { return SignalKind(SIGPIPE); }
  /// SIGQUIT: Ctrl-\ at the terminal.
  static constexpr SignalKind quit() noexcept { return SignalKind(SIGQUIT); }
  /// SIGTERM: a polite request to terminate (what `kill` and service managers send).
  static constexpr SignalKind terminate() noexcept { return SignalKind(SIGTERM); }
  /// SIGUSR1.
  static constexpr SignalKind user_defined1() noexcept { return SignalKind(SIGUSR1); }
  /// SIGUSR2.
  static constexpr SignalKind user_defined2() noexcept { return SignalKind(SIGUSR2); }
  /// SIGWINCH: the terminal window changed size.
  static constexpr SignalKind window_change() noexcept { return SignalKind(SIGWINCH); }

  friend constexpr bool operator==(SignalKind, SignalKind) noexcept = default;

 private:
  constexpr explicit SignalKind(int signum) noexcept : signum_(signum) {}
  int signum_;
};

class Signal;

/// The awaitable of Signal::recv(); completes when a delivery the listener has not seen yet
/// was broadcast. Cancel-safe: destroying it loses nothing (the delivery stays unseen).
class [[nodiscard]] SignalRecv final : public detail::LeafOp<SignalRecv> {
 public:
  explicit SignalRecv(Signal& signal) noexcept : signal_(&signal) {}
  /// Movable until first awaited.
  SignalRecv(SignalRecv&& other) noexcept : signal_(other.signal_) {}
  SignalRecv& operator=(const SignalRecv&) = delete;
  ~SignalRecv();

  void await_resume() noexcept { detail::coop_consume(); }

 private:
  friend detail::LeafOp<SignalRecv>;
  static const char* what() noexcept { return "awaiting tokio::signal::unix::Signal::recv()"; }
  bool poll(detail::Header* task);

  Signal* signal_;
  detail::SignalWaiter waiter_;
};

/// A listener for one signal, made by `signal(kind)`. Any number of listeners may exist for
/// one signal, on any number of runtimes; each sees every delivery.
///
/// Deliveries coalesce, as in Tokio and as the kernel does: several signals that arrive before
/// the listener's next recv() completes count as one. Deliveries that arrived before the
/// listener was made and were not yet dispatched by a driver count for it as well.
///
/// Once a signal has been listened for, the runtime handles it for the rest of the process:
/// its default action (SIGINT and SIGTERM terminate) no longer happens, also after every
/// listener is gone. A handler installed before (by another library) is still called.
///
/// Example:
/// ```
/// auto hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup());
/// for (;;) {
///   co_await hangups.recv();
///   reload_configuration();
/// }
/// ```
class Signal {
 public:
  Signal(Signal&&) noexcept = default;
  Signal& operator=(Signal&&) noexcept = default;

  /// Waits for the next delivery of the signal. Cancel-safe: a delivery is never lost by
  /// dropping the awaitable (the next recv() sees it).
  SignalRecv recv() noexcept { return SignalRecv(*this); }

  /// The signal listened for.
  SignalKind kind() const noexcept { return SignalKind::from_raw(signum_); }

 private:
  friend Signal signal(SignalKind kind);
  friend class SignalRecv;
  Signal(int signum, std::uint64_t seen) noexcept : signum_(signum), seen_(seen) {}
  int signum_;
  std::uint64_t seen_;  // the last delivery (generation) this listener returned
};

/// Listens for `kind` from now on: the first call for a signal installs the process-wide
/// handler (see Signal). Call it inside a runtime built with the I/O driver.
///
/// Errors: std::invalid_argument for a number that is not a signal, and for SIGKILL, SIGSTOP,
/// SIGILL, SIGFPE and SIGSEGV (which cannot or must not be handled); std::logic_error outside
/// a runtime or in one without enable_io; std::system_error when the OS refuses.
Signal signal(SignalKind kind);

}  // namespace tokio::signal::unix

namespace tokio::signal {
using unix::Signal;
using unix::signal;
using unix::SignalKind;
using unix::SignalRecv;
}  // namespace tokio::signal

#pragma pop_macro("unix")
