#include "tokio/process/exit_status.hpp"

#include <sys/wait.h>

#include <cstring>

namespace tokio::process {

std::optional<int> ExitStatus::code() const noexcept {
  if (WIFEXITED(raw_)) return WEXITSTATUS(raw_);
  return std::nullopt;
}

std::optional<int> ExitStatus::signal() const noexcept {
  if (WIFSIGNALED(raw_)) return WTERMSIG(raw_);
  return std::nullopt;
}

bool ExitStatus::core_dumped() const noexcept {
  return WIFSIGNALED(raw_) && WCOREDUMP(raw_);
}

std::string ExitStatus::to_string() const {
  if (auto c = code()) return "exit status: " + std::to_string(*c);
  if (auto s = signal()) {
    std::string out = "signal: " + std::to_string(*s);
    if (const char* name = ::sigabbrev_np(*s)) out += std::string(" (SIG") + name + ")";
    if (core_dumped()) out += " (core dumped)";
    return out;
  }
  return "unrecognised wait status: " + std::to_string(raw_);
}

}  // namespace tokio::process
