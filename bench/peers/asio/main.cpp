// Boost.Asio peer of the tokio-cpp bench suite.
//
// Runs the workloads of bench/README.md on Boost.Asio with C++20 coroutines and prints, for
// each selected workload, one line `NAME MEDIAN_NS_PER_OP` to stdout (`idle_task_bytes`: bytes
// per task, not ns); progress goes to stderr.
//
// Usage: asio_peer [PREFIX]       (only workloads whose name starts with PREFIX)
// Env:   TOKIO_BENCH_WORKERS=N    (threads; default: std::thread::hardware_concurrency())
//
// `asio_peer --idle-task-bytes-child` (internal) is one run of idle_task_bytes in a fresh
// process: it prints only the bytes per task on stdout.
//
// The "runtime" is Asio's common multi-threaded set-up: one io_context (concurrency hint = the
// thread count) run by one thread per CPU, kept alive by a work guard for the whole program.
// Mapping of the Tokio vocabulary:
//   tokio::spawn(fut)        -> co_spawn(executor, awaitable<void>, detached)
//   Handle::spawn (remote)   -> co_spawn(io_context, ..., detached) from a non-pool thread
//   yield_now().await        -> co_await post(executor, use_awaitable)   (re-queue at the back)
//   std mpsc "done" signal   -> Countdown / Signal below (std::mutex + std::condition_variable)
//   tokio::sync channels     -> experimental::concurrent_channel (thread-safe); in Boost 1.81
//                               every completion of an awaited async_send / async_receive is
//                               posted (the coroutine is re-queued), even when it completes at
//                               once; try_send / try_receive complete inline
//   spawn_blocking(job)      -> post(job) to a separate thread_pool, whose completion is posted
//                               back to the awaiting coroutine's executor (see blocking_many)
// Note: co_spawn *dispatches* the new coroutine: called from a pool thread it starts running it
// inline, up to its first suspension point (Tokio's spawn always queues). That is Asio's
// semantics and part of what is compared.
//
// To add a workload: write `void name(Runtime&)` that performs exactly one repetition and
// returns once it is complete, then add a row to kWorkloads (idle_task_bytes is measured in
// fresh processes instead: its row has `fresh_run`).

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/experimental/coro.hpp>
#include <boost/asio/experimental/use_coro.hpp>
#include <boost/version.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

extern char** environ;

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

constexpr std::size_t kSpawnMany = 10'000;
constexpr std::size_t kYieldTasks = 200;
constexpr std::size_t kYieldCount = 1'000;
constexpr std::size_t kPingPongs = 1'000;
constexpr std::size_t kChainLen = 1'000;
constexpr std::size_t kMpscProducers = 10;
constexpr std::size_t kMpscSends = 10'000;
constexpr std::size_t kMpscOps = kMpscProducers * kMpscSends;
constexpr std::size_t kMpscCapacity = 1'024;
constexpr std::size_t kYieldOps = kYieldTasks * kYieldCount;
constexpr std::size_t kTimerCancelOps = 100'000;
constexpr std::size_t kSleepTasks = 10'000;
constexpr std::size_t kBlockingTasks = 100;
constexpr std::size_t kBlockingJobs = 100;
// blocking_many's thread_pool: one thread per concurrently awaiting task, see blocking_many.
constexpr std::size_t kBlockingPoolThreads = kBlockingTasks;
constexpr std::size_t kIdleTasks = 1'000'000;
constexpr std::size_t kMutexTasks = 100;
constexpr std::size_t kMutexLocks = 1'000;
constexpr std::size_t kEchoClients = 50;
constexpr std::size_t kEchoRoundTrips = 2'000;
constexpr std::size_t kEchoMessage = 64;
constexpr std::size_t kEchoReadBuffer = 4 * 1024;
constexpr std::size_t kBulkChunks = 4'096;
constexpr std::size_t kBulkChunk = 64 * 1024;
constexpr std::size_t kUdpClients = 50;
constexpr std::size_t kUdpRoundTrips = 2'000;
constexpr std::size_t kUdpMessage = 64;
constexpr std::size_t kUdpRecvBuffer = 2 * 1024;
constexpr std::size_t kFsFiles = 1'000;
constexpr std::size_t kFsFileSize = 4 * 1024;
constexpr std::size_t kFsBulkChunks = 1'024;
constexpr std::size_t kFsBulkChunk = 64 * 1024;
constexpr std::size_t kProcessSpawns = 200;
constexpr std::int64_t kStreamItems = 1'000'000;
constexpr std::size_t kFramedLines = 1'000'000;
constexpr std::size_t kFramedBoundary = 128 * 1024;  // FramedWrite's backpressure boundary
constexpr std::size_t kCancelChildren = 10'000;

// The hidden argument that makes this program one run of idle_task_bytes.
constexpr std::string_view kIdleTaskBytesChild = "--idle-task-bytes-child";

// One io_context run by `threads` pool threads, alive for the whole program, and (created on
// first use, by blocking_many) the thread_pool that stands for Tokio's blocking pool.
class Runtime {
 public:
  explicit Runtime(unsigned threads)
      : ctx_(static_cast<int>(threads)), guard_(asio::make_work_guard(ctx_)) {
    pool_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
      pool_.emplace_back([this] { ctx_.run(); });
  }
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime() {
    guard_.reset();
    for (auto& t : pool_)
      t.join();
  }

  asio::io_context& context() { return ctx_; }

  // Only called from the main thread (between repetitions), so the lazy creation needs no lock.
  asio::thread_pool& blocking_pool() {
    if (!blocking_) blocking_ = std::make_unique<asio::thread_pool>(kBlockingPoolThreads);
    return *blocking_;
  }

 private:
  asio::io_context ctx_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> pool_;
  std::unique_ptr<asio::thread_pool> blocking_;  // stopped and joined after the io threads
};

// One-shot signal to a thread outside the pool (the analog of a std sync channel).
class Signal {
 public:
  void notify() {
    // Notify under the lock: the waiter may destroy *this as soon as it sees done_.
    std::lock_guard lock(mu_);
    done_ = true;
    cv_.notify_one();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return done_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

// Shared counter: the task that brings it to zero notifies the outside thread.
class Countdown {
 public:
  explicit Countdown(std::size_t n) : remaining_(n) {}
  void count_down() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify();
  }
  void wait() { done_.wait(); }

 private:
  std::atomic<std::size_t> remaining_;
  Signal done_;
};

// Reports a workload whose result is wrong and exits (the figures would be meaningless).
[[noreturn]] void fail(const char* workload, const char* what) {
  std::fprintf(stderr, "asio_peer: %s: %s\n", workload, what);
  std::exit(1);
}

awaitable<void> count_down_task(Countdown* cd) {
  cd->count_down();
  co_return;
}

// spawn_many_local. Tokio: inside block_on, tokio::spawn one task that tokio::spawns 10,000
// tasks each decrementing the shared counter; the main thread waits on a std channel.
// Asio: co_spawn one coroutine onto the pool; it co_spawns 10,000 count_down_task coroutines on
// its own executor (each starts inline, see the note at the top); the main thread waits.
awaitable<void> spawn_leaves(Countdown* cd, std::size_t n) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < n; ++i)
    asio::co_spawn(ex, count_down_task(cd), asio::detached);
}

