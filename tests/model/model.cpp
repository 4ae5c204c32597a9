// The checker's engine: model threads passing a baton, the PCT and random strategies, blocking
// and deadlock detection, and the failure report. See model.hpp.
#include "model/model.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <thread>
#include <vector>

namespace tokio_model {

namespace {

enum class Status { Runnable, BlockedMutex, BlockedCond, BlockedJoin, Finished };

struct ModelThread {
  Status status = Status::Runnable;
  const void* waiting_on = nullptr;
  int join_target = -1;
  long priority = 0;
  std::thread os;
};

struct Step {
  std::uint64_t index;
  int thread;
  const char* label;
};

// One iteration. Every field is touched only under `mutex`, or by the thread holding the baton
// (`active`): the others are parked in switch_to.
struct Execution {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<ModelThread> threads;  // a deque: references stay valid as threads are added
  int active = 0;
  std::uint64_t steps = 0;
  std::mt19937_64 rng;
  Options options;
  Strategy strategy;  // this iteration's (Mixed resolved)
  std::uint64_t pct_steps;
  const char* name;
  std::uint64_t seed;
  std::vector<std::uint64_t> change_points;  // PCT: steps at which the runner's priority drops
  long lowest = 0;                           // the lowest priority handed out so far
  int last_runner = -1;                      // who made the previous step
  std::uint64_t run_length = 0;              // how many steps in a row it made
  static constexpr std::size_t kTrace = 48;
  Step trace[kTrace];
};

Execution* g_execution = nullptr;
thread_local int tl_id = -1;

[[noreturn]] void report(Execution& e, const std::string& what) {
  std::fprintf(
      stderr,
      "\nmodel check FAILED: %s\n  scenario: %s\n  strategy: %s (PCT depth %u, k %llu)\n"
      "  replay: TOKIO_MODEL_SEED=%llu TOKIO_MODEL_PCT_STEPS=%llu "
      "TOKIO_MODEL_ITERATIONS=1\n"
      "  steps: %llu; the last ones (step: thread operation):\n",
      what.c_str(), e.name, e.strategy == Strategy::Pct ? "PCT" : "random", e.options.pct_depth,
      static_cast<unsigned long long>(e.pct_steps), static_cast<unsigned long long>(e.seed),
      static_cast<unsigned long long>(e.pct_steps), static_cast<unsigned long long>(e.steps));
  const std::uint64_t first = e.steps > Execution::kTrace ? e.steps - Execution::kTrace : 0;
  for (std::uint64_t s = first; s < e.steps; ++s) {
    const Step& step = e.trace[s % Execution::kTrace];
    std::fprintf(stderr, "    %llu: t%d %s\n", static_cast<unsigned long long>(step.index),
                 step.thread, step.label);
  }
  for (std::size_t i = 0; i < e.threads.size(); ++i) {
    static const char* kStatus[] = {"runnable", "blocked on a mutex", "blocked on a condvar",
                                    "joining", "finished"};
    std::fprintf(stderr, "  t%zu: %s\n", i, kStatus[static_cast<int>(e.threads[i].status)]);
  }
  std::fflush(stderr);
  std::abort();
}

// Chooses who runs next among the runnable threads; -1 when none can.
int pick(Execution& e) {
  int best = -1;
  if (e.strategy == Strategy::Random) {
    std::vector<int> runnable;
    for (std::size_t i = 0; i < e.threads.size(); ++i)
      if (e.threads[i].status == Status::Runnable) runnable.push_back(static_cast<int>(i));
    if (runnable.empty()) return -1;
    return runnable[e.rng() % runnable.size()];
  }
  for (std::size_t i = 0; i < e.threads.size(); ++i) {
    const auto& t = e.threads[i];
    if (t.status != Status::Runnable) continue;
    if (best < 0 || t.priority > e.threads[best].priority) best = static_cast<int>(i);
  }
  return best;
}

// Hands the baton to `next` and waits until this thread holds it again.
void switch_to(Execution& e, std::unique_lock<std::mutex>& lock, int next) {
  const int self = tl_id;
  if (next == self) return;
  e.active = next;
  e.cv.notify_all();
  e.cv.wait(lock, [&] { return e.active == self; });
}

// The running thread stops being runnable (its status is already set): run someone else.
void block(Execution& e, std::unique_lock<std::mutex>& lock) {
  const int next = pick(e);
  if (next < 0) report(e, "deadlock: every unfinished thread is blocked (a lost wake-up?)");
  switch_to(e, lock, next);
}

void record(Execution& e, const char* label) {
  e.trace[e.steps % Execution::kTrace] = Step{e.steps, tl_id, label};
  ++e.steps;
  if (e.steps > e.options.max_steps) report(e, "livelock: the step bound was exceeded");
  // Fairness: a thread that runs kFairnessBound steps in a row is spinning on something another
  // thread must do (a push half-way through, say). A real scheduler preempts it eventually;
  // PCT alone would starve the others for ever, so it gives way as in yield_now.
  constexpr std::uint64_t kFairnessBound = 1000;
  e.run_length = e.last_runner == tl_id ? e.run_length + 1 : 1;
  e.last_runner = tl_id;
  if (e.run_length >= kFairnessBound) {
    e.threads[tl_id].priority = --e.lowest;
    e.run_length = 0;
  }
  if (e.strategy == Strategy::Pct &&
      std::find(e.change_points.begin(), e.change_points.end(), e.steps) != e.change_points.end()) {
    e.threads[tl_id].priority = --e.lowest;  // a PCT change point: the runner gives way
  }
}

void wake_all_on(Execution& e, Status status, const void* object) {
  for (auto& t : e.threads) {
    if (t.status == status && t.waiting_on == object) {
      t.status = Status::Runnable;
      t.waiting_on = nullptr;
    }
  }
}

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value ? std::strtoull(value, nullptr, 0) : fallback;
}

}  // namespace

