// A small model checker for the runtime's lock-free code, in the manner of Rust's loom and of
// PCT (Burckhardt et al., "A Randomized Scheduler with Probabilistic Guarantees of Finding
// Bugs", ASPLOS 2010).
//
// A scenario runs a few model threads over real runtime code compiled with TOKIO_MODEL_CHECK,
// which turns the synchronisation seam (tokio/detail/sync_seam.hpp) into the instrumented
// types below. Every atomic operation, lock, unlock, wait and notify is a scheduling point:
// exactly one model thread runs at a time, and at each point the checker decides which one
// runs next. Each iteration explores one interleaving; over many iterations a randomized
// priority scheduler (PCT, with a few priority change points, or a uniform random walk)
// covers the schedules that matter with known probability. The memory model explored is
// sequential consistency: weaker orderings are left to ThreadSanitizer.
//
// A failed check, a deadlock (every unfinished thread blocked: a lost wake-up) or a livelock
// (the step bound exceeded) prints the scenario, the strategy, the seed and the trace of the
// last steps, then aborts the process. Re-running with TOKIO_MODEL_SEED=<seed> and
// TOKIO_MODEL_ITERATIONS=1 replays exactly that interleaving.
//
// Model threads are real std::threads that pass a baton, so the code under test runs
// unchanged (its stacks, its exceptions); only the order of its shared-memory operations is
// chosen by the checker.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

namespace tokio_model {

/// How each iteration picks the next thread. Mixed alternates PCT and Random by seed parity.
enum class Strategy { Pct, Random, Mixed };

struct Options {
  std::uint32_t iterations = 2000;  // overridden by TOKIO_MODEL_ITERATIONS
  Strategy strategy = Strategy::Mixed;
  std::uint32_t pct_depth = 3;          // priority change points + 1 (PCT's d)
  std::uint64_t pct_steps = 0;          // PCT's k (0: the longest iteration seen so far)
  std::uint64_t max_steps = 200'000;    // per iteration: beyond it, a livelock is reported
  std::uint64_t seed = 0x70C10C0DEull;  // overridden by TOKIO_MODEL_SEED
};

/// Runs `scenario` (the body of model thread 0) `options.iterations` times, each under a
/// new interleaving. Aborts the process with a report on the first failure.
void check(const char* name, const std::function<void()>& scenario, Options options = {});

/// A model thread running `fn`; must be joined (or it is joined by the end of the iteration).
class Thread {
 public:
  explicit Thread(std::function<void()> fn);
  Thread(Thread&& other) noexcept : id_(std::exchange(other.id_, -1)) {}
  Thread(const Thread&) = delete;
  ~Thread();
  void join();

 private:
  int id_;
};

/// Fails the current iteration (report, then abort) unless `condition` holds.
void assert_that(bool condition, const char* what, const char* file, int line);
#define MODEL_ASSERT(cond) ::tokio_model::assert_that((cond), #cond, __FILE__, __LINE__)

/// A scheduling point. `label` names it in the trace.
void yield_point(const char* label) noexcept;
/// The running thread cannot make progress until another thread runs (a spin loop): it gives
/// way (under PCT it drops to the lowest priority).
void yield_now() noexcept;
/// True while an iteration runs on this thread (outside it, the primitives are plain).
bool active() noexcept;

// --- Blocking primitives -------------------------------------------------------------------

class Mutex {
 public:
  void lock() noexcept;
  bool try_lock() noexcept;
  void unlock() noexcept;

 private:
  friend class CondVar;
  int owner_ = -1;
  std::mutex plain_;  // used outside iterations
};

class CondVar {
 public:
  template <class Lock>
  void wait(Lock& lock) {
    wait_impl(*lock.mutex());
  }
  template <class Lock, class Pred>
  void wait(Lock& lock, Pred pred) {
    while (!pred())
      wait(lock);
  }
  /// Timeouts are not modeled: a timed wait waits as an untimed one (the scenarios never rely
  /// on a timeout to make progress).
  template <class Lock, class TimePoint>
  void wait_until(Lock& lock, const TimePoint&) {
    wait(lock);
  }
  void notify_one() noexcept;
  void notify_all() noexcept;

 private:
  void wait_impl(Mutex& mutex) noexcept;
  std::uint64_t generation_ = 0;  // wakes given so far (identifies waiters)
};

// --- Atomics -------------------------------------------------------------------------------

/// std::atomic<T> with a scheduling point before every operation. The storage is a real
/// std::atomic, accessed sequentially consistently (only one model thread runs at a time).
template <class T>
class Atomic {
 public:
  constexpr Atomic() noexcept : value_() {}
  constexpr Atomic(T value) noexcept : value_(value) {}  // NOLINT: as std::atomic
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(std::memory_order = std::memory_order_seq_cst) const noexcept {
    yield_point("load");
    return value_.load();
  }
  void store(T value, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("store");
    value_.store(value);
  }
  T exchange(T value, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("exchange");
    return value_.exchange(value);
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order = std::memory_order_seq_cst,
                               std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("cas");
    return value_.compare_exchange_strong(expected, desired);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order = std::memory_order_seq_cst,
                             std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("cas");
    return value_.compare_exchange_strong(expected, desired);  // no spurious failure modeled
  }
  T fetch_add(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("fetch_add");
    return value_.fetch_add(arg);
  }
  T fetch_sub(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("fetch_sub");
    return value_.fetch_sub(arg);
  }
  T fetch_or(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("fetch_or");
    return value_.fetch_or(arg);
  }
  T fetch_and(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("fetch_and");
    return value_.fetch_and(arg);
  }
  T fetch_xor(T arg, std::memory_order = std::memory_order_seq_cst) noexcept {
    yield_point("fetch_xor");
    return value_.fetch_xor(arg);
  }
  operator T() const noexcept { return load(); }  // NOLINT: as std::atomic
  T operator=(T value) noexcept {
    store(value);
    return value;
  }

 private:
  std::atomic<T> value_;
};

/// std::atomic_ref<T> with a scheduling point before every operation.
template <class T>
class AtomicRef {
 public:
  explicit AtomicRef(T& object) noexcept : ref_(object) {}
  T load(std::memory_order = std::memory_order_seq_cst) const noexcept {
    yield_point("load");
    return ref_.load();
  }
  void store(T value, std::memory_order = std::memory_order_seq_cst) const noexcept {
    yield_point("store");
    ref_.store(value);
  }

 private:
  std::atomic_ref<T> ref_;
};

}  // namespace tokio_model