void spawn_many_local(Runtime& rt) {
  Countdown cd(kSpawnMany);
  asio::co_spawn(rt.context(), spawn_leaves(&cd, kSpawnMany), asio::detached);
  cd.wait();
}

// spawn_many_remote. Tokio: the main thread calls rt.spawn 10,000 times (remote spawns through
// the runtime handle). Asio: the main thread co_spawns 10,000 coroutines onto the io_context;
// from a non-pool thread co_spawn queues them (post), like Tokio's remote queue.
void spawn_many_remote(Runtime& rt) {
  Countdown cd(kSpawnMany);
  for (std::size_t i = 0; i < kSpawnMany; ++i) {
    asio::co_spawn(rt.context(), count_down_task(&cd), asio::detached);
  }
  cd.wait();
}

// yield_many. Tokio: 200 tasks spawned from outside, each `yield_now().await` 1,000 times, then
// decrements the counter; the last signals. Asio: 200 coroutines co_spawned from the main
// thread, each `co_await post(executor, use_awaitable)` 1,000 times (the coroutine is re-queued
// at the back of the io_context's queue, which is what yield_now does), then counts down.
awaitable<void> yielder(Countdown* cd) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < kYieldCount; ++i)
    co_await asio::post(ex, use_awaitable);
  cd->count_down();
}

void yield_many(Runtime& rt) {
  Countdown cd(kYieldTasks);
  for (std::size_t i = 0; i < kYieldTasks; ++i) {
    asio::co_spawn(rt.context(), yielder(&cd), asio::detached);
  }
  cd.wait();
}

// ping_pong. Tokio: inside block_on, tokio::spawn one task that tokio::spawns 1,000 tasks; each
// makes two tokio::sync::oneshot channels, spawns a partner that awaits the first and sends on
// the second, sends on the first, awaits the second, then decrements the counter; the last
// signals the main thread. Asio has no oneshot; each one maps to a concurrent_channel of
// capacity 1 used once: send = try_send (Tokio's oneshot send does not wait either; the single
// slot is always free), await = `co_await async_receive(...)`. Both channels live in one
// shared_ptr held by the pinger and its partner (Tokio's oneshot halves share an Arc): a
// channel must outlive a try_send that is still returning on another thread after it has
// handed the value to, and queued, the waiting receiver.
using Oneshot = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

struct PingPongChannels {
  explicit PingPongChannels(const asio::any_io_executor& ex) : ping(ex, 1), pong(ex, 1) {}
  Oneshot ping;
  Oneshot pong;
};

awaitable<void> ponger(std::shared_ptr<PingPongChannels> ch) {
  auto [ec] = co_await ch->ping.async_receive(asio::as_tuple(use_awaitable));
  if (ec) fail("ping_pong", "receiving the ping failed");
  if (!ch->pong.try_send(boost::system::error_code{})) fail("ping_pong", "sending the pong failed");
}

awaitable<void> pinger(Countdown* cd) {
  auto ex = co_await asio::this_coro::executor;
  auto ch = std::make_shared<PingPongChannels>(ex);
  asio::co_spawn(ex, ponger(ch), asio::detached);
  if (!ch->ping.try_send(boost::system::error_code{})) fail("ping_pong", "sending the ping failed");
  auto [ec] = co_await ch->pong.async_receive(asio::as_tuple(use_awaitable));
  if (ec) fail("ping_pong", "receiving the pong failed");
  cd->count_down();
}

awaitable<void> spawn_pingers(Countdown* cd) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < kPingPongs; ++i)
    asio::co_spawn(ex, pinger(cd), asio::detached);
}

void ping_pong(Runtime& rt) {
  Countdown cd(kPingPongs);
  asio::co_spawn(rt.context(), spawn_pingers(&cd), asio::detached);
  cd.wait();
}

// chained_spawn. Tokio: the main thread spawns the head of a chain of 1,000 tasks, each
// tokio::spawns the next; the last signals a std channel. Asio: the same chain of 1,000
// coroutines, each co_spawning the next on its executor; the last notifies the main thread.
// (Because co_spawn dispatches, each link starts inline inside its parent's co_spawn call.)
awaitable<void> chain_link(Signal* done, std::size_t remaining) {
  if (remaining == 1) {
    done->notify();
  } else {
    asio::co_spawn(co_await asio::this_coro::executor, chain_link(done, remaining - 1),
                   asio::detached);
  }
}

void chained_spawn(Runtime& rt) {
  Signal done;
  asio::co_spawn(rt.context(), chain_link(&done, kChainLen), asio::detached);
  done.wait();
}

// timer_cancel. Tokio: inside block_on, 100,000 times `timeout(10 s, an already-ready future)`
// then `yield_now()`. Asio has no timeout combinator; the closest mapping races the ready
// operation against a 10 s steady_timer with the awaitable operators:
// `co_await (ready_value() || timer.async_wait(use_awaitable))`, then yields with
// `co_await post(executor, use_awaitable)`. block_on maps to co_spawning the body onto the
// pool with use_future and blocking the main thread on the future (Tokio runs the block_on
// future on the calling thread; here it runs on a pool thread).
// Semantic differences: Asio arms the timer eagerly (the wait is queued in the reactor's timer
// queue, then cancelled and its handler run with operation_aborted once the ready side wins),
// and `||` co_spawns both sides as separate coroutines in a parallel_group that waits for the
// cancelled side to finish. Tokio's Timeout polls the future first and never registers its
// Sleep when the future is ready, and so does tokio-cpp. The timer is constructed per op, like
// Tokio's per-op Sleep.
awaitable<std::size_t> ready_value() {
  co_return 1;
}

awaitable<std::size_t> timer_cancel_body() {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  std::size_t sum = 0;
  for (std::size_t i = 0; i < kTimerCancelOps; ++i) {
    asio::steady_timer timer(ex, std::chrono::seconds(10));
    auto result = co_await (ready_value() || timer.async_wait(use_awaitable));
    if (result.index() != 0) fail("timer_cancel", "a timeout around a ready operation elapsed");
    sum += std::get<0>(result);
    co_await asio::post(ex, use_awaitable);
  }
  co_return sum;
}

void timer_cancel(Runtime& rt) {
  auto sum = asio::co_spawn(rt.context(), timer_cancel_body(), asio::use_future);
  if (sum.get() != kTimerCancelOps) fail("timer_cancel", "wrong number of completed timeouts");
}

// sleep_many. Tokio: inside block_on, tokio::spawn 10,000 tasks that each `sleep(1 ms)`, then
// await every JoinHandle. Asio: one coroutine on the pool (the block_on body) co_spawns 10,000
// coroutines on its executor, each waiting on its own 1 ms steady_timer (the timer is armed
// when the coroutine starts, inline within co_spawn, see the note at the top) then counting
// down; the last one notifies the main thread (Asio has no JoinHandle: a counter and a
// completion signal stand for awaiting all 10,000 handles).
awaitable<void> sleeper(Countdown* cd) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(use_awaitable);
  cd->count_down();
}

awaitable<void> spawn_sleepers(Countdown* cd) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < kSleepTasks; ++i)
    asio::co_spawn(ex, sleeper(cd), asio::detached);
}

void sleep_many(Runtime& rt) {
  Countdown cd(kSleepTasks);
  asio::co_spawn(rt.context(), spawn_sleepers(&cd), asio::detached);
  cd.wait();
}

