// tokio::task::JoinSet<T>: a collection of spawned tasks, awaited in completion order.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>

#include "tokio/detail/cell.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/join_set_core.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/result.hpp"
#include "tokio/task/join_error.hpp"
#include "tokio/task/spawn.hpp"

namespace tokio::task {

/// A set of tasks spawned on the current runtime whose outputs are taken as they complete.
///
/// `co_await set.join_next()` gives std::nullopt when the set is empty, otherwise the
/// next task's outcome as a Result<T, JoinError> (a cancelled or panicked task is an error
/// value here, not an exception). Destroying the JoinSet aborts every task still in it.
///
/// Errors: spawn throws as tokio::spawn does.
/// Cancel safety: join_next is cancel-safe: if it is cancelled, no task output is lost.
/// Thread safety: use from one task at a time (like Tokio's `&mut self`).
template <class T>
class JoinSet {
 public:
  using Outcome = Result<T, JoinError>;

  JoinSet() = default;
  JoinSet(JoinSet&&) noexcept = default;
  JoinSet& operator=(JoinSet&&) noexcept = default;

  /// Spawns a Task (or a callable with arguments; see tokio::spawn) on the current runtime
  /// into the set; returns an AbortHandle for it.
  template <class F, class... Args>
  requires detail::Spawnable<F, Args...> AbortHandle spawn(F&& f, Args&&... args) {
    return insert(tokio::spawn(std::forward<F>(f), std::forward<Args>(args)...));
  }
  /// Runs `fn(args...)` on the blocking pool as a member of the set.
  template <class F, class... Args>
  requires detail::BoundCallable<F, Args...> AbortHandle spawn_blocking(F&& fn, Args&&... args) {
    return insert(task::spawn_blocking(std::forward<F>(fn), std::forward<Args>(args)...));
  }

  /// Number of tasks in the set (finished ones not yet joined included).
  std::size_t len() const noexcept { return core_.len(); }
  bool is_empty() const noexcept { return len() == 0; }

  class JoinNext : public detail::LeafOp<JoinNext> {
   public:
    explicit JoinNext(JoinSet& set) noexcept : set_(set) {}
    bool await_ready() { return set_.is_empty() || detail::LeafOp<JoinNext>::await_ready(); }
    std::optional<Outcome> await_resume() {
      if (!taken_) return std::nullopt;
      detail::coop_consume();
      return set_.finish(taken_);
    }

   private:
    friend detail::LeafOp<JoinNext>;
    static const char* what() noexcept { return "JoinSet::join_next"; }
    bool poll(detail::Header* task) {
      if (!task) return (taken_ = set_.core_.take_completed(nullptr)) != nullptr;
      const auto waker = detail::task_waker(task);
      taken_ = set_.core_.take_completed(&waker);
      return taken_ != nullptr || set_.is_empty();
    }
    JoinSet& set_;
    detail::Header* taken_ = nullptr;
  };

  /// Waits for the next task to finish and returns its outcome; std::nullopt if the set is
  /// empty. Cancel-safe.
  [[nodiscard]] JoinNext join_next() noexcept { return JoinNext(*this); }

  /// The outcome of a task that has already finished, without waiting; std::nullopt if none.
  std::optional<Outcome> try_join_next() {
    if (auto* task = core_.take_completed(nullptr)) return finish(task);
    return std::nullopt;
  }

  /// Aborts every task in the set; they stay in it until joined (as cancelled errors).
  void abort_all() noexcept { core_.abort_all(); }
  /// Removes every task from the set without aborting it.
  void detach_all() noexcept { core_.detach_all(); }
  /// Aborts every task and waits until all have finished, discarding their outcomes.
  Task<void> shutdown() {
    abort_all();
    // Not `while (co_await join_next()) {}`: GCC 12 miscompiles a co_await in a loop condition.
    for (;;) {
      auto next = co_await join_next();
      if (!next) break;
    }
  }

 private:
  template <class H>
  AbortHandle insert(H handle) {
    AbortHandle abort = handle.abort_handle();
    core_.insert(std::move(handle).into_raw());
    return abort;
  }
  Outcome finish(detail::Header* task) {
    struct Drop {
      detail::Header* task;
      ~Drop() { detail::join_handle_drop(task); }
    } drop{task};
    auto* cell = static_cast<detail::Cell<T>*>(task);
    try {
      if constexpr (std::is_void_v<T>) {
        cell->outcome.take(cell->id);
        return Outcome();
      } else {
        return Outcome(cell->outcome.take(cell->id));
      }
    } catch (JoinError& error) {
      return Outcome(Err<JoinError>(std::move(error)));
    }
  }

  detail::JoinSetCore core_;
};

}  // namespace tokio::task
