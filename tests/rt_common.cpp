// Runtime behaviour common to every scheduler flavor (Tokio's tests/rt_common.rs).
//
// TOKIO_TEST_ALL_FLAVORS bodies run on current_thread, multi_thread(1) and multi_thread(4).
// Plain TESTs that need to be outside a runtime (block_on's return value, shutdown) loop over
// the same three flavors themselves.
//
// Synchronisation rule: no sleeps. Where a test must wait for something a task does, the
// waiting side awaits the JoinHandle of a spawn_blocking job that waits on a std::latch (a
// "gate"): the runtime keeps running other tasks meanwhile on every flavor.
#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::Task;
using tokio::runtime::Builder;
using tokio::runtime::Handle;
using tokio::runtime::Runtime;
using tokio::runtime::RuntimeFlavor;
using tokio::task::JoinError;

// --- Flavors for plain TESTs --------------------------------------------------------------

struct Flavor {
  const char* name;
  Builder (*make)();
};

Builder current_thread() {
  auto builder = Builder::new_current_thread();
  builder.enable_all();
  return builder;
}
Builder multi_thread_1() {
  auto builder = Builder::new_multi_thread();
  builder.worker_threads(1).enable_all();
  return builder;
}
Builder multi_thread_4() {
  auto builder = Builder::new_multi_thread();
  builder.worker_threads(4).enable_all();
  return builder;
}

const Flavor kFlavors[] = {
    {"current_thread", &current_thread},
    {"multi_thread_1", &multi_thread_1},
    {"multi_thread_4", &multi_thread_4},
};

// --- Helpers ------------------------------------------------------------------------------

struct CustomError {
  int code;
};

// Counts constructions and destructions of a frame-local guard.
struct Counters {
  std::atomic<int> made{0};
  std::atomic<int> dropped{0};
};

class Counted {
 public:
  explicit Counted(Counters& counters) : counters_(&counters) {
    counters_->made.fetch_add(1, std::memory_order_relaxed);
  }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  ~Counted() { counters_->dropped.fetch_add(1, std::memory_order_relaxed); }

 private:
  Counters* counters_;
};

Task<int> value(int v) {
  co_return v;
}

Task<void> nothing() {
  co_return;
}

Task<std::unique_ptr<int>> boxed(int v) {
  co_return std::make_unique<int>(v);
}

Task<int&> ref_to(int& target) {
  co_return target;
}

Task<int> add(Task<int> inner, int delta) {
  co_return co_await std::move(inner) + delta;
}

Task<int> throws_runtime_error(std::string message) {
  throw std::runtime_error(message);
  co_return 0;
}

Task<int> throws_custom(int code) {
  throw CustomError{code};
  co_return 0;
}

Task<int> nested_throw_level3(int code) {
  co_return co_await throws_custom(code);
}
Task<int> nested_throw_level2(int code) {
  co_return 1 + co_await nested_throw_level3(code);
}
Task<int> nested_throw_level1(int code) {
  co_return 1 + co_await nested_throw_level2(code);
}

Task<int> catches_nested(int code) {
  try {
    co_return co_await nested_throw_level1(code);
  } catch (const CustomError& e) {
    co_return -e.code;
  }
}

// A JoinHandle that completes once `latch` is counted down (a blocking-pool thread waits on
// it). Awaiting it suspends the awaiting task without blocking any runtime thread.
tokio::JoinHandle<void> gate(std::shared_ptr<std::latch> latch) {
  return tokio::task::spawn_blocking([latch] { latch->wait(); });
}

// Awaits `handle` and returns the JoinError it must throw (nullopt and a failure otherwise).
template <class T>
Task<std::optional<JoinError>> join_error_of(tokio::JoinHandle<T> handle) {
  try {
    co_await handle;
  } catch (const JoinError& error) {
    co_return error;
  }
  co_return std::nullopt;
}