// blocking_many. Tokio: inside block_on, tokio::spawn 100 tasks; each awaits, one after
// another, 100 `spawn_blocking(move || i)` jobs and sums the results; await every JoinHandle;
// check 100 * 4,950; ns per job. Asio has no spawn_blocking; the closest mapping is a separate
// asio::thread_pool for the jobs: spawn_blocking below posts the job to the pool, and the pool
// thread that ran it posts the completion (with the job's result) back to the awaiting
// coroutine's executor, the io_context. Pool size: 100 threads, one per concurrently awaiting
// task, created once per program (on first use), so that no job ever queues behind another.
// Tokio's blocking pool never makes a job queue either: it starts a thread whenever a job finds
// none idle (up to 512) and keeps idle threads 10 s, so it is already populated after the
// warm-up (it even grows past 100, about 280 threads seen on 2 CPUs, because a thread that has
// just finished a job is not yet idle when the next job arrives); with at most 100 jobs
// outstanding, 100 is the most threads a fixed pool can use. (thread_pool's default, 2 threads
// per CPU, would make the jobs queue behind each other.)
// One coroutine on the pool (the block_on body) co_spawns the 100 tasks; Asio has no
// JoinHandle, so each task adds its sum to an atomic total and counts down, and the main thread
// waits for the countdown and checks the total.
template <typename Job>
auto spawn_blocking(asio::thread_pool& pool, Job job) {
  using Result = std::invoke_result_t<Job&>;
  return asio::async_initiate<decltype(use_awaitable), void(Result)>(
      [&pool](auto handler, Job job) {
        asio::post(pool, [handler = std::move(handler), job = std::move(job)]() mutable {
          // post(token) without an executor: the handler's associated executor, here the
          // awaiting coroutine's (the io_context).
          asio::post(asio::append(std::move(handler), job()));
        });
      },
      use_awaitable, std::move(job));
}

struct BlockingState {
  explicit BlockingState(asio::thread_pool& pool) : pool(pool) {}
  asio::thread_pool& pool;
  std::atomic<std::size_t> sum{0};
  Countdown done{kBlockingTasks};
};

awaitable<void> blocking_awaiter(BlockingState* state) {
  std::size_t sum = 0;
  for (std::size_t i = 0; i < kBlockingJobs; ++i)
    sum += co_await spawn_blocking(state->pool, [i] { return i; });
  state->sum.fetch_add(sum, std::memory_order_relaxed);
  state->done.count_down();
}

awaitable<void> spawn_blocking_awaiters(BlockingState* state) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < kBlockingTasks; ++i)
    asio::co_spawn(ex, blocking_awaiter(state), asio::detached);
}

void blocking_many(Runtime& rt) {
  BlockingState state(rt.blocking_pool());
  asio::co_spawn(rt.context(), spawn_blocking_awaiters(&state), asio::detached);
  state.done.wait();
  if (state.sum.load() != kBlockingTasks * (kBlockingJobs * (kBlockingJobs - 1) / 2))
    fail("blocking_many", "wrong sum of the blocking jobs' results");
}

// idle_task_bytes, one run (in the child process, on its own freshly built Runtime). Tokio:
// RSS before; inside block_on, spawn 1,000,000 tasks that each increment a shared counter and
// then await a tokio::sync::oneshot receiver (the 1,000,000 senders kept in a Vec reserved up
// front); yield until the counter reaches 1,000,000, read RSS again; send on every sender and
// yield until every task has finished (a second counter). Asio has no oneshot; as in ping_pong,
// each one is a concurrent_channel of capacity 1 (Oneshot) used once: the 1,000,000 channels
// are owned by a vector of unique_ptr reserved up front (it stands for the Vec of senders, 8
// bytes per task, as Tokio's Arc pointers), each task holds a plain pointer to its channel and
// waits in `co_await async_receive(...)`, and send = try_send. The channels outlive every task
// (the vector is destroyed only after the finished counter reaches 1,000,000). The block_on
// body is co_spawned onto the pool with use_future (as in timer_cancel) and yields with
// `co_await post(executor, use_awaitable)`; co_spawn dispatches, so each task is already
// waiting when co_spawn returns. Value: (RSS after - RSS before) / 1,000,000, the vector
// included. The channel is heavy next to Tokio's oneshot: in Boost 1.81 a concurrent_channel
// takes about 0.9 KB of heap (3 allocations) and a co_spawned coroutine waiting on it about
// 1 KB; a steady_timer used as an event (cancel() to wake it) would take about 0.13 KB, but it
// is not a channel, and the other workloads map oneshots onto channels.
std::uint64_t resident_bytes() {
  // The second field of /proc/self/statm: resident pages.
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) fail("idle_task_bytes", "cannot read /proc/self/statm");
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) fail("idle_task_bytes", "sysconf(_SC_PAGESIZE) failed");
  return resident * static_cast<std::uint64_t>(page);
}

struct IdleState {
  std::atomic<std::size_t> waiting{0};
  std::atomic<std::size_t> finished{0};
};

awaitable<void> idle_task(Oneshot* rx, IdleState* state) {
  state->waiting.fetch_add(1, std::memory_order_acq_rel);
  auto [ec] = co_await rx->async_receive(asio::as_tuple(use_awaitable));
  if (ec) fail("idle_task_bytes", "a receive failed");
  state->finished.fetch_add(1, std::memory_order_acq_rel);
}

awaitable<std::uint64_t> idle_task_bytes_body() {
  auto ex = co_await asio::this_coro::executor;
  IdleState state;
  std::vector<std::unique_ptr<Oneshot>> senders;
  senders.reserve(kIdleTasks);
  for (std::size_t i = 0; i < kIdleTasks; ++i) {
    senders.push_back(std::make_unique<Oneshot>(ex, 1));
    asio::co_spawn(ex, idle_task(senders.back().get(), &state), asio::detached);
  }
  while (state.waiting.load(std::memory_order_acquire) < kIdleTasks)
    co_await asio::post(ex, use_awaitable);
  const std::uint64_t after = resident_bytes();
  for (auto& tx : senders) {
    if (!tx->try_send(boost::system::error_code{})) fail("idle_task_bytes", "a send failed");
  }
  while (state.finished.load(std::memory_order_acquire) < kIdleTasks)
    co_await asio::post(ex, use_awaitable);
  co_return after;
}

double idle_task_bytes_child(Runtime& rt) {
  const std::uint64_t before = resident_bytes();
  const std::uint64_t after =
      asio::co_spawn(rt.context(), idle_task_bytes_body(), asio::use_future).get();
  return (static_cast<double>(after) - static_cast<double>(before)) /
         static_cast<double>(kIdleTasks);
}

// idle_task_bytes, one repetition in the parent: re-executes this program (/proc/self/exe, via
// posix_spawn, same environment, so the same TOKIO_BENCH_WORKERS) with --idle-task-bytes-child,
// its stdout on a pipe, and parses the one value it prints.
double idle_task_bytes_run() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail("idle_task_bytes", "pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears CLOEXEC
  std::string arg0 = "asio_peer";
  std::string arg1(kIdleTaskBytesChild);
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) fail("idle_task_bytes", "cannot run the child process");
  std::string out;
  char buf[256];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      fail("idle_task_bytes", "reading the child's output failed");
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("idle_task_bytes", "waitpid failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("idle_task_bytes", "the child process failed");
  char* end = nullptr;
  double value = std::strtod(out.c_str(), &end);
  if (end == out.c_str() || std::string_view(end).find_first_not_of(" \n") != std::string::npos)
    fail("idle_task_bytes", "the child printed something other than one number");
  return value;
}

