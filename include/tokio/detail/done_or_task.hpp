// DoneOrTask: an awaitable for an operation that usually completes at once (a frame fed into a
// buffer with room) and sometimes must wait (a flush first): done already, with no coroutine
// frame at all, or a Task<void> to await.
#pragma once

#include <coroutine>
#include <optional>
#include <utility>

#include "tokio/task/task.hpp"

namespace tokio::detail {

class [[nodiscard]] DoneOrTask {
 public:
  using tokio_native_awaiter = void;  // ready at once, or Task::Awaiter's protocol

  static DoneOrTask done() noexcept { return DoneOrTask(); }
  static DoneOrTask later(Task<void> task) noexcept {
    DoneOrTask out;
    out.task_ = std::move(task);
    return out;
  }
  DoneOrTask(DoneOrTask&&) noexcept = default;  // before it is first awaited
  DoneOrTask& operator=(const DoneOrTask&) = delete;

  bool await_ready() const noexcept { return !task_.valid(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) {
    awaiter_.emplace(Task<void>::Awaiter{task_});
    return awaiter_->await_suspend(awaiting);
  }
  void await_resume() {
    if (awaiter_) awaiter_->await_resume();
  }

 private:
  DoneOrTask() noexcept = default;
  Task<void> task_;
  std::optional<Task<void>::Awaiter> awaiter_;
};

}  // namespace tokio::detail