// Awaits `handle` from a fresh current_thread runtime (for handles of a runtime that is gone).
template <class T>
std::optional<JoinError> join_error_outside(tokio::JoinHandle<T> handle) {
  auto rt = current_thread().build();
  return rt.block_on(join_error_of(std::move(handle)));
}

}  // namespace

// --- block_on -----------------------------------------------------------------------------

TEST(RtCommon, block_on_returns_int) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    EXPECT_EQ(rt.block_on(value(42)), 42);
    EXPECT_EQ(rt.block_on(add(value(1), 2)), 3);
    // The runtime can be blocked on again.
    EXPECT_EQ(rt.block_on(value(7)), 7);
  }
}

TEST(RtCommon, block_on_returns_move_only) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    std::unique_ptr<int> result = rt.block_on(boxed(5));
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(*result, 5);
  }
}

TEST(RtCommon, block_on_returns_void) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    rt.block_on(nothing());
    std::atomic<bool> ran{false};
    rt.block_on([](std::atomic<bool>* flag) -> Task<void> {
      flag->store(true);
      co_return;
    }(&ran));
    EXPECT_TRUE(ran.load());
  }
}

TEST(RtCommon, block_on_returns_reference) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    int target = 9;
    int& ref = rt.block_on(ref_to(target));
    EXPECT_EQ(&ref, &target);
    ref = 10;
    EXPECT_EQ(target, 10);
  }
}

TEST(RtCommon, block_on_rethrows_the_original_exception) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    try {
      (void)rt.block_on(throws_custom(17));
      ADD_FAILURE() << "block_on did not throw";
    } catch (const CustomError& e) {
      EXPECT_EQ(e.code, 17);
    }
    try {
      (void)rt.block_on(throws_runtime_error("boom"));
      ADD_FAILURE() << "block_on did not throw";
    } catch (const JoinError&) {
      ADD_FAILURE() << "block_on must re-throw the body's exception, not a JoinError";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "boom");
    }
    // The runtime stays usable after a body threw.
    EXPECT_EQ(rt.block_on(value(3)), 3);
  }
}

TEST(RtCommon, block_on_of_an_empty_task_throws_logic_error) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    auto task = value(1);
    auto moved = std::move(task);
    EXPECT_FALSE(task.valid());  // NOLINT(bugprone-use-after-move): checking moved-from state
    EXPECT_THROW((void)rt.block_on(std::move(task)), std::logic_error);
    EXPECT_EQ(rt.block_on(std::move(moved)), 1);
  }
}

