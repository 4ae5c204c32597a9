// tokio::process::ExitStatus: how a child process ended.
#pragma once

#include <optional>
#include <string>

namespace tokio::process {

/// How a child process ended, from its wait status (waitpid).
class ExitStatus {
 public:
  /// From a raw wait status as waitpid gives it.
  static ExitStatus from_raw(int wait_status) noexcept { return ExitStatus(wait_status); }

  /// True when the child exited with code 0.
  bool success() const noexcept { return code() == 0; }
  /// The exit code, when the child exited (rather than being killed by a signal).
  std::optional<int> code() const noexcept;
  /// The signal that killed the child, when one did.
  std::optional<int> signal() const noexcept;
  /// Whether the child dumped core when it was killed.
  bool core_dumped() const noexcept;
  /// The raw wait status.
  int into_raw() const noexcept { return raw_; }
  /// "exit status: 1" or "signal: 9 (SIGKILL)", as Rust prints it.
  std::string to_string() const;

  friend bool operator==(ExitStatus, ExitStatus) noexcept = default;

 private:
  explicit ExitStatus(int raw) noexcept : raw_(raw) {}
  int raw_;
};

}  // namespace tokio::process
