// tokio::task::JoinHandle<T> and tokio::task::AbortHandle.
#pragma once

#include <coroutine>
#include <stdexcept>
#include <utility>

#include "tokio/detail/cell.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/task/id.hpp"

namespace tokio::task {

/// Lets its holder cancel a task without owning its output. Copyable; cheap.
///
/// Thread safety: every method may be called from any thread, inside or outside a runtime.
class AbortHandle {
 public:
  explicit AbortHandle(detail::Header* task) noexcept : task_(task) { detail::task_inc_ref(task); }
  AbortHandle(const AbortHandle& other) noexcept : AbortHandle(other.task_) {}
  AbortHandle(AbortHandle&& other) noexcept : task_(std::exchange(other.task_, nullptr)) {}
  AbortHandle& operator=(AbortHandle other) noexcept {
    std::swap(task_, other.task_);
    return *this;
  }
  ~AbortHandle() {
    if (task_) detail::task_drop_ref(task_);
  }

  /// Asks the task to stop: it drops its frames (running their destructors) at its next
  /// scheduling, and its JoinHandle then reports a cancelled JoinError. A task that already
  /// completed keeps its output. A task that is running right now is cancelled when it next
  /// suspends. Never blocks.
  void abort() const noexcept { detail::task_abort(task_); }
  /// True once the task has completed, been cancelled or panicked.
  bool is_finished() const noexcept { return detail::task_is_complete(task_); }
  /// The task's id.
  Id id() const noexcept { return Id(task_->id); }

 private:
  detail::Header* task_;
};

/// An owned permission to await a spawned task's output.
///
/// `co_await handle` yields the task's value, or throws JoinError when the task was cancelled
/// or an exception escaped it (the original exception is inside). Dropping a JoinHandle
/// detaches the task: it keeps running and its output is dropped.
///
/// Errors: awaiting a JoinHandle twice throws std::logic_error.
///
/// Cancel safety: cancel-safe. If the awaiting task is cancelled, the JoinHandle is dropped
/// with it and the spawned task is detached, not aborted.
///
/// Thread safety: the JoinHandle itself is used by one thread at a time; abort/is_finished/id
/// are safe from anywhere.
template <class T>
class JoinHandle {
 public:
  JoinHandle() noexcept = default;
  explicit JoinHandle(detail::Header* task) noexcept : task_(task) {}
  JoinHandle(JoinHandle&& other) noexcept
      : task_(std::exchange(other.task_, nullptr)), consumed_(other.consumed_) {}
  JoinHandle& operator=(JoinHandle&& other) noexcept {
    if (this != &other) {
      reset();
      task_ = std::exchange(other.task_, nullptr);
      consumed_ = other.consumed_;
    }
    return *this;
  }
  ~JoinHandle() { reset(); }

  /// Aborts the task; see AbortHandle::abort.
  void abort() const noexcept {
    if (task_) detail::task_abort(task_);
  }
  /// True once the task has finished (completed, cancelled or panicked).
  bool is_finished() const noexcept { return task_ && detail::task_is_complete(task_); }
  /// An AbortHandle for the same task.
  AbortHandle abort_handle() const { return AbortHandle(checked()); }
  /// The task's id.
  Id id() const { return Id(checked()->id); }

  class Awaiter : public detail::LeafOp<Awaiter> {
   public:
    explicit Awaiter(JoinHandle& handle) noexcept : handle_(handle) {}
    T await_resume() {
      detail::coop_consume();
      handle_.consumed_ = true;
      auto* cell = static_cast<detail::Cell<T>*>(handle_.task_);
      return cell->outcome.take(cell->id);
    }

   private:
    friend detail::LeafOp<Awaiter>;
    static const char* what() noexcept { return "awaiting a tokio::JoinHandle"; }
    bool poll(detail::Header* task) noexcept {
      if (detail::task_is_complete(handle_.task_)) return true;
      // False from join_register_waker: the task completed meanwhile (nothing registered).
      return task && !detail::join_register_waker(handle_.task_, detail::task_waker(task));
    }
    JoinHandle& handle_;
  };

  /// Gives up the handle's reference and join interest to the caller (used by JoinSet).
  detail::Header* into_raw() && noexcept { return std::exchange(task_, nullptr); }

  Awaiter operator co_await() {
    checked();
    if (consumed_)
      throw std::logic_error(
          "tokio::JoinHandle awaited twice: its output was already taken by the first await");
    return Awaiter(*this);
  }

 private:
  detail::Header* checked() const {
    if (!task_) throw std::logic_error("tokio::JoinHandle is empty (moved from or default)");
    return task_;
  }
  void reset() noexcept {
    if (task_) detail::join_handle_drop(std::exchange(task_, nullptr));
  }

  detail::Header* task_ = nullptr;
  bool consumed_ = false;
};

}  // namespace tokio::task
