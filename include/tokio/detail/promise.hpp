// The promise behind tokio::Task<T>: frame allocation from the per-thread pools, the result
// slot, the final-suspend hand-off to whoever awaited the task (symmetric transfer, so a
// chain of awaits never grows the stack), and await_transform, which lets every `co_await`
// of a native awaitable through untouched and wraps a foreign one in a ForeignAwaiter.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "tokio/detail/awaitable.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/foreign_awaiter.hpp"
#include "tokio/detail/frame_alloc.hpp"

namespace tokio {
template <class T>
class Task;
}

namespace tokio::detail {

struct PromiseBase {
  std::coroutine_handle<> continuation{};  // the awaiting coroutine; null for a root
  std::exception_ptr exception{};

  static void* operator new(std::size_t size) { return frame_alloc(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { frame_free(frame, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> self) noexcept {
      auto next = self.promise().continuation;
      return next ? transfer_to(next) : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }

  // Native awaitables pass through at no cost; a foreign one resumes a proxy that wakes the
  // task, so the frame is only ever resumed on the task's own thread (foreign_awaiter.hpp).
  template <class A>
  auto await_transform(A&& awaitable) {
    static_assert(Awaitable<A>,
                  "co_await in a tokio::Task needs an awaitable: a type with await_ready / "
                  "await_suspend / await_resume, or with an operator co_await giving one");
    if constexpr (NativeAwaitable<A>) {
      return NativeAwaiterRef<A>(std::forward<A>(awaitable));
    } else {
      return ForeignAwaiter<A>(std::forward<A>(awaitable));
    }
  }

  void rethrow_if_failed() {
    if (exception) std::rethrow_exception(std::exchange(exception, nullptr));
  }
};

template <class T>
struct Promise : PromiseBase {
  alignas(T) unsigned char storage[sizeof(T)];
  bool has_value = false;

  Task<T> get_return_object() noexcept;
  template <class U = T>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    ::new (static_cast<void*>(storage)) T(std::forward<U>(value));
    has_value = true;
  }
  T take() {
    rethrow_if_failed();
    return std::move(*std::launder(reinterpret_cast<T*>(storage)));
  }
  ~Promise() {
    if (has_value) std::launder(reinterpret_cast<T*>(storage))->~T();
  }
};

template <class T>
struct Promise<T&> : PromiseBase {
  T* value = nullptr;
  Task<T&> get_return_object() noexcept;
  void return_value(T& ref) noexcept { value = std::addressof(ref); }
  T& take() {
    rethrow_if_failed();
    return *value;
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() { rethrow_if_failed(); }
};

}  // namespace tokio::detail
