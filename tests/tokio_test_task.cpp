// tokio::test::task::spawn (after tokio-test's task tests and its uses in Tokio's own tests):
// polling by hand, wake-ups seen between polls, outputs and errors.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "tokio/test/task.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::test::task::spawn;

tokio::Task<void> wait_for(tokio::sync::Notify& notify) {
  co_await notify.notified();
}

TEST(TokioTestTask, PendingUntilNotifiedThenReady) {
  tokio::sync::Notify notify;
  auto waiter = spawn(wait_for(notify));
  EXPECT_FALSE(waiter.poll());
  EXPECT_FALSE(waiter.is_woken());
  EXPECT_EQ(waiter.waker_ref_count(), 1u);  // the waker registered with notify
  EXPECT_FALSE(waiter.poll());              // a spurious poll changes nothing
  notify.notify_one();
  EXPECT_TRUE(waiter.is_woken());
  EXPECT_TRUE(waiter.poll());
  EXPECT_TRUE(waiter.is_finished());
  EXPECT_EQ(waiter.waker_ref_count(), 0u);
  EXPECT_THROW((void)waiter.poll(), std::logic_error);
}

tokio::Task<int> receive(tokio::sync::oneshot::Receiver<int> rx) {
  auto r = co_await std::move(rx);
  co_return r.value() * 2;
}

TEST(TokioTestTask, GivesTheOutputAndWakesFromAnotherThread) {
  auto [tx, rx] = tokio::sync::oneshot::channel<int>();
  auto task = spawn(receive(std::move(rx)));
  EXPECT_EQ(task.poll(), std::nullopt);
  std::thread sender([tx = std::move(tx)]() mutable { (void)tx.send(21); });
  sender.join();
  EXPECT_TRUE(task.is_woken());
  EXPECT_EQ(task.poll(), 42);
}

tokio::Task<int> yields_then_fails() {
  co_await tokio::task::yield_now();
  throw std::runtime_error("failed after a yield");
}

TEST(TokioTestTask, YieldCountsAsAWakeAndErrorsAreRethrown) {
  auto task = spawn(yields_then_fails());
  EXPECT_EQ(task.poll(), std::nullopt);
  EXPECT_TRUE(task.is_woken());  // yield_now: ready to be polled again
  EXPECT_THROW((void)task.poll(), std::runtime_error);
}

// Dropping a pending task drops its frames (its waker leaves the Notify), and a wake after
// that is harmless.
TEST(TokioTestTask, DroppingAPendingTaskIsClean) {
  tokio::sync::Notify notify;
  {
    auto waiter = spawn(wait_for(notify));
    EXPECT_FALSE(waiter.poll());
  }
  notify.notify_waiters();
  notify.notify_one();  // stored as a permit: nobody waits any more
  auto second = spawn(wait_for(notify));
  EXPECT_TRUE(second.poll());  // takes the permit at once
}

}  // namespace
