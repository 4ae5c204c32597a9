// tokio::future::ready: an awaitable that completes at once with a value.
#pragma once

#include <coroutine>
#include <optional>
#include <type_traits>
#include <utility>

namespace tokio::future {

/// The awaitable of ready(v): completes immediately with `v` (moved out on the first await).
/// Movable (and copyable when T is).
///
/// Cancel safety: cancel-safe. Errors: none beyond T's own move.
template <class T>
class [[nodiscard]] Ready {
 public:
  using tokio_native_awaiter = void;  // never suspends (see detail/awaitable.hpp)
  explicit Ready(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
      : value_(std::move(value)) {}
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  T await_resume() noexcept(std::is_nothrow_move_constructible_v<T>) { return std::move(value_); }

 private:
  T value_;
};

template <>
class [[nodiscard]] Ready<void> {
 public:
  using tokio_native_awaiter = void;
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

/// An awaitable that completes at once with `value` (Rust's `std::future::ready(v)`): a
/// branch that is ready from the start, or a stand-in for a computed result where an
/// awaitable is expected.
template <class T>
Ready<std::decay_t<T>> ready(T&& value) {
  return Ready<std::decay_t<T>>(std::forward<T>(value));
}

/// An awaitable that completes at once with nothing.
inline Ready<void> ready() noexcept {
  return {};
}

}  // namespace tokio::future
