// tokio::sync::OnceCell (after Tokio's sync_once_cell.rs).
#include "tokio/sync/once_cell.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using namespace std::chrono_literals;
using tokio::sync::OnceCell;
using tokio::sync::SetError;
using tokio::sync::SetErrorKind;

tokio::Task<std::uint32_t> func1() {
  co_return 5;
}

tokio::Task<std::uint32_t> func2() {
  co_await tokio::time::sleep(1ms);
  co_return 10;
}

tokio::Task<std::uint32_t> func_throws() {
  co_await tokio::time::sleep(1ms);
  throw std::runtime_error("initialiser failed");
}

tokio::Task<std::uint32_t> sleep_and_give_5() {
  co_await tokio::time::sleep(2ms);
  co_return 5;
}

tokio::Task<std::uint32_t> get_or_init_with(OnceCell<std::uint32_t>* cell,
                                            tokio::Task<std::uint32_t> (*f)()) {
  const std::uint32_t& v = co_await cell->get_or_init(f);
  co_return v;
}

TOKIO_TEST(SyncOnceCell, GetOrInit, .start_paused = true) {
  OnceCell<std::uint32_t> cell;
  auto h1 = tokio::spawn(get_or_init_with(&cell, func1));
  auto h2 = tokio::spawn(get_or_init_with(&cell, func2));
  co_await tokio::time::advance(1ms);
  EXPECT_EQ(co_await h1, 5u);
  EXPECT_EQ(co_await h2, 5u);
}

// Tokio's get_or_init_panic: the first initialiser fails; a waiting caller's own one runs.
TOKIO_TEST(SyncOnceCell, GetOrInitAfterAThrowingInitialiser, .start_paused = true) {
  OnceCell<std::uint32_t> cell;
  auto failing = tokio::spawn(get_or_init_with(&cell, func_throws));
  for (int k = 0; k < 3; ++k)
    co_await tokio::task::yield_now();  // it takes the permit and sleeps
  auto waiting = tokio::spawn(get_or_init_with(&cell, func1));
  co_await tokio::time::advance(1ms);
  EXPECT_THROW((void)co_await failing, tokio::task::JoinError);
  EXPECT_EQ(co_await waiting, 5u);
  TOKIO_CO_ASSERT(cell.get() != nullptr);
  EXPECT_EQ(*cell.get(), 5u);
}

TOKIO_TEST(SyncOnceCell, SetAndGet) {
  OnceCell<std::uint32_t> cell;
  auto h = tokio::spawn([&cell]() -> tokio::Task<bool> { co_return cell.set(5).has_value(); });
  EXPECT_TRUE(co_await h);
  TOKIO_CO_ASSERT(cell.get() != nullptr);
  EXPECT_EQ(*cell.get(), 5u);
}

TEST(SyncOnceCell, GetUninit) {
  OnceCell<std::uint32_t> cell;
  EXPECT_EQ(cell.get(), nullptr);
  EXPECT_FALSE(cell.initialized());
}

TEST(SyncOnceCell, SetTwice) {
  OnceCell<std::string> cell;
  EXPECT_TRUE(cell.set("first"));
  auto second = cell.set("second");
  ASSERT_FALSE(second);
  EXPECT_TRUE(second.error().is_already_init_err());
  EXPECT_FALSE(second.error().is_initializing_err());
  EXPECT_EQ(second.error().value, "second") << "the rejected value is given back";
  EXPECT_EQ(*cell.get(), "first");
}

tokio::Task<tokio::Result<void, SetError<std::uint32_t>>> advance_and_set(
    OnceCell<std::uint32_t>* cell, std::uint32_t v) {
  co_await tokio::time::advance(1ms);
  co_return cell->set(v);
}

TOKIO_TEST(SyncOnceCell, SetWhileInitializing, .start_paused = true) {
  OnceCell<std::uint32_t> cell;
  auto h1 = tokio::spawn(get_or_init_with(&cell, sleep_and_give_5));
  auto h2 = tokio::spawn(advance_and_set(&cell, 10));
  co_await tokio::time::advance(2ms);
  EXPECT_EQ(co_await h1, 5u);
  auto r2 = co_await h2;
  TOKIO_CO_ASSERT(!r2);
  EXPECT_TRUE(r2.error().is_initializing_err());
  EXPECT_EQ(r2.error().kind, SetErrorKind::Initializing);
  EXPECT_EQ(r2.error().value, 10u);
}