// mpsc_bounded. Tokio: inside block_on, a tokio::sync::mpsc channel of capacity 1,024; 10
// spawned producers each `send(i).await` 10,000 integers; the block_on body drops its own Sender
// and receives until recv() returns None (all producers done), then checks 100,000.
// Asio: block_on maps to co_spawning the body onto the pool with use_future, as in
// timer_cancel. The channel is a concurrent_channel<void(error_code, size_t)> of capacity 1,024
// in a shared_ptr held by the body and every producer (Tokio's Senders/Receiver share an Arc);
// producers `co_await async_send(...)`, the body `co_await async_receive(...)`. Asio has no
// Sender drop: channel close() in Boost 1.81 discards buffered values, so instead the last
// producer to finish (a shared counter) sends one end marker, error::eof, which arrives after
// every value and stands for recv() returning None (one extra message per 100,000).
using MpscChannel =
    asio::experimental::concurrent_channel<void(boost::system::error_code, std::size_t)>;

struct MpscShared {
  MpscShared(const asio::any_io_executor& ex, std::size_t capacity)
      : channel(ex, capacity), producers_left(kMpscProducers) {}
  MpscChannel channel;
  std::atomic<std::size_t> producers_left;
};

awaitable<void> bounded_producer(std::shared_ptr<MpscShared> shared) {
  for (std::size_t i = 0; i < kMpscSends; ++i) {
    auto [ec] = co_await shared->channel.async_send(boost::system::error_code{}, i,
                                                    asio::as_tuple(use_awaitable));
    if (ec) fail("mpsc_bounded", "a send failed");
  }
  if (shared->producers_left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    auto [ec] = co_await shared->channel.async_send(boost::system::error_code(asio::error::eof),
                                                    std::size_t{0}, asio::as_tuple(use_awaitable));
    if (ec) fail("mpsc_bounded", "sending the end marker failed");
  }
}

// Receives until the end marker; returns the number of values received.
awaitable<std::size_t> receive_all(MpscChannel& channel, const char* workload) {
  std::size_t received = 0;
  for (;;) {
    auto [ec, value] = co_await channel.async_receive(asio::as_tuple(use_awaitable));
    if (ec == asio::error::eof) break;
    if (ec) fail(workload, "a receive failed");
    received += 1;
  }
  co_return received;
}

awaitable<std::size_t> mpsc_bounded_body() {
  auto ex = co_await asio::this_coro::executor;
  auto shared = std::make_shared<MpscShared>(ex, kMpscCapacity);
  for (std::size_t i = 0; i < kMpscProducers; ++i)
    asio::co_spawn(ex, bounded_producer(shared), asio::detached);
  co_return co_await receive_all(shared->channel, "mpsc_bounded");
}

void mpsc_bounded(Runtime& rt) {
  auto received = asio::co_spawn(rt.context(), mpsc_bounded_body(), asio::use_future);
  if (received.get() != kMpscOps) fail("mpsc_bounded", "wrong number of received values");
}

// mpsc_unbounded. Tokio: the same with tokio::sync::mpsc::unbounded_channel, whose send never
// waits (it is not awaited). Asio has no unbounded channel: the closest mapping is a
// concurrent_channel whose capacity, 100,001 (every value plus the end marker), is never
// reached, with try_send standing for the unawaited send (it cannot fail for lack of room;
// a failure exits). Everything else is as in mpsc_bounded.
awaitable<void> unbounded_producer(std::shared_ptr<MpscShared> shared) {
  for (std::size_t i = 0; i < kMpscSends; ++i) {
    if (!shared->channel.try_send(boost::system::error_code{}, i))
      fail("mpsc_unbounded", "a send failed");
  }
  if (shared->producers_left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    if (!shared->channel.try_send(boost::system::error_code(asio::error::eof), std::size_t{0}))
      fail("mpsc_unbounded", "sending the end marker failed");
  }
  co_return;
}

awaitable<std::size_t> mpsc_unbounded_body() {
  auto ex = co_await asio::this_coro::executor;
  auto shared = std::make_shared<MpscShared>(ex, kMpscOps + 1);
  for (std::size_t i = 0; i < kMpscProducers; ++i)
    asio::co_spawn(ex, unbounded_producer(shared), asio::detached);
  co_return co_await receive_all(shared->channel, "mpsc_unbounded");
}

void mpsc_unbounded(Runtime& rt) {
  auto received = asio::co_spawn(rt.context(), mpsc_unbounded_body(), asio::use_future);
  if (received.get() != kMpscOps) fail("mpsc_unbounded", "wrong number of received values");
}

// mutex_contended. Tokio: inside block_on, tokio::spawn 100 tasks that each lock one
// tokio::sync::Mutex 1,000 times and increment the guarded counter; await every JoinHandle;
// check 100,000. Asio has no async mutex; the closest mapping is an experimental
// concurrent_channel (thread-safe: the io_context runs on many threads) of capacity 1 used as a
// binary semaphore: lock = `co_await async_send(...)` (completes at once when the single slot
// is free, else the sender queues in FIFO order), unlock = `try_receive` (empties the slot and,
// if a sender is waiting, moves its value in and posts its completion: the lock passes to it).
// The counter is a plain integer guarded by that protocol (the channel's internal mutex orders
// the accesses). One coroutine on the pool (the block_on body) co_spawns the 100 tasks; Asio has
// no JoinHandle, so a counter and a completion signal stand for awaiting all 100 handles, and
// the main thread then checks the count.
using AsyncMutex = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

struct MutexState {
  explicit MutexState(asio::io_context& ctx) : mutex(ctx, 1), done(kMutexTasks) {}
  AsyncMutex mutex;
  std::size_t counter = 0;
  Countdown done;
};

awaitable<void> mutex_incrementer(MutexState* state) {
  for (std::size_t i = 0; i < kMutexLocks; ++i) {
    co_await state->mutex.async_send(boost::system::error_code{}, use_awaitable);  // lock
    state->counter += 1;
    if (!state->mutex.try_receive([](boost::system::error_code) {}))  // unlock
      fail("mutex_contended", "unlock found the mutex free");
  }
  state->done.count_down();
}

awaitable<void> spawn_incrementers(MutexState* state) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < kMutexTasks; ++i)
    asio::co_spawn(ex, mutex_incrementer(state), asio::detached);
}

void mutex_contended(Runtime& rt) {
  MutexState state(rt.context());
  asio::co_spawn(rt.context(), spawn_incrementers(&state), asio::detached);
  state.done.wait();
  if (state.counter != kMutexTasks * kMutexLocks) fail("mutex_contended", "wrong final count");
}