namespace {
Task<int> holds(std::shared_ptr<int> kept) {
  co_return *kept;
}

// Calls `runtime.block_on` from inside a runtime: it must throw std::logic_error and destroy
// the rejected Task (its frame holds a copy of `kept`).
Task<bool> nested_block_on_rejected(Handle runtime) {
  auto kept = std::make_shared<int>(1);
  bool threw = false;
  try {
    (void)runtime.block_on(holds(kept));
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_EQ(kept.use_count(), 1) << "the Task rejected by a nested block_on was not destroyed";
  co_return threw;
}
}  // namespace

TEST(RtCommon, nested_block_on_of_another_runtime_throws_logic_error) {
  for (const auto& flavor : kFlavors) {
    for (const auto& inner_flavor : kFlavors) {
      SCOPED_TRACE(std::string(inner_flavor.name) + " runtime inside a " + flavor.name +
                   " runtime");
      auto outer = flavor.make().build();
      auto inner = inner_flavor.make().build();
      EXPECT_TRUE(outer.block_on(nested_block_on_rejected(inner.handle())));
      // Both runtimes still work afterwards.
      EXPECT_EQ(inner.block_on(value(2)), 2);
      EXPECT_EQ(outer.block_on(value(3)), 3);
    }
  }
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, nested_block_on_inside_a_task_throws_logic_error) {
  // From the block_on body itself.
  EXPECT_TRUE(co_await nested_block_on_rejected(Handle::current()));
  // From a spawned task.
  EXPECT_TRUE(co_await tokio::spawn(nested_block_on_rejected(Handle::current())));
  // The runtime still works.
  EXPECT_EQ(co_await tokio::spawn(value(4)), 4);
}

// --- spawn and JoinHandle -----------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(RtCommon, spawn_and_await) {
  auto handle = tokio::spawn(value(5));
  EXPECT_EQ(co_await handle, 5);
  auto boxed_handle = tokio::spawn(boxed(6));
  auto result = co_await boxed_handle;
  TOKIO_CO_ASSERT(result != nullptr);
  EXPECT_EQ(*result, 6);
  auto void_handle = tokio::spawn(nothing());
  co_await void_handle;
  EXPECT_TRUE(void_handle.is_finished());
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, spawn_callable_keeps_captures_alive) {
  auto text = std::make_shared<std::string>("captured");
  auto handle = tokio::spawn([text]() -> Task<std::size_t> {
    co_await tokio::task::yield_now();
    co_return text->size();
  });
  EXPECT_EQ(co_await handle, std::string("captured").size());
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, spawn_many_tasks) {
  constexpr int kTasks = 10'000;
  auto counter = std::make_shared<std::atomic<int>>(0);
  std::vector<tokio::JoinHandle<int>> handles;
  handles.reserve(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    handles.push_back(tokio::spawn([counter, i]() -> Task<int> {
      counter->fetch_add(1, std::memory_order_relaxed);
      co_return i;
    }));
  }
  long long sum = 0;
  for (auto& handle : handles)
    sum += co_await handle;
  EXPECT_EQ(counter->load(), kTasks);
  EXPECT_EQ(sum, static_cast<long long>(kTasks) * (kTasks - 1) / 2);
}

namespace {
Task<int> spawn_recursively(int depth) {
  if (depth == 0) co_return 0;
  auto child = tokio::spawn(spawn_recursively(depth - 1));
  co_return 1 + co_await child;
}

Task<int> fan_out(int width, int depth) {
  if (depth == 0) co_return 1;
  std::vector<tokio::JoinHandle<int>> children;
  for (int i = 0; i < width; ++i)
    children.push_back(tokio::spawn(fan_out(width, depth - 1)));
  int leaves = 0;
  for (auto& child : children)
    leaves += co_await child;
  co_return leaves;
}
}  // namespace

TOKIO_TEST_ALL_FLAVORS(RtCommon, nested_spawns) {
  EXPECT_EQ(co_await tokio::spawn(spawn_recursively(200)), 200);
  EXPECT_EQ(co_await tokio::spawn(fan_out(4, 5)), 1024);
}

namespace {
Task<int> await_previous(tokio::JoinHandle<int> previous) {
  co_return 1 + co_await previous;
}
}  // namespace

