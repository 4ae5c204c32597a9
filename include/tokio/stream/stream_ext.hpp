// StreamExt: the adapters and consumers of tokio-stream's StreamExt, as free functions over any
// StreamLike (and as member functions of Stream<T>, which forward here).
//
// Each adapter takes its stream (and its callables) by value: the returned Stream owns them, as
// Rust's adapters take `self`. Pass an lvalue with std::move. Each adapter is cancel-safe in
// the way Stream::next is: dropping a next() loses no item. The consumers (fold, collect, ...)
// are Tasks; dropping one drops the stream it was given.
//
// Callables run on the thread polling the consuming task, one call at a time. An exception
// thrown by a callable ends the adapted stream and reaches whoever awaits its next().
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "tokio/detail/awaitable.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/stream/adapted.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/task/join_set.hpp"
#include "tokio/task/task.hpp"

namespace tokio::stream {

/// `co_await next(s)`: the next item of any StreamLike (StreamExt::next). Cancel-safe when
/// `s.next()` is.
template <StreamLike S>
auto next(S& s) {
  return s.next();
}

/// A callable taking a stream's items (the adapters' constraints).
template <class F, class S>
concept ItemFunction = StreamLike<S> && std::invocable<F&, item_t<S>>;
/// A predicate over a stream's items, which it sees by const reference.
template <class P, class S>
concept ItemPredicate = StreamLike<S> && std::predicate < P&,
        const item_t<S>
& > ;

}  // namespace tokio::stream

namespace tokio::detail {

// The per-item adapters: over a pollable source, one fused Adapted (adapted.hpp, no frame of
// its own); over any other (a channel's recv, a wrapper over a Task), a generator that applies
// the same step to each item (one coroutine frame per adapter).
template <class S, class Step>
tokio::stream::Stream<typename Step::Output> stepped_items(S s, Step step) {
  std::optional<typename Step::Output> out;
  while (!step.exhausted()) {
    auto item = co_await s.next();
    if (!item) co_return;
    switch (step(std::move(*item), out)) {
      case StepResult::Emit:
        co_yield std::move(*out);
        out.reset();
        break;
      case StepResult::Skip:
        break;
      case StepResult::End:
        co_return;
    }
  }
}

template <class S, class Step>
auto adapt(S s, Step step) {
  if constexpr (PollableStream<S>) {
    return tokio::stream::Adapted(std::move(s), std::move(step));
  } else {
    return stepped_items(std::move(s), std::move(step));
  }
}

}  // namespace tokio::detail