// ---- TCP ------------------------------------------------------------------------------------
// Both TCP workloads set up their acceptor and server coroutine once per repetition (inside the
// timed repetition, as in the Tokio peer); the repetition ends when every client and every
// server coroutine is done. Mapping: tokio::net::TcpListener -> ip::tcp::acceptor (its
// endpoint constructor sets SO_REUSEADDR, as Tokio's bind does); TcpStream -> ip::tcp::socket;
// `read(buf)` -> async_read_some; `write_all` -> asio::async_write (a composed operation that
// writes until the buffer is sent); `read_exact` -> asio::async_read (reads until the buffer is
// full). Every operation is awaited with as_tuple(use_awaitable) and its error checked.
// Asio's reactor tries each read or write at once (speculatively) and only waits in epoll when
// it would block; the completion is then posted (the coroutine is re-queued).
using asio::ip::tcp;

// The byte `i` of round trip `round` of client `client` (the same pattern as the other
// programs): every message differs, so an echo of the wrong message is caught.
unsigned char echo_byte(std::size_t client, std::size_t round, std::size_t i) {
  return static_cast<unsigned char>((client * 131 + round * 7 + i) & 0xff);
}

tcp::endpoint loopback_any_port() {
  return tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0);
}

// State shared by one tcp_echo_rr repetition: the clients add the bytes they saw echoed; the
// 50 clients and 50 server connections each count down once (Asio has no JoinHandle: the
// counter and the main thread's wait stand for awaiting the clients and the server).
struct EchoState {
  std::atomic<std::size_t> echoed{0};
  Countdown done{2 * kEchoClients};
};

// tcp_echo_rr, one server connection (co_spawned per accepted socket, as tokio::spawn per
// connection): TCP_NODELAY, a 4 KiB read buffer; reads what is available (async_read_some)
// and writes all of it back (async_write) until the client closes.
awaitable<void> echo_connection(tcp::socket socket, EchoState* state) {
  socket.set_option(tcp::no_delay(true));
  std::array<unsigned char, kEchoReadBuffer> buf;
  for (;;) {
    auto [ec, n] =
        co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
    if (ec == asio::error::eof) break;
    if (ec) fail("tcp_echo_rr", "a server read failed");
    auto [wec, written] = co_await asio::async_write(socket, asio::buffer(buf.data(), n),
                                                     asio::as_tuple(use_awaitable));
    if (wec || written != n) fail("tcp_echo_rr", "a server write failed");
  }
  state->done.count_down();
}

// The echo server: accepts the 50 connections, co_spawning a coroutine for each.
awaitable<void> echo_server(tcp::acceptor acceptor, EchoState* state) {
  for (std::size_t i = 0; i < kEchoClients; ++i) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(use_awaitable));
    if (ec) fail("tcp_echo_rr", "accept failed");
    asio::co_spawn(acceptor.get_executor(), echo_connection(std::move(socket), state),
                   asio::detached);
  }
}

// One client: connects (TCP_NODELAY), then 2,000 times writes a 64-byte message (async_write)
// and reads the echo (async_read of exactly 64 bytes), checking every byte.
awaitable<void> echo_client(tcp::endpoint server, std::size_t client, EchoState* state) {
  tcp::socket socket(co_await asio::this_coro::executor);
  auto [cec] = co_await socket.async_connect(server, asio::as_tuple(use_awaitable));
  if (cec) fail("tcp_echo_rr", "connect failed");
  socket.set_option(tcp::no_delay(true));
  std::array<unsigned char, kEchoMessage> out;
  std::array<unsigned char, kEchoMessage> in;
  std::size_t echoed = 0;
  for (std::size_t round = 0; round < kEchoRoundTrips; ++round) {
    for (std::size_t i = 0; i < kEchoMessage; ++i)
      out[i] = echo_byte(client, round, i);
    auto [wec, written] =
        co_await asio::async_write(socket, asio::buffer(out), asio::as_tuple(use_awaitable));
    if (wec || written != kEchoMessage) fail("tcp_echo_rr", "a client write failed");
    auto [rec, got] =
        co_await asio::async_read(socket, asio::buffer(in), asio::as_tuple(use_awaitable));
    if (rec) fail("tcp_echo_rr", "a client read failed");
    echoed += got;
    if (std::memcmp(in.data(), out.data(), kEchoMessage) != 0)
      fail("tcp_echo_rr", "the echoed bytes differ from the message sent");
  }
  state->echoed.fetch_add(echoed, std::memory_order_relaxed);
  state->done.count_down();
  // The socket closes here, so the server connection reads EOF and counts down.
}

// tcp_echo_rr. Tokio: inside block_on, bind a TcpListener on 127.0.0.1:0, tokio::spawn the
// echo server (which spawns a task per accepted connection), tokio::spawn 50 clients, await
// them all. Asio: one coroutine on the pool (the block_on body) binds the acceptor and
// co_spawns the server and the 50 clients; the main thread waits for all 100 to count down.
awaitable<void> tcp_echo_rr_body(EchoState* state) {
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acceptor(ex, loopback_any_port());
  const tcp::endpoint server = acceptor.local_endpoint();
  asio::co_spawn(ex, echo_server(std::move(acceptor), state), asio::detached);
  for (std::size_t c = 0; c < kEchoClients; ++c)
    asio::co_spawn(ex, echo_client(server, c, state), asio::detached);
}

void tcp_echo_rr(Runtime& rt) {
  EchoState state;
  asio::co_spawn(rt.context(), tcp_echo_rr_body(&state), asio::detached);
  state.done.wait();
  if (state.echoed.load() != kEchoClients * kEchoRoundTrips * kEchoMessage)
    fail("tcp_echo_rr", "wrong number of echoed bytes");
}

// tcp_stream_bulk, the server: accepts one connection and reads it until EOF with a 64 KiB
// buffer (async_read_some); gives the byte count.
awaitable<std::size_t> bulk_server(tcp::acceptor acceptor) {
  auto [aec, socket] = co_await acceptor.async_accept(asio::as_tuple(use_awaitable));
  if (aec) fail("tcp_stream_bulk", "accept failed");
  std::vector<unsigned char> buf(kBulkChunk);
  std::size_t received = 0;
  for (;;) {
    auto [ec, n] =
        co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
    if (ec == asio::error::eof) break;
    if (ec) fail("tcp_stream_bulk", "a server read failed");
    received += n;
  }
  co_return received;
}

// tcp_stream_bulk. Tokio: inside block_on, bind, tokio::spawn the server, connect, write_all
// 4,096 chunks of 64 KiB, shut down the write side, await the server's JoinHandle (the byte
// count). Asio: the block_on body (co_spawned with use_future) binds, co_spawns the server with
// use_future (its std::future stands for the JoinHandle; the main thread waits on both),
// connects, async_writes the chunks and shuts the send side down.
awaitable<void> tcp_stream_bulk_body(std::promise<std::future<std::size_t>>* server_out) {
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acceptor(ex, loopback_any_port());
  const tcp::endpoint server = acceptor.local_endpoint();
  server_out->set_value(asio::co_spawn(ex, bulk_server(std::move(acceptor)), asio::use_future));
  tcp::socket socket(ex);
  auto [cec] = co_await socket.async_connect(server, asio::as_tuple(use_awaitable));
  if (cec) fail("tcp_stream_bulk", "connect failed");
  std::vector<unsigned char> chunk(kBulkChunk, 0x5a);
  for (std::size_t i = 0; i < kBulkChunks; ++i) {
    auto [ec, written] =
        co_await asio::async_write(socket, asio::buffer(chunk), asio::as_tuple(use_awaitable));
    if (ec || written != kBulkChunk) fail("tcp_stream_bulk", "a write failed");
  }
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) fail("tcp_stream_bulk", "shutdown failed");
}