TOKIO_TEST_ALL_FLAVORS(RtCommon, tasks_await_other_tasks_join_handles) {
  constexpr int kChains = 20;
  constexpr int kLength = 50;
  std::vector<tokio::JoinHandle<int>> tails;
  for (int c = 0; c < kChains; ++c) {
    auto handle = tokio::spawn(value(c));
    for (int i = 0; i < kLength; ++i)
      handle = tokio::spawn(await_previous(std::move(handle)));
    tails.push_back(std::move(handle));
  }
  for (int c = 0; c < kChains; ++c)
    EXPECT_EQ(co_await tails[c], c + kLength);
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, join_handle_is_finished) {
  auto latch = std::make_shared<std::latch>(1);
  auto blocked = gate(latch);
  auto waiter = tokio::spawn([](tokio::JoinHandle<void> g) -> Task<int> {
    co_await g;
    co_return 4;
  }(std::move(blocked)));
  // The waiter cannot finish before the latch is released.
  EXPECT_FALSE(waiter.is_finished());
  latch->count_down();
  EXPECT_EQ(co_await waiter, 4);
  EXPECT_TRUE(waiter.is_finished());
  EXPECT_FALSE(tokio::JoinHandle<int>().is_finished());  // an empty handle
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, dropping_a_join_handle_detaches_the_task) {
  auto release = std::make_shared<std::latch>(1);
  auto done = std::make_shared<std::latch>(1);
  auto counter = std::make_shared<std::atomic<int>>(0);
  {
    auto detached = tokio::spawn([release, done, counter]() -> Task<void> {
      co_await gate(release);  // still suspended when its handle is dropped
      counter->fetch_add(1);
      done->count_down();
    });
    EXPECT_FALSE(detached.is_finished());
  }  // JoinHandle dropped: the task is detached, not cancelled
  release->count_down();
  co_await gate(done);  // wait for the detached task without its handle
  EXPECT_EQ(counter->load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, join_handle_awaited_twice_throws_logic_error) {
  auto handle = tokio::spawn(value(1));
  EXPECT_EQ(co_await handle, 1);
  bool threw = false;
  try {
    (void)co_await handle;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);

  tokio::JoinHandle<int> empty;
  bool empty_threw = false;
  try {
    (void)co_await empty;
  } catch (const std::logic_error&) {
    empty_threw = true;
  }
  EXPECT_TRUE(empty_threw);
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, task_awaited_twice_throws_logic_error) {
  auto task = value(3);
  EXPECT_TRUE(task.valid());
  EXPECT_EQ(co_await task, 3);
  EXPECT_FALSE(task.valid());
  bool threw = false;
  try {
    (void)co_await task;
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);

  // Spawning a Task that was already awaited (or moved from) also fails loudly.
  bool spawn_threw = false;
  try {
    auto handle = tokio::spawn(std::move(task));
  } catch (const std::logic_error&) {
    spawn_threw = true;
  }
  EXPECT_TRUE(spawn_threw);
}

// --- yield_now ----------------------------------------------------------------------------

namespace {
struct Log {
  std::mutex mutex;
  std::vector<std::string> entries;
  void push(std::string entry) {
    std::lock_guard lock(mutex);
    entries.push_back(std::move(entry));
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return entries;
  }
};
}  // namespace

TOKIO_TEST_ALL_FLAVORS(RtCommon, yield_now_lets_a_spawned_task_run) {
  const bool current = Handle::current().runtime_flavor() == RuntimeFlavor::CurrentThread;
  auto log = std::make_shared<Log>();
  auto outcome = tokio::spawn([log]() -> Task<int> {
    auto other_ran = std::make_shared<std::atomic<bool>>(false);
    log->push("a1");
    auto other = tokio::spawn([log, other_ran]() -> Task<void> {
      log->push("b");
      other_ran->store(true);
      co_return;
    });
    int yields = 0;
    while (!other_ran->load()) {
      co_await tokio::task::yield_now();
      ++yields;
    }
    log->push("a2");
    co_await other;
    co_return yields;
  });
  const int yields = co_await outcome;
  EXPECT_GE(yields, 1);
  // On a single thread the spawned task is ready when the spinner yields, so it runs first.
  if (current) {
    EXPECT_EQ(yields, 1);
  }
  EXPECT_EQ(log->snapshot(), (std::vector<std::string>{"a1", "b", "a2"}));
}

TOKIO_TEST(RtCommon, yield_now_interleaves_tasks_on_current_thread) {
  auto log = std::make_shared<Log>();
  auto worker = [log](std::string name) {
    return tokio::spawn([log, name]() -> Task<void> {
      for (int i = 0; i < 3; ++i) {
        log->push(name + std::to_string(i));
        co_await tokio::task::yield_now();
      }
    });
  };
  auto a = worker("a");
  auto b = worker("b");
  co_await a;
  co_await b;
  EXPECT_EQ(log->snapshot(), (std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, yield_now_in_block_on_body_lets_spawned_tasks_run) {
  const bool current = Handle::current().runtime_flavor() == RuntimeFlavor::CurrentThread;
  auto ran = std::make_shared<std::atomic<bool>>(false);
  auto handle = tokio::spawn([ran]() -> Task<void> {
    ran->store(true);
    co_return;
  });
  if (current) {
    // Single thread: the spawned task is ready, so it must run during the first yield. The
    // bound turns a scheduler that starves spawned tasks into a failure instead of a hang.
    for (int i = 0; i < 1000 && !ran->load(); ++i)
      co_await tokio::task::yield_now();
    EXPECT_TRUE(ran->load()) << "yield_now in block_on's body never let the spawned task run";
  } else {
    while (!ran->load())
      co_await tokio::task::yield_now();
  }
  if (ran->load()) co_await handle;
}

// --- Exceptions ---------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(RtCommon, task_exception_becomes_panicked_join_error) {
  auto handle = tokio::spawn(throws_runtime_error("kaboom"));
  const auto id = handle.id();
  auto error = co_await join_error_of(std::move(handle));
  TOKIO_CO_ASSERT(error.has_value());
  EXPECT_TRUE(error->is_panic());
  EXPECT_FALSE(error->is_cancelled());
  EXPECT_EQ(error->id(), id);
  EXPECT_NE(std::string(error->what()).find("kaboom"), std::string::npos) << error->what();
  TOKIO_CO_ASSERT(error->panic_payload() != nullptr);
  try {
    std::rethrow_exception(error->panic_payload());
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "kaboom");
  } catch (...) {
    ADD_FAILURE() << "panic_payload holds the wrong exception";
  }
  try {
    error->resume_panic();
  } catch (const JoinError&) {
    ADD_FAILURE() << "resume_panic must throw the original exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "kaboom");
  }
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, task_non_std_exception_is_kept_in_join_error) {
  auto error = co_await join_error_of(tokio::spawn(throws_custom(23)));
  TOKIO_CO_ASSERT(error.has_value());
  EXPECT_TRUE(error->is_panic());
  try {
    error->resume_panic();
  } catch (const CustomError& e) {
    EXPECT_EQ(e.code, 23);
  } catch (...) {
    ADD_FAILURE() << "resume_panic threw something else";
  }
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, exception_propagates_through_nested_tasks) {
  // Directly in the block_on body: co_await of a child Task re-throws its exception.
  bool caught = false;
  try {
    (void)co_await nested_throw_level1(5);
  } catch (const CustomError& e) {
    caught = e.code == 5;
  }
  EXPECT_TRUE(caught);
  // A parent Task can catch it and carry on.
  EXPECT_EQ(co_await catches_nested(8), -8);
  EXPECT_EQ(co_await tokio::spawn(catches_nested(9)), -9);
  // Uncaught in a spawned task: the JoinError carries the innermost exception.
  auto error = co_await join_error_of(tokio::spawn(nested_throw_level1(11)));
  TOKIO_CO_ASSERT(error.has_value() && error->is_panic());
  try {
    error->resume_panic();
  } catch (const CustomError& e) {
    EXPECT_EQ(e.code, 11);
  }
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, panicking_task_does_not_affect_others) {
  auto bad = tokio::spawn(throws_custom(1));
  auto good = tokio::spawn(value(2));
  EXPECT_EQ(co_await good, 2);
  auto error = co_await join_error_of(std::move(bad));
  EXPECT_TRUE(error.has_value() && error->is_panic());
  EXPECT_EQ(co_await tokio::spawn(value(3)), 3);
}

// --- Context: Handle, task ids ------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(RtCommon, handle_current_inside_the_runtime) {
  auto handle = Handle::current();
  EXPECT_TRUE(Handle::try_current().has_value());
  auto spawned = handle.spawn(value(12));
  EXPECT_EQ(co_await spawned, 12);
  // Inside a spawned task too, referring to the same runtime.
  auto flavor = co_await tokio::spawn([]() -> Task<RuntimeFlavor> {
    EXPECT_TRUE(Handle::try_current().has_value());
    co_return Handle::current().runtime_flavor();
  });
  EXPECT_EQ(flavor, handle.runtime_flavor());
  // A plain thread started from here is outside any runtime.
  bool outside_has_handle = true;
  std::thread([&] { outside_has_handle = Handle::try_current().has_value(); }).join();
  EXPECT_FALSE(outside_has_handle);
}