namespace tokio::stream {

// The per-item adapters below give an Adapted (fused, no frame of its own) over a pollable
// source and a Stream<U> (a generator) over any other (detail::adapt); either is a stream
// with the same members.

/// Each item passed through `f` (StreamExt::map).
template <StreamLike S, ItemFunction<S> F>
auto map(S s, F f) {
  return detail::adapt(std::move(s), detail::MapStep<item_t<S>, F>{std::move(f)});
}

/// Each item passed through `f`, which returns an awaitable (a Task, say), awaited before the
/// next item is taken (StreamExt::then).
template <StreamLike S, ItemFunction<S> F>
requires detail::Awaitable<std::invoke_result_t<F&, item_t<S>>>
    Stream<detail::await_result_t<std::invoke_result_t<F&, item_t<S>>>> then(S s, F f) {
  while (auto item = co_await s.next())
    co_yield co_await std::invoke(f, std::move(*item));
}

/// The items for which `pred(item)` is true (StreamExt::filter).
template <StreamLike S, ItemPredicate<S> P>
auto filter(S s, P pred) {
  return detail::adapt(std::move(s), detail::FilterStep<item_t<S>, P>{std::move(pred)});
}

/// The values of `f(item)`, which returns std::optional<U>, that are not empty
/// (StreamExt::filter_map).
template <StreamLike S, ItemFunction<S> F>
auto filter_map(S s, F f) {
  return detail::adapt(std::move(s), detail::OptionalMapStep<item_t<S>, F, false>{std::move(f)});
}

/// The values of `f(item)` (an optional) up to the first empty one, where it ends
/// (StreamExt::map_while).
template <StreamLike S, ItemFunction<S> F>
auto map_while(S s, F f) {
  return detail::adapt(std::move(s), detail::OptionalMapStep<item_t<S>, F, true>{std::move(f)});
}

/// The first `n` items; the source is not polled after the n-th (StreamExt::take).
template <StreamLike S>
auto take(S s, std::size_t n) {
  return detail::adapt(std::move(s), detail::TakeStep<item_t<S>>{n});
}

/// Items while `pred(item)` is true; ends at the first false (that item is dropped)
/// (StreamExt::take_while).
template <StreamLike S, ItemPredicate<S> P>
auto take_while(S s, P pred) {
  return detail::adapt(std::move(s), detail::WhileStep<item_t<S>, P, false>{std::move(pred)});
}

/// Every item after the first `n` (StreamExt::skip).
template <StreamLike S>
auto skip(S s, std::size_t n) {
  return detail::adapt(std::move(s), detail::SkipStep<item_t<S>>{n});
}

/// Every item from the first for which `pred(item)` is false (StreamExt::skip_while).
template <StreamLike S, ItemPredicate<S> P>
auto skip_while(S s, P pred) {
  return detail::adapt(std::move(s), detail::WhileStep<item_t<S>, P, true>{std::move(pred)});
}

/// The items of `first`, then those of `second` (StreamExt::chain).
template <StreamLike A, StreamLike B>
requires std::same_as<item_t<A>, item_t<B>> Stream<item_t<A>> chain(A first, B second) {
  while (auto item = co_await first.next())
    co_yield std::move(*item);
  while (auto item = co_await second.next())
    co_yield std::move(*item);
}

/// The items of both streams as they come, ending when both have ended (StreamExt::merge).
/// When both have an item ready they take turns. Each round races the two next() in a
/// select, so the loser must not lose its item: merge is as cancel-safe as the two streams'
/// next() (every Stream<T> and every wrapper of this library qualifies).
template <StreamLike A, StreamLike B>
requires std::same_as<item_t<A>, item_t<B>> Stream<item_t<A>> merge(A a, B b) {
  bool a_first = true;
  for (;;) {
    std::optional<item_t<A>> item;
    bool from_a;
    if (a_first) {
      auto won = co_await tokio::select_biased(a.next(), b.next());
      from_a = won.index() == 0;
      item = from_a ? std::move(std::get<0>(won)) : std::move(std::get<1>(won));
    } else {
      auto won = co_await tokio::select_biased(b.next(), a.next());
      from_a = won.index() == 1;
      item = from_a ? std::move(std::get<1>(won)) : std::move(std::get<0>(won));
    }
    a_first = !from_a;  // the other side goes first next time
    if (!item) break;   // one side ended: drain the other
    co_yield std::move(*item);
  }
  if (a_first) {  // b ended
    while (auto item = co_await a.next())
      co_yield std::move(*item);
  } else {
    while (auto item = co_await b.next())
      co_yield std::move(*item);
  }
}

/// After its first end, a stream that gives std::nullopt for ever without polling the
/// source again (StreamExt::fuse). A Stream<T> is fused already.
template <StreamLike S>
Stream<item_t<S>> fuse(S s) {
  while (auto item = co_await s.next())
    co_yield std::move(*item);
}

// --- Consumers -------------------------------------------------------------------------------

/// Folds every item into `init` with `f(acc, item) -> acc` (StreamExt::fold).
template <StreamLike S, class B, class F>
requires std::invocable<F&, B, item_t<S>> &&
    std::convertible_to<std::invoke_result_t<F&, B, item_t<S>>, B>
        Task<B> fold(S s, B init, F f) {
  while (auto item = co_await s.next())
    init = std::invoke(f, std::move(init), std::move(*item));
  co_return init;
}

/// Every item, appended to a `C` (a std::vector, a std::string...) (StreamExt::collect).
template <class C, StreamLike S>
Task<C> collect(S s) {
  C out;
  while (auto item = co_await s.next())
    out.insert(out.end(), std::move(*item));
  co_return out;
}

/// True at the first item for which `pred` is true (the rest is not polled); false at the end
/// (StreamExt::any).
template <StreamLike S, class P>
requires std::predicate<P&, item_t<S>> Task<bool> any(S s, P pred) {
  while (auto item = co_await s.next())
    if (std::invoke(pred, std::move(*item))) co_return true;
  co_return false;
}

/// False at the first item for which `pred` is false; true at the end (StreamExt::all).
template <StreamLike S, class P>
requires std::predicate<P&, item_t<S>> Task<bool> all(S s, P pred) {
  while (auto item = co_await s.next())
    if (!std::invoke(pred, std::move(*item))) co_return false;
  co_return true;
}

/// How many items the stream gives (StreamExt::count).
template <StreamLike S>
Task<std::size_t> count(S s) {
  std::size_t n = 0;
  while (auto item = co_await s.next())  // (not `while (co_await ...)`: GCC 12 miscompiles it)
    ++n;
  co_return n;
}

/// Calls `f(item)` for every item (StreamExt::for_each). When `f` returns an awaitable, it is
/// awaited before the next item is taken.
template <StreamLike S, class F>
requires std::invocable<F&, item_t<S>> Task<void> for_each(S s, F f) {
  while (auto item = co_await s.next()) {
    if constexpr (detail::Awaitable<std::invoke_result_t<F&, item_t<S>>>) {
      co_await std::invoke(f, std::move(*item));
    } else {
      std::invoke(f, std::move(*item));
    }
  }
}

/// Calls `f(item)`, which returns a Task<void>, for every item, running up to `limit` of
/// those Tasks at once (0: no limit), and completes when the stream has ended and every Task
/// has finished (StreamExt::for_each_concurrent). Unlike Tokio's, the Tasks are spawned on the
/// current runtime (a JoinSet), so on the multi-thread runtime they run in parallel.
/// Errors: the first failed Task's exception (tokio::task::JoinError for a panic-like
/// failure) is thrown once it is joined; the Tasks still running are then aborted.
template <StreamLike S, class F>
requires std::invocable<F&, item_t<S>> Task<void> for_each_concurrent(S s, std::size_t limit, F f) {
  tokio::task::JoinSet<void> running;
  while (auto item = co_await s.next()) {
    while (limit != 0 && running.len() >= limit) {
      auto done = co_await running.join_next();
      done->value();
    }
    running.spawn(std::invoke(f, std::move(*item)));
  }
  while (auto done = co_await running.join_next())
    done->value();
}

// --- The members of StreamExtMembers (declared in stream.hpp) -------------------------------

template <class Self>
template <class F>
auto StreamExtMembers<Self>::map(F f) && {
  return stream::map(self(), std::move(f));
}
template <class Self>
template <class F>
auto StreamExtMembers<Self>::then(F f) && {
  return stream::then(self(), std::move(f));
}
template <class Self>
template <class P>
auto StreamExtMembers<Self>::filter(P pred) && {
  return stream::filter(self(), std::move(pred));
}
template <class Self>
template <class F>
auto StreamExtMembers<Self>::filter_map(F f) && {
  return stream::filter_map(self(), std::move(f));
}
template <class Self>
template <class F>
auto StreamExtMembers<Self>::map_while(F f) && {
  return stream::map_while(self(), std::move(f));
}
template <class Self>
auto StreamExtMembers<Self>::take(std::size_t n) && {
  return stream::take(self(), n);
}
template <class Self>
template <class P>
auto StreamExtMembers<Self>::take_while(P pred) && {
  return stream::take_while(self(), std::move(pred));
}
template <class Self>
auto StreamExtMembers<Self>::skip(std::size_t n) && {
  return stream::skip(self(), n);
}
template <class Self>
template <class P>
auto StreamExtMembers<Self>::skip_while(P pred) && {
  return stream::skip_while(self(), std::move(pred));
}
template <class Self>
template <class S>
auto StreamExtMembers<Self>::chain(S second) && {
  return stream::chain(self(), std::move(second));
}
template <class Self>
template <class S>
auto StreamExtMembers<Self>::merge(S other) && {
  return stream::merge(self(), std::move(other));
}
template <class Self>
template <class B, class F>
auto StreamExtMembers<Self>::fold(B init, F f) && {
  return stream::fold(self(), std::move(init), std::move(f));
}
template <class Self>
template <class C>
auto StreamExtMembers<Self>::collect() && {
  return stream::collect<C>(self());
}
template <class Self>
template <class P>
auto StreamExtMembers<Self>::any(P pred) && {
  return stream::any(self(), std::move(pred));
}
template <class Self>
template <class P>
auto StreamExtMembers<Self>::all(P pred) && {
  return stream::all(self(), std::move(pred));
}
template <class Self>
auto StreamExtMembers<Self>::count() && {
  return stream::count(self());
}
template <class Self>
template <class F>
auto StreamExtMembers<Self>::for_each(F f) && {
  return stream::for_each(self(), std::move(f));
}

}  // namespace tokio::stream
