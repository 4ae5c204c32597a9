// OwnedTasks: every live task of a runtime, so that shutdown can reach and cancel each one.
//
// Sharded by task id; each shard is an intrusive doubly linked list under its own SpinMutex
// (the Header's owned_prev/owned_next/in_owned_list fields are only touched under it).
// The list holds one reference per task, dropped by whoever unlinks it: release() on completion,
// or close_and_shutdown_all() on shutdown.
#pragma once

#include <atomic>
#include <cstddef>

#include "tokio/detail/header.hpp"
#include "tokio/detail/spin_mutex.hpp"

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
  struct alignas(64) Shard {
    SpinMutex mutex;  // held for a few pointer writes only
    Header* head = nullptr;
  };
  Shard& shard_of(const Header* task) noexcept { return shards_[task->id % kShards]; }
  static void unlink(Shard& shard, Header* task) noexcept;

  Shard shards_[kShards];
  std::atomic<bool> closed_{false};
};

}  // namespace tokio::detail
