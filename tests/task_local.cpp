// tokio::task::LocalKey / TOKIO_TASK_LOCAL (after Tokio's task_local.rs).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

TOKIO_TASK_LOCAL(std::string, request_id);
TOKIO_TASK_LOCAL(int, depth);

namespace {

tokio::Task<std::string> current_request() {
  co_return request_id.get();
}

TOKIO_TEST_ALL_FLAVORS(TaskLocal, ScopeSetsTheValueForTheTask) {
  EXPECT_FALSE(request_id.try_with([](const std::string& s) { return s; }).has_value());
  EXPECT_THROW((void)request_id.get(), std::logic_error);
  auto id = co_await request_id.scope("req-1", current_request());
  EXPECT_EQ(id, "req-1");
  EXPECT_FALSE(request_id.try_with([](const std::string&) {}));  // the scope has ended
}

tokio::Task<int> nested() {
  const int outer = depth.get();
  const int inner =
      co_await depth.scope(outer + 1, []() -> tokio::Task<int> { co_return depth.get(); }());
  EXPECT_EQ(depth.get(), outer);  // the inner scope ended: the outer value is back
  co_return inner;
}

TOKIO_TEST(TaskLocal, ScopesNestAndKeysAreIndependent) {
  auto inner = co_await depth.scope(1, nested());
  EXPECT_EQ(inner, 2);
  auto both = co_await request_id.scope("r", depth.scope(5, []() -> tokio::Task<std::string> {
    co_return request_id.get() + std::to_string(depth.get());
  }()));
  EXPECT_EQ(both, "r5");
}

// The value follows the task from poll to poll, whichever worker runs it, and into its join
// and select branches; a task spawned from inside does not inherit it.
tokio::Task<int> many_polls() {
  int seen = 0;
  for (int i = 0; i < 200; ++i) {
    co_await tokio::task::yield_now();
    if (request_id.get() == "moving") ++seen;
  }
  auto [a, b] = co_await tokio::join(current_request(), current_request());
  EXPECT_EQ(a + b, "movingmoving");
  auto spawned = co_await tokio::spawn(
      []() -> tokio::Task<bool> { co_return request_id.try_with([](const std::string&) {}); });
  EXPECT_FALSE(spawned);
  co_return seen;
}

TOKIO_TEST_ALL_FLAVORS(TaskLocal, FollowsTheTaskAcrossPollsAndIntoBranches) {
  // Several scoped tasks at once on the runtime, each with its own value.
  tokio::task::JoinSet<int> tasks;
  for (int i = 0; i < 4; ++i)
    tasks.spawn(request_id.scope("moving", many_polls()));
  tasks.spawn(request_id.scope("other", []() -> tokio::Task<int> {
    for (int i = 0; i < 200; ++i) {
      co_await tokio::task::yield_now();
      EXPECT_EQ(request_id.get(), "other");
    }
    co_return 200;
  }()));
  int total = 0;
  while (auto done = co_await tasks.join_next())
    total += done->value();
  EXPECT_EQ(total, 5 * 200);
}

TEST(TaskLocal, SyncScopeAndExceptions) {
  const int seen = depth.sync_scope(9, [] { return depth.get(); });
  EXPECT_EQ(seen, 9);
  EXPECT_FALSE(depth.try_with([](int) {}));
  EXPECT_THROW(depth.sync_scope(1, []() -> int { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_FALSE(depth.try_with([](int) {}));  // restored after the exception
}

TOKIO_TEST(TaskLocal, AnExceptionLeavesTheScope) {
  auto failing = []() -> tokio::Task<void> {
    (void)depth.get();
    throw std::runtime_error("inside the scope");
    co_return;
  };
  EXPECT_THROW(co_await depth.scope(3, failing()), std::runtime_error);
  EXPECT_FALSE(depth.try_with([](int) {}));
}

}  // namespace
