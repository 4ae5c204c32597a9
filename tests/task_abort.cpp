// JoinHandle::abort / AbortHandle: cancellation before the first run, while suspended, after
// completion, from other tasks and threads; destructors of the dropped frames run exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "support/task_test_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using tokio_test::DropCounter;
using tokio_test::Event;
using tokio_test::SetOnExit;

namespace {

// Awaits `handle` and reports whether awaiting threw a cancelled JoinError.
template <class T>
tokio::Task<bool> is_cancelled(tokio::JoinHandle<T>& handle) {
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    EXPECT_FALSE(e.is_panic());
    EXPECT_EQ(e.id(), handle.id());
    co_return e.is_cancelled();
  }
  co_return false;
}

tokio::Task<int> set_flag_and_return(std::atomic<bool>* ran, int value) {
  ran->store(true);
  co_return value;
}

// Signals `started`, then waits for `gate` forever (until it is set), holding a DropCounter.
tokio::Task<int> wait_after_start(std::atomic<int>* drops, Event started,
                                  tokio::JoinHandle<void> gate, std::atomic<bool>* resumed) {
  DropCounter local(*drops);
  started.set();
  co_await gate;
  resumed->store(true);
  co_return 1;
}

tokio::Task<void> chain_level3(std::atomic<int>* drops, Event started,
                               tokio::JoinHandle<void> gate) {
  DropCounter local(*drops);
  started.set();
  co_await gate;
}
tokio::Task<void> chain_level2(std::atomic<int>* drops, Event started,
                               tokio::JoinHandle<void> gate) {
  DropCounter local(*drops);
  co_await chain_level3(drops, std::move(started), std::move(gate));
}
tokio::Task<void> chain_level1(std::atomic<int>* drops, Event started,
                               tokio::JoinHandle<void> gate) {
  DropCounter local(*drops);
  co_await chain_level2(drops, std::move(started), std::move(gate));
}

// Runs the body with a runtime of the given flavor; `workers` == 0 means current_thread.
template <class Body>
void run_with_workers(std::size_t workers, Body body) {
  auto builder = workers == 0 ? tokio::runtime::Builder::new_current_thread()
                              : tokio::runtime::Builder::new_multi_thread();
  if (workers) builder.worker_threads(workers);
  auto rt = builder.enable_all().build();
  rt.block_on(body(workers));
}

// Blocks every worker of a multi-thread runtime (called from block_on's body, which is not a
// worker) on a std::latch, so nothing spawned afterwards can run until `release` counts down.
// Returns the blockers' handles.
std::vector<tokio::JoinHandle<void>> occupy_workers(std::size_t workers, std::latch& started,
                                                    std::latch& release) {
  std::vector<tokio::JoinHandle<void>> blockers;
  for (std::size_t i = 0; i < workers; ++i) {
    blockers.push_back(tokio::spawn([&started, &release]() -> tokio::Task<void> {
      started.count_down();
      release.wait();  // blocks this worker thread on purpose
      co_return;
    }));
  }
  started.wait();  // blocks block_on's thread (not a worker) until every worker is occupied
  return blockers;
}

tokio::Task<void> abort_before_first_run(std::size_t workers) {
  std::latch started(static_cast<std::ptrdiff_t>(workers));
  std::latch release(1);
  std::vector<tokio::JoinHandle<void>> blockers;
  if (workers)
    blockers = occupy_workers(workers, started, release);
  else
    release.count_down();

  std::atomic<bool> ran{false};
  auto handle = tokio::spawn(set_flag_and_return(&ran, 1));
  handle.abort();
  if (workers) release.count_down();
  for (auto& blocker : blockers)
    co_await blocker;

  EXPECT_TRUE(co_await is_cancelled(handle));
  EXPECT_FALSE(ran.load());
  EXPECT_TRUE(handle.is_finished());
}

}  // namespace

