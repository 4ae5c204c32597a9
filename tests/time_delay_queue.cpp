// tokio::util::time::DelayQueue (after tokio-util's time_delay_queue.rs), on the paused clock.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

namespace {

using namespace std::chrono_literals;
using tokio::time::Instant;
using tokio::util::time::DelayQueue;

TOKIO_TEST(TimeDelayQueue, ValuesComeOutInDeadlineOrder, .start_paused = true) {
  const auto start = Instant::now();
  DelayQueue<std::string> q;
  q.insert("c", 30ms);
  q.insert("a", 10ms);
  q.insert("b", 20ms);
  q.insert("b2", 20ms);  // a tie: insertion order
  std::vector<std::string> order;
  while (auto e = co_await q.next()) {
    EXPECT_EQ(Instant::now(), e->deadline());  // not late, not early
    order.push_back(std::move(*e).into_inner());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "b2", "c"}));
  EXPECT_EQ(Instant::now() - start, 30ms);
  EXPECT_TRUE(q.is_empty());
}

TOKIO_TEST(TimeDelayQueue, RemoveAndReset, .start_paused = true) {
  const auto start = Instant::now();
  DelayQueue<int> q;
  auto one = q.insert(1, 10ms);
  auto two = q.insert(2, 20ms);
  auto three = q.insert(3, 30ms);
  EXPECT_EQ(q.remove(two).into_inner(), 2);
  EXPECT_THROW((void)q.remove(two), std::out_of_range);
  EXPECT_FALSE(q.try_remove(two).has_value());
  q.reset(one, 50ms);  // now after three
  EXPECT_EQ(q.deadline(one), start + 50ms);
  auto first = co_await q.next();
  EXPECT_EQ(first->key(), three);
  EXPECT_EQ(first->get_ref(), 3);
  auto second = co_await q.next();
  EXPECT_EQ(second->get_ref(), 1);
  EXPECT_EQ(Instant::now() - start, 50ms);
  EXPECT_EQ(co_await q.next(), std::nullopt);
}

// A next() already waiting sees an insert with an earlier deadline (made by another branch).
TOKIO_TEST(TimeDelayQueue, WaitingNextSeesEarlierInserts, .start_paused = true) {
  const auto start = Instant::now();
  DelayQueue<int> q;
  q.insert(100, 100ms);
  auto inserter = [](DelayQueue<int>& q) -> tokio::Task<void> {
    co_await tokio::time::sleep(5ms);
    q.insert(7, 5ms);  // due at 10 ms, long before 100 ms
  };
  auto [expired, done] = co_await tokio::join(q.next(), inserter(q));
  EXPECT_EQ(expired->get_ref(), 7);
  EXPECT_EQ(Instant::now() - start, 10ms);
}

TOKIO_TEST(TimeDelayQueue, NextIsCancelSafe, .start_paused = true) {
  DelayQueue<int> q;
  q.insert(1, 10ms);
  auto r = co_await tokio::time::timeout(5ms, q.next());
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(q.len(), 1u);
  auto e = co_await q.next();
  EXPECT_EQ(e->get_ref(), 1);
}

}  // namespace
