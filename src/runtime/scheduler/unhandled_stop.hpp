// UnhandledStop: what UnhandledException::ShutdownRuntime needs from a scheduler: the block_on
// roots being driven right now (to cancel them, so that every block_on returns and throws)
// and the reason (the message they throw).
//
// Thread safety: every member may be called from any thread; roots_ and reason_ are guarded
// by mutex_. A root is registered only while its block_on runs, which holds it alive.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "tokio/detail/header.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class UnhandledStop {
 public:
  /// Registers a root about to be driven; false (nothing registered) when already stopped.
  bool add_root(Header* root);
  void remove_root(Header* root) noexcept;
  /// Records `reason` and cancels every registered root. True for the first stop only.
  bool stop(std::string reason) noexcept;
  bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }
  /// Throws std::runtime_error with the reason (call once stopped()).
  [[noreturn]] void throw_stopped() const;

 private:
  mutable seam::mutex mutex_;
  std::vector<Header*> roots_;
  std::string reason_;
  seam::atomic<bool> stopped_{false};
};

/// Drives a block_on root with `stop`: refuses (cancelling the root) when already stopped,
/// and throws the stop's error when the stop cancelled the root.
template <class Drive>
void drive_stoppable_root(UnhandledStop& stop, Header* root, Drive&& drive) {
  if (!stop.add_root(root)) {
    task_shutdown(root);
    task_drop_ref(root);
    stop.throw_stopped();
  }
  struct Remove {
    UnhandledStop& stop;
    Header* root;
    ~Remove() { stop.remove_root(root); }
  } remove{stop, root};
  drive();
  if (stop.stopped() && (root->state.load(std::memory_order_acquire) & state::CANCELLED))
    stop.throw_stopped();
}

}  // namespace tokio::detail
