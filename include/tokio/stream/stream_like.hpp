// tokio::stream::StreamLike, the concept every source of items satisfies, and
// StreamExtMembers, the base that gives every stream type of the library StreamExt's members.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <utility>

#include "tokio/detail/awaitable.hpp"

namespace tokio::stream {

/// Anything that gives items one at a time: `co_await s.next()` gives `std::optional<Item>`,
/// empty at the end (Tokio's `Stream` trait, as seen through `StreamExt::next`). Stream<T>, the
/// library's stream wrappers, the adapters and user types with such a `next()` all qualify.
template <class S>
concept StreamLike = requires(S& s) {
  requires detail::Awaitable<decltype(s.next())>;
  typename detail::await_result_t<decltype(s.next())>::value_type;
  requires std::same_as<
      detail::await_result_t<decltype(s.next())>,
      std::optional<typename detail::await_result_t<decltype(s.next())>::value_type>>;
};

/// The item type of a StreamLike `S`.
template <StreamLike S>
using item_t = typename detail::await_result_t<decltype(std::declval<S&>().next())>::value_type;

/// StreamExt's adapters and consumers as members, for Tokio's chaining style:
/// `std::move(s).map(f).filter(p).take(10)`. Every stream type of the library derives from it
/// (`Self` is the derived type). Each member consumes the stream (call it on an rvalue) and is
/// the free function of the same name in tokio/stream/stream_ext.hpp, which documents it.
template <class Self>
class StreamExtMembers {
 public:
  template <class F>
  auto map(F f) &&;
  template <class F>
  auto then(F f) &&;
  template <class P>
  auto filter(P pred) &&;
  template <class F>
  auto filter_map(F f) &&;
  template <class F>
  auto map_while(F f) &&;
  auto take(std::size_t n) &&;
  template <class P>
  auto take_while(P pred) &&;
  auto skip(std::size_t n) &&;
  template <class P>
  auto skip_while(P pred) &&;
  template <class S>
  auto chain(S second) &&;
  template <class S>
  auto merge(S other) &&;
  template <class B, class F>
  auto fold(B init, F f) &&;
  template <class C>
  auto collect() &&;
  template <class P>
  auto any(P pred) &&;
  template <class P>
  auto all(P pred) &&;
  auto count() &&;
  template <class F>
  auto for_each(F f) &&;

 protected:
  Self&& self() noexcept { return static_cast<Self&&>(*this); }
};

}  // namespace tokio::stream
