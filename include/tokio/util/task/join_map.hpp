// tokio::util::task::JoinMap (tokio-util's): a JoinSet whose tasks have keys.
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "tokio/result.hpp"
#include "tokio/task/join_error.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/join_set.hpp"
#include "tokio/task/spawn.hpp"

namespace tokio::util::task {

/// Tasks spawned under keys, joined as they finish with their key: `join_next()` gives
/// `(key, Result<V, JoinError>)`. Spawning under a key that is in use aborts the task that
/// had it (its outcome is never reported). Destroying the map aborts every task in it.
/// Keys are compared with == and copied; lookups are linear.
///
/// Errors: spawn throws as tokio::spawn. Cancel safety: join_next is cancel-safe.
/// Thread safety: one task at a time.
template <class K, class V>
class JoinMap {
  static_assert(!std::is_void_v<V>, "JoinMap<K, void>: use JoinMap<K, std::monostate>");

 public:
  using Outcome = Result<V, tokio::task::JoinError>;

  JoinMap() = default;
  JoinMap(JoinMap&&) noexcept = default;
  JoinMap& operator=(JoinMap&&) noexcept = default;

  /// Spawns `f(args...)` (as tokio::spawn) under `key`, aborting the task that had the key.
  template <class F, class... Args>
  requires tokio::detail::Spawnable<F, Args...>
  void spawn(K key, F&& f, Args&&... args) {
    if (auto old = find(key)) {  // replaced: aborted, and its outcome never reported
      handles_[*old].second.abort();
      handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(*old));
    }
    auto task =
        with_id(tokio::detail::into_spawned_task(std::forward<F>(f), std::forward<Args>(args)...));
    tokio::task::AbortHandle handle = set_.spawn(std::move(task));
    handles_.emplace_back(std::move(key), std::move(handle));
  }

  /// Waits for the next task to finish: its key and outcome; std::nullopt when the map is
  /// empty. Cancel-safe.
  Task<std::optional<std::pair<K, Outcome>>> join_next() {
    for (;;) {
      auto next = co_await set_.join_next();
      if (!next) co_return std::nullopt;
      if (next->has_value()) {
        auto [id, value] = std::move(*next).value();
        if (auto key = take_key_of(id))
          co_return std::make_pair(std::move(*key), Outcome(std::move(value)));
        continue;  // a task replaced under its key: not reported
      }
      tokio::task::JoinError error = std::move(*next).error();
      if (auto key = take_key_of(error.id()))
        co_return std::make_pair(std::move(*key), Outcome(Err(std::move(error))));
      // A task replaced under its key (aborted): its outcome is not reported.
    }
  }

  /// Aborts the task under `key`; true if there was one. Its cancellation is reported by
  /// join_next as usual.
  bool abort(const K& key) {
    auto i = find(key);
    if (!i) return false;
    handles_[*i].second.abort();
    return true;
  }
  void abort_all() noexcept { set_.abort_all(); }
  bool contains_key(const K& key) const { return find(key).has_value(); }
  /// Tasks under a key (finished ones not yet joined included).
  std::size_t len() const noexcept { return handles_.size(); }
  bool is_empty() const noexcept { return handles_.empty(); }
  /// Aborts every task and waits until all have finished.
  Task<void> shutdown() {
    handles_.clear();
    co_await set_.shutdown();
  }

 private:
  // The task's output, tagged with its id (keys may be reused: the id tells the task that
  // holds the key now from one it replaced).
  template <class T>
  static Task<std::pair<tokio::task::Id, T>> with_id(Task<T> task) {
    T value = co_await std::move(task);
    co_return std::make_pair(tokio::task::id(), std::move(value));
  }
  std::optional<std::size_t> find(const K& key) const {
    for (std::size_t i = 0; i < handles_.size(); ++i)
      if (handles_[i].first == key) return i;
    return std::nullopt;
  }
  std::optional<K> take_key_of(tokio::task::Id id) {
    for (std::size_t i = 0; i < handles_.size(); ++i) {
      if (handles_[i].second.id() == id) {
        K key = std::move(handles_[i].first);
        handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(i));
        return key;
      }
    }
    return std::nullopt;
  }

  tokio::task::JoinSet<std::pair<tokio::task::Id, V>> set_;
  std::vector<std::pair<K, tokio::task::AbortHandle>> handles_;
};

}  // namespace tokio::util::task