void tcp_stream_bulk(Runtime& rt) {
  std::promise<std::future<std::size_t>> server;
  auto server_future = server.get_future();
  auto client = asio::co_spawn(rt.context(), tcp_stream_bulk_body(&server), asio::use_future);
  client.get();
  if (server_future.get().get() != kBulkChunks * kBulkChunk)
    fail("tcp_stream_bulk", "the server received the wrong number of bytes");
}

// ---- UDP ------------------------------------------------------------------------------------
// udp_echo_rr. Tokio: inside block_on, bind a UdpSocket on 127.0.0.1:0 and tokio::spawn the
// echo server (recv_from into a 2 KiB buffer, send_to back, until a zero-length datagram);
// tokio::spawn 50 clients, each with its own socket bound to 127.0.0.1:0 and connected to the
// server, doing 2,000 round trips of a 64-byte datagram (send, recv into a 64-byte buffer,
// check every byte); await them; then send a zero-length datagram from a fresh socket and await
// the server. Asio: ip::udp::socket; recv_from -> async_receive_from, send_to -> async_send_to,
// send / recv on a connected socket -> async_send / async_receive, all awaited with
// as_tuple(use_awaitable) and checked; connect is the synchronous one (a UDP connect only sets
// the peer address; Tokio's is async only to resolve the address). One coroutine on the pool
// (the block_on body) binds the server socket and co_spawns the server and the 50 clients.
// Asio has no JoinHandle to await the clients with, so the last client to finish (a shared
// counter) sends the zero-length datagram that stops the server, from its own socket (as
// mpsc_bounded's last producer sends the end marker); the 50 clients and the server each count
// down, and the main thread waits for all 51 (no coroutine outlives the repetition).
using asio::ip::udp;

struct UdpEchoState {
  std::atomic<std::size_t> client_echoes{0};
  std::atomic<std::size_t> server_echoes{0};
  std::atomic<std::size_t> clients_left{kUdpClients};
  Countdown done{kUdpClients + 1};
};

udp::endpoint udp_loopback_any_port() {
  return udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0);
}

// The server: one socket; receives into a 2 KiB buffer and sends each datagram back to its
// sender until a zero-length datagram arrives.
awaitable<void> udp_echo_server(udp::socket socket, UdpEchoState* state) {
  std::array<unsigned char, kUdpRecvBuffer> buf;
  udp::endpoint peer;
  std::size_t echoed = 0;
  for (;;) {
    auto [ec, n] =
        co_await socket.async_receive_from(asio::buffer(buf), peer, asio::as_tuple(use_awaitable));
    if (ec) fail("udp_echo_rr", "a server receive_from failed");
    if (n == 0) break;
    auto [sec, sent] = co_await socket.async_send_to(asio::buffer(buf.data(), n), peer,
                                                     asio::as_tuple(use_awaitable));
    if (sec || sent != n) fail("udp_echo_rr", "a server send_to failed");
    ++echoed;
  }
  state->server_echoes.store(echoed, std::memory_order_relaxed);
  state->done.count_down();
}

// One client: its own socket bound to 127.0.0.1:0 and connected to the server; 2,000 times
// sends a 64-byte datagram and receives the echo into a 64-byte buffer, checking every byte
// (the messages differ as in tcp_echo_rr). Loopback UDP does not drop datagrams here (at most
// 50 are in flight against the server's receive buffer); a lost one would hang the run.
awaitable<void> udp_echo_client(udp::endpoint server, std::size_t client, UdpEchoState* state) {
  udp::socket socket(co_await asio::this_coro::executor, udp_loopback_any_port());
  boost::system::error_code cec;
  socket.connect(server, cec);
  if (cec) fail("udp_echo_rr", "connect failed");
  std::array<unsigned char, kUdpMessage> out;
  std::array<unsigned char, kUdpMessage> in;
  std::size_t echoed = 0;
  for (std::size_t round = 0; round < kUdpRoundTrips; ++round) {
    for (std::size_t i = 0; i < kUdpMessage; ++i)
      out[i] = echo_byte(client, round, i);
    auto [sec, sent] = co_await socket.async_send(asio::buffer(out), asio::as_tuple(use_awaitable));
    if (sec || sent != kUdpMessage) fail("udp_echo_rr", "a client send failed");
    auto [rec, got] =
        co_await socket.async_receive(asio::buffer(in), asio::as_tuple(use_awaitable));
    if (rec) fail("udp_echo_rr", "a client receive failed");
    if (got != kUdpMessage || std::memcmp(in.data(), out.data(), kUdpMessage) != 0)
      fail("udp_echo_rr", "the echoed datagram differs from the one sent");
    ++echoed;
  }
  state->client_echoes.fetch_add(echoed, std::memory_order_relaxed);
  if (state->clients_left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // The last client done stops the server.
    auto [sec, sent] =
        co_await socket.async_send(asio::buffer(out.data(), 0), asio::as_tuple(use_awaitable));
    if (sec) fail("udp_echo_rr", "sending the stop datagram failed");
  }
  state->done.count_down();
}

awaitable<void> udp_echo_rr_body(UdpEchoState* state) {
  auto ex = co_await asio::this_coro::executor;
  udp::socket socket(ex, udp_loopback_any_port());
  const udp::endpoint server = socket.local_endpoint();
  asio::co_spawn(ex, udp_echo_server(std::move(socket), state), asio::detached);
  for (std::size_t c = 0; c < kUdpClients; ++c)
    asio::co_spawn(ex, udp_echo_client(server, c, state), asio::detached);
}

void udp_echo_rr(Runtime& rt) {
  UdpEchoState state;
  asio::co_spawn(rt.context(), udp_echo_rr_body(&state), asio::detached);
  state.done.wait();
  const std::size_t client_echoes = state.client_echoes.load();
  if (client_echoes != kUdpClients * kUdpRoundTrips || state.server_echoes.load() != client_echoes)
    fail("udp_echo_rr", "wrong number of round trips");
}

// ---- fs and process ---------------------------------------------------------------------------
// Asio has no file type that works without io_uring (stream_file needs BOOST_ASIO_HAS_IO_URING)
// and no process support (Boost.Process is another library). Both map onto Tokio's own
// implementation: the blocking system calls run on the blocking thread_pool (spawn_blocking
// above), awaited by a coroutine on the io_context.

// The scratch directory: 1,000 files of 4 KiB, written on first use, removed at exit.
struct ScratchDir {
  std::string path = "/tmp/asio-peer-bench-" + std::to_string(::getpid());
  ScratchDir() {
    if (::mkdir(path.c_str(), 0700) != 0) fail("fs", "cannot create the scratch directory");
    const std::string block(kFsFileSize, 'x');
    for (std::size_t i = 0; i < kFsFiles; ++i) {
      FILE* f = std::fopen((path + "/f" + std::to_string(i)).c_str(), "w");
      if (!f || std::fwrite(block.data(), 1, block.size(), f) != block.size()) fail("fs", "setup");
      std::fclose(f);
    }
  }
  ~ScratchDir() {
    for (std::size_t i = 0; i < kFsFiles; ++i)
      ::unlink((path + "/f" + std::to_string(i)).c_str());
    ::unlink((path + "/bulk").c_str());
    ::rmdir(path.c_str());
  }
};
const std::string& scratch_dir() {
  static ScratchDir dir;
  return dir.path;
}

