// tokio::try_join: tuples when every child succeeds; the first exception cancels the other
// children (their frames are destroyed once) and is re-thrown at once.
#include <gtest/gtest.h>

#include <atomic>
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

struct CustomError : std::runtime_error {
  explicit CustomError(int c) : std::runtime_error("custom"), code(c) {}
  int code;
};

tokio::Task<int> yield_then(int value, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<int> throws_after(int yields, std::string message) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  throw std::runtime_error(message);
}

tokio::Task<void> throws_custom(int code) {
  co_await tokio::task::yield_now();
  throw CustomError(code);
}

// Holds a counter, signals `started`, then waits for `gate` (forever, as far as the test goes).
tokio::Task<int> pending_forever(std::atomic<int>* drops, Event started,
                                 tokio::JoinHandle<void> gate) {
  DropCounter local(*drops);
  started.set();
  co_await gate;
  co_return 0;
}

tokio::Task<int> throws_when(Event started_sibling, std::string message) {
  // Fails once the sibling is known to be suspended in its wait.
  co_await started_sibling.waiter();
  throw std::runtime_error(message);
}

tokio::Task<int> slow_counted(std::atomic<int>* drops, std::shared_ptr<std::atomic<bool>> finished,
                              int yields) {
  DropCounter local(*drops);
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  finished->store(true);
  co_return yields;
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, all_succeed) {
  auto [a, b] = co_await tokio::try_join(ready(1), yield_then(2, 3));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);

  auto three = co_await tokio::try_join(yield_then(1, 2), ready_void(), ready(std::string("s")));
  static_assert(std::is_same_v<std::tuple_element_t<1, decltype(three)>, std::monostate>);
  EXPECT_EQ(std::get<0>(three), 1);
  EXPECT_EQ(std::get<2>(three), "s");

  auto five = co_await tokio::try_join(yield_then(1, 1), yield_then(2, 2), yield_then(3, 3),
                                       yield_then(4, 4), ready(std::make_unique<int>(5)));
  EXPECT_EQ(std::get<0>(five) + std::get<1>(five) + std::get<2>(five) + std::get<3>(five), 10);
  TOKIO_CO_ASSERT(std::get<4>(five) != nullptr);
  EXPECT_EQ(*std::get<4>(five), 5);

  auto [single] = co_await tokio::try_join(yield_then(8, 1));
  EXPECT_EQ(single, 8);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, first_error_cancels_pending_sibling) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  bool caught = false;
  try {
    co_await tokio::try_join(pending_forever(&drops, started, gate.waiter()),
                             throws_when(started, "try_join failure"));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "try_join failure");
  }
  EXPECT_TRUE(caught);
  EXPECT_EQ(drops.load(), 1);  // the suspended sibling was destroyed, exactly once
  EXPECT_FALSE(gate.is_set());
  gate.set();
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, error_is_rethrown_at_once) {
  // The sibling would need many more polls to finish: try_join must not wait for it.
  std::atomic<int> drops{0};
  auto finished = std::make_shared<std::atomic<bool>>(false);
  bool caught = false;
  try {
    co_await tokio::try_join(slow_counted(&drops, finished, 1000), throws_after(2, "early"));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "early");
  }
  EXPECT_TRUE(caught);
  EXPECT_FALSE(finished->load());
  EXPECT_EQ(drops.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, synchronous_error) {
  std::atomic<int> drops{0};
  auto finished = std::make_shared<std::atomic<bool>>(false);
  bool caught = false;
  try {
    co_await tokio::try_join(throws_after(0, "sync"), slow_counted(&drops, finished, 5));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "sync");
  }
  EXPECT_TRUE(caught);
  EXPECT_FALSE(finished->load());
  // Whether or not the sibling got to start, its frame was destroyed, its local at most once.
  EXPECT_LE(drops.load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, exception_type_preserved) {
  bool caught = false;
  try {
    co_await tokio::try_join(yield_then(1, 5), throws_custom(77), yield_then(2, 5));
  } catch (const CustomError& e) {
    caught = true;
    EXPECT_EQ(e.code, 77);
  }
  EXPECT_TRUE(caught);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, first_error_in_completion_order) {
  bool caught = false;
  try {
    co_await tokio::try_join(throws_after(6, "late"), throws_after(2, "early"), yield_then(0, 10));
  } catch (const std::runtime_error& e) {
    caught = true;
    EXPECT_STREQ(e.what(), "early");
  }
  EXPECT_TRUE(caught);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, nested_in_join) {
  auto [ok, failed] = co_await tokio::join(
      tokio::try_join(yield_then(1, 1), yield_then(2, 2)), [](int code) -> tokio::Task<int> {
        try {
          co_await tokio::try_join(yield_then(1, 3), throws_custom(code));
        } catch (const CustomError& e) {
          co_return e.code;
        }
        co_return -1;
      }(5));
  EXPECT_EQ(std::get<0>(ok) + std::get<1>(ok), 3);
  EXPECT_EQ(failed, 5);
}

TOKIO_TEST(MacrosTryJoin, in_many_spawned_tasks,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < 200; ++i) {
    handles.push_back(tokio::spawn([i]() -> tokio::Task<int> {
      if (i % 2) {
        auto [a, b] = co_await tokio::try_join(yield_then(i, 2), yield_then(1, 1));
        co_return a + b;
      }
      try {
        co_await tokio::try_join(yield_then(i, 5), throws_after(1, "even"));
      } catch (const std::runtime_error&) {
        co_return 0;
      }
      co_return -1000000;
    }));
  }
  long sum = 0;
  long expected = 0;
  for (int i = 1; i < 200; i += 2)
    expected += i + 1;
  for (auto& h : handles)
    sum += co_await h;
  EXPECT_EQ(sum, expected);
}

TOKIO_TEST_ALL_FLAVORS(MacrosTryJoin, many_in_a_loop) {
  std::atomic<int> drops{0};
  auto finished = std::make_shared<std::atomic<bool>>(false);
  int failures = 0;
  for (int i = 0; i < 500; ++i) {
    try {
      co_await tokio::try_join(slow_counted(&drops, finished, 3), throws_after(1, "loop"));
    } catch (const std::runtime_error&) {
      ++failures;
    }
  }
  EXPECT_EQ(failures, 500);
  EXPECT_EQ(drops.load(), 500);
  EXPECT_FALSE(finished->load());
}
