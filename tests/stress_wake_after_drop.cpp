// Wakes from outside the runtime at any moment: while tasks run, while the runtime is being
// dropped, and after it is gone. A task's Waker keeps what it reaches alive (the task, and the
// task's scheduler), so none of this may touch freed memory (ASan) or race (TSan), and once
// the last Waker is dropped nothing may leak (LeakSanitizer).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "tokio/detail/context.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::detail::Waker;

// Wakers published by parked tasks, taken by the outside thread.
struct WakerBox {
  std::mutex mutex;
  std::vector<Waker> wakers;
  void put(Waker w) {
    std::lock_guard lock(mutex);
    wakers.push_back(std::move(w));
  }
  std::vector<Waker> take() {
    std::lock_guard lock(mutex);
    return std::exchange(wakers, {});
  }
};

// A leaf that hands a clone of its task's waker to the box and completes on the next poll
// (a test helper: any wake, even a spurious one, completes it).
class Park final : tokio::detail::Leaf {
 public:
  explicit Park(WakerBox& box) : box_(box) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> awaiting) {
    auto& ctx = tokio::detail::current_context("Park");
    box_.put(tokio::detail::task_waker(ctx.task));
    tokio::detail::suspend_leaf(ctx, this, awaiting);
    return true;
  }
  void await_resume() const noexcept {}

 private:
  bool poll_ready() noexcept override { return true; }
  WakerBox& box_;
};

tokio::Task<void> parker(WakerBox* box) {
  for (;;)
    co_await Park(*box);
}

// Plays with every Waker it gets: wake, wake_by_ref, clone, drop. Keeps some of them for
// after the runtime is gone.
class OutsideWaker {
 public:
  explicit OutsideWaker(WakerBox& box) : box_(box), thread_([this] { run(); }) {}
  ~OutsideWaker() {
    stop_.store(true);
    thread_.join();
  }
  std::uint64_t wakes() const { return wakes_.load(); }

 private:
  void run() {
    std::uint32_t rng = 12345;
    std::vector<Waker> kept;
    while (!stop_.load()) {
      for (auto& w : box_.take()) {
        rng = rng * 1103515245u + 12345u;
        switch ((rng >> 16) % 4) {
          case 0:
            w.wake();
            break;
          case 1:
            w.wake_by_ref();
            break;
          case 2: {
            Waker copy = w;
            copy.wake();
            break;
          }
          default:
            kept.push_back(std::move(w));  // woken later, possibly after the runtime is gone
        }
        wakes_.fetch_add(1, std::memory_order_relaxed);
      }
      if (kept.size() > 8) {  // fewer than the tasks, so some always get woken
        for (auto& w : kept)
          w.wake_by_ref();
        kept.clear();
      }
      std::this_thread::yield();
    }
    for (auto& w : kept)
      w.wake();
  }

  WakerBox& box_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> wakes_{0};
  std::thread thread_;
};

TEST(StressWake, WakesRaceWithMultiThreadRuntimeDrop) {
  WakerBox box;
  OutsideWaker outside(box);
  for (int round = 0; round < 400; ++round) {
    auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
    for (int i = 0; i < 16; ++i)
      rt.spawn(parker(&box));
    // Let the tasks park and be woken a few times before the runtime goes.
    const auto start = outside.wakes();
    while (outside.wakes() < start + 8)
      std::this_thread::yield();
  }
}

TEST(StressWake, WakesRaceWithCurrentThreadRuntimeDrop) {
  WakerBox box;
  OutsideWaker outside(box);
  for (int round = 0; round < 400; ++round) {
    auto rt = tokio::runtime::Builder::new_current_thread().build();
    rt.block_on([](WakerBox* b) -> tokio::Task<void> {
      for (int i = 0; i < 16; ++i)
        tokio::spawn(parker(b));
      for (int i = 0; i < 20; ++i)
        co_await tokio::task::yield_now();
    }(&box));
    // The tasks are parked now; the runtime drops while the outside thread wakes them.
  }
}

TEST(StressWake, WakersOutliveTheRuntime) {
  // Wakers taken while the runtime lived, used only after it is gone.
  WakerBox box;
  {
    auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
    for (int i = 0; i < 8; ++i)
      rt.spawn(parker(&box));
    for (;;) {
      {
        std::lock_guard lock(box.mutex);
        if (box.wakers.size() >= 8) break;
      }
      std::this_thread::yield();
    }
  }
  auto wakers = box.take();
  for (auto& w : wakers) {
    Waker copy = w;
    copy.wake_by_ref();
    w.wake();
  }
}

}  // namespace