TEST(RtCommon, handle_current_outside_a_runtime) {
  EXPECT_FALSE(Handle::try_current().has_value());
  EXPECT_THROW((void)Handle::current(), std::logic_error);
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    rt.block_on(nothing());
    // Leaving block_on leaves the runtime's context.
    EXPECT_FALSE(Handle::try_current().has_value());
  }
}

TEST(RtCommon, spawn_outside_a_runtime_throws_logic_error) {
  auto state = std::make_shared<int>(0);
  auto holds = [](std::shared_ptr<int> kept) -> Task<int> { co_return *kept; };
  EXPECT_THROW((void)tokio::spawn(holds(state)), std::logic_error);
  // The Task's frame (and its copy of the parameter) was destroyed.
  EXPECT_EQ(state.use_count(), 1);
  EXPECT_THROW((void)tokio::task::spawn_blocking([] { return 1; }), std::logic_error);
}

TOKIO_TEST_ALL_FLAVORS(RtCommon, task_id_matches_join_handle_id) {
  EXPECT_FALSE(tokio::task::try_id().has_value());  // the block_on body is not a spawned task
  bool threw = false;
  try {
    (void)tokio::task::id();
  } catch (const std::logic_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);

  std::vector<tokio::JoinHandle<tokio::task::Id>> handles;
  for (int i = 0; i < 8; ++i) {
    handles.push_back(tokio::spawn([]() -> Task<tokio::task::Id> {
      const auto id = tokio::task::id();
      EXPECT_EQ(tokio::task::try_id(), id);
      co_await tokio::task::yield_now();
      EXPECT_EQ(tokio::task::id(), id);  // stable across suspension
      co_return id;
    }));
  }
  std::unordered_set<tokio::task::Id> seen;
  for (auto& handle : handles) {
    const auto expected = handle.id();
    EXPECT_EQ(handle.abort_handle().id(), expected);
    const auto id = co_await handle;
    EXPECT_EQ(id, expected);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), handles.size());
  EXPECT_FALSE(tokio::task::try_id().has_value());
}