std::size_t read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("fs_read_small", "open");
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) fail("fs_read_small", "read");
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out.size();
}

struct FsReadState {
  explicit FsReadState(asio::thread_pool& pool) : pool(pool) {}
  asio::thread_pool& pool;
  std::atomic<std::size_t> total{0};
  Countdown done{kFsFiles};
};

awaitable<void> read_one_file(FsReadState* state, std::string path) {
  // The job captures a pointer: GCC 12 destroys a by-value capture written inside a co_await
  // expression twice.
  const std::size_t n =
      co_await spawn_blocking(state->pool, [p = &path] { return read_whole_file(*p); });
  state->total.fetch_add(n, std::memory_order_relaxed);
  state->done.count_down();
}

awaitable<void> spawn_file_readers(FsReadState* state, const std::string* dir) {
  auto ex = co_await asio::this_coro::executor;
  for (std::size_t i = 0; i < kFsFiles; ++i)
    asio::co_spawn(ex, read_one_file(state, *dir + "/f" + std::to_string(i)), asio::detached);
}

// fs_read_small. Tokio: inside block_on, one spawned task per file (1,000 files of 4 KiB) reads
// it whole with tokio::fs::read; join all, check the byte count. Here: one co_spawned coroutine
// per file awaits a blocking job that reads it; a countdown stands for the joins.
void fs_read_small(Runtime& rt) {
  FsReadState state(rt.blocking_pool());
  asio::co_spawn(rt.context(), spawn_file_readers(&state, &scratch_dir()), asio::detached);
  state.done.wait();
  if (state.total.load() != kFsFiles * kFsFileSize) fail("fs_read_small", "wrong byte count");
}

awaitable<std::size_t> fs_write_bulk_body(asio::thread_pool* pool, std::string path) {
  const int fd = co_await spawn_blocking(*pool, [p = &path] {
    return ::open(p->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  });
  if (fd < 0) fail("fs_write_bulk", "open");
  const std::vector<char> chunk(kFsBulkChunk, 0x5a);
  for (std::size_t i = 0; i < kFsBulkChunks; ++i) {
    const bool ok = co_await spawn_blocking(*pool, [fd, &chunk] {
      std::size_t done = 0;
      while (done < chunk.size()) {
        const ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
        if (n < 0) return false;
        done += static_cast<std::size_t>(n);
      }
      return true;
    });
    if (!ok) fail("fs_write_bulk", "write");
  }
  const std::size_t len = co_await spawn_blocking(*pool, [fd] {
    struct stat st {};
    if (::fsync(fd) != 0 || ::fstat(fd, &st) != 0) return std::size_t{0};
    ::close(fd);
    return static_cast<std::size_t>(st.st_size);
  });
  co_return len;
}

// fs_write_bulk. Tokio: inside block_on, File::create, write_all 1,024 chunks of 64 KiB,
// sync_all, check the length. Here each write is a blocking job awaited in turn (Tokio's File
// lets one write run while the next chunk is copied; there is no Asio file to do that).
void fs_write_bulk(Runtime& rt) {
  auto len =
      asio::co_spawn(rt.context(), fs_write_bulk_body(&rt.blocking_pool(), scratch_dir() + "/bulk"),
                     asio::use_future)
          .get();
  if (len != kFsBulkChunks * kFsBulkChunk) fail("fs_write_bulk", "wrong file length");
}

awaitable<std::size_t> process_spawn_wait_body(asio::thread_pool* pool) {
  std::size_t ok = 0;
  for (std::size_t i = 0; i < kProcessSpawns; ++i) {
    pid_t pid;
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    if (::posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ) != 0)
      fail("process_spawn_wait", "posix_spawn");
    const int status = co_await spawn_blocking(*pool, [pid] {
      int st = -1;
      while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      return st;
    });
    ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  co_return ok;
}

// process_spawn_wait. Tokio: inside block_on, 200 times one after another: Command::status of
// /bin/true, check success. Here: posix_spawn (what Rust's Command uses for it), then a
// blocking waitpid on the blocking pool, awaited.
void process_spawn_wait(Runtime& rt) {
  auto ok =
      asio::co_spawn(rt.context(), process_spawn_wait_body(&rt.blocking_pool()), asio::use_future)
          .get();
  if (ok != kProcessSpawns) fail("process_spawn_wait", "a child failed");
}

// stream_pipeline. Tokio: an async generator (async-stream) yielding 0, 1, 2, ... through
// take/map/filter/fold. Here: Asio's async generator, experimental::coro<int64_t>, resumed with
// co_await g.async_resume(use_awaitable) by a loop that applies take, map, filter and fold
// inline (Asio has no stream adapters).
asio::experimental::coro<std::int64_t> naturals(asio::any_io_executor) {
  for (std::int64_t i = 0;; ++i)
    co_yield i;
}

awaitable<std::int64_t> stream_pipeline_body() {
  auto generator = naturals(co_await asio::this_coro::executor);
  std::int64_t sum = 0;
  for (std::int64_t taken = 0; taken < kStreamItems; ++taken) {
    auto item = co_await generator.async_resume(use_awaitable);
    if (!item) break;
    const std::int64_t doubled = *item * 2;
    if (doubled % 3 == 0) sum += doubled;
  }
  co_return sum;
}

void stream_pipeline(Runtime& rt) {
  const std::int64_t sum =
      asio::co_spawn(rt.context(), stream_pipeline_body(), asio::use_future).get();
  const std::int64_t m = (kStreamItems + 2) / 3;
  if (sum != 6 * (m * (m - 1) / 2)) fail("stream_pipeline", "wrong sum");
}

// framed_lines. Tokio: a 64 KiB in-memory duplex, FramedWrite<LinesCodec> fed 1,000,000 lines
// by a spawned task, FramedRead<LinesCodec> read to the end. Here: a Unix socketpair (Asio has
// no in-memory pipe); the writer appends "line {i}\n" to a buffer and async_writes it once it
// holds 128 KiB (FramedWrite's boundary), then the rest and a shutdown; the reader
// async_read_somes into a buffer and cuts a std::string per line (what LinesCodec does).
awaitable<void> framed_lines_writer(asio::local::stream_protocol::socket out) {
  std::string buffer;
  buffer.reserve(kFramedBoundary + 64);
  for (std::size_t i = 0; i < kFramedLines; ++i) {
    if (buffer.size() >= kFramedBoundary) {
      co_await asio::async_write(out, asio::buffer(buffer), use_awaitable);
      buffer.clear();
    }
    buffer += "line ";
    buffer += std::to_string(i);
    buffer += '\n';
  }
  co_await asio::async_write(out, asio::buffer(buffer), use_awaitable);
  out.shutdown(asio::socket_base::shutdown_send);
}

awaitable<std::size_t> framed_lines_body() {
  auto executor = co_await asio::this_coro::executor;
  asio::local::stream_protocol::socket a(executor), b(executor);
  asio::local::connect_pair(a, b);
  asio::co_spawn(executor, framed_lines_writer(std::move(a)), asio::detached);
  std::vector<char> buf(64 * 1024);
  std::size_t begin = 0, end = 0, lines = 0;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buf.data() + begin, '\n', end - begin));
    if (nl) {
      std::string line(static_cast<const char*>(buf.data() + begin), nl);
      (void)line;  // what the reader would hand on
      begin = static_cast<std::size_t>(nl - buf.data()) + 1;
      ++lines;
      continue;
    }
    if (begin > 0) {  // compact: keep the partial line at the front
      std::memmove(buf.data(), buf.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (end == buf.size()) buf.resize(buf.size() * 2);
    auto [ec, n] = co_await b.async_read_some(asio::buffer(buf.data() + end, buf.size() - end),
                                              asio::as_tuple(use_awaitable));
    if (ec == asio::error::eof) break;
    if (ec) fail("framed_lines", "read");
    end += n;
  }
  co_return lines;
}

