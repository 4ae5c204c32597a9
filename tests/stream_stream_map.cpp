// tokio::stream::StreamMap (after tokio-stream's stream_stream_map.rs).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tokio/stream.hpp"
#include "tokio/stream/wrappers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace stream = tokio::stream;
using stream::Stream;
using stream::StreamMap;

Stream<int> range(int from, int to) {
  for (int i = from; i < to; ++i)
    co_yield i;
}

TOKIO_TEST(StreamStreamMap, EmptyMapGivesNothing) {
  StreamMap<std::string, int> map;
  EXPECT_TRUE(map.is_empty());
  EXPECT_EQ(co_await map.next(), std::nullopt);
}

// Every item comes out once, tagged with its stream's key; ended streams leave the map.
TOKIO_TEST_ALL_FLAVORS(StreamStreamMap, MergesUnderKeys) {
  StreamMap<std::string, int> map;
  EXPECT_FALSE(map.insert("a", range(0, 3)).has_value());
  EXPECT_FALSE(map.insert("b", stream::iter(std::vector<int>{10, 11})).has_value());
  EXPECT_EQ(map.len(), 2u);
  std::vector<std::pair<std::string, int>> seen;
  while (auto item = co_await map.next())
    seen.push_back(std::move(*item));
  std::sort(seen.begin(), seen.end());
  const std::vector<std::pair<std::string, int>> expected{
      {"a", 0}, {"a", 1}, {"a", 2}, {"b", 10}, {"b", 11}};
  EXPECT_EQ(seen, expected);
  EXPECT_TRUE(map.is_empty());
}

// Round-robin: two endless ready streams both make progress.
TOKIO_TEST(StreamStreamMap, NoStreamStarvesAnother) {
  auto forever = [](int v) -> Stream<int> {
    for (;;)
      co_yield v;
  };
  StreamMap<int, int> map;
  map.insert(1, forever(1));
  map.insert(2, forever(2));
  int ones = 0, twos = 0;
  for (int i = 0; i < 100; ++i) {
    auto item = co_await map.next();
    (item->second == 1 ? ones : twos)++;
  }
  EXPECT_EQ(ones, 50);
  EXPECT_EQ(twos, 50);
}

// Streams join and leave between next() calls, as the chat server's peers do.
TOKIO_TEST_ALL_FLAVORS(StreamStreamMap, InsertAndRemoveWhileReading) {
  auto [tx_a, rx_a] = tokio::sync::mpsc::unbounded_channel<int>();
  auto [tx_b, rx_b] = tokio::sync::mpsc::unbounded_channel<int>();
  StreamMap<char, int> map;
  map.insert('a', tokio::stream::wrappers::UnboundedReceiverStream<int>(std::move(rx_a)));
  EXPECT_TRUE(tx_a.send(1).has_value());
  auto first = co_await map.next();
  EXPECT_EQ(first, std::make_pair('a', 1));
  map.insert('b', tokio::stream::wrappers::UnboundedReceiverStream<int>(std::move(rx_b)));
  EXPECT_TRUE(tx_b.send(2).has_value());
  auto second = co_await map.next();
  EXPECT_EQ(second, std::make_pair('b', 2));
  auto removed = map.remove('a');
  EXPECT_TRUE(removed.has_value());
  EXPECT_FALSE(map.contains_key('a'));
  EXPECT_TRUE(tx_a.send(3).has_value());  // nobody reads 'a' any more
  EXPECT_TRUE(tx_b.send(4).has_value());
  auto third = co_await map.next();
  EXPECT_EQ(third, std::make_pair('b', 4));
  { auto dropped = std::move(tx_b); }
  EXPECT_EQ(co_await map.next(), std::nullopt);  // 'b' ended and left: empty
}

// next() waits for whichever stream gets an item first, and loses nothing when dropped.
TOKIO_TEST(StreamStreamMap, NextIsCancelSafe) {
  auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<int>();
  StreamMap<int, int> map;
  map.insert(7, tokio::stream::wrappers::UnboundedReceiverStream<int>(std::move(rx)));
  auto lost = co_await tokio::select_biased(map.next(), tokio::future::ready(0));
  EXPECT_EQ(lost.index(), 1u);
  EXPECT_TRUE(tx.send(5).has_value());
  auto got = co_await map.next();
  EXPECT_EQ(got, std::make_pair(7, 5));
}

TOKIO_TEST(StreamStreamMap, InsertReplacesTheStreamUnderAKey) {
  StreamMap<int, int> map;
  map.insert(1, range(0, 1));
  auto old = map.insert(1, range(5, 6));
  EXPECT_TRUE(old.has_value());
  EXPECT_EQ(map.len(), 1u);
  auto got = co_await map.next();
  EXPECT_EQ(got, std::make_pair(1, 5));
}

// Broadcast streams under keys, read in a select with another source (the chat_framed shape).
TOKIO_TEST_ALL_FLAVORS(StreamStreamMap, BroadcastStreamsInASelect) {
  using Item = tokio::stream::wrappers::BroadcastStream<int>::Item;
  tokio::sync::broadcast::Sender<int> room(16);
  StreamMap<std::string, Item> map;
  map.insert("lobby", tokio::stream::wrappers::BroadcastStream<int>(room.subscribe()));
  auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<int>();
  EXPECT_TRUE(tx.send(1).has_value());
  auto first = co_await tokio::select_biased(rx.recv(), map.next());
  EXPECT_EQ(first.index(), 0u);
  EXPECT_TRUE(room.send(5).has_value());
  auto second = co_await tokio::select_biased(rx.recv(), map.next());
  TOKIO_CO_ASSERT(second.index() == 1u);
  auto& got = std::get<1>(second);
  TOKIO_CO_ASSERT(got.has_value());
  EXPECT_EQ(got->first, "lobby");
  EXPECT_EQ(got->second.value(), 5);
  map.insert("dev", tokio::stream::wrappers::BroadcastStream<int>(room.subscribe()));
  EXPECT_TRUE(room.send(6).has_value());
  auto third = co_await map.next();
  auto fourth = co_await map.next();
  TOKIO_CO_ASSERT(third.has_value() && fourth.has_value());
  EXPECT_EQ(third->second.value() + fourth->second.value(), 12);
}

}  // namespace