TEST(RtCommon, task_id_outside_a_runtime) {
  EXPECT_FALSE(tokio::task::try_id().has_value());
  EXPECT_THROW((void)tokio::task::id(), std::logic_error);
}

// --- Other threads ------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(RtCommon, spawn_from_an_outside_thread_with_handle) {
  auto handle = Handle::current();
  std::vector<tokio::JoinHandle<int>> spawned;
  std::thread outside([&] {
    for (int i = 0; i < 100; ++i)
      spawned.push_back(handle.spawn(value(i)));
    spawned.push_back(handle.spawn([]() -> Task<int> {
      co_await tokio::task::yield_now();
      co_return 1000;
    }));
  });
  outside.join();
  int sum = 0;
  for (auto& h : spawned)
    sum += co_await h;
  EXPECT_EQ(sum, 99 * 100 / 2 + 1000);
}

TEST(RtCommon, handle_block_on_from_an_outside_thread) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    auto handle = rt.handle();
    int result = 0;
    std::thread outside([&] {
      result = handle.block_on([]() -> Task<int> {
        auto child = tokio::spawn(value(20));
        co_return 1 + co_await child;
      }());
    });
    outside.join();
    EXPECT_EQ(result, 21);
  }
}

TEST(RtCommon, runtime_spawn_from_outside_then_block_on) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    auto first = rt.spawn(value(1));
    auto second = rt.spawn([]() -> Task<int> { co_return 2; });
    const int sum =
        rt.block_on([](tokio::JoinHandle<int> a, tokio::JoinHandle<int> b) -> Task<int> {
          co_return co_await a + co_await b;
        }(std::move(first), std::move(second)));
    EXPECT_EQ(sum, 3);
  }
}

