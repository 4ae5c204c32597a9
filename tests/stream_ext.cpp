// StreamExt's adapters and consumers (after tokio-stream's stream_iter.rs, stream_once.rs,
// stream_empty.rs, stream_pending.rs, stream_chain.rs, stream_fuse.rs, stream_collect.rs and
// the StreamExt doc examples), as free functions and as Stream<T> members.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "tokio/stream.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace stream = tokio::stream;
using stream::Stream;
using Ints = std::vector<int>;

Stream<int> range(int from, int to) {
  for (int i = from; i < to; ++i)
    co_yield i;
}

int twice(int x) {
  return 2 * x;
}
bool is_even(const int& x) {
  return x % 2 == 0;
}
bool below_4(const int& x) {
  return x < 4;
}

// `co_await` and a braced list in one expression trip GCC 12 ("array used as initializer"):
// each check awaits into a variable first.
TOKIO_TEST_ALL_FLAVORS(StreamExt, SourcesIterOnceEmpty) {
  Ints source{1, 2, 3};
  auto all = co_await stream::collect<Ints>(stream::iter(std::move(source)));
  EXPECT_EQ(all, (Ints{1, 2, 3}));
  const std::vector<std::string> words{"a", "b"};
  auto copied = co_await stream::collect<std::vector<std::string>>(stream::iter(words));
  EXPECT_EQ(copied, words);  // an lvalue range is copied, not moved from
  auto one = co_await stream::collect<Ints>(stream::once(7));
  EXPECT_EQ(one, (Ints{7}));
  EXPECT_EQ(co_await stream::count(stream::empty<int>()), 0u);
}

TOKIO_TEST(StreamExt, PendingNeverEnds) {
  auto s = stream::pending<int>();
  auto r = co_await tokio::select_biased(s.next(), tokio::future::ready(1));
  EXPECT_EQ(r.index(), 1u);
}

TOKIO_TEST_ALL_FLAVORS(StreamExt, MapFilterTakeSkip) {
  auto mapped = co_await stream::collect<Ints>(stream::map(range(0, 4), twice));
  EXPECT_EQ(mapped, (Ints{0, 2, 4, 6}));
  auto evens = co_await stream::collect<Ints>(stream::filter(range(0, 7), is_even));
  EXPECT_EQ(evens, (Ints{0, 2, 4, 6}));
  auto first3 = co_await stream::collect<Ints>(stream::take(range(0, 100), 3));
  EXPECT_EQ(first3, (Ints{0, 1, 2}));
  auto short_take = co_await stream::collect<Ints>(stream::take(range(0, 2), 5));
  EXPECT_EQ(short_take, (Ints{0, 1}));
  auto skipped = co_await stream::collect<Ints>(stream::skip(range(0, 5), 3));
  EXPECT_EQ(skipped, (Ints{3, 4}));
  auto all_skipped = co_await stream::collect<Ints>(stream::skip(range(0, 2), 5));
  EXPECT_TRUE(all_skipped.empty());
  auto taken_while = co_await stream::collect<Ints>(stream::take_while(range(0, 10), below_4));
  EXPECT_EQ(taken_while, (Ints{0, 1, 2, 3}));
  auto skipped_while = co_await stream::collect<Ints>(stream::skip_while(range(0, 6), below_4));
  EXPECT_EQ(skipped_while, (Ints{4, 5}));
}

std::optional<int> half_if_even(int x) {
  if (x % 2) return std::nullopt;
  return x / 2;
}

TOKIO_TEST(StreamExt, FilterMapAndMapWhile) {
  {
    auto got = co_await stream::collect<Ints>(stream::filter_map(range(0, 7), half_if_even));
    EXPECT_EQ(got, (Ints{0, 1, 2, 3}));
  }
  // map_while stops at the first empty optional (1 is odd).
  {
    auto got = co_await stream::collect<Ints>(stream::map_while(range(0, 7), half_if_even));
    EXPECT_EQ(got, (Ints{0}));
  }
}

tokio::Task<int> add_ten_later(int x) {
  co_await tokio::task::yield_now();
  co_return x + 10;
}

TOKIO_TEST_ALL_FLAVORS(StreamExt, ThenAwaitsEachResult) {
  {
    auto got = co_await stream::collect<Ints>(stream::then(range(0, 3), add_ten_later));
    EXPECT_EQ(got, (Ints{10, 11, 12}));
  }
}

// take stops polling its source after the n-th item: the source's next item is never made.
TOKIO_TEST(StreamExt, TakeDoesNotPollPastTheLast) {
  int produced = 0;
  auto counted = [](int* produced) -> Stream<int> {
    for (int i = 0;; ++i) {
      ++*produced;
      co_yield i;
    }
  };
  const auto n = co_await stream::count(stream::take(counted(&produced), 3));
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(produced, 3);
}

