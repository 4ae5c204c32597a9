// The simple sources of tokio-stream: iter, once, empty, pending.
#pragma once

#include <iterator>
#include <ranges>
#include <type_traits>
#include <utility>

#include "tokio/future/pending.hpp"
#include "tokio/stream/stream.hpp"

namespace tokio::stream {

/// The elements of `range` (a container, a view...), which the stream owns: moved out of it
/// one by one when it is an rvalue container, copied when it is an lvalue (stream::iter).
/// Every item is ready at once; a long iter does not yield to the scheduler between items.
template <std::ranges::input_range R>
Stream<std::ranges::range_value_t<R>> iter(R range) {
  for (auto&& element : range)
    co_yield std::move(element);
}

/// One item, then the end (stream::once).
template <class T>
Stream<std::decay_t<T>> once(T value) {
  co_yield std::move(value);
}

/// No item: ends at once (stream::empty).
template <class T>
Stream<T> empty() {
  co_return;
}

/// Never gives an item and never ends (stream::pending): a placeholder, or a select branch that
/// must not win.
template <class T>
Stream<T> pending() {
  co_await tokio::future::pending<void>();
}

}  // namespace tokio::stream
