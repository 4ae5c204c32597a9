// What `co_await x` gives for an expression x: the type used by the I/O concepts to state
// that `r.read(buf)` is awaitable and yields a byte count.
#pragma once

#include <utility>

namespace tokio::detail {

template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); })
    return std::forward<A>(a).operator co_await();
  else if constexpr (requires { operator co_await(std::forward<A>(a)); })
    return operator co_await(std::forward<A>(a));
  else
    return std::forward<A>(a);
}

/// The result type of `co_await std::declval<A>()`.
template <class A>
using await_result_t = decltype(get_awaiter(std::declval<A>()).await_resume());

/// True when `co_await std::declval<A>()` is well-formed and yields something convertible to R.
template <class A, class R>
concept awaitable_of = requires(A&& a) {
  { get_awaiter(std::forward<A>(a)).await_ready() } -> std::convertible_to<bool>;
  { get_awaiter(std::forward<A>(a)).await_resume() } -> std::convertible_to<R>;
};

}  // namespace tokio::detail