// --- Shutdown -----------------------------------------------------------------------------

namespace {
struct ShutdownProbe {
  Counters counters;
  std::latch started;
  explicit ShutdownProbe(std::ptrdiff_t tasks) : started(tasks) {}
};

// Yields forever; only cancellation ends it.
Task<void> spinner(ShutdownProbe* probe) {
  Counted guard(probe->counters);
  probe->started.count_down();
  for (;;)
    co_await tokio::task::yield_now();
}

Task<int> awaits_handle(tokio::JoinHandle<void> handle, ShutdownProbe* probe) {
  Counted guard(probe->counters);
  co_await handle;
  co_return 1;
}

// Suspended in a nested Task (two frames) on the JoinHandle of a spinner.
Task<int> waiter(tokio::JoinHandle<void> handle, ShutdownProbe* probe) {
  Counted guard(probe->counters);
  probe->started.count_down();
  co_return co_await awaits_handle(std::move(handle), probe);
}

struct Spawned {
  std::vector<tokio::JoinHandle<void>> spinners;
  std::vector<tokio::JoinHandle<int>> waiters;
};

constexpr int kSpinners = 5;  // three are awaited by waiters
constexpr int kWaiters = 3;

Task<Spawned> spawn_suspended_tasks(ShutdownProbe* probe) {
  Spawned out;
  for (int i = 0; i < kSpinners; ++i)
    out.spinners.push_back(tokio::spawn(spinner(probe)));
  for (int i = 0; i < kWaiters; ++i) {
    auto target = std::move(out.spinners.back());
    out.spinners.pop_back();
    out.waiters.push_back(tokio::spawn(waiter(std::move(target), probe)));
  }
  // Wait until every task has run up to its suspension point.
  auto started = tokio::task::spawn_blocking([probe] { probe->started.wait(); });
  co_await started;
  co_return out;
}
}  // namespace

