// tokio::task::JoinError: why a task produced no value.
#pragma once

#include <exception>
#include <stdexcept>

#include "tokio/task/id.hpp"

namespace tokio::task {

/// Thrown when awaiting a JoinHandle whose task did not complete normally: either it was
/// cancelled (aborted, or dropped by runtime shutdown) or an exception escaped it ("panicked",
/// in Tokio's words). For a panic, the original exception is kept and can be re-thrown.
class JoinError : public std::runtime_error {
 public:
  /// A JoinError for a cancelled task.
  static JoinError cancelled(Id id);
  /// A JoinError for a task that let `exception` escape.
  static JoinError panic(Id id, std::exception_ptr exception);

  /// True when the task was cancelled.
  bool is_cancelled() const noexcept { return !payload_; }
  /// True when an exception escaped the task.
  bool is_panic() const noexcept { return static_cast<bool>(payload_); }
  /// The exception that escaped the task (null when cancelled).
  std::exception_ptr panic_payload() const noexcept { return payload_; }
  /// Re-throws the original exception. Errors: throws std::logic_error if cancelled.
  [[noreturn]] void resume_panic() const;
  /// The id of the task this error came from.
  Id id() const noexcept { return id_; }

 private:
  JoinError(Id id, std::exception_ptr payload, const std::string& message);
  Id id_;
  std::exception_ptr payload_;
};

}  // namespace tokio::task
