// tokio::process::Child and the pipes to its standard streams.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "tokio/detail/immediate_op.hpp"
#include "tokio/detail/pipe_end.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/process/exit_status.hpp"
#include "tokio/signal/unix.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {
/// Tests only: children spawned by this thread are waited for through SIGCHLD, as on a kernel
/// without pidfd (before Linux 5.3).
extern constinit thread_local bool tl_process_without_pidfd;
}  // namespace tokio::detail

namespace tokio::process {

class Command;
class Stdio;

/// The write end of a pipe to a child's standard input (Command::stdin(Stdio::piped())).
/// An io::AsyncWrite: write, flush (completes at once: nothing is buffered here) and shutdown
/// (closes the pipe, so the child reads end of file), plus write_all and the other utilities.
/// Writing after the child closed its end throws std::system_error (broken_pipe); the process
/// never gets SIGPIPE. Cancel-safe writes. Destroying it closes the pipe.
class ChildStdin : public io::AsyncWriteExt<ChildStdin> {
 public:
  ChildStdin(ChildStdin&&) noexcept = default;
  ChildStdin& operator=(ChildStdin&&) noexcept = default;

  template <io::ConstBuffer B>
  detail::PipeEnd::WriteOp write(B&& buf) const noexcept {
    return pipe_.write(io::as_const_bytes(buf));
  }
  /// Completes at once: writes go straight to the pipe.
  auto flush() const noexcept {
    return detail::ImmediateOp{[] {}};
  }
  /// Closes the pipe (the child reads end of file). Completes at once.
  auto shutdown() noexcept {
    return detail::ImmediateOp{[this] { pipe_.close(); }};
  }
  int as_raw_fd() const noexcept { return pipe_.fd(); }
  /// Deregisters and gives the descriptor back (non-blocking); this object is then empty.
  int into_raw_fd() && noexcept { return pipe_.release(); }

 private:
  friend class Command;
  explicit ChildStdin(detail::PipeEnd pipe) noexcept : pipe_(std::move(pipe)) {}
  detail::PipeEnd pipe_;
};

/// The read end of a pipe from a child's standard output or error (`Stdio::piped()`).
/// An io::AsyncRead: read gives at least one byte, or 0 at end of file (the child closed its
/// end, usually by exiting); read_to_end, read_to_string, BufReader and lines work on it.
/// Cancel-safe reads. Destroying it closes the pipe.
class ChildOutput : public io::AsyncReadExt<ChildOutput> {
 public:
  ChildOutput(ChildOutput&&) noexcept = default;
  ChildOutput& operator=(ChildOutput&&) noexcept = default;

  template <io::MutableBuffer B>
  detail::PipeEnd::ReadOp read(B&& buf) const noexcept {
    return pipe_.read(io::as_mutable_bytes(buf));
  }
  int as_raw_fd() const noexcept { return pipe_.fd(); }
  /// Deregisters and gives the descriptor back (non-blocking); this object is then empty.
  int into_raw_fd() && noexcept { return pipe_.release(); }

 private:
  friend class Command;
  explicit ChildOutput(detail::PipeEnd pipe) noexcept : pipe_(std::move(pipe)) {}
  detail::PipeEnd pipe_;
};

/// The pipe from a child's standard output.
using ChildStdout = ChildOutput;
/// The pipe from a child's standard error.
using ChildStderr = ChildOutput;

/// What Child::wait_with_output and Command::output give: the exit status and everything the
/// child wrote to the piped standard output and error (bytes, not necessarily text).
struct Output {
  ExitStatus status;
  std::string stdout;  // NOLINT: named as Tokio's (glibc defines `stdout` as itself)
  std::string stderr;
};

/// A running (or finished) child process, made by Command::spawn.
///
/// The child is waited for with wait() (or try_wait, kill, wait_with_output). A Child
/// destroyed before that does not leave a zombie: the runtime reaps it when it exits (Tokio's
/// orphan queue, driven by SIGCHLD); with Command::kill_on_drop(true) it is killed first.
///
/// Example:
/// ```
/// auto child = tokio::process::Command("sleep").arg("1").spawn();
/// tokio::process::ExitStatus status = co_await child.wait();
/// ```
class Child {
 public:
  /// The pipes of the streams configured as Stdio::piped(); take them with std::move.
  std::optional<ChildStdin> stdin;  // NOLINT: named as Tokio's
  std::optional<ChildStdout> stdout;
  std::optional<ChildStderr> stderr;

  Child(Child&&) noexcept;
  Child& operator=(Child&&) noexcept;
  Child(const Child&) = delete;
  /// Kills the child if kill_on_drop was set; a child not yet waited for is reaped later.
  ~Child();

  /// The process id; empty once the child was waited for (the id may be reused then).
  std::optional<std::uint32_t> id() const noexcept;

  /// Closes `stdin` (so that a child reading it sees end of file), then waits for the child
  /// to exit and gives its status. Cancel-safe: call it again. Once it has returned, later
  /// calls give the same status at once.
  /// Errors: std::system_error if the child was reaped by someone else (waitpid(-1) elsewhere,
  /// or SIGCHLD set to SIG_IGN).
  Task<ExitStatus> wait();
  /// The status if the child has exited (reaping it), else empty; never blocks.
  std::optional<ExitStatus> try_wait();
  /// Sends SIGKILL, without waiting. Errors: std::system_error (invalid_argument) if the
  /// child was already waited for.
  void start_kill();
  /// Sends SIGKILL and waits for the child to exit. Cancel-safe (the kill is sent at most
  /// once per call; waiting can be resumed with wait()).
  Task<void> kill();
  /// Closes stdin, reads stdout and stderr to their ends (those that are piped) while waiting
  /// for the child, and gives the three. Not cancel-safe: output read so far is lost.
  Task<Output> wait_with_output();

 private:
  friend class Command;
  Child(pid_t pid, bool kill_on_drop) noexcept : pid_(pid), kill_on_drop_(kill_on_drop) {}
  // Sets up how exit is noticed: `pidfd` when valid, else a SIGCHLD listener.
  void watch_exit(int pidfd);
  // The child was reaped: its id and exit watcher go.
  void reaped(int wait_status) noexcept;

  pid_t pid_ = -1;  // -1 once reaped or moved from
  std::optional<ExitStatus> status_;
  // How exit is noticed: the pidfd (Linux 5.3+) is readable once the child exits; without it,
  // a SIGCHLD listener made before the first waitpid, so no exit is missed.
  std::optional<detail::PollEvented> pidfd_;
  std::optional<signal::Signal> sigchld_;
  bool kill_on_drop_ = false;
};

}  // namespace tokio::process
