// tokio::Task<T>: the coroutine type of tokio-cpp.
#pragma once

#include <coroutine>
#include <stdexcept>
#include <utility>

#include "tokio/detail/promise.hpp"

namespace tokio {

/// A lazy, move-only coroutine producing a `T` (a value, a move-only type, a reference or void).
///
/// Nothing runs until the Task is awaited (`co_await task`) or spawned (`tokio::spawn(task)`).
/// Awaiting runs it inside the awaiting task, on the same thread, and yields its `co_return`
/// value; an exception that escapes the coroutine is re-thrown at the `co_await`. The frame
/// (parameters and locals included) is destroyed as soon as the result has been taken.
///
/// Errors: awaiting a Task a second time (or a moved-from or spawned one) throws
/// std::logic_error.
///
/// Cancel safety: destroying a suspended Task destroys its whole frame chain; every leaf
/// awaitable of tokio-cpp unregisters itself in its destructor.
///
/// Thread safety: a Task is used by one thread at a time; it may move between threads.
///
/// Lifetime: a coroutine lambda's captures live in the lambda object, not in the frame. Either
/// pass state as parameters (which the frame copies) or keep the lambda alive until the Task
/// ends; `tokio::spawn(callable)` does the latter for you.
template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using value_type = T;

  Task() noexcept = default;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  /// True while the Task still owns a coroutine that has not been awaited or spawned.
  bool valid() const noexcept { return static_cast<bool>(handle_); }

  struct Awaiter {
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    Task& task;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      task.handle_.promise().continuation = awaiting;
      return detail::transfer_to(task.handle_);
    }
    T await_resume() {
      struct Destroy {
        std::coroutine_handle<promise_type> h;
        ~Destroy() { h.destroy(); }
      } destroy{std::exchange(task.handle_, {})};
      return destroy.h.promise().take();
    }
  };

  Awaiter operator co_await() & { return Awaiter{checked()}; }
  Awaiter operator co_await() && { return Awaiter{checked()}; }

  /// Gives up ownership of the coroutine (used by spawn and the combinators).
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

 private:
  Task& checked() {
    if (!handle_)
      throw std::logic_error(
          "tokio::Task awaited twice, or after it was moved from or spawned: a Task can be "
          "awaited once; spawn it and await its JoinHandle, or keep its result");
    return *this;
  }
  void reset() noexcept {
    if (handle_) std::exchange(handle_, {}).destroy();
  }

  std::coroutine_handle<promise_type> handle_{};
};

}  // namespace tokio

namespace tokio::detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
template <class T>
Task<T&> Promise<T&>::get_return_object() noexcept {
  return Task<T&>(std::coroutine_handle<Promise<T&>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace tokio::detail
