// tokio::stream::Stream<T> as an async generator coroutine (after tokio-stream's
// async_stream.rs and stream_panic.rs): laziness, waits inside, errors, cancel safety and
// destruction.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/tracked.hpp"
#include "tokio/stream.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using namespace std::chrono_literals;
using tokio::stream::Stream;

Stream<int> count_to(int n, int* started = nullptr) {
  if (started) ++*started;
  for (int i = 1; i <= n; ++i)
    co_yield i;
}

static_assert(tokio::stream::StreamLike<Stream<int>>);
static_assert(std::same_as<tokio::stream::item_t<Stream<std::string>>, std::string>);

TOKIO_TEST_ALL_FLAVORS(StreamAsyncStream, YieldsInOrderThenEnds) {
  auto s = count_to(3);
  std::vector<int> seen;
  while (auto i = co_await s.next())
    seen.push_back(*i);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(s.is_terminated());
  EXPECT_EQ(co_await s.next(), std::nullopt);  // fused: the end repeats
}

TOKIO_TEST(StreamAsyncStream, NothingRunsBeforeTheFirstNext) {
  int started = 0;
  auto s = count_to(2, &started);
  EXPECT_EQ(started, 0);
  EXPECT_EQ(co_await s.next(), 1);
  EXPECT_EQ(started, 1);
}

// Waits inside the generator (a channel, a sleep, a child Task) wake the consuming task.
Stream<std::string> relay(tokio::sync::mpsc::Receiver<std::string> rx) {
  while (auto msg = co_await rx.recv()) {
    co_await tokio::time::sleep(1ms);
    co_yield "got " + *msg;
  }
}

TOKIO_TEST_ALL_FLAVORS(StreamAsyncStream, WaitsInsideTheGenerator) {
  auto [tx, rx] = tokio::sync::mpsc::channel<std::string>(4);
  auto s = relay(std::move(rx));
  auto producer = tokio::spawn([](tokio::sync::mpsc::Sender<std::string> tx) -> tokio::Task<void> {
    EXPECT_TRUE((co_await tx.send("a")).has_value());
    EXPECT_TRUE((co_await tx.send("b")).has_value());
  }(std::move(tx)));
  EXPECT_EQ(co_await s.next(), "got a");
  EXPECT_EQ(co_await s.next(), "got b");
  EXPECT_EQ(co_await s.next(), std::nullopt);
  co_await producer;
}

Stream<int> fails_after(int n) {
  for (int i = 0; i < n; ++i)
    co_yield i;
  throw std::runtime_error("stream broke");
}

TOKIO_TEST(StreamAsyncStream, AnExceptionEndsTheStreamAndReachesNext) {
  auto s = fails_after(1);
  EXPECT_EQ(co_await s.next(), 0);
  try {
    (void)co_await s.next();
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "stream broke");
  }
  EXPECT_EQ(co_await s.next(), std::nullopt);
  EXPECT_TRUE(s.is_terminated());
}

// A next() that loses a select leaves the generator where it waited: nothing is lost.
Stream<int> slow_numbers() {
  for (int i = 0; i < 3; ++i) {
    co_await tokio::time::sleep(10ms);
    co_yield i;
  }
}

TOKIO_TEST(StreamAsyncStream, NextIsCancelSafe, .start_paused = true) {
  auto s = slow_numbers();
  std::vector<int> seen;
  int timeouts = 0;
  while (seen.size() < 3) {
    auto r = co_await tokio::time::timeout(4ms, s.next());
    if (!r) {
      ++timeouts;
      continue;
    }
    seen.push_back(**r);
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_GE(timeouts, 6);  // two lost polls per 10 ms item, at least
  EXPECT_EQ(co_await s.next(), std::nullopt);
}

// Destroying a stream suspended inside a wait destroys its locals exactly once.
Stream<int> holds(tokio_test::Tracked tracked, tokio::sync::oneshot::Receiver<int> rx) {
  (void)tracked;
  co_yield 1;
  auto r = co_await std::move(rx);
  co_yield r.value();
}

TOKIO_TEST_ALL_FLAVORS(StreamAsyncStream, DestroyingASuspendedStreamDropsItsFrame) {
  tokio_test::Counters counters;
  auto [tx, rx] = tokio::sync::oneshot::channel<int>();
  {
    auto s = holds(tokio_test::Tracked(counters, 7), std::move(rx));
    EXPECT_EQ(co_await s.next(), 1);
    auto lost = co_await tokio::select_biased(s.next(), tokio::future::ready(0));
    EXPECT_EQ(lost.index(), 1u);
    EXPECT_EQ(counters.alive(), 1);
  }
  EXPECT_EQ(counters.alive(), 0);
  EXPECT_TRUE(tx.is_closed());  // the receiver went with the frame
}

// A stream moved into a spawned task keeps working there.
TOKIO_TEST_ALL_FLAVORS(StreamAsyncStream, MovesBetweenTasks) {
  auto s = count_to(4);
  EXPECT_EQ(co_await s.next(), 1);
  auto rest = co_await tokio::spawn([](Stream<int> s) -> tokio::Task<int> {
    int sum = 0;
    while (auto i = co_await s.next())
      sum += *i;
    co_return sum;
  }(std::move(s)));
  EXPECT_EQ(rest, 2 + 3 + 4);
}

TEST(StreamAsyncStream, NextOutsideATaskIsALogicError) {
  auto s = count_to(1);
  auto next = s.next();
  EXPECT_THROW((void)next.await_ready(), std::logic_error);
}

}  // namespace
