// tokio::test::block_on (tokio-test's): run a Task to completion from a plain test function.
#pragma once

#include <utility>

#include "tokio/runtime/runtime.hpp"
#include "tokio/task/task.hpp"

namespace tokio::test {

/// Runs `task` on a new current-thread runtime with I/O and time enabled, blocking the calling
/// thread until it completes, and returns its value (re-throws its exception). The runtime is
/// shut down before block_on returns. For a test written as a plain function; TOKIO_TEST
/// (<tokio/test.hpp>) does the same for a whole test body, on either scheduler.
///
/// Errors: std::logic_error when called from inside a runtime (block_on cannot nest).
template <class T>
T block_on(Task<T> task) {
  auto runtime = runtime::Builder::new_current_thread().enable_all().build();
  return runtime.block_on(std::move(task));
}

}  // namespace tokio::test
