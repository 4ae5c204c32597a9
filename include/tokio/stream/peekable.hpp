// tokio::stream::Peekable: a stream that can look at its next item without taking it
// (StreamExt::peekable).
#pragma once

#include <optional>
#include <utility>

#include "tokio/stream/stream.hpp"
#include "tokio/task/task.hpp"

namespace tokio::stream {

/// Wraps a stream so that `co_await p.peek()` shows the next item (a pointer to it, null at
/// the end) while leaving it for next(). Cancel-safe when the inner next() is: a peek that is
/// dropped loses nothing. The Peekable must outlive the Tasks its peek() and next() return.
template <StreamLike S>
class Peekable {
 public:
  using Item = item_t<S>;
  explicit Peekable(S inner) : inner_(std::move(inner)) {}

  /// The next item (the peeked one first), or std::nullopt at the end.
  Task<std::optional<Item>> next() {
    if (peeked_) co_return std::exchange(peeked_, std::nullopt);
    co_return co_await inner_.next();
  }

  /// A pointer to the next item, kept here for next(); null at the end. The pointer is valid
  /// until the next call on this Peekable.
  Task<Item*> peek() {
    if (!peeked_) peeked_ = co_await inner_.next();
    co_return peeked_ ? &*peeked_ : nullptr;
  }

  S into_inner() && { return std::move(inner_); }

 private:
  S inner_;
  std::optional<Item> peeked_;
};

template <StreamLike S>
Peekable<S> peekable(S s) {
  return Peekable<S>(std::move(s));
}

}  // namespace tokio::stream