TEST(TaskAbort, abort_before_first_run_current_thread) {
  run_with_workers(0, abort_before_first_run);
}
TEST(TaskAbort, abort_before_first_run_multi_thread_1) {
  run_with_workers(1, abort_before_first_run);
}
TEST(TaskAbort, abort_before_first_run_multi_thread_4) {
  run_with_workers(4, abort_before_first_run);
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_while_suspended_drops_frame_once) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  std::atomic<bool> resumed{false};
  auto handle = tokio::spawn(wait_after_start(&drops, started, gate.waiter(), &resumed));
  co_await started.waiter();  // the task is at (or right before) its suspension point
  handle.abort();
  EXPECT_TRUE(co_await is_cancelled(handle));
  EXPECT_EQ(drops.load(), 1);
  EXPECT_FALSE(resumed.load());
  EXPECT_TRUE(handle.is_finished());
  // Opening the gate later does not resurrect anything.
  gate.set();
  EXPECT_EQ(drops.load(), 1);
  EXPECT_FALSE(resumed.load());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_after_completion_keeps_output) {
  std::atomic<bool> ran{false};
  auto handle = tokio::spawn(set_flag_and_return(&ran, 42));
  const bool finished = co_await tokio_test::yield_until([&] { return handle.is_finished(); });
  TOKIO_CO_ASSERT(finished);
  handle.abort();
  handle.abort_handle().abort();
  EXPECT_TRUE(handle.is_finished());
  EXPECT_EQ(co_await handle, 42);
  EXPECT_TRUE(ran.load());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_from_another_task) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  std::atomic<bool> resumed{false};
  auto victim = tokio::spawn(wait_after_start(&drops, started, gate.waiter(), &resumed));
  auto abort_handle = victim.abort_handle();
  // The aborter waits until the victim has started, so the body is most likely already
  // waiting on the victim's JoinHandle when the abort comes: the abort must wake it.
  auto aborter = tokio::spawn([abort_handle, started]() -> tokio::Task<void> {
    co_await started.waiter();
    abort_handle.abort();
  });
  EXPECT_TRUE(co_await is_cancelled(victim));
  co_await aborter;
  EXPECT_EQ(drops.load(), 1);
  EXPECT_FALSE(resumed.load());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_from_thread_outside_runtime) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  std::atomic<bool> resumed{false};
  auto handle = tokio::spawn(wait_after_start(&drops, started, gate.waiter(), &resumed));
  co_await started.waiter();
  std::thread outside([abort_handle = handle.abort_handle()] { abort_handle.abort(); });
  EXPECT_TRUE(co_await is_cancelled(handle));
  outside.join();
  EXPECT_EQ(drops.load(), 1);
  EXPECT_FALSE(resumed.load());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_handle_outlives_join_handle) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  Event dropped;
  auto drops = std::make_shared<std::atomic<int>>(0);
  std::optional<tokio::task::AbortHandle> abort_handle;
  {
    // The task signals `dropped` from a local's destructor: the only way to observe its
    // cancellation once the JoinHandle is gone.
    auto handle = tokio::spawn(
        [drops, started, dropped, gate = gate.waiter()]() mutable -> tokio::Task<void> {
          struct SignalOnDrop {
            Event event;
            std::shared_ptr<std::atomic<int>> drops;
            ~SignalOnDrop() {
              drops->fetch_add(1);
              event.set();
            }
          } signal{dropped, drops};
          started.set();
          co_await gate;
        });
    abort_handle.emplace(handle.abort_handle());
  }  // JoinHandle dropped: the task is detached, still running
  co_await started.waiter();
  EXPECT_FALSE(abort_handle->is_finished());
  EXPECT_EQ(drops->load(), 0);
  abort_handle->abort();
  co_await dropped.waiter();
  EXPECT_EQ(drops->load(), 1);
  const bool finished =
      co_await tokio_test::yield_until([&] { return abort_handle->is_finished(); });
  EXPECT_TRUE(finished);
  abort_handle->abort();  // harmless on a finished task
  EXPECT_EQ(drops->load(), 1);
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_destroys_whole_child_chain) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  auto handle = tokio::spawn(chain_level1(&drops, started, gate.waiter()));
  co_await started.waiter();
  EXPECT_EQ(drops.load(), 0);
  handle.abort();
  EXPECT_TRUE(co_await is_cancelled(handle));
  EXPECT_EQ(drops.load(), 3);  // every frame of the chain, innermost included, exactly once
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_twice_is_harmless) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  std::atomic<bool> resumed{false};
  auto handle = tokio::spawn(wait_after_start(&drops, started, gate.waiter(), &resumed));
  co_await started.waiter();
  handle.abort();
  handle.abort();
  auto abort_handle = handle.abort_handle();
  abort_handle.abort();
  EXPECT_TRUE(co_await is_cancelled(handle));
  handle.abort();
  abort_handle.abort();
  EXPECT_EQ(drops.load(), 1);
  EXPECT_TRUE(handle.is_finished());
  EXPECT_TRUE(abort_handle.is_finished());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, is_finished_after_abort_and_join) {
  Event gate;
  SetOnExit open_gate{gate};
  Event started;
  std::atomic<int> drops{0};
  std::atomic<bool> resumed{false};
  auto handle = tokio::spawn(wait_after_start(&drops, started, gate.waiter(), &resumed));
  auto abort_handle = handle.abort_handle();
  EXPECT_FALSE(handle.is_finished());
  co_await started.waiter();
  EXPECT_FALSE(handle.is_finished());
  EXPECT_FALSE(abort_handle.is_finished());
  abort_handle.abort();
  EXPECT_TRUE(co_await is_cancelled(handle));
  EXPECT_TRUE(handle.is_finished());
  EXPECT_TRUE(abort_handle.is_finished());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, self_abort_takes_effect_at_next_suspension) {
  struct Slot {
    std::optional<tokio::task::AbortHandle> self;
  };
  auto slot = std::make_shared<Slot>();
  Event filled;
  SetOnExit fill_guard{filled};
  auto after_yield = std::make_shared<std::atomic<bool>>(false);
  auto handle = tokio::spawn([slot, filled, after_yield]() -> tokio::Task<void> {
    co_await filled.waiter();  // the body has stored our AbortHandle
    slot->self->abort();       // we are running: takes effect when we next suspend
    co_await tokio::task::yield_now();
    after_yield->store(true);
  });
  slot->self.emplace(handle.abort_handle());
  filled.set();
  EXPECT_TRUE(co_await is_cancelled(handle));
  EXPECT_FALSE(after_yield->load());
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_does_not_abort_spawned_children) {
  Event gate;
  SetOnExit open_gate{gate};
  Event child_started;
  struct Shared {
    std::optional<tokio::JoinHandle<int>> child;
  };
  auto shared = std::make_shared<Shared>();
  Event child_spawned;
  auto parent = tokio::spawn(
      [shared, child_spawned, gate_handle = gate.waiter()]() mutable -> tokio::Task<void> {
        // The child's handle goes to the body; the parent then waits forever.
        shared->child.emplace(tokio::spawn([]() -> tokio::Task<int> {
          co_await tokio::task::yield_now();
          co_return 5;
        }));
        child_spawned.set();
        co_await gate_handle;
      });
  co_await child_spawned.waiter();
  parent.abort();
  EXPECT_TRUE(co_await is_cancelled(parent));
  TOKIO_CO_ASSERT(shared->child.has_value());
  EXPECT_EQ(co_await *shared->child, 5);
}

