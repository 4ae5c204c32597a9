// tokio::stream::StreamMap: many streams under keys, read as one (tokio-stream's StreamMap).
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/detail/context.hpp"
#include "tokio/stream/stream.hpp"

namespace tokio::stream {

/// A map from keys to streams of `V`, itself a stream of `(key, item)` pairs: next() gives an
/// item of whichever stream has one first. A stream that ends is removed (its key with it);
/// next() gives std::nullopt while the map is empty. Streams may be inserted and removed
/// between two next() calls, as in Tokio (the chat server's "join" and "leave").
///
/// Any StreamLike of `V` can be inserted; it is kept as a Stream<V>. Keys are compared with
/// ==; inserting an existing key replaces its stream (the old one is returned). Lookups are
/// linear, as in Tokio (a StreamMap is for tens of streams, not millions).
///
/// Fairness: each next() starts looking at a different stream (round-robin), so a busy stream
/// cannot starve the others. Cancel safety: next() is cancel-safe when the streams' next()
/// are (a Stream<V> always is). Thread safety: one task at a time.
template <class K, class V>
class StreamMap {
 public:
  using Item = std::pair<K, V>;

  StreamMap() = default;
  StreamMap(StreamMap&&) noexcept = default;
  StreamMap& operator=(StreamMap&&) noexcept = default;

  /// Adds `s` under `key`; returns the stream it replaces, if any.
  template <StreamLike S>
  requires std::convertible_to<item_t<S>, V> std::optional<Stream<V>> insert(K key, S s) {
    Stream<V> boxed = box(std::move(s));
    for (auto& entry : entries_) {
      if (entry.first == key) return std::exchange(entry.second, std::move(boxed));
    }
    entries_.emplace_back(std::move(key), std::move(boxed));
    return std::nullopt;
  }

  /// Removes and returns the stream under `key`, if any.
  std::optional<Stream<V>> remove(const K& key) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == key) {
        Stream<V> out = std::move(entries_[i].second);
        erase_at(i);
        return out;
      }
    }
    return std::nullopt;
  }

  bool contains_key(const K& key) const {
    for (const auto& entry : entries_)
      if (entry.first == key) return true;
    return false;
  }
  std::size_t len() const noexcept { return entries_.size(); }
  bool is_empty() const noexcept { return entries_.empty(); }
  void clear() noexcept { entries_.clear(); }
  /// The keys, in no particular order.
  std::vector<K> keys() const {
    std::vector<K> out;
    out.reserve(entries_.size());
    for (const auto& entry : entries_)
      out.push_back(entry.first);
    return out;
  }

  /// The awaitable of next(): polls every stream (starting at a rotating one) each time the
  /// task wakes, until one has an item. Movable until first awaited.
  class [[nodiscard]] Next final : public detail::Combinator {
   public:
    explicit Next(StreamMap& map) noexcept : map_(&map) {}
    Next(Next&&) noexcept = default;
    Next& operator=(const Next&) = delete;

    bool await_ready() {
      (void)detail::current_context("tokio::stream::StreamMap::next");
      return poll_streams();
    }
    bool await_suspend(std::coroutine_handle<> awaiting) {
      detail::suspend_leaf(detail::current_context("tokio::stream::StreamMap::next"), this,
                           awaiting);
      return true;
    }
    std::optional<Item> await_resume() { return std::move(result_); }

   private:
    bool poll_ready() override { return poll_streams(); }
    // Each stream's next() is polled in the current context (it registers this task's waker
    // in the stream's own context); an ended stream leaves the map.
    bool poll_streams() {
      auto& entries = map_->entries_;
      for (;;) {  // again after removing an ended stream
        const std::size_t n = entries.size();
        if (n == 0) return true;  // empty: std::nullopt
        const std::size_t start = map_->next_start_++ % n;
        bool removed = false;
        for (std::size_t k = 0; k < n && !removed; ++k) {
          const std::size_t i = (start + k) % n;
          auto next = entries[i].second.next();
          if (!next.await_ready()) continue;
          if (auto item = next.await_resume()) {
            result_.emplace(entries[i].first, std::move(*item));
            return true;
          }
          map_->erase_at(i);
          removed = true;
        }
        if (!removed) return false;
      }
    }

    StreamMap* map_;
    std::optional<Item> result_;
  };

  /// The next `(key, item)`, or std::nullopt while the map is empty. Cancel-safe.
  Next next() noexcept { return Next(*this); }

 private:
  template <StreamLike S>
  static Stream<V> box(S s) {
    if constexpr (std::is_same_v<S, Stream<V>>) {
      return s;
    } else {
      return boxed_items(std::move(s));
    }
  }
  template <StreamLike S>
  static Stream<V> boxed_items(S s) {
    while (auto item = co_await s.next())
      co_yield V(std::move(*item));
  }
  void erase_at(std::size_t i) {
    if (i + 1 != entries_.size()) entries_[i] = std::move(entries_.back());
    entries_.pop_back();
  }

  std::vector<std::pair<K, Stream<V>>> entries_;
  std::size_t next_start_ = 0;
};

}  // namespace tokio::stream
