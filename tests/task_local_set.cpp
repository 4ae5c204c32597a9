// tokio::task::LocalSet, tokio::task::spawn_local and tokio::runtime::LocalRuntime (after
// Tokio's task_local_set.rs, and the misuse errors and cross-thread wakes of a C++ LocalSet).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

TOKIO_TASK_LOCAL(std::string, local_set_request);

namespace {

using namespace std::chrono_literals;
using tokio::task::LocalSet;

// Set on the thread that runs the LocalSet, to see where each task runs.
thread_local bool on_local_thread = false;

tokio::runtime::Runtime current_thread_rt() {
  return tokio::runtime::Builder::new_current_thread().enable_all().build();
}

tokio::Task<void> nothing() {
  co_return;
}

tokio::Task<void> yield_once() {
  co_await tokio::task::yield_now();
}

tokio::Task<bool> runs_on_local_thread() {
  co_return on_local_thread;
}

TOKIO_TEST(TaskLocalSet, LocalBasicScheduler) {
  LocalSet local;
  co_await local.run_until(
      []() -> tokio::Task<void> { co_await tokio::task::spawn_local(nothing()); }());
}

TOKIO_TEST(TaskLocalSet, LocalThreadpool, .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  LocalSet local;
  const bool inside = co_await local.run_until([]() -> tokio::Task<bool> {
    EXPECT_TRUE(on_local_thread);
    co_return co_await tokio::task::spawn_local(runs_on_local_thread());
  }());
  EXPECT_TRUE(inside);
  on_local_thread = false;
}

TOKIO_TEST(TaskLocalSet, LocalsetFutureThreadpool,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  LocalSet local;
  auto handle = local.spawn_local(runs_on_local_thread());
  co_await local;  // runs the set until every task is done
  EXPECT_TRUE(co_await std::move(handle));
  on_local_thread = false;
}

tokio::Task<void> sleep_then_set(std::chrono::milliseconds delay, std::atomic<bool>& flag) {
  co_await tokio::time::sleep(delay);
  EXPECT_TRUE(on_local_thread);
  flag = true;
}

TOKIO_TEST(TaskLocalSet, LocalsetFutureTimers,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  std::atomic<bool> ran1{false}, ran2{false};
  LocalSet local;
  local.spawn_local(sleep_then_set(5ms, ran1));
  local.spawn_local(sleep_then_set(10ms, ran2));
  co_await local;
  EXPECT_TRUE(ran1);
  EXPECT_TRUE(ran2);
  on_local_thread = false;
}

tokio::Task<void> yield_then_set(std::atomic<bool>& flag) {
  co_await tokio::task::yield_now();
  flag = true;
}

tokio::Task<void> spawn_nested_then_set(std::atomic<bool>& nested, std::atomic<bool>& flag) {
  tokio::task::spawn_local(yield_then_set(nested));  // detached: awaiting the set runs it too
  co_await tokio::task::yield_now();
  flag = true;
}

TOKIO_TEST_ALL_FLAVORS(TaskLocalSet, LocalsetFutureDrivesAllLocalFuts) {
  std::atomic<bool> ran1{false}, ran2{false}, ran3{false};
  LocalSet local;
  local.spawn_local(spawn_nested_then_set(ran3, ran1));
  local.spawn_local(yield_then_set(ran2));
  co_await local;
  EXPECT_TRUE(ran1);
  EXPECT_TRUE(ran2);
  EXPECT_TRUE(ran3);
}

tokio::Task<void> sleep_on_local_thread() {
  EXPECT_TRUE(on_local_thread);
  co_await tokio::time::sleep(10ms);
  EXPECT_TRUE(on_local_thread);
}

TOKIO_TEST(TaskLocalSet, LocalThreadpoolTimer,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  LocalSet local;
  co_await local.run_until(
      []() -> tokio::Task<void> { co_await tokio::task::spawn_local(sleep_on_local_thread()); }());
  on_local_thread = false;
}

tokio::Task<bool> await_handle(tokio::task::JoinHandle<bool> handle) {
  co_return co_await std::move(handle);
}

TEST(TaskLocalSet, EnterGuardSpawn) {
  LocalSet local;
  auto guard = local.enter();
  auto join = tokio::task::spawn_local([]() -> tokio::Task<bool> { co_return true; });
  auto rt = current_thread_rt();
  EXPECT_TRUE(local.block_on(rt, await_handle(std::move(join))));
}

TEST(TaskLocalSet, LocalCurrentThreadBlockInPlaceFails) {
  // Tokio panics here; block_in_place throws std::logic_error on a current_thread runtime,
  // which the local task's JoinHandle reports.
  auto rt = current_thread_rt();
  LocalSet local;
  local.block_on(rt, []() -> tokio::Task<void> {
    auto join = tokio::task::spawn_local([]() -> tokio::Task<void> {
      tokio::task::block_in_place([] {});
      co_return;
    });
    EXPECT_THROW(co_await std::move(join), tokio::task::JoinError);
  }());
}

tokio::Task<void> blocking_runs_elsewhere() {
  EXPECT_TRUE(on_local_thread);
  const bool blocking_on_local =
      co_await tokio::task::spawn_blocking([] { return on_local_thread; });
  EXPECT_FALSE(blocking_on_local) << "blocking must not run on the local task set's thread";
  EXPECT_TRUE(on_local_thread);
}

TOKIO_TEST(TaskLocalSet, LocalThreadpoolBlockingRun,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  LocalSet local;
  co_await local.run_until([]() -> tokio::Task<void> {
    co_await tokio::task::spawn_local(blocking_runs_elsewhere());
  }());
  on_local_thread = false;
}

tokio::Task<void> spawn_many_and_check() {
  std::vector<tokio::task::JoinHandle<bool>> handles;
  for (int i = 0; i < 128; ++i)
    handles.push_back(tokio::task::spawn_local(runs_on_local_thread()));
  for (auto& handle : handles)
    EXPECT_TRUE(co_await std::move(handle));
}

TOKIO_TEST(TaskLocalSet, AllSpawnsAreLocal, .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  LocalSet local;
  co_await local.run_until(spawn_many_and_check());
  on_local_thread = false;
}

tokio::Task<int> nested_local(int depth) {
  EXPECT_TRUE(on_local_thread);
  if (depth == 0) co_return 0;
  co_return 1 + co_await tokio::task::spawn_local(nested_local, depth - 1);
}

TOKIO_TEST(TaskLocalSet, NestedSpawnIsLocal, .flavor = tokio::runtime::RuntimeFlavor::MultiThread) {
  on_local_thread = true;
  LocalSet local;
  EXPECT_EQ(co_await local.run_until(nested_local(4)), 4);
  on_local_thread = false;
}

tokio::Task<std::string> hello_after(tokio::sync::oneshot::Receiver<int> rx) {
  EXPECT_TRUE(on_local_thread) << "a local task runs on the local thread, wherever it is awaited";
  (void)co_await std::move(rx);
  co_return "hello world";
}

tokio::Task<std::string> wake_and_join_from_worker(tokio::sync::oneshot::Sender<int> tx,
                                                   tokio::task::JoinHandle<std::string> join) {
  EXPECT_FALSE(on_local_thread) << "a spawned task runs on a worker";
  (void)tx.send(1);
  co_return co_await std::move(join);
}

TEST(TaskLocalSet, JoinLocalFutureElsewhere) {
  on_local_thread = true;
  tokio::runtime::Runtime rt;
  LocalSet local;
  auto text = local.block_on(rt, []() -> tokio::Task<std::string> {
    auto [tx, rx] = tokio::sync::oneshot::channel<int>();
    auto join = tokio::task::spawn_local(hello_after, std::move(rx));
    co_return co_await tokio::spawn(wake_and_join_from_worker, std::move(tx), std::move(join));
  }());
  EXPECT_EQ(text, "hello world");
  on_local_thread = false;
}

tokio::Task<void> hold_until_cancelled(std::shared_ptr<int> /*held*/,
                                       tokio::sync::oneshot::Sender<int> started) {
  (void)started.send(1);
  co_await tokio::future::pending<void>();
}

TEST(TaskLocalSet, DropCancelsTasks) {
  auto rt = current_thread_rt();
  auto counted = std::make_shared<int>(0);
  auto [started_tx, started_rx] = tokio::sync::oneshot::channel<int>();
  {
    LocalSet local;
    local.spawn_local(hold_until_cancelled(counted, std::move(started_tx)));
    local.block_on(rt, [](tokio::sync::oneshot::Receiver<int> rx) -> tokio::Task<void> {
      (void)co_await std::move(rx);
    }(std::move(started_rx)));
    EXPECT_EQ(counted.use_count(), 2);
  }
  EXPECT_EQ(counted.use_count(), 1);  // destroying the set destroyed the task's frame
}

tokio::Task<void> drain(tokio::sync::mpsc::Receiver<int> rx) {
  for (;;) {  // not `while (co_await ...)`: GCC 12 miscompiles a co_await in a loop condition
    auto value = co_await rx.recv();
    if (!value) break;
  }
}

TEST(TaskLocalSet, DropCancelsRemoteTasks) {
  auto [tx, rx] = tokio::sync::mpsc::channel<int>(1024);
  auto rt = current_thread_rt();
  auto local = std::make_unique<LocalSet>();
  local->spawn_local(drain(std::move(rx)));
  local->block_on(rt, []() -> tokio::Task<void> { co_await tokio::time::sleep(1ms); }());
  { auto dropped = std::move(tx); }  // wakes the receiver's task: a notification for the set
  local.reset();                     // must cancel it, not loop on it
}

tokio::Task<void> spawn_inner_and_wait() {
  co_await tokio::task::spawn_local(nothing());
}

tokio::Task<void> join_all(std::vector<tokio::task::JoinHandle<void>> handles) {
  for (auto& handle : handles)
    co_await std::move(handle);
}

TEST(TaskLocalSet, LocalTasksWakeJoinAll) {
  auto rt = current_thread_rt();
  LocalSet set;
  std::vector<tokio::task::JoinHandle<void>> handles;
  for (int i = 0; i < 128; ++i)
    handles.push_back(set.spawn_local(spawn_inner_and_wait()));
  rt.block_on(set.run_until(join_all(std::move(handles))));
}

// Reproduces Tokio's issues 1899 and 1900: local tasks woken by a runtime task are polled.
constexpr int kExpected = 500;

tokio::Task<void> send_oneshots(
    tokio::sync::mpsc::UnboundedSender<tokio::sync::oneshot::Receiver<int>> tx,
    std::atomic<int>& rx1, std::atomic<int>& rx2) {
  co_await tokio::time::sleep(10ms);
  std::vector<tokio::sync::oneshot::Sender<int>> oneshots;
  for (int i = 0; i < kExpected; ++i) {
    auto [one_tx, one_rx] = tokio::sync::oneshot::channel<int>();
    oneshots.push_back(std::move(one_tx));
    (void)tx.send(std::move(one_rx));
  }
  co_await tokio::time::sleep(10ms);
  for (auto& one_tx : oneshots)
    (void)one_tx.send(1);
  co_await tokio::time::sleep(20ms);
  EXPECT_EQ(rx1.load(), kExpected);
  EXPECT_EQ(rx2.load(), kExpected);
}

tokio::Task<void> count_when_sent(tokio::sync::oneshot::Receiver<int> rx, std::atomic<int>& rx2) {
  (void)co_await std::move(rx);
  ++rx2;
}

tokio::Task<void> receive_and_spawn(std::atomic<int>& rx1, std::atomic<int>& rx2) {
  auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<tokio::sync::oneshot::Receiver<int>>();
  auto task2 = tokio::spawn(send_oneshots(std::move(tx), rx1, rx2));
  for (;;) {
    auto oneshot = co_await rx.recv();
    if (!oneshot) break;
    ++rx1;
    tokio::task::spawn_local(count_when_sent(std::move(*oneshot), rx2));
  }
  co_await std::move(task2);
}

TOKIO_TEST(TaskLocalSet, LocalTasksArePolledAfterTick, .start_paused = true) {
  std::atomic<int> rx1{0}, rx2{0};
  LocalSet local;
  co_await local.run_until(receive_and_spawn(rx1, rx2));
}

tokio::Task<void> await_and_send(tokio::sync::oneshot::Receiver<int> rx,
                                 tokio::sync::oneshot::Sender<int> tx) {
  (void)co_await std::move(rx);
  (void)tx.send(1);
  ADD_FAILURE() << "unreachable: the set is dropped before rx1 is sent";
}

tokio::Task<void> await_unreachable(tokio::sync::oneshot::Receiver<int> rx) {
  (void)co_await std::move(rx);
  ADD_FAILURE() << "unreachable";
}

tokio::Task<void> pend_then_send(tokio::sync::oneshot::Sender<int> tx) {
  co_await tokio::future::pending<void>();
  (void)tx.send(1);
}

TOKIO_TEST(TaskLocalSet, AcquireMutexInDrop) {
  // Destroying these tasks wakes the others (a dropped Sender wakes its Receiver's task): the
  // set must take those wakes while it cancels, without deadlock or a lost task.
  auto [tx1, rx1] = tokio::sync::oneshot::channel<int>();
  auto [tx2, rx2] = tokio::sync::oneshot::channel<int>();
  {
    LocalSet local;
    local.spawn_local(await_unreachable(std::move(rx2)));
    local.spawn_local(await_and_send(std::move(rx1), std::move(tx2)));
    local.spawn_local(pend_then_send(std::move(tx1)));
    co_await local.run_until(tokio::task::yield_now());
  }
}

TOKIO_TEST(TaskLocalSet, SpawnWakesLocalset) {
  // The member spawn_local, called outside the set while another branch of the same task runs
  // the set, must wake that branch.
  LocalSet local;
  auto spawn_and_wait = [](LocalSet& set) -> tokio::Task<int> {
    co_return co_await set.spawn_local([]() -> tokio::Task<int> { co_return 7; });
  };
  auto result = co_await tokio::select(local.run_until(tokio::future::pending<void>()),
                                       spawn_and_wait(local));
  EXPECT_EQ(result.index(), 1u);
}

// --- Where a set may run, and the errors for the rest ------------------------------------

TOKIO_TEST(TaskLocalSet, SpawnLocalOutsideASetFails) {
  try {
    tokio::task::spawn_local(nothing());
    ADD_FAILURE() << "spawn_local outside a LocalSet must throw";
  } catch (const std::logic_error& error) {
    EXPECT_NE(std::string(error.what()).find("outside of a LocalSet"), std::string::npos)
        << error.what();
  }
  co_return;
}

tokio::Task<void> run_a_set_inside_a_task() {
  LocalSet local;
  co_await local.run_until(nothing());
}

TOKIO_TEST(TaskLocalSet, RunInsideAMultiThreadTaskFails,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  try {
    co_await tokio::spawn(run_a_set_inside_a_task());
    ADD_FAILURE() << "a LocalSet run from a multi_thread task must fail";
  } catch (const tokio::task::JoinError& error) {
    EXPECT_NE(std::string(error.what()).find("multi_thread"), std::string::npos) << error.what();
  }
}

TOKIO_TEST(TaskLocalSet, RunInsideACurrentThreadTaskWorks) {
  // On a current_thread runtime every task stays on its thread: a spawned task may run a set.
  co_await tokio::spawn(run_a_set_inside_a_task());
}

TOKIO_TEST(TaskLocalSet, RunFromTwoPlacesAtOnceFails) {
  LocalSet local;
  auto second = [](LocalSet& set) -> tokio::Task<void> {
    co_await tokio::task::yield_now();
    co_await set.run_until(nothing());
  };
  EXPECT_THROW(co_await tokio::join(local.run_until(tokio::time::sleep(10ms)), second(local)),
               std::logic_error);
}

TEST(TaskLocalSet, RunFromAnotherThreadFails) {
  LocalSet local;
  auto rt = current_thread_rt();
  local.block_on(rt, nothing());
  std::thread other([&] {
    auto other_rt = current_thread_rt();
    EXPECT_THROW(local.block_on(other_rt, nothing()), std::logic_error);
    EXPECT_THROW((void)local.enter(), std::logic_error);
  });
  other.join();
}

TEST(TaskLocalSet, MovedFromSetFails) {
  LocalSet local;
  LocalSet moved = std::move(local);
  EXPECT_THROW(local.spawn_local(nothing()), std::logic_error);
  EXPECT_THROW((void)local.run_until(nothing()), std::logic_error);
  auto rt = current_thread_rt();
  EXPECT_EQ(moved.block_on(rt,
                           []() -> tokio::Task<int> {
                             co_return co_await tokio::task::spawn_local(
                                 []() -> tokio::Task<int> { co_return 3; });
                           }()),
            3);
}

// --- Behaviour beyond Tokio's file --------------------------------------------------------

tokio::Task<bool> sees_request_id() {
  co_return local_set_request.try_with([](const std::string&) {});
}

tokio::Task<std::pair<bool, bool>> future_and_task_view() {
  const bool future_sees = co_await sees_request_id();
  const bool task_sees = co_await tokio::task::spawn_local(sees_request_id());
  co_return std::pair{future_sees, task_sees};
}

TOKIO_TEST(TaskLocalSet, TaskLocalsOfTheRunnerStayWithIt) {
  // run_until's future is part of the awaiting task and sees its task-locals; the set's tasks
  // are tasks of their own and do not, although they run inside the same poll.
  LocalSet local;
  auto [future_sees, task_sees] =
      co_await local_set_request.scope("req-7", local.run_until(future_and_task_view()));
  EXPECT_TRUE(future_sees);
  EXPECT_FALSE(task_sees);
}

TEST(TaskLocalSet, UnhandledExceptionGoesToTheRuntimePolicy) {
  std::atomic<int> reported{0};
  auto rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .unhandled_exception([&](tokio::task::Id, std::exception_ptr) { ++reported; })
                .build();
  LocalSet local;
  local.block_on(rt, []() -> tokio::Task<void> {
    auto failing = tokio::task::spawn_local([]() -> tokio::Task<void> {
      throw std::runtime_error("boom");
      co_return;
    });
    { auto detached = std::move(failing); }  // nobody will see the exception
    co_await tokio::task::yield_now();
    co_await tokio::task::yield_now();
  }());
  EXPECT_EQ(reported.load(), 1);
}

tokio::Task<void> wait_notified(std::shared_ptr<tokio::sync::Notify> notify, int& done) {
  co_await notify->notified();
  EXPECT_TRUE(on_local_thread);
  ++done;
}

TEST(TaskLocalSet, WakesFromOtherThreadsRunTheTasksOnTheLocalThread) {
  // Each task is woken by a plain std::thread: the wake goes through the set's remote queue
  // and wakes the block_on root, which runs the task on the local thread.
  on_local_thread = true;
  auto rt = current_thread_rt();
  LocalSet local;
  constexpr int kTasks = 64;
  int done = 0;  // touched only by local tasks: on the local thread, no atomics needed
  std::vector<std::shared_ptr<tokio::sync::Notify>> notifies;
  for (int i = 0; i < kTasks; ++i) {
    notifies.push_back(std::make_shared<tokio::sync::Notify>());
    local.spawn_local(wait_notified(notifies.back(), done));
  }
  std::thread waker([&] {
    for (auto& notify : notifies)
      notify->notify_one();  // a permit if the task has not registered yet
  });
  rt.block_on([](LocalSet& set) -> tokio::Task<void> { co_await set; }(local));
  waker.join();
  EXPECT_EQ(done, kTasks);
  on_local_thread = false;
}

tokio::Task<void> spin_until(const std::atomic<bool>& flag) {
  while (!flag.load())
    co_await tokio::task::yield_now();
}

tokio::Task<void> set_flag(std::atomic<bool>& flag) {
  flag = true;
  co_return;
}

TOKIO_TEST(TaskLocalSet, BusyLocalTasksDoNotStarveTheRuntime) {
  // A local task that only yields until a runtime task has run: the set hands the thread back
  // to the runtime between ticks.
  std::atomic<bool> flag{false};
  LocalSet local;
  local.spawn_local(spin_until(flag));
  tokio::spawn(set_flag(flag));
  co_await local;
  EXPECT_TRUE(flag.load());
}

tokio::Task<void> abortable_forever(std::shared_ptr<int> /*held*/) {
  co_await tokio::future::pending<void>();
}

tokio::Task<void> sleep_holding(std::shared_ptr<int> /*held*/) {
  co_await tokio::time::sleep(std::chrono::hours(1));
}

TEST(TaskLocalSet, AbortFromAnotherThreadCancelsOnTheLocalThread) {
  auto rt = current_thread_rt();
  LocalSet local;
  auto held = std::make_shared<int>(0);
  auto handle = local.spawn_local(abortable_forever(held));
  std::thread aborter([abort = handle.abort_handle()] { abort.abort(); });
  aborter.join();
  local.block_on(rt, [](tokio::task::JoinHandle<void> h) -> tokio::Task<void> {
    EXPECT_THROW(co_await std::move(h), tokio::task::JoinError);
  }(std::move(handle)));
  EXPECT_EQ(held.use_count(), 1);
}

TEST(TaskLocalSet, SetOutlivesItsRuntime) {
  // A local task suspended on a timer of a runtime that is gone is destroyed with the set.
  auto held = std::make_shared<int>(0);
  auto local = std::make_unique<LocalSet>();
  {
    auto rt = current_thread_rt();
    local->spawn_local(sleep_holding(held));
    local->block_on(rt, yield_once());
  }
  EXPECT_EQ(held.use_count(), 2);  // still suspended in the set
  local.reset();
  EXPECT_EQ(held.use_count(), 1);
}

// --- LocalRuntime -------------------------------------------------------------------------

tokio::Task<bool> spawn_local_from_a_runtime_task() {
  co_return co_await tokio::task::spawn_local(runs_on_local_thread());
}

TEST(LocalRuntime, SpawnLocalWorksEverywhereInside) {
  on_local_thread = true;
  auto rt = tokio::runtime::Builder::new_current_thread().enable_all().build_local();
  auto early = rt.spawn_local(runs_on_local_thread());  // before block_on: runs inside it
  const bool ok = rt.block_on([](tokio::task::JoinHandle<bool> early) -> tokio::Task<bool> {
    const bool from_before = co_await std::move(early);
    const bool from_body = co_await tokio::task::spawn_local(runs_on_local_thread());
    const bool from_task = co_await tokio::spawn(spawn_local_from_a_runtime_task());
    co_return from_before&& from_body&& from_task;
  }(std::move(early)));
  EXPECT_TRUE(ok);
  on_local_thread = false;
}

TEST(LocalRuntime, MovedFromRuntimeFails) {
  tokio::runtime::LocalRuntime rt;
  tokio::runtime::LocalRuntime moved = std::move(rt);
  try {
    rt.block_on(yield_once());
    ADD_FAILURE() << "block_on on a moved-from LocalRuntime must throw";
  } catch (const std::logic_error& error) {
    EXPECT_NE(std::string(error.what()).find("moved from"), std::string::npos) << error.what();
  }
  moved.block_on(yield_once());
}

TEST(LocalRuntime, BuildLocalNeedsCurrentThread) {
  EXPECT_THROW((void)tokio::runtime::Builder::new_multi_thread().build_local(), std::logic_error);
}

TEST(LocalRuntime, DestroyingItCancelsLocalTasksOnce) {
  auto held = std::make_shared<int>(0);
  {
    tokio::runtime::LocalRuntime rt;
    rt.spawn_local(abortable_forever(held));
    rt.block_on(yield_once());
    EXPECT_EQ(held.use_count(), 2);
  }
  EXPECT_EQ(held.use_count(), 1);
}

TEST(LocalRuntime, ShutdownTimeoutCancelsLocalTasks) {
  auto held = std::make_shared<int>(0);
  tokio::runtime::LocalRuntime rt;
  rt.spawn_local(abortable_forever(held));
  rt.block_on(yield_once());
  std::move(rt).shutdown_timeout(1s);
  EXPECT_EQ(held.use_count(), 1);
}

}  // namespace
