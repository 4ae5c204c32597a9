// tokio::Task<T> itself (laziness, value kinds, symmetric transfer, frame lifetime, exceptions,
// misuse) plus tokio::spawn basics and task ids.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using tokio_test::DropCounter;

namespace {

tokio::Task<int> make_int(int value) {
  co_return value;
}

tokio::Task<void> set_flag(bool* flag) {
  *flag = true;
  co_return;
}

tokio::Task<std::unique_ptr<int>> make_unique_int(int value) {
  co_return std::make_unique<int>(value);
}

int g_referenced = 0;
tokio::Task<int&> ref_to_global() {
  co_return g_referenced;
}
tokio::Task<int&> ref_to(int* target) {
  co_return *target;
}

tokio::Task<std::string> make_string(std::string prefix, int n) {
  co_return prefix + std::to_string(n);
}

tokio::Task<int> add_one(int value) {
  co_return value + 1;
}

tokio::Task<long> recurse(int depth) {
  if (depth == 0) co_return 0;
  co_return 1 + co_await recurse(depth - 1);
}

tokio::Task<int> counted_child(std::atomic<int>* drops, int value) {
  DropCounter local(*drops);
  co_return value;
}

tokio::Task<int> counted_param_child(DropCounter param, int value) {
  (void)param;
  co_return value;
}

tokio::Task<int> throws_runtime_error(std::string message) {
  throw std::runtime_error(message);
  co_return 0;
}

tokio::Task<int> middle_layer(std::atomic<int>* drops) {
  DropCounter local(*drops);
  int v = co_await throws_runtime_error("deep failure");
  co_return v + 1;  // never reached
}

tokio::Task<int> outer_layer(std::atomic<int>* drops) {
  DropCounter local(*drops);
  co_return co_await middle_layer(drops);
}

tokio::Task<int> catches_child_error() {
  try {
    co_await throws_runtime_error("caught inside");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "caught inside");
  }
  // The Task keeps working after a child failed.
  co_return co_await make_int(7);
}

tokio::Task<tokio::task::Id> own_id() {
  co_return tokio::task::id();
}

tokio::Task<std::optional<tokio::task::Id>> own_try_id() {
  co_await tokio::task::yield_now();
  co_return tokio::task::try_id();
}

tokio::Task<tokio::task::Id> nested_own_id() {
  // A child Task runs inside the spawned task, so it sees the same id.
  co_return co_await own_id();
}

}  // namespace

// --- Value kinds ------------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, int_value) {
  EXPECT_EQ(co_await make_int(42), 42);
  auto task = make_int(5);
  EXPECT_TRUE(task.valid());
  EXPECT_EQ(co_await task, 5);
  EXPECT_FALSE(task.valid());
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, void_value) {
  bool flag = false;
  co_await set_flag(&flag);
  EXPECT_TRUE(flag);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, move_only_value) {
  std::unique_ptr<int> value = co_await make_unique_int(9);
  TOKIO_CO_ASSERT(value != nullptr);
  EXPECT_EQ(*value, 9);

  auto handle = tokio::spawn(make_unique_int(11));
  std::unique_ptr<int> spawned = co_await handle;
  TOKIO_CO_ASSERT(spawned != nullptr);
  EXPECT_EQ(*spawned, 11);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, reference_value) {
  int& ref = co_await ref_to_global();
  EXPECT_EQ(&ref, &g_referenced);

  int local = 3;
  int& local_ref = co_await ref_to(&local);
  EXPECT_EQ(&local_ref, &local);
  local_ref = 8;
  EXPECT_EQ(local, 8);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, string_value_with_parameters) {
  EXPECT_EQ(co_await make_string("task-", 17), "task-17");
}

// --- Laziness -----------------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, lazy_until_awaited) {
  bool flag = false;
  auto task = set_flag(&flag);
  EXPECT_FALSE(flag);
  co_await tokio::task::yield_now();  // giving the scheduler a turn does not start it either
  EXPECT_FALSE(flag);
  co_await task;
  EXPECT_TRUE(flag);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, dropped_unawaited_task_never_runs) {
  bool flag = false;
  std::atomic<int> drops{0};
  {
    auto task = set_flag(&flag);
    auto with_param = counted_param_child(DropCounter(drops), 1);
    EXPECT_EQ(drops.load(), 0);  // the parameter lives in the (unstarted) frame
  }
  EXPECT_FALSE(flag);
  EXPECT_EQ(drops.load(), 1);  // destroying the Task destroyed its frame and parameter once
  co_return;
}

