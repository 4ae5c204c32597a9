// Small helpers shared by the task_* and macros_* tests: destructor counters, an awaitable
// one-shot event built only from the public API, and ready-made Tasks.
#pragma once

#include <atomic>
#include <latch>
#include <memory>
#include <utility>

#include "tokio/tokio.hpp"

namespace tokio_test {

/// Counts how many times it is destroyed (a moved-from counter does not count).
class DropCounter {
 public:
  explicit DropCounter(std::atomic<int>& count) noexcept : count_(&count) {}
  DropCounter(DropCounter&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
  DropCounter(const DropCounter&) = delete;
  DropCounter& operator=(const DropCounter&) = delete;
  DropCounter& operator=(DropCounter&&) = delete;
  ~DropCounter() {
    if (count_) count_->fetch_add(1, std::memory_order_acq_rel);
  }

 private:
  std::atomic<int>* count_;
};

/// A one-shot event that tasks can await without any sync primitive from the library:
/// `waiter()` spawns a blocking-pool job that waits on a std::latch and returns its JoinHandle,
/// so awaiting it suspends the task until `set()` is called (from any thread, any number of
/// times). Copies share the same event.
///
/// Every waiter occupies a blocking thread until the event is set, and Runtime shutdown waits
/// for running blocking jobs: set every event before the test body returns (SetOnExit does it).
class Event {
 public:
  Event() : state_(std::make_shared<State>()) {}
  void set() const { state_->set(); }
  bool is_set() const { return state_->fired.load(std::memory_order_acquire); }
  /// Must be called inside a runtime (it uses spawn_blocking).
  tokio::JoinHandle<void> waiter() const {
    return tokio::task::spawn_blocking([state = state_] { state->latch.wait(); });
  }

 private:
  struct State {
    std::latch latch{1};
    std::atomic<bool> fired{false};
    void set() {
      if (!fired.exchange(true, std::memory_order_acq_rel)) latch.count_down();
    }
  };
  std::shared_ptr<State> state_;
};

/// Sets `event` when it goes out of scope, so that an early co_return (TOKIO_CO_ASSERT) never
/// leaves a blocking job waiting and the runtime's shutdown hanging.
struct SetOnExit {
  Event event;
  ~SetOnExit() { event.set(); }
};

/// A Task that completes at once with `value`.
template <class T>
tokio::Task<T> ready(T value) {
  co_return value;
}

/// A Task<void> that completes at once.
inline tokio::Task<void> ready_void() {
  co_return;
}

/// Awaits `handle` (a Task wrapper, handy for join/select branches).
template <class T>
tokio::Task<T> await_handle(tokio::JoinHandle<T> handle) {
  co_return co_await handle;
}

/// Holds a DropCounter and waits for `handle`: a branch that stays pending until an Event is
/// set, and counts its own destruction.
inline tokio::Task<int> counted_wait(std::atomic<int>* drops, tokio::JoinHandle<void> handle,
                                     int value) {
  DropCounter counter(*drops);
  co_await handle;
  co_return value;
}

/// Yields (tokio::task::yield_now) until `pred()` is true or `max_yields` yields have happened;
/// returns `pred()`. A bounded spin for conditions another task or thread makes true.
template <class Pred>
tokio::Task<bool> yield_until(Pred pred, long max_yields = 10'000'000) {
  for (long i = 0; i < max_yields && !pred(); ++i)
    co_await tokio::task::yield_now();
  co_return pred();
}

}  // namespace tokio_test