TOKIO_TEST_ALL_FLAVORS(SyncOnceCell, GetOrTryInit) {
  OnceCell<int> cell;
  auto fail = []() -> tokio::Task<tokio::Result<int, std::string>> {
    co_return tokio::Err<std::string>("nope");
  };
  auto first = co_await cell.get_or_try_init(fail);
  TOKIO_CO_ASSERT(!first);
  EXPECT_EQ(first.error(), "nope");
  EXPECT_FALSE(cell.initialized()) << "a failed initialiser set the cell";
  auto succeed = []() -> tokio::Task<tokio::Result<int, std::string>> { co_return 42; };
  auto second = co_await cell.get_or_try_init(succeed);
  TOKIO_CO_ASSERT(second);
  EXPECT_EQ(**second, 42);
  EXPECT_EQ(*second, cell.get());
  // Initialised: neither initialiser runs again.
  int calls = 0;
  auto counted = [&calls]() -> tokio::Task<tokio::Result<int, std::string>> {
    ++calls;
    co_return 7;
  };
  auto third = co_await cell.get_or_try_init(counted);
  EXPECT_EQ(**third, 42);
  auto counted_init = [&calls]() -> tokio::Task<int> {
    ++calls;
    co_return 8;
  };
  EXPECT_EQ(co_await cell.get_or_init(counted_init), 42);
  EXPECT_EQ(calls, 0);
}

tokio::Task<int> slow_init(tokio::sync::Notify* started, std::atomic<int>* calls) {
  calls->fetch_add(1);
  started->notify_one();
  co_await tokio::time::sleep(std::chrono::hours(1));  // cancelled long before
  co_return 1;
}

tokio::Task<int> get_or_init_value(OnceCell<int>* cell, tokio::sync::Notify* started,
                                   std::atomic<int>* calls, int value) {
  auto f = [=]() -> tokio::Task<int> {
    if (value == 1) {
      auto task = slow_init(started, calls);
      co_return co_await task;
    }
    calls->fetch_add(1);
    co_return value;
  };
  const int& v = co_await cell->get_or_init(f);
  co_return v;
}

