// tokio::util::task::JoinMap (after tokio-util's task_join_map.rs).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

namespace {

using tokio::util::task::JoinMap;

tokio::Task<int> times_ten(int x) {
  co_await tokio::task::yield_now();
  co_return x * 10;
}

TOKIO_TEST_ALL_FLAVORS(TaskJoinMap, JoinsWithKeys) {
  JoinMap<std::string, int> map;
  for (int i = 0; i < 5; ++i)
    map.spawn("task " + std::to_string(i), times_ten, i);
  EXPECT_EQ(map.len(), 5u);
  EXPECT_TRUE(map.contains_key("task 3"));
  std::map<std::string, int> results;
  while (auto next = co_await map.join_next())
    results[next->first] = next->second.value();
  EXPECT_EQ(results.size(), 5u);
  EXPECT_EQ(results["task 4"], 40);
  EXPECT_TRUE(map.is_empty());
}

TOKIO_TEST(TaskJoinMap, AbortAndReplaceByKey) {
  JoinMap<int, int> map;
  auto forever = []() -> tokio::Task<int> { co_return co_await tokio::future::pending<int>(); };
  map.spawn(1, forever);
  map.spawn(2, forever);
  map.spawn(2, times_ten, 2);  // replaces (aborts) the first task under 2
  EXPECT_EQ(map.len(), 2u);
  EXPECT_TRUE(map.abort(1));
  EXPECT_FALSE(map.abort(7));
  int cancelled = 0;
  int twenty = 0;
  while (auto next = co_await map.join_next()) {
    if (next->first == 1) {
      TOKIO_CO_ASSERT(!next->second.has_value());
      EXPECT_TRUE(next->second.error().is_cancelled());
      ++cancelled;
    } else {
      EXPECT_EQ(next->first, 2);
      twenty = next->second.value();
    }
  }
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(twenty, 20);
}

// A task replaced under its key is never reported, even if it finished first.
TOKIO_TEST_ALL_FLAVORS(TaskJoinMap, AReplacedTaskIsNotReported) {
  JoinMap<int, int> map;
  map.spawn(3, []() -> tokio::Task<int> { co_return -1; });
  co_await tokio::task::yield_now();  // it may well have finished by now
  map.spawn(3, times_ten, 3);
  int reports = 0;
  while (auto next = co_await map.join_next()) {
    EXPECT_EQ(next->first, 3);
    EXPECT_EQ(next->second.value(), 30);
    ++reports;
  }
  EXPECT_EQ(reports, 1);
}

TOKIO_TEST(TaskJoinMap, FailuresCarryTheirKey) {
  JoinMap<char, int> map;
  map.spawn('x', []() -> tokio::Task<int> {
    throw std::runtime_error("boom");
    co_return 0;
  });
  auto next = co_await map.join_next();
  TOKIO_CO_ASSERT(next.has_value());
  EXPECT_EQ(next->first, 'x');
  EXPECT_TRUE(next->second.error().is_panic());
}

}  // namespace
