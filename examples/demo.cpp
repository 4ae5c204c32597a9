// The tokio-cpp demo: shows the runtime at work and prints what it measured.
//
// It spawns a million tasks on the work-stealing scheduler, runs a fan-out/fan-in computation
// with JoinSet, races tasks with select, and offloads blocking work to the blocking pool.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "tokio/tokio.hpp"

using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

tokio::Task<void> bump(std::atomic<long>* counter) {
  counter->fetch_add(1, std::memory_order_relaxed);
  co_return;
}

tokio::Task<long> sum_range(long from, long to) {
  long sum = 0;
  for (long i = from; i < to; ++i) {
    sum += i;
    if (i % 4096 == 0) co_await tokio::task::yield_now();  // share the worker
  }
  co_return sum;
}

tokio::Task<int> count_to(int n) {
  for (int i = 0; i < n; ++i)
    co_await tokio::task::yield_now();
  co_return n;
}

tokio::Task<int> async_main() {
  const unsigned workers = std::thread::hardware_concurrency();
  std::printf("tokio-cpp demo: multi-thread runtime, %u worker(s)\n", workers);

  // 1. A million tiny tasks.
  {
    std::atomic<long> counter{0};
    const auto start = Clock::now();
    std::vector<tokio::JoinHandle<void>> handles;
    handles.reserve(1'000'000);
    for (int i = 0; i < 1'000'000; ++i)
      handles.push_back(tokio::spawn(bump(&counter)));
    for (auto& h : handles)
      co_await h;
    const double ms = ms_since(start);
    std::printf("  spawned and joined %ld tasks in %.1f ms (%.0f ns per task)\n", counter.load(),
                ms, ms * 1e6 / 1'000'000);
  }

  // 2. Fan-out / fan-in with a JoinSet.
  {
    const auto start = Clock::now();
    tokio::task::JoinSet<long> set;
    constexpr long kChunks = 64, kChunk = 1'000'000;
    for (long c = 0; c < kChunks; ++c)
      set.spawn(sum_range(c * kChunk, (c + 1) * kChunk));
    long total = 0;
    while (auto outcome = co_await set.join_next())
      total += outcome->value();
    const long n = kChunks * kChunk;
    std::printf("  JoinSet summed 0..%ld = %ld (%s) in %.1f ms\n", n, total,
                total == n * (n - 1) / 2 ? "correct" : "WRONG", ms_since(start));
  }

  // 3. select: the shorter count wins, the longer one is cancelled.
  {
    const auto start = Clock::now();
    auto winner = co_await tokio::select(count_to(1'000), count_to(100'000));
    std::printf("  select: branch %zu won (counted to %d) in %.2f ms; the loser was dropped\n",
                winner.index(), winner.index() == 0 ? std::get<0>(winner) : std::get<1>(winner),
                ms_since(start));
  }

  // 4. Blocking work on the blocking pool while async tasks keep running.
  {
    const auto start = Clock::now();
    auto blocking = tokio::task::spawn_blocking([] {
      long x = 0;
      for (long i = 0; i < 50'000'000; ++i)
        x += i % 7;
      return x;
    });
    auto [a, b] = co_await tokio::join(count_to(10'000), count_to(10'000));
    const long x = co_await blocking;
    std::printf("  spawn_blocking computed %ld while async tasks yielded %d times, %.1f ms\n", x,
                a + b, ms_since(start));
  }
  co_return 0;
}

}  // namespace

int main() {
  return tokio::run(async_main());
}