TOKIO_TEST_ALL_FLAVORS(StreamExt, ChainAndFuse) {
  {
    Ints tail{7, 8};
    auto got =
        co_await stream::collect<Ints>(stream::chain(range(0, 2), stream::iter(std::move(tail))));
    EXPECT_EQ(got, (Ints{0, 1, 7, 8}));
  }
  auto fused = stream::fuse(range(0, 1));
  EXPECT_EQ(co_await fused.next(), 0);
  EXPECT_EQ(co_await fused.next(), std::nullopt);
  EXPECT_EQ(co_await fused.next(), std::nullopt);
}

int add(int acc, int x) {
  return acc + x;
}
bool is_big(int x) {
  return x > 100;
}
bool is_small(int x) {
  return x < 100;
}

TOKIO_TEST_ALL_FLAVORS(StreamExt, Consumers) {
  EXPECT_EQ(co_await stream::fold(range(1, 5), 0, add), 10);
  EXPECT_EQ(co_await stream::count(range(0, 9)), 9u);
  EXPECT_FALSE(co_await stream::any(range(0, 9), is_big));
  EXPECT_TRUE(co_await stream::any(range(0, 200), is_big));
  EXPECT_TRUE(co_await stream::all(range(0, 9), is_small));
  EXPECT_FALSE(co_await stream::all(range(0, 200), is_small));
  std::string joined;
  auto append = [&joined](std::string s) { joined += s; };
  std::vector<std::string> xy{"x", "y"};
  co_await stream::for_each(stream::iter(std::move(xy)), append);
  EXPECT_EQ(joined, "xy");
  auto text = co_await stream::collect<std::string>(stream::iter(std::string("abc")));
  EXPECT_EQ(text, "abc");
}

// for_each awaits what its callable returns before it takes the next item.
TOKIO_TEST(StreamExt, ForEachAwaitsAnAsyncCallable) {
  Ints seen;
  auto record = [&seen](int x) -> tokio::Task<void> {
    co_await tokio::task::yield_now();
    seen.push_back(x);
  };
  co_await stream::for_each(range(0, 3), record);
  EXPECT_EQ(seen, (Ints{0, 1, 2}));
}

// Tokio's chaining style, on Stream<T> members.
TOKIO_TEST_ALL_FLAVORS(StreamExt, MemberChaining) {
  auto sum =
      co_await range(0, 100).filter(is_even).map(twice).skip(1).take(3).fold(0, add);  // 4 + 8 + 12
  EXPECT_EQ(sum, 24);
  {
    auto got = co_await range(0, 3).chain(range(5, 6)).collect<Ints>();
    EXPECT_EQ(got, (Ints{0, 1, 2, 5}));
  }
  EXPECT_EQ(co_await range(0, 5).count(), 5u);
}

// A callable's exception ends the adapted stream and reaches the consumer.
int throw_on_2(int x) {
  if (x == 2) throw std::invalid_argument("two");
  return x;
}

TOKIO_TEST(StreamExt, ACallablesExceptionReachesTheConsumer) {
  auto s = stream::map(range(0, 5), throw_on_2);
  EXPECT_EQ(co_await s.next(), 0);
  EXPECT_EQ(co_await s.next(), 1);
  EXPECT_THROW((void)co_await s.next(), std::invalid_argument);
  EXPECT_EQ(co_await s.next(), std::nullopt);
}

TOKIO_TEST(StreamExt, PeekLeavesTheItem) {
  auto p = stream::peekable(range(0, 2));
  int* first = co_await p.peek();
  TOKIO_CO_ASSERT(first != nullptr);
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(*(co_await p.peek()), 0);  // still there
  EXPECT_EQ(co_await p.next(), 0);
  EXPECT_EQ(co_await p.next(), 1);
  EXPECT_EQ(co_await p.peek(), nullptr);
  EXPECT_EQ(co_await p.next(), std::nullopt);
}

tokio::Task<void> record_later(std::atomic<int>* running, std::atomic<int>* peak, int) {
  const int now = running->fetch_add(1) + 1;
  int seen = peak->load();
  while (now > seen && !peak->compare_exchange_weak(seen, now)) {
  }
  co_await tokio::task::yield_now();
  co_await tokio::task::yield_now();
  running->fetch_sub(1);
}

// At most `limit` callables run at once, and all of them run.
TOKIO_TEST_ALL_FLAVORS(StreamExt, ForEachConcurrentHonoursItsLimit) {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int>* r = &running;
  std::atomic<int>* p = &peak;
  auto start = [r, p](int i) { return record_later(r, p, i); };
  co_await stream::for_each_concurrent(range(0, 20), 3, start);
  EXPECT_EQ(running.load(), 0);
  EXPECT_GE(peak.load(), 1);
  EXPECT_LE(peak.load(), 3);
}

}  // namespace
