// tokio::test::task::spawn (tokio-test's): poll a Task by hand, one step at a time, and see
// whether it was woken in between, without a runtime driving it.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/detail/promise.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {
struct Header;
}

namespace tokio::test::task {

/// The part of Spawn that does not depend on the output type (src/test/task_mock.cpp).
class MockTask {
 public:
  MockTask(const MockTask&) = delete;
  MockTask& operator=(const MockTask&) = delete;

  /// True when the task was woken (by a Waker of its, from any thread) since the last poll
  /// began. Waking a task that is being polled counts for the next poll.
  bool is_woken() const noexcept;
  /// How many Wakers (and other references) to the task exist besides the Spawn's own.
  std::size_t waker_ref_count() const noexcept;

 protected:
  MockTask();
  MockTask(MockTask&& other) noexcept;
  ~MockTask();
  // Polls the coroutine once in this task's context (resuming it the first time); true when
  // it has finished.
  bool poll_coroutine(std::coroutine_handle<> coroutine);

 private:
  tokio::detail::Header* header_;
  bool started_ = false;
};

/// A Task polled by hand (see spawn). Move-only; destroying it destroys the Task's frames.
template <class T>
class Spawn : public MockTask {
  using Handle = std::coroutine_handle<tokio::detail::Promise<T>>;

 public:
  explicit Spawn(Task<T> task) : coroutine_(task.release()) {
    if (!coroutine_) throw std::logic_error("tokio::test::task::spawn: an empty Task");
  }
  Spawn(Spawn&& other) noexcept
      : MockTask(std::move(other)), coroutine_(std::exchange(other.coroutine_, {})) {}
  ~Spawn() {
    if (coroutine_) coroutine_.destroy();
  }

  /// Polls once: the output (`true` for a Task<void>) when the Task has finished, std::nullopt
  /// while it waits. Re-throws the Task's exception. Polling a finished Task throws
  /// std::logic_error.
  auto poll() {
    if (done_) throw std::logic_error("tokio::test::task::Spawn::poll: the task has finished");
    const bool finished = poll_coroutine(coroutine_);
    if constexpr (std::is_void_v<T>) {
      if (!finished) return std::optional<bool>();
      done_ = true;
      coroutine_.promise().take();
      return std::optional<bool>(true);
    } else {
      if (!finished) return std::optional<T>();
      done_ = true;
      return std::optional<T>(coroutine_.promise().take());
    }
  }
  bool is_finished() const noexcept { return done_; }

 private:
  Handle coroutine_;
  bool done_ = false;
};

/// Wraps `task` so that a test can poll it step by step (tokio-test's `task::spawn`):
/// ```
/// tokio::sync::Notify notify;
/// auto waiter = tokio::test::task::spawn(wait_for(notify));  // a Task<void>
/// EXPECT_FALSE(waiter.poll());       // pending: registered with notify
/// notify.notify_one();
/// EXPECT_TRUE(waiter.is_woken());
/// EXPECT_TRUE(waiter.poll());        // finished
/// ```
/// No runtime runs it: what it awaits must not need one (channels, Notify, Mutex... do not;
/// sleep and sockets do, and throw std::logic_error without one).
template <class T>
Spawn<T> spawn(Task<T> task) {
  return Spawn<T>(std::move(task));
}

}  // namespace tokio::test::task
