// tokio::join: tuples of results, concurrency of the children inside the calling task,
// exceptions after every child finished, nesting, and cancellation of a join.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using tokio_test::DropCounter;
using tokio_test::Event;
using tokio_test::ready;
using tokio_test::ready_void;
using tokio_test::SetOnExit;

namespace {

using Log = std::shared_ptr<std::vector<std::string>>;

tokio::Task<int> yield_then(int value, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<std::string> make_string(std::string s) {
  co_await tokio::task::yield_now();
  co_return s;
}

int g_target = 0;
tokio::Task<int&> global_ref() {
  co_return g_target;
}

// Waits (yielding, bounded) until `flag` is set by a sibling branch; logs around it.
tokio::Task<bool> wait_for_sibling(Log log, std::shared_ptr<std::atomic<bool>> flag) {
  log->push_back("a-start");
  // A raw pointer in the predicate: GCC 12 destroys a temporary lambda argument of a coroutine
  // call inside co_await twice, which a shared_ptr capture turns into a use-after-free.
  const bool seen = co_await tokio_test::yield_until([f = flag.get()] { return f->load(); }, 1000);
  log->push_back("a-end");
  co_return seen;
}

tokio::Task<void> set_sibling_flag(Log log, std::shared_ptr<std::atomic<bool>> flag) {
  log->push_back("b");
  flag->store(true);
  co_return;
}

// Awaits a blocking job that only finishes once the sibling counted the latch down.
tokio::Task<int> await_latch_job(std::shared_ptr<std::latch> latch) {
  auto job = tokio::task::spawn_blocking([latch] {
    latch->wait();
    return 1;
  });
  co_return co_await job;
}

tokio::Task<int> release_latch(std::shared_ptr<std::latch> latch) {
  co_await tokio::task::yield_now();
  latch->count_down();
  co_return 2;
}

tokio::Task<int> throws_now(std::string message) {
  throw std::runtime_error(message);
  co_return 0;
}

tokio::Task<int> throws_after(int yields, std::string message) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  throw std::runtime_error(message);
}

tokio::Task<int> finish_after(int yields, std::shared_ptr<std::atomic<bool>> done) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  done->store(true);
  co_return yields;
}

tokio::Task<int> inner_join(int base) {
  auto [a, b] = co_await tokio::join(yield_then(base, 1), yield_then(base + 1, 2));
  co_return a + b;
}

tokio::Task<int> counted_forever(std::atomic<int>* drops, Event started,
                                 tokio::JoinHandle<void> gate) {
  DropCounter local(*drops);
  started.set();
  co_await gate;
  co_return 0;
}

