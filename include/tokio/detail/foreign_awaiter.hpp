// ForeignAwaiter: how a Task awaits an awaitable that does not know the runtime.
//
// A foreign awaiter resumes the coroutine handle it is given whenever and wherever it likes
// (often on a thread of its own). The task's coroutine must never be resumed that way: it may
// run only on the thread that holds the task's RUNNING bit. So the foreign awaiter is given a
// *proxy* handle instead: a tiny coroutine whose only job, when resumed, is to mark the wait
// as fired and wake the task through its Waker. The ForeignAwaiter meanwhile is the task's
// pending Leaf: when the task is polled, it reports ready once the proxy fired, and only then
// is the awaiting coroutine resumed, on the task's thread.
//
// A foreign await_suspend may also return a coroutine to run now (a foreign lazy task type
// starting its body). That coroutine runs in a Context of its own (`sub_`), so that tokio-cpp
// awaitables it awaits register with this task without disturbing the parent's Context;
// polling the ForeignAwaiter polls `sub_`.
//
// Ownership and threads:
// - `fired_` is the one field a foreign thread writes, through the proxy. The proxy reads
//   `waker_`, `parent_` and `sub_`'s address, all written before the proxy handle was handed
//   to the foreign awaiter (which orders them before its resumption).
// - The proxy's last access to this object is the release store to `fired_`: once the task
//   sees it, it may resume and destroy the ForeignAwaiter. The proxy then only wakes a Waker
//   copy on its own stack.
// - The inner awaiter is destroyed before the proxy (a member of the derived class goes before
//   its base), so an inner awaiter whose destructor waits for an in-flight resumption (as a
//   cancel-safe awaiter must) never races with the proxy's destruction.
// - Everything else is touched only by the thread running the task.
#pragma once

#include <atomic>
#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>

#include "tokio/detail/awaitable.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

class ForeignWaitBase : public Leaf {
 public:
  ForeignWaitBase() noexcept = default;
  ForeignWaitBase(const ForeignWaitBase&) = delete;
  ForeignWaitBase& operator=(const ForeignWaitBase&) = delete;
  ~ForeignWaitBase();

  /// Called by the proxy when the foreign awaiter resumes it (any thread).
  void on_resumed() noexcept;

 protected:
  /// Prepares the wait: binds to the running task and makes the proxy handle. Enters `sub_`
  /// (the returned Context is the one to restore).
  Context* begin_suspend();
  /// Runs `next` (returned by the inner await_suspend) and everything it hands control to
  /// inside `sub_`, then leaves `sub_`.
  void run_in_sub(std::coroutine_handle<> next);
  /// Leaves `sub_`, restoring `saved`.
  static void end_suspend(Context* saved) noexcept;
  /// Decides after the inner await_suspend: true when the task must suspend (the awaiter is
  /// then the parent's pending leaf).
  bool finish_suspend(bool suspended, std::coroutine_handle<> awaiting) noexcept;
  void rethrow_if_failed();

  std::coroutine_handle<> proxy_{};

 private:
  bool poll_ready() noexcept final;

  seam::atomic<bool> fired_{false};
  Waker waker_;
  Context* parent_ = nullptr;
  Context sub_;
  std::exception_ptr error_;  // escaped from a coroutine run in sub_
};

/// The awaiter `Promise::await_transform` makes of a foreign awaitable `A` (see above).
/// Neither copyable nor movable: it lives in the awaiting frame for the whole `co_await`.
template <class A>
class ForeignAwaiter final : public ForeignWaitBase {
  using Inner = awaiter_t<A>;  // a value, or a reference to the awaited object

 public:
  explicit ForeignAwaiter(A&& awaitable) : inner_(get_awaiter(std::forward<A>(awaitable))) {}

  bool await_ready() { return inner_.await_ready(); }

  bool await_suspend(std::coroutine_handle<> awaiting) {
    Context* saved = begin_suspend();
    bool suspended = true;
    try {
      using R = decltype(inner_.await_suspend(proxy_));
      if constexpr (std::is_void_v<R>) {
        inner_.await_suspend(proxy_);
      } else if constexpr (std::is_same_v<R, bool>) {
        suspended = inner_.await_suspend(proxy_);
      } else {
        std::coroutine_handle<> next = inner_.await_suspend(proxy_);
        if (next == proxy_) {
          suspended = false;  // "resume the awaiting coroutine now"
        } else {
          run_in_sub(next);
        }
      }
    } catch (...) {
      end_suspend(saved);
      throw;
    }
    end_suspend(saved);
    return finish_suspend(suspended, awaiting);
  }

  decltype(auto) await_resume() {
    rethrow_if_failed();
    return inner_.await_resume();
  }

 private:
  Inner inner_;
};

}  // namespace tokio::detail
