// The fs functions' way onto the blocking pool (Tokio's fs::asyncify): the blocking call's own
// exception (a std::system_error naming the path) reaches the caller, not a JoinError.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "tokio/task/join_error.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

template <class T>
Task<T> join_blocking(task::JoinHandle<T> handle) {
  try {
    co_return co_await std::move(handle);
  } catch (const task::JoinError& e) {
    if (e.is_panic()) e.resume_panic();
    throw;
  }
}

/// Runs `fn(args...)` on the blocking pool (the arguments copied into the job) and gives its
/// result, or rethrows its own exception.
template <class F, class... Args>
auto fs_blocking(F fn, Args&&... args) {
  return join_blocking(task::spawn_blocking(fn, std::forward<Args>(args)...));
}

/// Throws errno as a std::system_error: "tokio::fs::<function>: '<path>'".
[[noreturn]] inline void fs_fail(const char* function, const std::string& path, int err = errno) {
  throw std::system_error(err, std::system_category(),
                          std::string("tokio::fs::") + function + ": '" + path + "'");
}

}  // namespace tokio::detail
