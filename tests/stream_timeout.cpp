// The time-based adapters (after tokio-stream's stream_timeout.rs, stream_chunks_timeout.rs
// and the throttle docs), on the paused clock.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "tokio/stream.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace stream = tokio::stream;
using namespace std::chrono_literals;
using stream::Stream;
using tokio::time::Instant;

// Items at the given delays after the previous one.
Stream<int> delayed(std::vector<int> delays_ms) {
  int i = 0;
  for (int d : delays_ms) {
    co_await tokio::time::sleep(std::chrono::milliseconds(d));
    co_yield i++;
  }
}

TOKIO_TEST(StreamTimeout, ElapsedItemsThenTheValue, .start_paused = true) {
  std::vector<int> delays{5, 25, 5};
  auto s = stream::timeout(delayed(std::move(delays)), 10ms);
  std::vector<std::string> seen;
  while (auto r = co_await s.next())
    seen.push_back(r->has_value() ? std::to_string(r->value()) : "elapsed");
  const std::vector<std::string> expected{"0", "elapsed", "elapsed", "1", "2"};
  EXPECT_EQ(seen, expected);
}

TOKIO_TEST(StreamTimeout, RepeatingDeadlinesFollowTheInterval, .start_paused = true) {
  std::vector<int> delays{15, 30};  // items at 15 ms and 45 ms; ticks at 10, 20, 30, 40
  auto s = stream::timeout_repeating(delayed(std::move(delays)), tokio::time::interval(10ms));
  std::vector<std::string> seen;
  while (auto r = co_await s.next())
    seen.push_back(r->has_value() ? std::to_string(r->value()) : "e");
  const std::vector<std::string> expected{"e", "0", "e", "e", "e", "1"};
  EXPECT_EQ(seen, expected);
}

TOKIO_TEST(StreamTimeout, ThrottleSpacesItems, .start_paused = true) {
  const auto start = Instant::now();
  std::vector<int> source{1, 2, 3};
  auto s = stream::throttle(stream::iter(std::move(source)), 10ms);
  std::vector<tokio::time::Duration> at;
  while (auto item = co_await s.next())
    at.push_back(Instant::now() - start);
  const std::vector<tokio::time::Duration> expected{0ms, 10ms, 20ms};
  EXPECT_EQ(at, expected);
}

TOKIO_TEST(StreamTimeout, ChunksBySizeOrTime, .start_paused = true) {
  // Items at 1, 2, 3 ms (a full chunk of 2, then one that waits out 10 ms), then 30 ms later.
  std::vector<int> delays{1, 1, 1, 30};
  auto s = stream::chunks_timeout(delayed(std::move(delays)), 2, 10ms);
  std::vector<std::vector<int>> chunks;
  while (auto chunk = co_await s.next())
    chunks.push_back(std::move(*chunk));
  const std::vector<std::vector<int>> expected{{0, 1}, {2}, {3}};
  EXPECT_EQ(chunks, expected);
}

}  // namespace