bool active() noexcept {
  return g_execution != nullptr && tl_id >= 0;
}

void yield_point(const char* label) noexcept {
  if (!active()) return;
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  record(e, label);
  switch_to(e, lock, pick(e));
}

void yield_now() noexcept {
  if (!active()) {
    std::this_thread::yield();
    return;
  }
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  record(e, "yield_now");
  if (e.strategy == Strategy::Pct) e.threads[tl_id].priority = --e.lowest;
  switch_to(e, lock, pick(e));
}

void assert_that(bool condition, const char* what, const char* file, int line) {
  if (condition) return;
  if (!active()) {
    std::fprintf(stderr, "%s:%d: model assertion failed outside a check: %s\n", file, line, what);
    std::abort();
  }
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  report(e, std::string("assertion failed in t") + std::to_string(tl_id) + ": " + what + " (" +
                file + ":" + std::to_string(line) + ")");
}

Thread::Thread(std::function<void()> fn) : id_(-1) {
  if (!active()) {
    std::fprintf(stderr, "tokio_model::Thread created outside tokio_model::check\n");
    std::abort();
  }
  yield_point("spawn");
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  id_ = static_cast<int>(e.threads.size());
  auto& t = e.threads.emplace_back();
  t.priority = static_cast<long>(e.options.pct_depth + (e.rng() % 1000) * 8 + id_);
  const int id = id_;
  t.os = std::thread([&e, id, fn = std::move(fn)] {
    {
      std::unique_lock inner(e.mutex);
      e.cv.wait(inner, [&] { return e.active == id; });
    }
    tl_id = id;
    fn();
    std::unique_lock inner(e.mutex);
    e.threads[id].status = Status::Finished;
    for (auto& other : e.threads) {
      if (other.status == Status::BlockedJoin && other.join_target == id)
        other.status = Status::Runnable;
    }
    const int next = pick(e);
    bool unfinished = false;
    for (auto& other : e.threads)
      unfinished |= other.status != Status::Finished;
    if (next < 0 && unfinished)
      report(e, "deadlock: every unfinished thread is blocked (a lost wake-up?)");
    if (next >= 0) {
      e.active = next;
      e.cv.notify_all();
    }
    tl_id = -1;
  });
}

void Thread::join() {
  if (id_ < 0) return;
  Execution& e = *g_execution;
  {
    std::unique_lock lock(e.mutex);
    record(e, "join");
    auto& me = e.threads[tl_id];
    while (e.threads[id_].status != Status::Finished) {
      me.status = Status::BlockedJoin;
      me.join_target = id_;
      block(e, lock);
    }
  }
  e.threads[id_].os.join();
  id_ = -1;
}