// A cancelled initialiser leaves the cell empty and hands the turn to the next waiter.
TOKIO_TEST(SyncOnceCell, CancelledInitialiserHandsOverItsTurn, .start_paused = true) {
  OnceCell<int> cell;
  tokio::sync::Notify started;
  std::atomic<int> calls{0};
  auto first = tokio::spawn(get_or_init_value(&cell, &started, &calls, 1));
  auto notified = started.notified();
  co_await notified;
  auto second = tokio::spawn(get_or_init_value(&cell, &started, &calls, 2));
  auto third = tokio::spawn(get_or_init_value(&cell, &started, &calls, 3));
  for (int k = 0; k < 5; ++k)
    co_await tokio::task::yield_now();
  EXPECT_EQ(calls.load(), 1) << "a second initialiser ran while the first was running";
  first.abort();
  try {
    (void)co_await first;
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
  EXPECT_EQ(co_await second, 2);
  EXPECT_EQ(co_await third, 2);
  EXPECT_EQ(calls.load(), 2);
}

// get_or_init losing a select while it waits for another initialiser leaves no waiter.
TOKIO_TEST(SyncOnceCell, WaiterLosingASelectLeavesNoTrace, .start_paused = true) {
  OnceCell<int> cell;
  tokio::sync::Notify started;
  std::atomic<int> calls{0};
  auto first = tokio::spawn(get_or_init_value(&cell, &started, &calls, 1));
  auto notified = started.notified();
  co_await notified;
  auto ready = []() -> tokio::Task<int> { co_return -1; };
  auto r = co_await tokio::select_biased(get_or_init_value(&cell, &started, &calls, 2), ready());
  EXPECT_EQ(r.index(), 1u);
  first.abort();
  try {
    (void)co_await first;
  } catch (const tokio::task::JoinError&) {
  }
  EXPECT_FALSE(cell.initialized());
  EXPECT_TRUE(cell.set(9)) << "the permit was lost";
  EXPECT_EQ(*cell.get(), 9);
}

struct Counted {
  static inline std::atomic<int> live{0};
  int v;
  explicit Counted(int x) : v(x) { live.fetch_add(1); }
  Counted(Counted&& o) noexcept : v(o.v) { live.fetch_add(1); }
  Counted(const Counted& o) : v(o.v) { live.fetch_add(1); }
  ~Counted() { live.fetch_sub(1); }
};

TEST(SyncOnceCell, DropCell) {
  Counted::live = 0;
  {
    OnceCell<Counted> cell;
    EXPECT_TRUE(cell.set(Counted(1)));
    EXPECT_EQ(Counted::live.load(), 1);
  }
  EXPECT_EQ(Counted::live.load(), 0);
  {
    auto cell = OnceCell<Counted>::new_with(Counted(2));
    EXPECT_EQ(cell.get()->v, 2);
  }
  EXPECT_EQ(Counted::live.load(), 0);
  {
    OnceCell<Counted> empty;  // nothing to destroy
  }
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(SyncOnceCell, IntoInnerAndTake) {
  Counted::live = 0;
  {
    OnceCell<Counted> cell(Counted(3));
    EXPECT_TRUE(cell.initialized());
    auto v = std::move(cell).into_inner();
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->v, 3);
    EXPECT_EQ(Counted::live.load(), 1);
    EXPECT_FALSE(cell.initialized());
  }
  EXPECT_EQ(Counted::live.load(), 0);
  OnceCell<int> cell;
  EXPECT_FALSE(cell.take().has_value());
  EXPECT_TRUE(cell.set(1));
  EXPECT_EQ(cell.take(), std::optional<int>(1));
  EXPECT_EQ(cell.get(), nullptr);
  EXPECT_TRUE(cell.set(2)) << "a taken cell can be set again";
  EXPECT_EQ(*cell.get(), 2);
  *cell.get_mut() = 5;
  EXPECT_EQ(*cell.get(), 5);
}

TOKIO_TEST(SyncOnceCell, TakenCellCanBeInitialisedAgain) {
  OnceCell<std::string> cell("old");
  EXPECT_EQ(cell.take(), std::optional<std::string>("old"));
  auto init = []() -> tokio::Task<std::string> { co_return "new"; };
  EXPECT_EQ(co_await cell.get_or_init(init), "new");
}

TEST(SyncOnceCell, NewWithNothingIsEmpty) {
  auto cell = OnceCell<int>::new_with(std::nullopt);
  EXPECT_FALSE(cell.initialized());
  EXPECT_TRUE(cell.set(1));
}

tokio::Task<int> zero_task() {
  co_return 0;
}

TOKIO_TEST(SyncOnceCell, InitialiserThatThrowsBeforeItsTaskReleasesThePermit) {
  OnceCell<int> cell;
  auto bad = []() -> tokio::Task<int> {
    throw std::runtime_error("no task");
    return zero_task();
  };
  bool threw = false;
  try {
    (void)co_await cell.get_or_init(bad);
  } catch (const std::runtime_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
  EXPECT_TRUE(cell.set(3)) << "the permit was lost";
}

// Regression: set() whose value's move constructor throws leaves the cell usable.
struct ThrowsOnMove {
  int value;
  bool fail;
  ThrowsOnMove(int v, bool f) : value(v), fail(f) {}
  ThrowsOnMove(ThrowsOnMove&& other) : value(other.value), fail(other.fail) {
    if (fail) throw std::runtime_error("move failed");
  }
};
TEST(SyncOnceCell, SetWithAThrowingMoveGivesTheTurnBack) {
  OnceCell<ThrowsOnMove> cell;
  EXPECT_THROW((void)cell.set(ThrowsOnMove(1, true)), std::runtime_error);
  EXPECT_FALSE(cell.initialized());
  EXPECT_TRUE(cell.set(ThrowsOnMove(2, false)));
  ASSERT_NE(cell.get(), nullptr);
  EXPECT_EQ(cell.get()->value, 2);
}

}  // namespace
