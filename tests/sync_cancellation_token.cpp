// tokio::util::sync::CancellationToken (after tokio-util's sync_cancellation_token.rs).
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

namespace {

using tokio::util::sync::CancellationToken;

TOKIO_TEST_ALL_FLAVORS(SyncCancellationToken, CancelWakesAWaiter) {
  CancellationToken token;
  EXPECT_FALSE(token.is_cancelled());
  auto waiter =
      tokio::spawn([](CancellationToken t) -> tokio::Task<void> { co_await t.cancelled(); }(token));
  co_await tokio::task::yield_now();
  EXPECT_FALSE(waiter.is_finished());
  token.cancel();
  EXPECT_TRUE(token.is_cancelled());
  co_await waiter;
  co_await token.cancelled();  // already cancelled: at once
  token.cancel();              // idempotent
}

// A cancelled() made before the cancel but first awaited after it completes.
TOKIO_TEST(SyncCancellationToken, FutureMadeBeforeCancelCompletes) {
  CancellationToken token;
  auto fut = token.cancelled();
  token.cancel();
  co_await std::move(fut);
}

TOKIO_TEST(SyncCancellationToken, CopiesShareTheState) {
  CancellationToken a;
  CancellationToken b = a;
  EXPECT_TRUE(a == b);
  b.cancel();
  EXPECT_TRUE(a.is_cancelled());
  co_await a.cancelled();
}

TOKIO_TEST_ALL_FLAVORS(SyncCancellationToken, ParentCancelsChildrenNotTheOtherWay) {
  CancellationToken parent;
  auto child = parent.child_token();
  auto grandchild = child.child_token();
  auto sibling = parent.child_token();
  sibling.cancel();
  EXPECT_TRUE(sibling.is_cancelled());
  EXPECT_FALSE(parent.is_cancelled());
  EXPECT_FALSE(child.is_cancelled());
  auto waiter = tokio::spawn(
      [](CancellationToken t) -> tokio::Task<void> { co_await t.cancelled(); }(grandchild));
  parent.cancel();
  EXPECT_TRUE(child.is_cancelled());
  EXPECT_TRUE(grandchild.is_cancelled());
  co_await waiter;
  EXPECT_TRUE(parent.child_token().is_cancelled());  // born cancelled
}

// Children dropped before the cancel leave the tree (in any order); the rest are cancelled.
TOKIO_TEST(SyncCancellationToken, DroppedChildrenLeaveTheTree) {
  CancellationToken parent;
  std::vector<std::optional<CancellationToken>> children;
  for (int i = 0; i < 10; ++i)
    children.emplace_back(parent.child_token());
  for (int i : {3, 9, 0, 5})
    children[i].reset();
  parent.cancel();
  for (auto& child : children) {
    if (child) {
      EXPECT_TRUE(child->is_cancelled());
    }
  }
  co_return;
}

// A chain of 100,000 tokens, each the child of the previous: cancel walks it without deep
// recursion, and destroying the chain does not recurse either way.
TOKIO_TEST(SyncCancellationToken, DeepChain) {
  CancellationToken root;
  CancellationToken leaf = root;
  for (int i = 0; i < 100'000; ++i)
    leaf = leaf.child_token();
  root.cancel();
  EXPECT_TRUE(leaf.is_cancelled());
  co_await leaf.cancelled();
}

TOKIO_TEST(SyncCancellationToken, DropGuardCancelsUnlessDisarmed) {
  CancellationToken token;
  { auto guard = token.drop_guard(); }
  EXPECT_TRUE(token.is_cancelled());
  CancellationToken kept;
  {
    auto guard = kept.drop_guard();
    CancellationToken back = guard.disarm();
    EXPECT_TRUE(back == kept);
  }
  EXPECT_FALSE(kept.is_cancelled());
  co_return;
}

tokio::Task<int> answer_after(tokio::sync::oneshot::Receiver<int> rx) {
  auto r = co_await std::move(rx);
  co_return r.value();
}

TOKIO_TEST_ALL_FLAVORS(SyncCancellationToken, RunUntilCancelled) {
  CancellationToken token;
  auto [tx, rx] = tokio::sync::oneshot::channel<int>();
  EXPECT_TRUE(tx.send(42).has_value());
  auto done = co_await token.run_until_cancelled(answer_after(std::move(rx)));
  EXPECT_EQ(done, 42);
  auto [tx2, rx2] = tokio::sync::oneshot::channel<int>();
  auto racing = tokio::spawn(token.run_until_cancelled(answer_after(std::move(rx2))));
  token.cancel();
  EXPECT_EQ(co_await racing, std::nullopt);
  EXPECT_TRUE(tx2.is_closed());  // the cancelled branch was dropped
}

// A cancelled() that loses a select loses nothing: a later one sees the cancel.
TOKIO_TEST(SyncCancellationToken, CancelledIsCancelSafe) {
  CancellationToken token;
  auto lost = co_await tokio::select_biased(token.cancelled(), tokio::future::ready(1));
  EXPECT_EQ(lost.index(), 1u);
  token.cancel();
  co_await token.cancelled();
}

// Under TSan: tasks wait on child tokens that other tasks keep creating and dropping, while a
// plain thread cancels the root; every waiter must wake, whichever side of the cancel it was
// created on.
TEST(SyncCancellationToken, StressCancelFromAnotherThread) {
  for (int round = 0; round < 20; ++round) {
    auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build();
    CancellationToken root;
    std::atomic<int> woken{0};
    std::thread canceller;
    rt.block_on([](CancellationToken root, std::atomic<int>& woken,
                   std::thread& canceller) -> tokio::Task<void> {
      tokio::task::JoinSet<void> waiters;
      for (int i = 0; i < 64; ++i) {
        waiters.spawn([](CancellationToken parent, std::atomic<int>& woken) -> tokio::Task<void> {
          for (int j = 0; j < 4; ++j)
            (void)parent.child_token();  // made and dropped
          auto mine = parent.child_token();
          co_await mine.cancelled();
          woken.fetch_add(1);
        }(root, woken));
        if (i == 32) canceller = std::thread([root] { root.cancel(); });
      }
      while (auto done = co_await waiters.join_next())
        done->value();
    }(root, woken, canceller));
    canceller.join();
    EXPECT_EQ(woken.load(), 64);
  }
}

}  // namespace