TOKIO_TEST_ALL_FLAVORS(TaskAbort, abort_many_suspended_tasks) {
  Event gate;
  SetOnExit open_gate{gate};
  constexpr int kTasks = 16;
  std::atomic<int> drops{0};
  std::atomic<bool> resumed{false};
  std::vector<tokio::JoinHandle<int>> handles;
  std::vector<Event> started(kTasks);
  for (int i = 0; i < kTasks; ++i)
    handles.push_back(tokio::spawn(wait_after_start(&drops, started[i], gate.waiter(), &resumed)));
  for (auto& event : started)
    co_await event.waiter();
  for (auto& handle : handles)
    handle.abort();
  int cancelled = 0;
  for (auto& handle : handles)
    cancelled += (co_await is_cancelled(handle)) ? 1 : 0;
  EXPECT_EQ(cancelled, kTasks);
  EXPECT_EQ(drops.load(), kTasks);
  EXPECT_FALSE(resumed.load());
}

TEST(TaskAbort, runtime_shutdown_cancels_suspended_tasks) {
  // Tasks still suspended when the runtime is dropped are cancelled: their frames are destroyed
  // exactly once, and a handle awaited afterwards would see a cancelled error.
  auto drops = std::make_shared<std::atomic<int>>(0);
  Event gate;
  {
    auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
    rt.block_on([](std::shared_ptr<std::atomic<int>> drops, Event gate) -> tokio::Task<void> {
      Event started;
      auto handle =
          tokio::spawn([drops, started, wait = gate.waiter()]() mutable -> tokio::Task<void> {
            DropCounter local(*drops);
            started.set();
            co_await wait;
          });
      co_await started.waiter();
      (void)handle;  // dropped here: detached, still suspended
    }(drops, gate));
    EXPECT_EQ(drops->load(), 0);
    gate.set();  // lets the blocking waiter finish so that shutdown does not wait on it forever
  }
  // Either the gate woke the task and it finished, or shutdown cancelled it: once either way.
  EXPECT_EQ(drops->load(), 1);
}
