// Running one Task to completion on a plain thread, with no runtime: what the `blocking_*`
// calls of the sync primitives (blocking_lock, blocking_recv, blocking_send) are made of.
#pragma once

#include <exception>
#include <stdexcept>
#include <utility>

#include "tokio/detail/cell.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// Drives `root` (state kBlockOnState) on the calling thread until it completes, sleeping on a
/// per-thread parker in between. `what` names the blocking call for the error message.
/// Errors: std::logic_error (after cancelling `root`) when the thread drives a runtime: a
/// worker or a block_on body must await instead of blocking.
void block_on_thread(Header* root, const char* what);

template <class T>
T block_on_thread(Task<T>&& task, const char* what) {
  auto coro = task.release();
  auto* cell = CoroCell<T>::create(coro, kBlockOnState);
  struct Release {
    Header* cell;
    ~Release() { join_handle_drop(cell); }
  } release{cell};
  cell->id = 0;
  block_on_thread(cell, what);
  if (auto* error = cell->outcome.error()) std::rethrow_exception(std::exchange(*error, nullptr));
  return cell->outcome.take(cell->id);
}

}  // namespace tokio::detail
