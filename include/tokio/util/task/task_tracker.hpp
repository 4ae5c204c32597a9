// tokio::util::task::TaskTracker (tokio-util's): counts tasks, and waits until they have all
// ended once the tracker is closed (graceful shutdown).
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

#include "tokio/sync/notify.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {
struct TrackerState;
}

namespace tokio::util::task {

/// Counts one tracked task for as long as it lives (TaskTracker::token). Move-only.
class TaskTrackerToken {
 public:
  explicit TaskTrackerToken(std::shared_ptr<detail::TrackerState> state) noexcept;
  TaskTrackerToken(TaskTrackerToken&&) noexcept = default;
  TaskTrackerToken& operator=(TaskTrackerToken&&) noexcept;
  TaskTrackerToken(const TaskTrackerToken&) = delete;
  ~TaskTrackerToken();

 private:
  std::shared_ptr<detail::TrackerState> state_;
};

/// Tracks tasks so that a shutdown can wait for all of them: `spawn` counts each task until it
/// ends (completes, fails or is cancelled: its frame destroyed); `close` says no more will come;
/// `wait` completes once the tracker is closed and the count is zero. Unlike a JoinSet it keeps
/// no outputs (a task's memory goes when it ends) and does not abort anything when dropped.
/// Copies share one tracker.
///
/// ```
/// tokio::util::task::TaskTracker tracker;
/// for (;;) {  // until shutdown is requested
///   auto [socket, addr] = co_await listener.accept();
///   tracker.spawn(serve, std::move(socket));
/// }
/// tracker.close();
/// co_await tracker.wait();  // every connection has finished
/// ```
///
/// Errors: spawn throws as tokio::spawn. Cancel safety: wait() is cancel-safe. Thread safety:
/// every member may be called from any thread.
class TaskTracker {
 public:
  TaskTracker();
  // Copies share the tracker; there is no move, so no TaskTracker is ever empty.
  TaskTracker(const TaskTracker&) = default;
  TaskTracker& operator=(const TaskTracker&) = default;

  /// Spawns (as tokio::spawn, with the same argument forms) a task counted until it ends.
  template <class F, class... Args>
  requires tokio::detail::Spawnable<F, Args...>
  auto spawn(F&& f, Args&&... args) {
    return tokio::spawn(track(token(), tokio::detail::into_spawned_task(
                                           std::forward<F>(f), std::forward<Args>(args)...)));
  }
  /// Wraps `task` so that it is counted until it ends (tokio-util's track_future).
  template <class T>
  Task<T> track_future(Task<T> task) {
    return track(token(), std::move(task));
  }
  /// A token counted as one task until it is destroyed.
  TaskTrackerToken token() const { return TaskTrackerToken(state_); }

  /// No more tasks are expected: wait() completes once the count reaches zero. Returns true
  /// if this call closed it. Tasks may still be spawned; they are counted as before.
  bool close() const noexcept;
  /// Opens the tracker again; returns true if it was closed.
  bool reopen() const noexcept;
  bool is_closed() const noexcept;
  /// Tasks (and tokens) alive now.
  std::size_t len() const noexcept;
  bool is_empty() const noexcept { return len() == 0; }
  /// Completes once the tracker is closed and empty. Cancel-safe.
  Task<void> wait() const;

  friend bool operator==(const TaskTracker& a, const TaskTracker& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  template <class T>
  static Task<T> track(TaskTrackerToken token, Task<T> task) {
    (void)token;  // lives in this frame: counted until the frame is destroyed
    co_return co_await std::move(task);
  }

  std::shared_ptr<detail::TrackerState> state_;
};

}  // namespace tokio::util::task
