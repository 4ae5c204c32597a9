// The untyped core of JoinSet: which tasks are in the set, and which have signalled completion.
//
// Each task in the set has an Entry; the Entry's Waker is the task's join waker, so a task that
// completes moves its Entry from `idle` to `notified` and wakes whoever awaits join_next.
// Entry lifetime: reference counted (the set's membership holds one, each waker clone one);
// an Entry also holds the Shared state alive so that a late wake never touches freed memory.
// Lists, `where` and `waiter` are guarded by Shared::mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>

#include "tokio/detail/header.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class JoinSetCore {
 public:
  struct Shared;
  struct Entry {
    enum class Where { None, Idle, Notified };
    std::atomic<std::uint32_t> refs{1};
    std::shared_ptr<Shared> shared;
    Header* task;  // holds a JoinHandle's reference and join interest
    Entry* prev = nullptr;
    Entry* next = nullptr;
    Where where = Where::None;
  };
  struct List {
    Entry* head = nullptr;
    Entry* tail = nullptr;
    std::size_t len = 0;
    void push(Entry* e) noexcept;
    void unlink(Entry* e) noexcept;
  };
  struct Shared {
    std::mutex mutex;
    List idle;
    List notified;
    Waker waiter;  // the task awaiting join_next
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
