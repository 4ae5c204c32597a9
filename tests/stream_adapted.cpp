// The fused per-item adapters (Adapted) over pollable streams, and the generator fallback over
// other sources: the same results, waits inside the source, cancel safety.
#include <gtest/gtest.h>

#include <chrono>
#include <type_traits>
#include <vector>

#include "tokio/stream.hpp"
#include "tokio/stream/wrappers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace stream = tokio::stream;
using namespace std::chrono_literals;
using stream::Stream;
using Ints = std::vector<int>;

Stream<int> slow_range(int n, std::chrono::milliseconds step) {
  for (int i = 0; i < n; ++i) {
    co_await tokio::time::sleep(step);
    co_yield i;
  }
}

int twice(int x) {
  return 2 * x;
}
bool is_even(const int& x) {
  return x % 2 == 0;
}

// Over a Stream the adapters fuse; over a channel's stream they are generators.
static_assert(tokio::detail::PollableStream<Stream<int>>);
static_assert(
    tokio::detail::PollableStream<decltype(stream::map(std::declval<Stream<int>>(), twice))>);
static_assert(!tokio::detail::PollableStream<stream::wrappers::ReceiverStream<int>>);
static_assert(std::is_same_v<
              decltype(stream::map(std::declval<stream::wrappers::ReceiverStream<int>>(), twice)),
              Stream<int>>);

// The source waits inside (a sleep); a fused next() lost to a timeout loses nothing.
TOKIO_TEST(StreamAdapted, FusedNextIsCancelSafe, .start_paused = true) {
  auto s = slow_range(10, 10ms).filter(is_even).map(twice);
  Ints seen;
  int timeouts = 0;
  for (;;) {
    auto r = co_await tokio::time::timeout(7ms, s.next());
    if (!r.has_value()) {
      ++timeouts;
      continue;
    }
    auto item = std::move(r).value();
    if (!item) break;
    seen.push_back(*item);
  }
  EXPECT_EQ(seen, (Ints{0, 4, 8, 12, 16}));
  EXPECT_GE(timeouts, 5);
}

TOKIO_TEST_ALL_FLAVORS(StreamAdapted, FallbackOverAChannel) {
  auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<int>();
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(tx.send(i).has_value());
  { auto closed = std::move(tx); }
  auto got = co_await stream::collect<Ints>(stream::take(
      stream::map(
          stream::filter(stream::wrappers::UnboundedReceiverStream<int>(std::move(rx)), is_even),
          twice),
      3));
  EXPECT_EQ(got, (Ints{0, 4, 8}));
}

// Every step gives the same items through the generator fallback as through Adapted.
tokio::stream::wrappers::UnboundedReceiverStream<int> channel_of(int n) {
  auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<int>();
  for (int i = 0; i < n; ++i)
    EXPECT_TRUE(tx.send(i).has_value());
  return tokio::stream::wrappers::UnboundedReceiverStream<int>(std::move(rx));
}

std::optional<int> half_of_even(int x) {
  return x % 2 == 0 ? std::optional<int>(x / 2) : std::nullopt;
}
std::optional<int> below_five(int x) {
  return x < 5 ? std::optional<int>(x) : std::nullopt;
}
bool less_than_four(const int& x) {
  return x < 4;
}

TOKIO_TEST(StreamAdapted, FallbackAppliesEveryStep) {
  // (Each result is named first: GCC 12 rejects a braced list in an expression with co_await.)
  auto skipped = co_await stream::collect<Ints>(stream::skip(channel_of(6), 4));
  EXPECT_EQ(skipped, (Ints{4, 5}));
  auto skipped_while =
      co_await stream::collect<Ints>(stream::skip_while(channel_of(6), less_than_four));
  EXPECT_EQ(skipped_while, (Ints{4, 5}));
  auto taken_while =
      co_await stream::collect<Ints>(stream::take_while(channel_of(6), less_than_four));
  EXPECT_EQ(taken_while, (Ints{0, 1, 2, 3}));
  auto halves = co_await stream::collect<Ints>(stream::filter_map(channel_of(6), half_of_even));
  EXPECT_EQ(halves, (Ints{0, 1, 2}));
  auto mapped_while = co_await stream::collect<Ints>(stream::map_while(channel_of(8), below_five));
  EXPECT_EQ(mapped_while, (Ints{0, 1, 2, 3, 4}));
  auto none = co_await stream::collect<Ints>(stream::take(channel_of(6), 0));
  EXPECT_TRUE(none.empty());
}

// Adapted works wherever a stream does: in a StreamMap, under peekable, in a merge.
TOKIO_TEST_ALL_FLAVORS(StreamAdapted, ComposesWithTheRest) {
  Ints one{1, 2, 3};
  stream::StreamMap<int, int> map;
  map.insert(1, stream::iter(std::move(one)).map(twice));
  int sum = 0;
  while (auto item = co_await map.next())
    sum += item->second;
  EXPECT_EQ(sum, 12);
  Ints two{5, 6};
  auto p = stream::peekable(stream::iter(std::move(two)).skip(1));
  EXPECT_EQ(*(co_await p.peek()), 6);
  EXPECT_EQ(co_await p.next(), 6);
  Ints a{1}, b{2};
  auto merged = co_await stream::iter(std::move(a))
                    .map(twice)
                    .merge(stream::iter(std::move(b)))
                    .collect<Ints>();
  EXPECT_EQ(merged.size(), 2u);
}

}  // namespace
