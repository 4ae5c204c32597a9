// The time-based adapters of StreamExt: timeout, timeout_repeating, throttle, chunks_timeout.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "tokio/result.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/time/interval.hpp"
#include "tokio/time/sleep.hpp"
#include "tokio/time/timeout.hpp"

namespace tokio::stream {

/// Each item as `Ok(item)`; when `duration` passes without one, an `Err(Elapsed)` item, and
/// the wait starts again (StreamExt::timeout). Ends when `s` ends. The inner next() that timed
/// out is dropped, so `s.next()` must be cancel-safe (every Stream's is).
template <StreamLike S>
Stream<Result<item_t<S>, time::Elapsed>> timeout(S s, time::Duration duration) {
  for (;;) {
    auto r = co_await time::timeout(duration, s.next());
    if (!r.has_value()) {
      co_yield Result<item_t<S>, time::Elapsed>(Err(time::Elapsed{}));
      continue;
    }
    auto item = std::move(r).value();
    if (!item) co_return;
    co_yield Result<item_t<S>, time::Elapsed>(std::move(*item));
  }
}

/// Like timeout, but the deadlines follow a fixed `interval` (its first tick is skipped), not
/// the arrival of each item (StreamExt::timeout_repeating).
template <StreamLike S>
Stream<Result<item_t<S>, time::Elapsed>> timeout_repeating(S s, time::Interval interval) {
  (void)co_await interval.tick();  // the first tick completes at once
  for (;;) {
    auto r = co_await tokio::select_biased(s.next(), interval.tick());
    if (r.index() == 1) {
      co_yield Result<item_t<S>, time::Elapsed>(Err(time::Elapsed{}));
      continue;
    }
    auto item = std::move(std::get<0>(r));
    if (!item) co_return;
    co_yield Result<item_t<S>, time::Elapsed>(std::move(*item));
  }
}

/// The items of `s`, at most one per `duration`: after an item, `s` is not polled again until
/// `duration` has passed (StreamExt::throttle).
template <StreamLike S>
Stream<item_t<S>> throttle(S s, time::Duration duration) {
  for (;;) {
    auto item = co_await s.next();
    if (!item) co_return;
    const auto until = time::Instant::now() + duration;
    co_yield std::move(*item);
    co_await time::sleep_until(until);
  }
}

/// The items of `s` in vectors of at most `max_size`: a vector is given when it is full, or
/// `duration` after its first item arrived, whichever comes first, and at the end with what
/// is left (StreamExt::chunks_timeout). `max_size` 0 is treated as 1.
template <StreamLike S>
Stream<std::vector<item_t<S>>> chunks_timeout(S s, std::size_t max_size, time::Duration duration) {
  if (max_size == 0) max_size = 1;
  for (;;) {
    std::vector<item_t<S>> chunk;
    auto first = co_await s.next();
    if (!first) co_return;
    chunk.push_back(std::move(*first));
    const auto deadline = time::Instant::now() + duration;
    bool ended = false;
    while (chunk.size() < max_size) {
      auto r = co_await tokio::select_biased(s.next(), time::sleep_until(deadline));
      if (r.index() == 1) break;
      auto item = std::move(std::get<0>(r));
      if (!item) {
        ended = true;
        break;
      }
      chunk.push_back(std::move(*item));
    }
    co_yield std::move(chunk);
    if (ended) co_return;
  }
}

}  // namespace tokio::stream
