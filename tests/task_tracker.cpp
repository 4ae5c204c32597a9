// tokio::util::task::TaskTracker (after tokio-util's task_tracker.rs).
#include <gtest/gtest.h>

#include <atomic>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

namespace {

using tokio::util::task::TaskTracker;

TOKIO_TEST(TaskTracker, OpenEmptyTrackerDoesNotFinish) {
  TaskTracker tracker;
  EXPECT_FALSE(tracker.is_closed());
  EXPECT_TRUE(tracker.is_empty());
  auto r = co_await tokio::select_biased(tracker.wait(), tokio::future::ready(1));
  EXPECT_EQ(r.index(), 1u);  // open: wait does not complete even when empty
  EXPECT_TRUE(tracker.close());
  EXPECT_FALSE(tracker.close());
  co_await tracker.wait();  // closed and empty
  EXPECT_TRUE(tracker.reopen());
  EXPECT_FALSE(tracker.is_closed());
}

tokio::Task<void> hold_until(tokio::sync::oneshot::Receiver<int> rx, std::atomic<int>* done) {
  (void)co_await std::move(rx);
  done->fetch_add(1);
}

TOKIO_TEST_ALL_FLAVORS(TaskTracker, WaitsForEveryTaskAfterClose) {
  TaskTracker tracker;
  std::atomic<int> done{0};
  std::vector<tokio::sync::oneshot::Sender<int>> release;
  for (int i = 0; i < 10; ++i) {
    auto [tx, rx] = tokio::sync::oneshot::channel<int>();
    release.push_back(std::move(tx));
    tracker.spawn(hold_until(std::move(rx), &done));
  }
  EXPECT_EQ(tracker.len(), 10u);
  tracker.close();
  auto waiter = tokio::spawn(tracker.wait());
  co_await tokio::task::yield_now();
  EXPECT_FALSE(waiter.is_finished());
  for (auto& tx : release)
    (void)tx.send(0);
  co_await waiter;
  EXPECT_EQ(done.load(), 10);
  EXPECT_TRUE(tracker.is_empty());
}

// A task counts until it ends by any means: aborted tasks and tokens count too.
TOKIO_TEST_ALL_FLAVORS(TaskTracker, AbortedTasksAndTokensCount) {
  TaskTracker tracker;
  auto handle =
      tracker.spawn([]() -> tokio::Task<void> { co_await tokio::future::pending<void>(); });
  std::optional<tokio::util::task::TaskTrackerToken> token = tracker.token();
  EXPECT_EQ(tracker.len(), 2u);
  tracker.close();
  handle.abort();
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
  EXPECT_EQ(tracker.len(), 1u);
  auto r = co_await tokio::select_biased(tracker.wait(), tokio::future::ready(1));
  EXPECT_EQ(r.index(), 1u);  // the token still counts
  token.reset();
  co_await tracker.wait();
}

TOKIO_TEST(TaskTracker, TrackFutureAndReturnedValues) {
  TaskTracker tracker;
  auto value = co_await tracker.spawn([]() -> tokio::Task<int> { co_return 5; });
  EXPECT_EQ(value, 5);
  auto tracked = tracker.track_future([]() -> tokio::Task<int> { co_return 6; }());
  EXPECT_EQ(tracker.len(), 1u);
  EXPECT_EQ(co_await std::move(tracked), 6);
  EXPECT_EQ(tracker.len(), 0u);
}

}  // namespace
