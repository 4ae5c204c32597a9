// tokio::stream::Stream<T>: an asynchronous sequence written as a coroutine (an async
// generator).
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/detail/awaitable.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/promise.hpp"
#include "tokio/stream/stream_like.hpp"
#include "tokio/task/task.hpp"

namespace tokio::stream {
template <class T>
class Stream;
}

namespace tokio::detail {

// The promise of a Stream<T> coroutine. The generator runs in a Context of its own (`ctx`,
// inside the frame so that its address never changes): what it waits on when a next() is
// dropped stays recorded there, and the next next() carries on from it. That is what makes
// next() cancel-safe. Only the thread polling the consuming task touches any of this.
template <class T>
struct StreamPromise : PromiseBase {
  std::optional<T> item;  // yielded, not yet taken
  Context ctx;
  // True while the generator is suspended at its start or at a co_yield: the next poll must
  // resume it. (Suspended on a leaf, it is resumed through ctx instead.)
  bool at_yield = true;

  tokio::stream::Stream<T> get_return_object() noexcept;

  struct YieldAwaiter {
    using tokio_native_awaiter = void;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<StreamPromise> self) const noexcept {
      self.promise().at_yield = true;  // control returns to Stream::poll_next's poll_context
    }
    void await_resume() const noexcept {}
  };
  template <class U = T>
  requires std::constructible_from<T, U&&> YieldAwaiter yield_value(U&& value)
  noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    item.emplace(std::forward<U>(value));
    return {};
  }
  void return_void() noexcept {}
};

}  // namespace tokio::detail

namespace tokio::stream {

/// An asynchronous sequence of `T`, written as a coroutine: `co_yield` gives an item,
/// `co_await` waits inside it (on anything a Task may await), `co_return` (or the end of the
/// body) ends it. Tokio's `async_stream::stream!`, as a type.
///
/// ```
/// tokio::stream::Stream<int> countdown(int from) {
///   for (int i = from; i > 0; --i) {
///     co_await tokio::time::sleep(100ms);
///     co_yield i;
///   }
/// }
/// // in a task:
/// auto s = countdown(3);
/// while (auto i = co_await s.next()) std::cout << *i << '\n';
/// ```
///
/// Lazy: nothing runs until the first next(). Move-only. The adapters of StreamExt are member
/// functions here and free functions (tokio/stream/stream_ext.hpp) for any StreamLike.
///
/// Errors: an exception escaping the coroutine ends the stream and is thrown by the next()
/// that was waiting for the next item; later next() calls give std::nullopt.
///
/// Cancel safety: next() is cancel-safe: dropping it (a lost select branch, a timeout) loses no
/// item, and the next next() continues where the coroutine was. Destroying the Stream destroys
/// the suspended coroutine (its locals, and whatever it was waiting on).
///
/// Thread safety: used by one task at a time; it may move between tasks and threads between
/// two next() calls.
template <class T>
class [[nodiscard]] Stream : public StreamExtMembers<Stream<T>> {
  static_assert(!std::is_reference_v<T> && !std::is_void_v<T>,
                "tokio::stream::Stream<T> yields values: use T, or a pointer or "
                "std::reference_wrapper for references");

 public:
  using promise_type = detail::StreamPromise<T>;
  using item_type = T;
  using handle_type = std::coroutine_handle<promise_type>;

  Stream() noexcept = default;
  explicit Stream(handle_type handle) noexcept : handle_(handle) {}
  Stream(Stream&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Stream& operator=(Stream&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { reset(); }

  /// The awaitable of next(): gives the next item, or std::nullopt once the stream ended.
  class [[nodiscard]] Next final : public detail::Combinator {
   public:
    explicit Next(handle_type handle) noexcept : handle_(handle) {}
    Next(Next&&) noexcept = default;  // before it is first awaited
    Next& operator=(const Next&) = delete;

    bool await_ready() { return poll_next(current_task()); }
    bool await_suspend(std::coroutine_handle<> awaiting) {
      detail::suspend_leaf(detail::current_context("tokio::stream::Stream::next"), this, awaiting);
      return true;
    }
    std::optional<T> await_resume() {
      if (!handle_) return std::nullopt;
      auto& promise = handle_.promise();
      if (promise.item) {
        // The value, not the whole optional (see Adapted::Next::await_resume: a 16-byte copy
        // of what co_yield just stored stalls store forwarding).
        std::optional<T> out(std::in_place, std::move(*promise.item));
        promise.item.reset();
        return out;
      }
      if (promise.exception) std::rethrow_exception(std::exchange(promise.exception, nullptr));
      return std::nullopt;
    }

   private:
    static detail::Header* current_task() {
      return detail::current_context("tokio::stream::Stream::next").task;
    }
    bool poll_ready() override { return poll_next(detail::tl_current_context->task); }
    // Runs the coroutine until it yields, ends or waits; true unless it waits.
    bool poll_next(detail::Header* task) {
      if (!handle_ || handle_.done()) return true;
      auto& promise = handle_.promise();
      if (promise.item) return true;
      promise.ctx.task = task;  // its waits now wake this task
      if (promise.at_yield) {
        // Stopped at a co_yield (or its start): nothing to ask a leaf, resume it directly.
        promise.at_yield = false;
        detail::run_in_context(promise.ctx, handle_);
      } else {
        detail::poll_context(promise.ctx);
      }
      return promise.item.has_value() || handle_.done();
    }

    handle_type handle_;
  };

  /// The next item, or std::nullopt at the end. Cancel-safe (see the class comment).
  /// Errors: the exception that ended the coroutine, once; std::logic_error when awaited
  /// outside a task.
  Next next() noexcept { return Next(handle_); }

  /// True once the coroutine has finished (every item taken, or it threw).
  bool is_terminated() const noexcept { return !handle_ || handle_.done(); }

 private:
  void reset() noexcept {
    if (handle_) std::exchange(handle_, {}).destroy();
  }

  handle_type handle_{};
};

}  // namespace tokio::stream

namespace tokio::detail {
template <class T>
tokio::stream::Stream<T> StreamPromise<T>::get_return_object() noexcept {
  return tokio::stream::Stream<T>(std::coroutine_handle<StreamPromise<T>>::from_promise(*this));
}
}  // namespace tokio::detail

// The adapters (and the definitions of the member adapters above).
#include "tokio/stream/stream_ext.hpp"
