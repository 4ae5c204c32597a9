// OwnedTasks: every live task of a runtime, so that shutdown can reach and cancel each one.
//
// Sharded by task id; each shard is an IntrusiveList under its own SpinMutex (a Header's
// owned-list links are only touched under its shard's lock).
// The list holds one reference per task, dropped by whoever unlinks it: release() on completion,
// or close_and_shutdown_all() on shutdown.
#pragma once

#include <atomic>
#include <cstddef>

#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class OwnedTasks {
 public:
  /// Links a new task (state NOTIFIED, with references for the list and its notification).
  /// False when the list is closed (the runtime is shutting down): the task has then been
  /// cancelled here and both of those references dropped; only the JoinHandle's remains.
  bool bind(Header* task) noexcept;
  /// Unlinks a completed task; true when it was linked (the caller drops the list's reference).
  bool remove(Header* task) noexcept;
  /// Closes the list to new tasks and shuts down every linked one. May run on several threads
  /// at once; each task is unlinked, and its reference dropped, exactly once.
  void close_and_shutdown_all() noexcept;

 private:
  static constexpr std::size_t kShards = 32;
  using List = IntrusiveList<Header, OwnedLinksTag>;
  struct alignas(64) Shard {
    SpinMutex mutex;  // held for a few pointer writes only
    List tasks;
  };
  Shard& shard_of(const Header* task) noexcept { return shards_[task->id % kShards]; }

  Shard shards_[kShards];
  seam::atomic<bool> closed_{false};
};

}  // namespace tokio::detail