TEST(TaskBasic, lazy_outside_runtime) {
  bool flag = false;
  {
    auto task = set_flag(&flag);
    EXPECT_TRUE(task.valid());
  }
  EXPECT_FALSE(flag);
  // Only running it on a runtime executes it.
  auto rt = tokio::runtime::Builder::new_current_thread().build();
  rt.block_on(set_flag(&flag));
  EXPECT_TRUE(flag);
}

TEST(TaskBasic, default_task_is_empty) {
  tokio::Task<int> task;
  EXPECT_FALSE(task.valid());
  tokio::Task<int> moved = make_int(1);
  tokio::Task<int> target = std::move(moved);
  EXPECT_FALSE(moved.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(target.valid());
}

// --- Symmetric transfer -------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, long_loop_of_synchronous_children_does_not_grow_stack) {
  long sum = 0;
  for (int i = 0; i < 100'000; ++i)
    sum += co_await add_one(i);
  EXPECT_EQ(sum, 100'000L * 99'999 / 2 + 100'000);
}

TOKIO_TEST(TaskBasic, deep_recursive_chain_does_not_overflow_stack) {
  EXPECT_EQ(co_await recurse(100'000), 100'000);
}

TOKIO_TEST(TaskBasic, deep_recursive_chain_in_spawned_task,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto handle = tokio::spawn(recurse(100'000));
  EXPECT_EQ(co_await handle, 100'000);
}

// --- Frame lifetime -----------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, frame_destroyed_right_after_completion) {
  std::atomic<int> drops{0};
  int value = co_await counted_child(&drops, 4);
  EXPECT_EQ(drops.load(), 1);  // before this coroutine did anything else
  EXPECT_EQ(value, 4);

  value = co_await counted_param_child(DropCounter(drops), 5);
  EXPECT_EQ(drops.load(), 2);  // the parameter copy in the frame is gone too
  EXPECT_EQ(value, 5);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, spawned_task_frame_destroyed_at_completion) {
  std::atomic<int> drops{0};
  auto handle = tokio::spawn(counted_child(&drops, 6));
  // The JoinHandle is still held and not awaited: the frame must go as soon as the task ends.
  const bool finished = co_await tokio_test::yield_until([&] { return handle.is_finished(); });
  EXPECT_TRUE(finished);
  EXPECT_EQ(drops.load(), 1);
  EXPECT_EQ(co_await handle, 6);
  EXPECT_EQ(drops.load(), 1);
}

// --- Exceptions ---------------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, exception_from_nested_children_propagates) {
  std::atomic<int> drops{0};
  bool caught = false;
  try {
    co_await outer_layer(&drops);
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "deep failure");
  }
  EXPECT_TRUE(caught);
  EXPECT_EQ(drops.load(), 2);  // both intermediate frames were unwound exactly once
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, exception_caught_by_parent_task) {
  EXPECT_EQ(co_await catches_child_error(), 7);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, exception_in_spawned_task_is_join_error) {
  std::atomic<int> drops{0};
  auto handle = tokio::spawn(outer_layer(&drops));
  bool caught = false;
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    caught = true;
    EXPECT_TRUE(e.is_panic());
    EXPECT_FALSE(e.is_cancelled());
    EXPECT_TRUE(e.panic_payload() != nullptr);
    bool rethrown = false;
    try {
      e.resume_panic();
    } catch (const std::runtime_error& original) {
      rethrown = true;
      EXPECT_STREQ(original.what(), "deep failure");
    }
    EXPECT_TRUE(rethrown);
  }
  EXPECT_TRUE(caught);
  EXPECT_EQ(drops.load(), 2);
}

TEST(TaskBasic, block_on_rethrows_original_exception) {
  auto rt = tokio::runtime::Builder::new_current_thread().build();
  EXPECT_THROW(rt.block_on(throws_runtime_error("from block_on")), std::runtime_error);
}

// --- Misuse -------------------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, awaiting_task_twice_throws_logic_error) {
  auto task = make_int(1);
  EXPECT_EQ(co_await task, 1);
  bool threw = false;
  try {
    co_await task;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, awaiting_moved_from_or_spawned_task_throws) {
  auto task = make_int(1);
  auto other = std::move(task);
  bool threw = false;
  try {
    co_await task;  // NOLINT(bugprone-use-after-move): the point of the test
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);

  auto handle = tokio::spawn(std::move(other));
  EXPECT_EQ(co_await handle, 1);
  threw = false;
  try {
    auto again = tokio::spawn(std::move(other));  // NOLINT(bugprone-use-after-move)
    (void)again;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, awaiting_join_handle_twice_throws_logic_error) {
  auto handle = tokio::spawn(make_int(3));
  EXPECT_EQ(co_await handle, 3);
  bool threw = false;
  try {
    co_await handle;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);

  tokio::JoinHandle<int> empty;
  threw = false;
  try {
    co_await empty;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
}

TEST(TaskBasic, spawn_outside_runtime_throws_logic_error) {
  EXPECT_THROW((void)tokio::spawn(make_int(1)), std::logic_error);
  EXPECT_THROW((void)tokio::runtime::Handle::current(), std::logic_error);
  EXPECT_FALSE(tokio::runtime::Handle::try_current().has_value());
}

// --- spawn ---------------------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, spawn_runs_without_join_handle_being_awaited) {
  bool flag = false;
  auto handle = tokio::spawn(set_flag(&flag));
  co_await handle;
  EXPECT_TRUE(flag);
  EXPECT_TRUE(handle.is_finished());
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, spawn_callable_keeps_captures_alive) {
  auto shared = std::make_shared<int>(40);
  auto handle =
      tokio::spawn([text = std::string("captured string that is long enough to live on the heap"),
                    owned = std::make_unique<int>(2), shared]() -> tokio::Task<int> {
        // Suspend first: the lambda object must outlive this point.
        co_await tokio::task::yield_now();
        co_await tokio::task::yield_now();
        EXPECT_EQ(text, "captured string that is long enough to live on the heap");
        co_return *owned + *shared;
      });
  EXPECT_EQ(co_await handle, 42);
  // The callable (and so its captures) is released once the task has finished.
  EXPECT_EQ(shared.use_count(), 1);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, spawn_many_and_join_all) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 1000; ++i)
    handles.push_back(tokio::spawn(add_one(i)));
  long sum = 0;
  for (auto& handle : handles)
    sum += co_await handle;
  EXPECT_EQ(sum, 1000L * 999 / 2 + 1000);
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, spawn_from_spawned_task) {
  auto handle = tokio::spawn([]() -> tokio::Task<int> {
    auto inner = tokio::spawn(add_one(1));
    co_return co_await inner + 10;
  });
  EXPECT_EQ(co_await handle, 12);
}

TEST(TaskBasic, runtime_spawn_from_outside_and_block_on) {
  auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
  auto handle = rt.spawn(add_one(41));
  EXPECT_EQ(rt.block_on(tokio_test::await_handle(std::move(handle))), 42);
  auto from_handle = rt.handle().spawn(add_one(1));
  EXPECT_EQ(rt.block_on(tokio_test::await_handle(std::move(from_handle))), 2);
}

// --- Ids
// ------------------------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TaskBasic, task_ids) {
  auto first = tokio::spawn(own_id());
  auto second = tokio::spawn(nested_own_id());
  auto third = tokio::spawn(own_try_id());
  const tokio::task::Id first_id = first.id();
  const tokio::task::Id second_id = second.id();
  const tokio::task::Id third_id = third.id();
  EXPECT_NE(first_id, second_id);
  EXPECT_NE(second_id, third_id);
  EXPECT_NE(first_id, third_id);

  auto abort_handle = first.abort_handle();
  EXPECT_EQ(abort_handle.id(), first_id);
  auto copy = abort_handle;
  EXPECT_EQ(copy.id(), first_id);

  EXPECT_EQ(co_await first, first_id);
  EXPECT_EQ(co_await second, second_id);
  auto seen = co_await third;
  TOKIO_CO_ASSERT(seen.has_value());
  EXPECT_EQ(*seen, third_id);
  // The handles still report the id after completion.
  EXPECT_EQ(first.id(), first_id);
  EXPECT_EQ(abort_handle.id(), first_id);

  std::set<tokio::task::Id> ids{first_id, second_id, third_id};
  EXPECT_EQ(ids.size(), 3u);
  std::hash<tokio::task::Id> hasher;
  EXPECT_EQ(hasher(first_id), hasher(tokio::task::Id(first_id.value())));
}

TOKIO_TEST_ALL_FLAVORS(TaskBasic, no_task_id_in_block_on_body) {
  EXPECT_FALSE(tokio::task::try_id().has_value());
  bool threw = false;
  try {
    (void)tokio::task::id();
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
  co_return;
}

TEST(TaskBasic, no_task_id_outside_runtime) {
  EXPECT_FALSE(tokio::task::try_id().has_value());
  EXPECT_THROW((void)tokio::task::id(), std::logic_error);
  std::optional<tokio::task::Id> on_thread;
  std::thread([&] { on_thread = tokio::task::try_id(); }).join();
  EXPECT_FALSE(on_thread.has_value());
}
