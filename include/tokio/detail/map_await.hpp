// MapAwait: a native awaitable that awaits another native awaitable and passes its result
// through a function (how the stream wrappers turn `rx.recv()` or `interval.tick()` into a
// next() without a coroutine frame per item).
#pragma once

#include <coroutine>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "tokio/detail/awaitable.hpp"

namespace tokio::detail {

template <class A, class F>
class [[nodiscard]] MapAwait {
  static_assert(NativeAwaitable<A>, "MapAwait forwards the task protocol: A must be native");

 public:
  using tokio_native_awaiter = void;
  MapAwait(A awaitable, F f) : awaitable_(std::move(awaitable)), f_(std::move(f)) {}
  // Movable until first awaited (a select moves its branches in); the inner awaiter, which may
  // refer to awaitable_, exists only from then on.
  MapAwait(MapAwait&& other) : awaitable_(std::move(other.awaitable_)), f_(std::move(other.f_)) {}
  MapAwait& operator=(const MapAwait&) = delete;

  bool await_ready() {
    inner_.emplace(std::move(awaitable_));
    return inner_->await_ready();
  }
  decltype(auto) await_suspend(std::coroutine_handle<> awaiting) {
    return inner_->await_suspend(awaiting);
  }
  decltype(auto) await_resume() {
    if constexpr (std::is_void_v<decltype(inner_->await_resume())>) {
      inner_->await_resume();
      return std::invoke(f_);
    } else {
      return std::invoke(f_, inner_->await_resume());
    }
  }

 private:
  A awaitable_;
  F f_;
  std::optional<NativeAwaiterRef<A>> inner_;
};

template <class A, class F>
MapAwait(A, F) -> MapAwait<A, F>;

}  // namespace tokio::detail
