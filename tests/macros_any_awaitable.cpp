// join / try_join / select / timeout / unconstrained / spawn take any awaitable, as Tokio's
// macros and spawn take any future; future::pending and future::ready; spawn with arguments.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;

namespace {

tokio::Task<int> after_yields(int value, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<std::size_t> length_of(const std::string& text) {
  co_await tokio::task::yield_now();  // the caller's argument is long gone by now
  co_return text.size();
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, select_of_pending_and_ready) {
  auto r = co_await tokio::select(tokio::future::pending<int>(), tokio::future::ready(5));
  EXPECT_EQ(r.index(), 1u);
  EXPECT_EQ(std::get<1>(r), 5);
  auto v = co_await tokio::select(tokio::future::ready(), tokio::future::pending<void>());
  EXPECT_EQ(v.index(), 0u);
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, losing_lvalue_join_handle_stays_usable) {
  auto [tx, rx] = tokio::sync::oneshot::channel<int>();
  auto handle = tokio::spawn(
      [](tokio::sync::oneshot::Receiver<int> rx) -> tokio::Task<int> {
        auto v = co_await rx;
        co_return v.value();
      },
      std::move(rx));
  // The handle is polled first (it registers its waker) and loses to the ready branch.
  auto r = co_await tokio::select_biased(handle, tokio::future::ready(1));
  EXPECT_EQ(r.index(), 1u);
  (void)tx.send(9);
  EXPECT_EQ(co_await handle, 9);  // not consumed by the select it lost
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, winning_join_handle_by_value) {
  auto r = co_await tokio::select(tokio::spawn(after_yields(4, 1)), tokio::future::pending<int>());
  EXPECT_EQ(r.index(), 0u);
  EXPECT_EQ(std::get<0>(r), 4);
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, join_mixes_tasks_handles_and_ready) {
  auto handle = tokio::spawn(after_yields(2, 3));
  auto [a, b, c, d] = co_await tokio::join(tokio::future::ready(1), handle, after_yields(3, 2),
                                           tokio::future::ready());
  EXPECT_EQ(a + b + c, 6);
  EXPECT_EQ(d, std::monostate{});
  auto [x, y] =
      co_await tokio::try_join(tokio::future::ready(std::string("s")), after_yields(7, 1));
  EXPECT_EQ(x, "s");
  EXPECT_EQ(y, 7);
}

TOKIO_TEST(AnyAwaitable, timeout_of_pending_elapses, .start_paused = true) {
  auto r = co_await tokio::time::timeout(10ms, tokio::future::pending<int>());
  EXPECT_FALSE(r.has_value());
  auto handle = tokio::spawn(after_yields(6, 2));
  auto ok = co_await tokio::time::timeout(1h, handle);
  EXPECT_TRUE(ok.has_value());
  if (ok) {
    EXPECT_EQ(*ok, 6);
  }
}

TOKIO_TEST(AnyAwaitable, select_with_an_lvalue_sleep_keeps_it, .start_paused = true) {
  auto sleep = tokio::time::sleep(5ms);
  auto first = co_await tokio::select(sleep, tokio::future::ready(1));
  EXPECT_EQ(first.index(), 1u);
  EXPECT_FALSE(sleep.is_elapsed());
  auto second = co_await tokio::select(sleep, tokio::future::pending<int>());
  EXPECT_EQ(second.index(), 0u);  // the same Sleep, now elapsed
  EXPECT_TRUE(sleep.is_elapsed());
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, unconstrained_takes_any_awaitable) {
  EXPECT_EQ(co_await tokio::task::unconstrained(tokio::future::ready(3)), 3);
  auto handle = tokio::spawn(after_yields(8, 1));
  EXPECT_EQ(co_await tokio::task::unconstrained(handle), 8);
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, spawn_keeps_copies_of_its_arguments) {
  // length_of takes a const std::string&: spawn stores a copy for it, so the temporary
  // string below may die before the task first runs.
  auto handle = tokio::spawn(length_of, std::string("hello"));
  EXPECT_EQ(co_await handle, 5u);
  std::string local = "four";
  auto copied = tokio::spawn(length_of, local);
  local = "changed after spawn";
  EXPECT_EQ(co_await copied, 4u);
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, spawn_a_capturing_lambda_and_an_awaitable) {
  auto shared = std::make_shared<int>(11);
  auto lambda = tokio::spawn([shared]() -> tokio::Task<int> {
    co_await tokio::task::yield_now();
    co_return *shared;
  });
  EXPECT_EQ(co_await lambda, 11);
  auto ready = tokio::spawn(tokio::future::ready(12));
  EXPECT_EQ(co_await ready, 12);
  EXPECT_EQ(shared.use_count(), 1);
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, spawn_blocking_with_arguments) {
  auto shared = std::make_shared<int>(5);
  auto job = tokio::task::spawn_blocking(
      [](const std::shared_ptr<int>& p, int add) { return *p + add; }, shared, 2);
  EXPECT_EQ(co_await job, 7);
  EXPECT_EQ(shared.use_count(), 1);  // the job's copy is gone with the job
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, join_set_spawn_with_arguments) {
  tokio::task::JoinSet<std::size_t> set;
  set.spawn(length_of, std::string("abc"));
  set.spawn(length_of, std::string("de"));
  std::size_t total = 0;
  while (auto r = co_await set.join_next())
    total += r->value();
  EXPECT_EQ(total, 5u);
}

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, pending_is_cancelled_by_abort) {
  std::atomic<bool> after{false};
  auto handle = tokio::spawn(
      [](std::atomic<bool>* after) -> tokio::Task<void> {
        co_await tokio::future::pending<void>();
        after->store(true);
      },
      &after);
  co_await tokio::task::yield_now();
  handle.abort();
  bool cancelled = false;
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(after.load());
}

namespace {
tokio::Task<int> consume(std::unique_ptr<int> owned) {
  co_await tokio::task::yield_now();
  co_return *owned;
}
}  // namespace

TOKIO_TEST_ALL_FLAVORS(AnyAwaitable, spawn_moves_move_only_arguments_in) {
  // As std::thread does: the stored copy is moved into a by-value parameter.
  auto handle = tokio::spawn(consume, std::make_unique<int>(13));
  EXPECT_EQ(co_await handle, 13);
  auto job = tokio::task::spawn_blocking([](std::unique_ptr<int> p) { return *p + 1; },
                                         std::make_unique<int>(1));
  EXPECT_EQ(co_await job, 2);
}