tokio::Task<int> counted_yielding(std::atomic<int>* drops, int value) {
  DropCounter local(*drops);
  co_await tokio::task::yield_now();
  co_return value;
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, two_to_five_tasks) {
  auto [a, b] = co_await tokio::join(ready(1), ready(2));
  EXPECT_EQ(a + b, 3);

  auto three = co_await tokio::join(ready(1), make_string("two"), yield_then(3, 2));
  EXPECT_EQ(std::get<0>(three), 1);
  EXPECT_EQ(std::get<1>(three), "two");
  EXPECT_EQ(std::get<2>(three), 3);

  auto four = co_await tokio::join(ready(1), ready_void(), yield_then(3, 1), ready(4L));
  static_assert(std::is_same_v<std::tuple_element_t<1, decltype(four)>, std::monostate>);
  static_assert(std::is_same_v<std::tuple_element_t<3, decltype(four)>, long>);
  EXPECT_EQ(std::get<0>(four), 1);
  EXPECT_EQ(std::get<2>(four), 3);
  EXPECT_EQ(std::get<3>(four), 4L);

  auto five = co_await tokio::join(yield_then(1, 5), yield_then(2, 4), yield_then(3, 3),
                                   yield_then(4, 2), yield_then(5, 1));
  EXPECT_EQ(five, std::make_tuple(1, 2, 3, 4, 5));
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, move_only_and_reference_results) {
  auto [owned, ref, nothing] =
      co_await tokio::join(ready(std::make_unique<int>(6)), global_ref(), ready_void());
  TOKIO_CO_ASSERT(owned != nullptr);
  EXPECT_EQ(*owned, 6);
  static_assert(std::is_same_v<decltype(ref), std::reference_wrapper<int>>);
  EXPECT_EQ(&ref.get(), &g_target);
  static_assert(std::is_same_v<decltype(nothing), std::monostate>);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, single_task) {
  auto [value] = co_await tokio::join(yield_then(7, 3));
  EXPECT_EQ(value, 7);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, synchronous_children) {
  auto result = co_await tokio::join(ready(1), ready(2), ready_void(), ready(std::string("x")));
  EXPECT_EQ(std::get<0>(result), 1);
  EXPECT_EQ(std::get<1>(result), 2);
  EXPECT_EQ(std::get<3>(result), "x");
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, children_interleave_inside_task) {
  // Branch a waits (bounded) for a flag that only branch b sets: it only sees it if b runs
  // while a is suspended, i.e. the children really run concurrently.
  auto log = std::make_shared<std::vector<std::string>>();
  auto flag = std::make_shared<std::atomic<bool>>(false);
  auto [seen, nothing] =
      co_await tokio::join(wait_for_sibling(log, flag), set_sibling_flag(log, flag));
  (void)nothing;
  EXPECT_TRUE(seen);
  EXPECT_EQ(*log, (std::vector<std::string>{"a-start", "b", "a-end"}));
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, child_waits_for_sibling_through_join_handle) {
  // The first child awaits a JoinHandle that completes only after the second child did its
  // part; a join that ran its children one after the other would never finish.
  auto latch = std::make_shared<std::latch>(1);
  auto [a, b] = co_await tokio::join(await_latch_job(latch), release_latch(latch));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, exception_waits_for_all_then_rethrows) {
  auto done = std::make_shared<std::atomic<bool>>(false);
  bool caught = false;
  try {
    co_await tokio::join(throws_now("first fails"), finish_after(10, done));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "first fails");
  }
  EXPECT_TRUE(caught);
  EXPECT_TRUE(done->load());  // the other child ran to its end before the rethrow
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, first_exception_in_completion_order) {
  bool caught = false;
  try {
    co_await tokio::join(throws_after(5, "late"), throws_after(1, "early"));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "early");
  }
  EXPECT_TRUE(caught);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, nested_join) {
  auto [x, y, z] = co_await tokio::join(inner_join(0), inner_join(10), ready(100));
  EXPECT_EQ(x, 1);
  EXPECT_EQ(y, 21);
  EXPECT_EQ(z, 100);
  auto [outer, tuple] = co_await tokio::join(
      inner_join(1), tokio::join(yield_then(1, 1), yield_then(2, 2), ready_void()));
  EXPECT_EQ(outer, 3);
  EXPECT_EQ(std::get<0>(tuple), 1);
  EXPECT_EQ(std::get<1>(tuple), 2);
}

TOKIO_TEST(MacrosJoin, join_inside_many_spawned_tasks,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 200; ++i) {
    handles.push_back(tokio::spawn([i]() -> tokio::Task<int> {
      auto [a, b, c] = co_await tokio::join(yield_then(i, 1), yield_then(i, 3), inner_join(i));
      co_return a + b + c;
    }));
  }
  long long sum = 0;
  long long expected = 0;
  for (int i = 0; i < 200; ++i)
    expected += 4LL * i + 1;
  for (auto& h : handles)
    sum += co_await h;
  EXPECT_EQ(sum, expected);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, children_frames_destroyed_when_done) {
  std::atomic<int> drops{0};
  auto [a, b] = co_await tokio::join(counted_yielding(&drops, 1), counted_yielding(&drops, 2));
  EXPECT_EQ(drops.load(), 2);
  EXPECT_EQ(a + b, 3);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, aborting_task_in_join_destroys_children) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  auto handle =
      tokio::spawn([&drops, started, wait = gate.waiter()]() mutable -> tokio::Task<void> {
        co_await tokio::join(counted_forever(&drops, started, std::move(wait)),
                             counted_yielding(&drops, 1));
      });
  co_await started.waiter();
  handle.abort();
  bool cancelled = false;
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(drops.load(), 2);  // the pending child and the finished one, each exactly once
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, join_of_join_handles) {
  auto a = tokio::spawn(yield_then(1, 2));
  auto b = tokio::spawn(yield_then(2, 1));
  auto [x, y] = co_await tokio::join(tokio_test::await_handle(std::move(a)),
                                     tokio_test::await_handle(std::move(b)));
  EXPECT_EQ(x + y, 3);
}

TOKIO_TEST_ALL_FLAVORS(MacrosJoin, many_joins_in_a_loop) {
  std::atomic<int> drops{0};
  long sum = 0;
  for (int i = 0; i < 1000; ++i) {
    auto [a, b] = co_await tokio::join(counted_yielding(&drops, i), ready(1));
    sum += a + b;
  }
  EXPECT_EQ(drops.load(), 1000);
  EXPECT_EQ(sum, 1000L * 999 / 2 + 1000);
}
