#include <string>

#include "tokio/task/join_error.hpp"

namespace tokio::task {

namespace {
std::string describe(std::exception_ptr payload) {
  try {
    std::rethrow_exception(payload);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "a non-std::exception value";
  }
}
}  // namespace

JoinError::JoinError(Id id, std::exception_ptr payload, const std::string& message)
    : std::runtime_error(message), id_(id), payload_(std::move(payload)) {}

JoinError JoinError::cancelled(Id id) {
  return JoinError(id, nullptr, "task " + std::to_string(id.value()) + " was cancelled");
}

JoinError JoinError::panic(Id id, std::exception_ptr exception) {
  auto message = "task " + std::to_string(id.value()) + " panicked: " + describe(exception);
  return JoinError(id, std::move(exception), message);
}

void JoinError::resume_panic() const {
  if (!payload_) throw std::logic_error("JoinError::resume_panic on a cancelled task");
  std::rethrow_exception(payload_);
}

}  // namespace tokio::task