TEST(RtCommon, shutdown_cancels_suspended_tasks_and_runs_destructors_once) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    ShutdownProbe probe(kSpinners + kWaiters);
    auto unstarted_state = std::make_shared<int>(0);
    Spawned spawned;
    std::optional<Handle> handle;
    {
      auto rt = flavor.make().build();
      handle = rt.handle();
      spawned = rt.block_on(spawn_suspended_tasks(&probe));
      EXPECT_EQ(probe.counters.made.load(), kSpinners + 2 * kWaiters);
      EXPECT_EQ(probe.counters.dropped.load(), 0);
      for (auto& h : spawned.spinners)
        EXPECT_FALSE(h.is_finished());
      for (auto& h : spawned.waiters)
        EXPECT_FALSE(h.is_finished());
      // On current_thread this one never gets polled: only its parameters are in its frame.
      auto unstarted = rt.spawn(
          [](std::shared_ptr<int> kept) -> Task<int> { co_return *kept; }(unstarted_state));
      spawned.waiters.push_back(std::move(unstarted));
    }  // the Runtime is destroyed here
    EXPECT_EQ(probe.counters.made.load(), kSpinners + 2 * kWaiters);
    EXPECT_EQ(probe.counters.dropped.load(), probe.counters.made.load());
    EXPECT_EQ(unstarted_state.use_count(), 1);

    for (auto& h : spawned.spinners) {
      EXPECT_TRUE(h.is_finished());
      auto error = join_error_outside(std::move(h));
      ASSERT_TRUE(error.has_value());
      EXPECT_TRUE(error->is_cancelled());
      EXPECT_FALSE(error->is_panic());
    }
    // The never-polled task may have completed on a multi-thread runtime before shutdown.
    const auto last = spawned.waiters.size() - 1;
    for (std::size_t i = 0; i < spawned.waiters.size(); ++i) {
      auto& h = spawned.waiters[i];
      EXPECT_TRUE(h.is_finished());
      if (i == last && flavor.make != &current_thread) continue;
      auto error = join_error_outside(std::move(h));
      ASSERT_TRUE(error.has_value());
      if (flavor.make == &current_thread) {
        // Shutdown polls nothing: every task is cancelled where it is suspended.
        EXPECT_TRUE(error->is_cancelled());
      } else if (!error->is_cancelled()) {
        // A worker that had not seen the shutdown yet may poll a waiter after its spinner
        // was cancelled: the waiter then lets the spinner's cancelled JoinError escape.
        ASSERT_TRUE(error->is_panic());
        try {
          error->resume_panic();
        } catch (const JoinError& inner) {
          EXPECT_TRUE(inner.is_cancelled());
        } catch (...) {
          ADD_FAILURE() << "a waiter failed with something other than its spinner's JoinError";
        }
      }
    }

    // Spawning through a Handle of a runtime that is gone cancels the task at once.
    auto late_state = std::make_shared<int>(0);
    auto late =
        handle->spawn([](std::shared_ptr<int> kept) -> Task<int> { co_return *kept; }(late_state));
    EXPECT_TRUE(late.is_finished());
    EXPECT_EQ(late_state.use_count(), 1);
    auto error = join_error_outside(std::move(late));
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->is_cancelled());
  }
}

TEST(RtCommon, runtime_can_be_dropped_without_block_on) {
  for (const auto& flavor : kFlavors) {
    SCOPED_TRACE(flavor.name);
    auto rt = flavor.make().build();
    (void)rt;
  }
}

// --- Two block_on calls on one current_thread runtime ---------------------------------------

namespace {
tokio::Task<int> spawned_after_sleep(int value) {
  auto task = tokio::spawn([](int v) -> tokio::Task<int> {
    co_await tokio::task::yield_now();
    co_return v;
  }(value));
  co_await tokio::time::sleep(std::chrono::milliseconds(1));
  co_return co_await task;
}
}  // namespace

TEST(RtCurrentThread, block_on_from_a_blocking_job_completes_while_main_blocks_on) {
  // The main thread holds the core in block_on; the blocking job's Handle::block_on polls its
  // own root on its thread, while the main thread runs the task it spawns and fires its timer.
  auto rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
  const int v = rt.block_on([](tokio::runtime::Handle h) -> tokio::Task<int> {
    auto job = tokio::task::spawn_blocking([h] { return h.block_on(spawned_after_sleep(5)); });
    co_return co_await job;
  }(rt.handle()));
  EXPECT_EQ(v, 5);
}

TEST(RtCurrentThread, second_block_on_takes_the_core_when_the_first_returns) {
  auto rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
  auto handle = rt.handle();
  std::atomic<bool> started{false};
  std::atomic<bool> main_done{false};
  int result = 0;
  std::thread other([&] {
    result = handle.block_on(
        [](std::atomic<bool>* started, std::atomic<bool>* main_done) -> tokio::Task<int> {
          started->store(true);
          // Needs the core (a spawned task and a timer) after the first block_on has returned.
          while (!main_done->load())
            co_await tokio::task::yield_now();
          co_return co_await spawned_after_sleep(7);
        }(&started, &main_done));
  });
  rt.block_on([](std::atomic<bool>* started) -> tokio::Task<void> {
    while (!started->load())
      co_await tokio::task::yield_now();
  }(&started));
  main_done.store(true);
  other.join();
  EXPECT_EQ(result, 7);
}
