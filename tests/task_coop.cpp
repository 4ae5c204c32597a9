// Cooperative scheduling: consume_budget forces a busy task to yield, unconstrained switches
// the budget off, yield_now lets the other ready tasks run first.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

constexpr long kMaxIterations = 10'000'000;

tokio::Task<void> set_flag(std::shared_ptr<std::atomic<bool>> flag) {
  flag->store(true);
  co_return;
}

// Spins on consume_budget until `flag` is set (or a safety bound is reached); returns how many
// iterations it took.
tokio::Task<long> spin_on_budget(std::shared_ptr<std::atomic<bool>> flag) {
  long i = 0;
  for (; i < kMaxIterations && !flag->load(); ++i)
    co_await tokio::task::consume_budget();
  co_return i;
}

tokio::Task<int> consume_n_budget(int n, std::shared_ptr<std::atomic<bool>> flag, bool* saw_flag) {
  for (int i = 0; i < n; ++i) {
    co_await tokio::task::consume_budget();
    if (flag->load()) *saw_flag = true;
  }
  co_return n;
}

tokio::Task<int> throw_inside() {
  co_await tokio::task::consume_budget();
  throw std::runtime_error("unconstrained failure");
}

tokio::Task<void> log_entry(std::shared_ptr<std::vector<std::string>> log, std::string entry) {
  log->push_back(std::move(entry));
  co_return;
}

}  // namespace

TOKIO_TEST(TaskCoop, consume_budget_lets_other_task_run_in_spawned_task) {
  // Both tasks are spawned on the single thread: the spinner only ends if the budget makes it
  // yield so that the setter can run.
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto spinner = tokio::spawn(spin_on_budget(flag));
  auto setter = tokio::spawn(set_flag(flag));
  const long iterations = co_await spinner;
  co_await setter;
  EXPECT_TRUE(flag->load());
  EXPECT_LT(iterations, kMaxIterations);
}

TOKIO_TEST(TaskCoop, consume_budget_lets_other_task_run_in_block_on_body) {
  // The same, with the spinning loop in block_on's body and the setter spawned.
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto setter = tokio::spawn(set_flag(flag));
  long i = 0;
  for (; i < kMaxIterations && !flag->load(); ++i)
    co_await tokio::task::consume_budget();
  EXPECT_TRUE(flag->load());
  EXPECT_LT(i, kMaxIterations);
  co_await setter;
}

TOKIO_TEST_ALL_FLAVORS(TaskCoop, consume_budget_spinner_terminates) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto spinner = tokio::spawn(spin_on_budget(flag));
  auto setter = tokio::spawn(set_flag(flag));
  co_await setter;
  EXPECT_LT(co_await spinner, kMaxIterations);
}

TOKIO_TEST(TaskCoop, budget_is_enforced_in_spawned_task) {
  // 1000 budget units cannot be consumed in one scheduling (the budget is 128), so the other
  // spawned task runs in between.
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto handle = tokio::spawn([flag]() -> tokio::Task<bool> {
    auto setter = tokio::spawn(set_flag(flag));
    bool saw = false;
    co_await consume_n_budget(1000, flag, &saw);
    co_await setter;
    co_return saw;
  });
  EXPECT_TRUE(co_await handle);
}

TOKIO_TEST(TaskCoop, unconstrained_never_yields_for_budget) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto handle = tokio::spawn([flag]() -> tokio::Task<bool> {
    auto setter = tokio::spawn(set_flag(flag));
    bool saw = false;
    // Unconstrained: 1000 units are consumed without yielding, so on this single thread the
    // setter cannot run in between.
    const int n = co_await tokio::task::unconstrained(consume_n_budget(1000, flag, &saw));
    EXPECT_EQ(n, 1000);
    EXPECT_FALSE(flag->load());
    co_await setter;
    EXPECT_TRUE(flag->load());
    co_return saw;
  });
  EXPECT_FALSE(co_await handle);
}