void framed_lines(Runtime& rt) {
  auto lines = asio::co_spawn(rt.context(), framed_lines_body(), asio::use_future).get();
  if (lines != kFramedLines) fail("framed_lines", "wrong count");
}

// cancel_tree. Tokio: a CancellationToken with 10,000 child tokens, each awaited by a spawned
// task; cancel the parent, join all. Here (Asio has no token tree): each child is a
// steady_timer that never expires, awaited by a co_spawned coroutine that then counts down;
// "cancelling the parent" cancels every child timer, on the thread that started the waits.
awaitable<void> await_cancel(std::shared_ptr<asio::steady_timer> timer, Countdown* cd) {
  (void)co_await timer->async_wait(asio::as_tuple(use_awaitable));
  cd->count_down();
}

awaitable<void> cancel_tree_body(Countdown* cd) {
  auto executor = co_await asio::this_coro::executor;
  std::vector<std::shared_ptr<asio::steady_timer>> children;
  children.reserve(kCancelChildren);
  for (std::size_t i = 0; i < kCancelChildren; ++i) {
    children.push_back(
        std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max()));
    asio::co_spawn(executor, await_cancel(children.back(), cd), asio::detached);
  }
  co_await asio::post(executor, use_awaitable);  // yield_now
  for (auto& timer : children)
    timer->cancel();
}

void cancel_tree(Runtime& rt) {
  Countdown cd(kCancelChildren);
  asio::co_spawn(rt.context(), cancel_tree_body(&cd), asio::detached);
  cd.wait();
}

struct Workload {
  std::string_view name;
  int reps;
  std::uint64_t ops;
  void (*run)(Runtime&);  // one repetition on the shared Runtime; value: ns per op
  // Or, where set (run is null): one run in a fresh process, returning its value; no warm-up.
  double (*fresh_run)() = nullptr;
};

constexpr Workload kWorkloads[] = {
    {"spawn_many_local", 21, kSpawnMany, spawn_many_local},
    {"spawn_many_remote", 21, kSpawnMany, spawn_many_remote},
    {"yield_many", 11, kYieldOps, yield_many},
    {"ping_pong", 21, kPingPongs, ping_pong},
    {"chained_spawn", 21, kChainLen, chained_spawn},
    {"mpsc_bounded", 11, kMpscOps, mpsc_bounded},
    {"mpsc_unbounded", 11, kMpscOps, mpsc_unbounded},
    {"mutex_contended", 11, kMutexTasks* kMutexLocks, mutex_contended},
    {"timer_cancel", 11, kTimerCancelOps, timer_cancel},
    {"sleep_many", 11, kSleepTasks, sleep_many},
    {"blocking_many", 11, kBlockingTasks* kBlockingJobs, blocking_many},
    {"idle_task_bytes", 3, kIdleTasks, nullptr, idle_task_bytes_run},
    {"tcp_echo_rr", 5, kEchoClients* kEchoRoundTrips, tcp_echo_rr},
    {"tcp_stream_bulk", 5, kBulkChunks, tcp_stream_bulk},
    {"udp_echo_rr", 5, kUdpClients* kUdpRoundTrips, udp_echo_rr},
    {"fs_read_small", 11, kFsFiles, fs_read_small},
    {"fs_write_bulk", 5, kFsBulkChunks, fs_write_bulk},
    {"process_spawn_wait", 5, kProcessSpawns, process_spawn_wait},
    {"stream_pipeline", 11, kStreamItems, stream_pipeline},
    {"framed_lines", 5, kFramedLines, framed_lines},
    {"cancel_tree", 11, kCancelChildren, cancel_tree},
};

// ns per op of one repetition.
double measure(Runtime& rt, const Workload& w) {
  auto start = std::chrono::steady_clock::now();
  w.run(rt);
  std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count() / static_cast<double>(w.ops);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

unsigned worker_count() {
  const char* raw = std::getenv("TOKIO_BENCH_WORKERS");
  if (raw == nullptr) return std::max(1u, std::thread::hardware_concurrency());
  char* end = nullptr;
  long n = std::strtol(raw, &end, 10);
  if (end == raw || *end != '\0' || n <= 0 || n > 4096) {
    std::fprintf(stderr, "asio_peer: TOKIO_BENCH_WORKERS must be a positive integer, got '%s'\n",
                 raw);
    std::exit(2);
  }
  return static_cast<unsigned>(n);
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view prefix = argc > 1 ? argv[1] : "";
  unsigned threads = worker_count();
  if (prefix == kIdleTaskBytesChild) {
    double bytes = 0;
    {
      Runtime rt(threads);
      bytes = idle_task_bytes_child(rt);
    }
    std::printf("%.1f\n", bytes);
    return 0;
  }
  std::fprintf(stderr, "asio_peer: Boost %d.%d.%d, one io_context run by %u threads\n",
               BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100, threads);
  Runtime rt(threads);

  int selected = 0;
  for (const Workload& w : kWorkloads) {
    if (!w.name.starts_with(prefix)) continue;
    ++selected;
    std::vector<double> samples;
    samples.reserve(w.reps);
    if (w.fresh_run != nullptr) {
      std::fprintf(stderr, "asio_peer: %.*s (%d runs in fresh processes x %llu tasks)\n",
                   static_cast<int>(w.name.size()), w.name.data(), w.reps,
                   static_cast<unsigned long long>(w.ops));
      for (int i = 0; i < w.reps; ++i) {
        samples.push_back(w.fresh_run());
        std::fprintf(stderr, "asio_peer: %.*s: %.1f\n", static_cast<int>(w.name.size()),
                     w.name.data(), samples.back());
      }
    } else {
      std::fprintf(stderr, "asio_peer: %.*s (1 warm-up + %d reps x %llu ops)\n",
                   static_cast<int>(w.name.size()), w.name.data(), w.reps,
                   static_cast<unsigned long long>(w.ops));
      measure(rt, w);  // warm-up, discarded
      for (int i = 0; i < w.reps; ++i)
        samples.push_back(measure(rt, w));
    }
    std::printf("%.*s %.1f\n", static_cast<int>(w.name.size()), w.name.data(), median(samples));
    std::fflush(stdout);
  }
  if (selected == 0) {
    std::fprintf(stderr, "asio_peer: no workload matches prefix '%.*s'\n",
                 static_cast<int>(prefix.size()), prefix.data());
  }
  return 0;
}
