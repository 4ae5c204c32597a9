// The untyped core of JoinSet: which tasks are in the set, and which have signalled completion.
//
// Each task in the set has an Entry; the Entry's Waker is the task's join waker, so a task that
// completes moves its Entry from `idle` to `notified` and wakes whoever awaits join_next.
// Entry lifetime: reference counted (the set's membership holds one, each waker clone one);
// an Entry also holds the Shared state alive so that a late wake never touches freed memory.
// The lists (and every Entry's links), `len`, `where` and `waiter` are guarded by Shared::mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>

#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class JoinSetCore {
 public:
  struct Shared;
  struct Entry : ListLinks<Entry> {
    enum class Where { None, Idle, Notified };
    seam::atomic<std::uint32_t> refs{1};
    std::shared_ptr<Shared> shared;
    Header* task;               // holds a JoinHandle's reference and join interest
    Where where = Where::None;  // which list holds it (None: unlinked)
  };
  using List = IntrusiveList<Entry>;
  struct Shared {
    seam::mutex mutex;
    List idle;
    List notified;
    std::size_t len = 0;  // entries in either list
    Waker waiter;         // the task awaiting join_next

    void link(Entry* e, Entry::Where where) noexcept;
    void unlink(Entry* e) noexcept;
  };

  JoinSetCore();
  ~JoinSetCore();
  JoinSetCore(JoinSetCore&&) noexcept = default;
  JoinSetCore& operator=(JoinSetCore&&) noexcept;

  /// Adds a freshly spawned task (takes over its JoinHandle reference).
  void insert(Header* task);
  /// A completed task, removed from the set (the caller owns its JoinHandle reference), or
  /// null. When none is ready, registers `waiter` (if given) for the next completion.
  Header* take_completed(const Waker* waiter);
  std::size_t len() const noexcept;
  void abort_all() noexcept;
  /// Removes every task without aborting it (they keep running, detached).
  void detach_all() noexcept;

 private:
  static void release_entry(Entry* e) noexcept;
  std::shared_ptr<Shared> shared_;
};

}  // namespace tokio::detail
