// What an awaitable is, and which ones speak the runtime's protocol.
//
// An expression `e` is awaitable when `co_await e` compiles in a plain coroutine: `e` has a
// member or free `operator co_await` giving an awaiter, or is an awaiter itself
// (await_ready / await_suspend / await_resume). `get_awaiter` applies that rule as the
// language does.
//
// A *native* awaiter follows the task protocol of context.hpp: when it suspends, it records
// itself in the running Context as its pending Leaf (a leaf awaitable or a Combinator, polled
// again on wake-up), or hands control to another coroutine of the same task (Task::Awaiter).
// Every awaiter of tokio-cpp is native: it derives from Leaf, or declares the member
// type `tokio_native_awaiter`. Anything else is *foreign*: it resumes the coroutine it was
// given, on a thread of its choosing, and Promise::await_transform routes that resumption
// through the task's waker (foreign_awaiter.hpp).
#pragma once

#include <concepts>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "tokio/detail/context.hpp"

namespace tokio::detail {

template <class A>
concept HasMemberCoAwait = requires(A&& a) {
  std::forward<A>(a).operator co_await();
};
template <class A>
concept HasFreeCoAwait = requires(A&& a) {
  operator co_await(std::forward<A>(a));
};

/// The awaiter `co_await a` would use: the result of `operator co_await` if there is one, else
/// `a` itself (as a reference).
template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (HasMemberCoAwait<A>) {
    return std::forward<A>(a).operator co_await();
  } else if constexpr (HasFreeCoAwait<A>) {
    return operator co_await(std::forward<A>(a));
  } else {
    return std::forward<A>(a);
  }
}

/// The awaiter's type as `get_awaiter` gives it: a value type, or a reference to `a`.
template <class A>
using awaiter_t = decltype(get_awaiter(std::declval<A>()));

template <class W>
concept Awaiter = requires(W& w, std::coroutine_handle<> h) {
  { w.await_ready() } -> std::convertible_to<bool>;
  w.await_suspend(h);
  w.await_resume();
};

/// True when `co_await std::declval<A>()` compiles in a coroutine that does not transform it.
template <class A>
concept Awaitable = requires {
  typename awaiter_t<A>;
}
&&Awaiter<std::remove_cvref_t<awaiter_t<A>>>;

/// What `co_await a` gives.
template <class A>
using await_result_t =
    decltype(std::declval<std::remove_reference_t<awaiter_t<A>>&>().await_resume());

/// True when `co_await std::declval<A>()` is well-formed and gives something convertible to R
/// (how the I/O concepts say that `r.read(buf)` is awaitable and gives a byte count).
template <class A, class R>
concept awaitable_of = Awaitable<A> && std::convertible_to<await_result_t<A>, R>;

template <class W>
concept NativeAwaiter = std::is_base_of_v<Leaf, W> || requires {
  typename W::tokio_native_awaiter;
};

/// True when awaiting `A` needs no routing through the task's waker (see above).
template <class A>
concept NativeAwaitable = NativeAwaiter<std::remove_cvref_t<awaiter_t<A>>>;

/// What Promise::await_transform gives for a native awaitable: its awaiter, held by value when
/// `operator co_await` made one and by reference otherwise, with every call forwarded. (Giving
/// back the reference itself would be simpler, but GCC 12 then copies the awaiter.)
template <class A>
class NativeAwaiterRef {
 public:
  using tokio_native_awaiter = void;
  explicit NativeAwaiterRef(A&& awaitable) : inner_(get_awaiter(std::forward<A>(awaitable))) {}
  NativeAwaiterRef(const NativeAwaiterRef&) = delete;
  NativeAwaiterRef& operator=(const NativeAwaiterRef&) = delete;

  bool await_ready() { return inner_.await_ready(); }
  decltype(auto) await_suspend(std::coroutine_handle<> awaiting) {
    return inner_.await_suspend(awaiting);
  }
  decltype(auto) await_resume() { return inner_.await_resume(); }

 private:
  awaiter_t<A> inner_;
};

}  // namespace tokio::detail
