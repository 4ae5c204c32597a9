// StreamExt::merge (after tokio-stream's stream_merge.rs).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "tokio/stream.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace stream = tokio::stream;
using namespace std::chrono_literals;
using stream::Stream;
using Ints = std::vector<int>;

Stream<int> range(int from, int to) {
  for (int i = from; i < to; ++i)
    co_yield i;
}

// Ready items from both sides take turns; once one side ends, the other is drained.
TOKIO_TEST_ALL_FLAVORS(StreamMerge, ReadyItemsAlternate) {
  auto merged = co_await stream::collect<Ints>(stream::merge(range(0, 3), range(10, 15)));
  EXPECT_EQ(merged, (Ints{0, 10, 1, 11, 2, 12, 13, 14}));
}

Stream<int> ticking(int first, std::chrono::milliseconds period, int n) {
  for (int i = 0; i < n; ++i) {
    co_await tokio::time::sleep(period);
    co_yield first + i;
  }
}

// Items come as they are ready, and none is lost by the side that loses a round.
TOKIO_TEST(StreamMerge, ItemsComeInTimeOrder, .start_paused = true) {
  auto merged = co_await range(0, 0)
                    .merge(ticking(100, 3ms, 4))  // at 3, 6, 9, 12 ms
                    .merge(ticking(200, 5ms, 2))  // at 5, 10 ms
                    .collect<Ints>();
  EXPECT_EQ(merged, (Ints{100, 200, 101, 102, 201, 103}));
}

TOKIO_TEST(StreamMerge, BothEmpty) {
  EXPECT_EQ(co_await stream::count(stream::merge(stream::empty<int>(), stream::empty<int>())), 0u);
}

}  // namespace
