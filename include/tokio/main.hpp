// tokio::run: the `#[tokio::main]` of tokio-cpp.
#pragma once

#include <utility>

#include "tokio/runtime/runtime.hpp"

namespace tokio {

/// Builds a multi-thread runtime with everything enabled, runs `task` to completion on it and
/// returns its value; the runtime is shut down before run returns. For a program's main:
///
///   tokio::Task<int> async_main() { ...; co_return 0; }
///   int main() { return tokio::run(async_main()); }
///
/// Errors: re-throws what `task` throws; std::system_error if the runtime cannot be built.
template <class T>
T run(Task<T> task) {
  auto runtime = runtime::Builder::new_multi_thread().enable_all().build();
  return runtime.block_on(std::move(task));
}

/// Like run, on a runtime made by `builder` (e.g. Builder::new_current_thread()).
template <class T>
T run(runtime::Builder builder, Task<T> task) {
  auto runtime = builder.build();
  return runtime.block_on(std::move(task));
}

}  // namespace tokio