TOKIO_TEST_ALL_FLAVORS(TaskCoop, unconstrained_returns_value_and_void) {
  EXPECT_EQ(co_await tokio::task::unconstrained(tokio_test::ready(5)), 5);
  co_await tokio::task::unconstrained(tokio_test::ready_void());
  auto owned = co_await tokio::task::unconstrained(tokio_test::ready(std::make_unique<int>(3)));
  TOKIO_CO_ASSERT(owned != nullptr);
  EXPECT_EQ(*owned, 3);

  // It can await other things (a JoinHandle) inside.
  auto inner = tokio::spawn(tokio_test::ready(8));
  EXPECT_EQ(co_await tokio::task::unconstrained(tokio_test::await_handle(std::move(inner))), 8);
}

TOKIO_TEST_ALL_FLAVORS(TaskCoop, unconstrained_propagates_exception) {
  bool caught = false;
  try {
    co_await tokio::task::unconstrained(throw_inside());
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "unconstrained failure");
  }
  EXPECT_TRUE(caught);
}

TOKIO_TEST(TaskCoop, yield_now_lets_other_tasks_run_first_in_spawned_task) {
  auto log = std::make_shared<std::vector<std::string>>();
  auto handle = tokio::spawn([log]() -> tokio::Task<void> {
    auto a = tokio::spawn(log_entry(log, "a"));
    auto b = tokio::spawn(log_entry(log, "b"));
    log->push_back("before");
    co_await tokio::task::yield_now();  // queued behind a and b
    log->push_back("after");
    co_await a;
    co_await b;
  });
  co_await handle;
  EXPECT_EQ(*log, (std::vector<std::string>{"before", "a", "b", "after"}));
}

TOKIO_TEST(TaskCoop, yield_now_lets_other_tasks_run_first_in_block_on_body) {
  auto log = std::make_shared<std::vector<std::string>>();
  auto a = tokio::spawn(log_entry(log, "a"));
  auto b = tokio::spawn(log_entry(log, "b"));
  log->push_back("before");
  co_await tokio::task::yield_now();
  log->push_back("after");
  co_await a;
  co_await b;
  EXPECT_EQ(*log, (std::vector<std::string>{"before", "a", "b", "after"}));
}

TOKIO_TEST_ALL_FLAVORS(TaskCoop, yield_now_resumes) {
  int count = 0;
  for (int i = 0; i < 1000; ++i) {
    co_await tokio::task::yield_now();
    ++count;
  }
  EXPECT_EQ(count, 1000);
}

TOKIO_TEST(TaskCoop, two_yielding_tasks_interleave) {
  // Two tasks that yield after every step alternate on the single thread.
  auto log = std::make_shared<std::vector<int>>();
  auto make = [log](int who) {
    return tokio::spawn([log, who]() -> tokio::Task<void> {
      for (int i = 0; i < 3; ++i) {
        log->push_back(who);
        co_await tokio::task::yield_now();
      }
    });
  };
  auto first = make(1);
  auto second = make(2);
  co_await first;
  co_await second;
  EXPECT_EQ(*log, (std::vector<int>{1, 2, 1, 2, 1, 2}));
}

TOKIO_TEST(TaskCoop, join_handle_await_consumes_budget) {
  // Awaiting many already-finished JoinHandles in a loop still yields now and then: a task
  // spawned meanwhile gets to run before the loop ends.
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto handle = tokio::spawn([flag]() -> tokio::Task<bool> {
    std::vector<tokio::JoinHandle<int>> done;
    for (int i = 0; i < 1000; ++i)
      done.push_back(tokio::spawn(tokio_test::ready(i)));
    // Let every one of them finish.
    for (int i = 0; i < 3; ++i)
      co_await tokio::task::yield_now();
    auto setter = tokio::spawn(set_flag(flag));
    bool saw = false;
    for (auto& h : done) {
      co_await h;
      if (flag->load()) saw = true;
    }
    co_await setter;
    co_return saw;
  });
  EXPECT_TRUE(co_await handle);
}
