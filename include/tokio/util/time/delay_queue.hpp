// tokio::util::time::DelayQueue (tokio-util's): values that come out when their deadline
// passes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "tokio/macros/select.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/task/task.hpp"
#include "tokio/time/instant.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio::util::time {

/// Names a value in a DelayQueue (returned by insert; valid until the value comes out or is
/// removed).
struct DelayKey {
  std::uint64_t id = 0;
  friend bool operator==(DelayKey, DelayKey) noexcept = default;
};

/// A value whose deadline passed, as DelayQueue::next gives it.
template <class T>
class Expired {
 public:
  Expired(T value, DelayKey key, tokio::time::Instant deadline)
      : value_(std::move(value)), key_(key), deadline_(deadline) {}
  T& get_ref() noexcept { return value_; }
  T into_inner() && { return std::move(value_); }
  DelayKey key() const noexcept { return key_; }
  tokio::time::Instant deadline() const noexcept { return deadline_; }

 private:
  T value_;
  DelayKey key_;
  tokio::time::Instant deadline_;
};

/// A queue of values, each with a deadline: `co_await q.next()` gives the value whose deadline
/// passed first (in deadline order, ties in insertion order), or std::nullopt when the queue is
/// empty (it is not fused: values inserted later come out too). Values can be removed, or
/// have their deadline reset, by key. Uses the runtime's timer for one deadline at a time (the
/// earliest): the paused clock applies, as for sleep.
///
/// ```
/// tokio::util::time::DelayQueue<std::string> cache_expiry;
/// auto key = cache_expiry.insert("session-42", 30s);
/// cache_expiry.reset(key, 30s);  // seen again: expire later
/// while (auto expired = co_await cache_expiry.next()) forget(expired->get_ref());
/// ```
///
/// Errors: remove/reset/deadline with a key that is not in the queue throw std::out_of_range.
/// Cancel safety: next() is cancel-safe (no value is taken until it returns). A next() that is
/// waiting sees inserts and resets made meanwhile (from another branch of a join, say).
/// Thread safety: one task at a time. Costs: O(log n) insert, remove and reset.
template <class T>
class DelayQueue {
 public:
  DelayQueue() = default;
  DelayQueue(DelayQueue&&) = delete;  // a waiting next() refers to it
  DelayQueue(const DelayQueue&) = delete;

  /// Adds `value`, to come out at `deadline`.
  DelayKey insert_at(T value, tokio::time::Instant deadline) {
    const DelayKey key{++last_id_};
    entries_.emplace(key.id, Entry{std::move(value), deadline});
    order_.emplace(deadline, key.id);
    changed_.notify_waiters();
    return key;
  }
  /// Adds `value`, to come out `timeout` from now.
  DelayKey insert(T value, tokio::time::Duration timeout) {
    return insert_at(std::move(value), tokio::time::Instant::now() + timeout);
  }
  /// Takes the value out before its deadline.
  Expired<T> remove(DelayKey key) {
    auto it = find(key, "remove");
    Expired<T> out(std::move(it->second.value), key, it->second.deadline);
    order_.erase({it->second.deadline, key.id});
    entries_.erase(it);
    return out;
  }
  /// remove, or std::nullopt when the key is not in the queue.
  std::optional<Expired<T>> try_remove(DelayKey key) {
    if (!entries_.contains(key.id)) return std::nullopt;
    return remove(key);
  }
  /// Moves the value's deadline to `deadline`.
  void reset_at(DelayKey key, tokio::time::Instant deadline) {
    auto it = find(key, "reset_at");
    order_.erase({it->second.deadline, key.id});
    it->second.deadline = deadline;
    order_.emplace(deadline, key.id);
    changed_.notify_waiters();
  }
  void reset(DelayKey key, tokio::time::Duration timeout) {
    reset_at(key, tokio::time::Instant::now() + timeout);
  }
  tokio::time::Instant deadline(DelayKey key) const {
    auto it = entries_.find(key.id);
    if (it == entries_.end()) throw_missing("deadline");
    return it->second.deadline;
  }
  void clear() noexcept {
    entries_.clear();
    order_.clear();
  }
  std::size_t len() const noexcept { return entries_.size(); }
  bool is_empty() const noexcept { return entries_.empty(); }

  /// The next value whose deadline has passed, waiting for it; std::nullopt when empty.
  Task<std::optional<Expired<T>>> next() {
    for (;;) {
      if (order_.empty()) co_return std::nullopt;
      const auto [deadline, id] = *order_.begin();
      if (deadline <= tokio::time::Instant::now()) {
        order_.erase(order_.begin());
        auto it = entries_.find(id);
        Expired<T> out(std::move(it->second.value), DelayKey{id}, deadline);
        entries_.erase(it);
        co_return out;
      }
      // Until the earliest deadline, or until the queue changes (it may have an earlier one).
      auto changed = changed_.notified();
      (void)co_await tokio::select_biased(tokio::time::sleep_until(deadline), std::move(changed));
    }
  }

 private:
  struct Entry {
    T value;
    tokio::time::Instant deadline;
  };
  typename std::unordered_map<std::uint64_t, Entry>::iterator find(DelayKey key, const char* what) {
    auto it = entries_.find(key.id);
    if (it == entries_.end()) throw_missing(what);
    return it;
  }
  [[noreturn]] static void throw_missing(const char* what) {
    throw std::out_of_range(std::string("tokio::util::time::DelayQueue::") + what +
                            ": the key is not in the queue (its value came out or was removed)");
  }

  std::unordered_map<std::uint64_t, Entry> entries_;
  std::set<std::pair<tokio::time::Instant, std::uint64_t>> order_;  // (deadline, insertion id)
  std::uint64_t last_id_ = 0;
  tokio::sync::Notify changed_;
};

}  // namespace tokio::util::time
