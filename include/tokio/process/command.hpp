// tokio::process::Command and Stdio: configuring and starting child processes.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/process/child.hpp"
#include "tokio/process/exit_status.hpp"
#include "tokio/task/task.hpp"

namespace tokio::process {

/// What a child's standard input, output or error is connected to.
class Stdio {
 public:
  /// A new pipe; the parent's end appears in Child::stdin / stdout / stderr.
  static Stdio piped() noexcept { return Stdio(Kind::Piped, -1); }
  /// /dev/null.
  static Stdio null() noexcept { return Stdio(Kind::Null, -1); }
  /// The parent's own stream.
  static Stdio inherit() noexcept { return Stdio(Kind::Inherit, -1); }
  /// Takes ownership of `fd` (closed when the Stdio, or the Command holding it, goes away);
  /// the child gets a copy of it.
  static Stdio from_fd(int fd) noexcept { return Stdio(Kind::Fd, fd); }
  /// Feeds another child's output pipe to this child (a shell's `a | b`); the pipe is made
  /// blocking again, as programs expect of their standard streams.
  static Stdio from(ChildOutput&& pipe) noexcept;
  /// Connects this child's output to another child's input pipe.
  static Stdio from(ChildStdin&& pipe) noexcept;

  Stdio(Stdio&& other) noexcept : kind_(other.kind_), fd_(std::exchange(other.fd_, -1)) {}
  Stdio& operator=(Stdio&& other) noexcept;
  ~Stdio();

 private:
  friend class Command;
  enum class Kind { Inherit, Null, Piped, Fd };
  Stdio(Kind kind, int fd) noexcept : kind_(kind), fd_(fd) {}
  Kind kind_;
  int fd_;
};

/// Builds and starts child processes, as Tokio's (and std's) Command.
///
/// The program is looked up in PATH (the PATH given with env() if any, else the parent's)
/// unless it contains a '/'. By default spawn() and status() let the child inherit the three
/// standard streams; output() connects stdin to /dev/null and pipes stdout and stderr.
///
/// Errors (from spawn, status, output): std::system_error naming the program: not found in
/// PATH (no_such_file_or_directory), not executable (permission_denied), a failed pre_exec
/// hook or uid/gid change (its errno), or a resource limit; std::logic_error outside a runtime
/// or in one without enable_io.
///
/// Example:
/// ```
/// auto out = co_await tokio::process::Command("echo").arg("hello").output();
/// assert(out.status.success() && out.stdout == "hello\n");
/// ```
class Command {
 public:
  /// A command that runs `program` with no arguments.
  explicit Command(std::string program);
  Command(Command&&) noexcept = default;
  Command& operator=(Command&&) noexcept = default;
  ~Command();

  /// Adds one argument.
  Command& arg(std::string arg);
  /// Adds arguments in order: `args("-c", "echo hi")`. (No initializer-list form: GCC 12
  /// rejects a braced list inside a co_await expression.)
  template <class... Strings>
  requires(sizeof...(Strings) > 0 && (std::is_convertible_v<Strings, std::string_view> &&
                                      ...)) Command& args(Strings&&... args) {
    (arg(std::string(std::string_view(args))), ...);
    return *this;
  }
  /// Adds every string of a container in order: `args(std::vector<std::string>{...})`.
  template <class Range>
  requires requires(const Range& r) { std::string(*std::begin(r)); }
  Command& args(const Range& range) {
    for (const auto& a : range)
      arg(std::string(a));
    return *this;
  }
  /// Sets the child's argv[0] (by default the program as given).
  Command& arg0(std::string arg0);

  /// Sets an environment variable of the child.
  Command& env(std::string key, std::string value);
  /// Sets several.
  template <class Range>
  Command& envs(const Range& pairs) {
    for (const auto& [k, v] : pairs)
      env(std::string(k), std::string(v));
    return *this;
  }
  /// Removes a variable from the child's environment.
  Command& env_remove(std::string key);
  /// Starts the child's environment empty (variables set after this are kept).
  Command& env_clear();
  /// The child's working directory.
  Command& current_dir(std::string dir);

  /// Where the child's standard input, output and error go.
  Command& stdin(Stdio cfg);  // NOLINT: named as Tokio's
  Command& stdout(Stdio cfg);
  Command& stderr(Stdio cfg);

  /// Kill the child (SIGKILL) when its Child is destroyed before it was waited for.
  Command& kill_on_drop(bool kill) noexcept {
    kill_on_drop_ = kill;
    return *this;
  }
  /// Puts the child in process group `pgid` (0: a new group led by the child).
  Command& process_group(pid_t pgid) noexcept {
    pgroup_ = pgid;
    return *this;
  }
  /// Runs the child as user `uid` / group `gid` (needs the privilege to).
  Command& uid(uid_t uid) noexcept {
    uid_ = uid;
    return *this;
  }
  Command& gid(gid_t gid) noexcept {
    gid_ = gid;
    return *this;
  }
  /// Runs `hook` in the child after fork and before exec (after the streams, directory, group
  /// and ids are set up). It returns 0 to go on or an errno value, which makes spawn fail with
  /// that error. It runs in a copy of a multi-threaded process: call only async-signal-safe
  /// functions (no locks, no allocation), as with Rust's `pre_exec`.
  Command& pre_exec(std::function<int()> hook);

  /// The program as given.
  const std::string& get_program() const noexcept { return program_; }

  /// Starts the child. The call itself does not wait (the exec happens before it returns, so
  /// a missing program is reported here).
  Child spawn();
  /// Runs the child to completion, inheriting the streams not configured, and gives its
  /// exit status. Not cancel-safe as such: destroying it reaps the child later (or kills it
  /// with kill_on_drop).
  Task<ExitStatus> status();
  /// Runs the child to completion, with stdin from /dev/null and stdout and stderr captured
  /// (unless configured otherwise), and gives the status and the captured bytes.
  Task<Output> output();

 private:
  enum class Default { Inherit, Capture };
  Child spawn_with(Default defaults);

  std::string program_;
  std::vector<std::string> args_;  // args_[0] is argv[0]
  bool env_clear_ = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> env_changes_;
  std::optional<std::string> current_dir_;
  std::optional<Stdio> stdin_, stdout_, stderr_;
  bool kill_on_drop_ = false;
  std::optional<pid_t> pgroup_;
  std::optional<uid_t> uid_;
  std::optional<gid_t> gid_;
  std::vector<std::function<int()>> pre_exec_;
};

}  // namespace tokio::process
