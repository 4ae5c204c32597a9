// White-box tests of a task cell's output slot (detail::Outcome) and of the sizes that an idle
// task's memory is made of (bench idle_task_bytes; docs/architecture.md, "Known limits").
#include <gtest/gtest.h>

#include <coroutine>
#include <memory>
#include <stdexcept>
#include <string>

#include "tokio/detail/cell.hpp"
#include "tokio/sync/oneshot.hpp"

namespace tokio::detail {
namespace {

// The figures docs/architecture.md gives; a change that grows them should say so there.
#if defined(__x86_64__) || defined(__aarch64__)
static_assert(sizeof(Context) == 32, "task, resume point, pending leaf, transfer");
static_assert(sizeof(Header) == 104);
static_assert(sizeof(CoroCell<void>) == 120, "the root coroutine shares the output's word");
static_assert(sizeof(CoroCell<int>) == 120);
static_assert(sizeof(oneshot::Block<int>) == 40, "a small value fills the state's padding");
#endif

TEST(TaskOutcome, HoldsTheRootCoroutineUntilTheOutputReplacesIt) {
  Outcome<int> outcome;
  EXPECT_FALSE(outcome.running());
  const auto root = std::noop_coroutine();
  outcome.set_running(root);
  EXPECT_EQ(outcome.running().address(), root.address());
  outcome.set_value(7);
  EXPECT_FALSE(outcome.running());
  EXPECT_EQ(outcome.take(1), 7);
}

TEST(TaskOutcome, TakeRunningEmptiesTheSlot) {
  Outcome<std::string> outcome;
  outcome.set_running(std::noop_coroutine());
  EXPECT_TRUE(outcome.take_running());
  EXPECT_FALSE(outcome.take_running());
  EXPECT_FALSE(outcome.error());
  EXPECT_FALSE(outcome.drop());
}

TEST(TaskOutcome, AnErrorIsThrownAsAPanicJoinErrorNamingTheTask) {
  Outcome<void> outcome;
  outcome.set_error(std::make_exception_ptr(std::runtime_error("boom")));
  ASSERT_TRUE(outcome.error());
  try {
    outcome.take(42);
    FAIL() << "take() of an error must throw";
  } catch (const task::JoinError& error) {
    EXPECT_TRUE(error.is_panic());
    EXPECT_EQ(error.id(), task::Id(42));
  }
}

TEST(TaskOutcome, CancelledIsThrownAsACancelledJoinError) {
  Outcome<int> outcome;
  outcome.set_running(std::noop_coroutine());
  outcome.set_cancelled();
  EXPECT_FALSE(outcome.running());
  try {
    (void)outcome.take(3);
    FAIL() << "take() of a cancelled task must throw";
  } catch (const task::JoinError& error) {
    EXPECT_TRUE(error.is_cancelled());
  }
}

TEST(TaskOutcome, DropDestroysTheValueAndGivesBackAnUntakenError) {
  auto value = std::make_shared<int>(1);
  {
    Outcome<std::shared_ptr<int>> outcome;
    outcome.set_value(value);
    EXPECT_EQ(value.use_count(), 2);
    EXPECT_FALSE(outcome.drop());
    EXPECT_EQ(value.use_count(), 1);
    outcome.set_value(value);
  }  // the destructor drops a value nobody took
  EXPECT_EQ(value.use_count(), 1);

  Outcome<int> failed;
  failed.set_error(std::make_exception_ptr(std::logic_error("lost")));
  EXPECT_TRUE(failed.drop());
  EXPECT_FALSE(failed.drop());
}

TEST(TaskOutcome, ReferencesAreStoredAsPointers) {
  int target = 5;
  Outcome<int&> outcome;
  outcome.set_value(&target);
  EXPECT_EQ(&outcome.take(1), &target);
}

}  // namespace
}  // namespace tokio::detail