Thread::~Thread() {
  join();
}

void Mutex::lock() noexcept {
  if (!active()) {
    plain_.lock();
    return;
  }
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  record(e, "mutex lock");
  switch_to(e, lock, pick(e));
  while (owner_ != -1) {
    e.threads[tl_id].status = Status::BlockedMutex;
    e.threads[tl_id].waiting_on = this;
    block(e, lock);
  }
  owner_ = tl_id;
}

bool Mutex::try_lock() noexcept {
  if (!active()) return plain_.try_lock();
  yield_point("mutex try_lock");
  if (owner_ != -1) return false;
  owner_ = tl_id;
  return true;
}

void Mutex::unlock() noexcept {
  if (!active()) {
    plain_.unlock();
    return;
  }
  {
    Execution& e = *g_execution;
    std::unique_lock lock(e.mutex);
    owner_ = -1;
    wake_all_on(e, Status::BlockedMutex, this);
  }
  yield_point("mutex unlock");
}

void CondVar::wait_impl(Mutex& mutex) noexcept {
  Execution& e = *g_execution;
  {
    std::unique_lock lock(e.mutex);
    // A scheduling point before the wait, like before any other operation: what the waiter
    // did last (under the mutex) and its wait are two steps, and a notify that does not take
    // the mutex can fall between them.
    record(e, "condvar wait");
    switch_to(e, lock, pick(e));
    mutex.owner_ = -1;  // released and queued as one step, as a condition variable does
    wake_all_on(e, Status::BlockedMutex, &mutex);
    e.threads[tl_id].status = Status::BlockedCond;
    e.threads[tl_id].waiting_on = this;
    block(e, lock);
  }
  mutex.lock();
}

void CondVar::notify_one() noexcept {
  if (!active()) return;
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  record(e, "condvar notify_one");
  for (auto& t : e.threads) {
    if (t.status == Status::BlockedCond && t.waiting_on == this) {
      t.status = Status::Runnable;
      t.waiting_on = nullptr;
      break;
    }
  }
  switch_to(e, lock, pick(e));
}

void CondVar::notify_all() noexcept {
  if (!active()) return;
  Execution& e = *g_execution;
  std::unique_lock lock(e.mutex);
  record(e, "condvar notify_all");
  wake_all_on(e, Status::BlockedCond, this);
  switch_to(e, lock, pick(e));
}

void check(const char* name, const std::function<void()>& scenario, Options options) {
  options.seed = env_or("TOKIO_MODEL_SEED", options.seed);
  options.iterations =
      static_cast<std::uint32_t>(env_or("TOKIO_MODEL_ITERATIONS", options.iterations));
  options.pct_steps = env_or("TOKIO_MODEL_PCT_STEPS", options.pct_steps);
  // PCT's k (the change points fall within it): given, or the longest iteration seen so far.
  std::uint64_t longest = 32;
  for (std::uint32_t i = 0; i < options.iterations; ++i) {
    Execution e;
    e.options = options;
    e.name = name;
    e.seed = options.seed + i;
    e.strategy = options.strategy != Strategy::Mixed ? options.strategy
                 : (e.seed & 1)                      ? Strategy::Random
                                                     : Strategy::Pct;
    e.pct_steps = options.pct_steps ? options.pct_steps : longest;
    e.rng.seed(e.seed);
    for (std::uint32_t d = 1; d < options.pct_depth; ++d)
      e.change_points.push_back(1 + e.rng() % e.pct_steps);
    auto& main = e.threads.emplace_back();
    main.priority = static_cast<long>(options.pct_depth + (e.rng() % 1000) * 8);
    g_execution = &e;
    tl_id = 0;
    scenario();
    {
      std::unique_lock lock(e.mutex);
      e.threads[0].status = Status::Finished;
      for (std::size_t t = 1; t < e.threads.size(); ++t)
        if (e.threads[t].status != Status::Finished)
          report(e, "the scenario returned before joining all its threads");
    }
    tl_id = -1;
    g_execution = nullptr;
    longest = std::max(longest, e.steps);
  }
}

}  // namespace tokio_model
