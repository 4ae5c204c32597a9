// runtime::Builder, tokio::run and Runtime's value semantics.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
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

Task<int> value(int v) {
  co_return v;
}

Task<RuntimeFlavor> current_flavor() {
  co_return Handle::current().runtime_flavor();
}

Task<std::thread::id> current_thread_id() {
  co_return std::this_thread::get_id();
}

// Spawns `count` tasks, awaits them all, returns the sum of 0..count-1.
Task<long long> spawn_and_sum(int count) {
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < count; ++i) {
    handles.push_back(tokio::spawn([](int v) -> Task<int> {
      co_await tokio::task::yield_now();
      co_return v;
    }(i)));
  }
  long long sum = 0;
  for (auto& h : handles)
    sum += co_await h;
  co_return sum;
}

struct BuildError {
  int code;
};

Task<int> fails(int code) {
  throw BuildError{code};
  co_return 0;
}

template <class T>
Task<std::optional<JoinError>> join_error_of(tokio::JoinHandle<T> handle) {
  try {
    co_await handle;
  } catch (const JoinError& error) {
    co_return error;
  }
  co_return std::nullopt;
}

}  // namespace

// --- Validation ---------------------------------------------------------------------------

TEST(RtBuilder, invalid_values_throw_invalid_argument) {
  auto multi = Builder::new_multi_thread();
  EXPECT_THROW(multi.worker_threads(0), std::invalid_argument);
  EXPECT_THROW(multi.max_blocking_threads(0), std::invalid_argument);
  EXPECT_THROW(multi.event_interval(0), std::invalid_argument);
  EXPECT_THROW(multi.global_queue_interval(0), std::invalid_argument);
  EXPECT_THROW(multi.thread_keep_alive(std::chrono::nanoseconds(-1)), std::invalid_argument);
  EXPECT_THROW(multi.thread_name_fn(nullptr), std::invalid_argument);
  EXPECT_THROW(multi.busy_poll(std::chrono::nanoseconds(-1)), std::invalid_argument);
  EXPECT_THROW(multi.busy_poll(std::chrono::microseconds(1001)), std::invalid_argument);

  auto current = Builder::new_current_thread();
  EXPECT_THROW(current.max_blocking_threads(0), std::invalid_argument);
  EXPECT_THROW(current.event_interval(0), std::invalid_argument);
  EXPECT_THROW(current.global_queue_interval(0), std::invalid_argument);

  // A rejected value leaves the builder usable with its previous settings.
  auto rt = multi.worker_threads(2).build();
  EXPECT_EQ(rt.block_on(value(1)), 1);
}

TEST(RtBuilder, setters_chain_and_accept_valid_values) {
  auto builder = Builder::new_multi_thread();
  Builder& same = builder.worker_threads(1)
                      .max_blocking_threads(1)
                      .event_interval(1)
                      .global_queue_interval(1)
                      .busy_poll(std::chrono::nanoseconds(0))
                      .busy_poll(std::chrono::milliseconds(1))
                      .thread_keep_alive(std::chrono::seconds(1))
                      .thread_name("chained")
                      .thread_stack_size(1 << 20)
                      .enable_io()
                      .enable_time()
                      .enable_all()
                      .start_paused(false);
  EXPECT_EQ(&same, &builder);
}

// --- Flavors ------------------------------------------------------------------------------

TEST(RtBuilder, current_thread_flavor_is_reported) {
  auto rt = Builder::new_current_thread().enable_all().build();
  EXPECT_EQ(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
  EXPECT_EQ(rt.block_on(current_flavor()), RuntimeFlavor::CurrentThread);
}

TEST(RtBuilder, multi_thread_flavor_is_reported) {
  auto rt = Builder::new_multi_thread().worker_threads(2).enable_all().build();
  EXPECT_EQ(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
  EXPECT_EQ(rt.block_on(current_flavor()), RuntimeFlavor::MultiThread);
}

TEST(RtBuilder, default_runtime_is_multi_thread) {
  Runtime rt;
  EXPECT_EQ(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
  EXPECT_EQ(rt.block_on(spawn_and_sum(100)), 99 * 100 / 2);
}

TEST(RtBuilder, current_thread_runs_tasks_on_the_block_on_thread) {
  auto rt = Builder::new_current_thread().build();
  const auto here = std::this_thread::get_id();
  EXPECT_EQ(rt.block_on(current_thread_id()), here);
  EXPECT_EQ(rt.block_on([]() -> Task<std::thread::id> {
    co_return co_await tokio::spawn(current_thread_id());
  }()),
            here);
}

TEST(RtBuilder, builder_can_build_several_runtimes) {
  auto builder = Builder::new_multi_thread();
  builder.worker_threads(2);
  auto first = builder.build();
  auto second = builder.build();
  EXPECT_EQ(first.block_on(value(1)), 1);
  EXPECT_EQ(second.block_on(value(2)), 2);
  auto current = Builder::new_current_thread();
  auto third = current.build();
  auto fourth = current.build();
  EXPECT_EQ(third.block_on(value(3)) + fourth.block_on(value(4)), 7);
}

TEST(RtBuilder, extreme_intervals_still_run_everything) {
  for (std::uint32_t interval : {1u, 2u, 1000u}) {
    SCOPED_TRACE(interval);
    auto current = Builder::new_current_thread();
    current.event_interval(interval).global_queue_interval(interval);
    auto multi = Builder::new_multi_thread();
    multi.worker_threads(2).event_interval(interval).global_queue_interval(interval);
    for (auto* builder : {&current, &multi}) {
      auto rt = builder->build();
      EXPECT_EQ(rt.block_on(spawn_and_sum(500)), 499 * 500 / 2);
    }
  }
}

TEST(RtBuilder, max_blocking_threads_1_runs_every_job) {
  auto rt = Builder::new_multi_thread().worker_threads(1).max_blocking_threads(1).build();
  const int sum = rt.block_on([]() -> Task<int> {
    std::vector<tokio::JoinHandle<int>> jobs;
    for (int i = 0; i < 20; ++i)
      jobs.push_back(tokio::task::spawn_blocking([i] { return i; }));
    int total = 0;
    for (auto& job : jobs)
      total += co_await job;
    co_return total;
  }());
  EXPECT_EQ(sum, 19 * 20 / 2);
}

TEST(RtBuilder, thread_stack_size_is_applied) {
  constexpr std::size_t kStack = 8u << 20;
  auto seen = std::make_shared<std::atomic<std::size_t>>(0);
  auto builder = Builder::new_multi_thread();
  builder.worker_threads(1).thread_stack_size(kStack).on_thread_start([seen] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    std::size_t size = 0;
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
    seen->store(size);
  });
  {
    auto rt = builder.build();
    EXPECT_EQ(rt.block_on(value(1)), 1);
  }
  EXPECT_GE(seen->load(), kStack);
}

TEST(RtBuilder, start_paused_is_accepted) {
  auto rt = Builder::new_current_thread().enable_all().start_paused(true).build();
  EXPECT_EQ(rt.block_on(value(5)), 5);
}

// --- tokio::run ---------------------------------------------------------------------------

TEST(RtBuilder, run_returns_the_value) {
  EXPECT_EQ(tokio::run(value(42)), 42);
  EXPECT_EQ(tokio::run(spawn_and_sum(50)), 49 * 50 / 2);
  EXPECT_EQ(tokio::run(current_flavor()), RuntimeFlavor::MultiThread);
  // The runtime is gone once run returns.
  EXPECT_FALSE(Handle::try_current().has_value());
}

TEST(RtBuilder, run_with_a_current_thread_builder) {
  EXPECT_EQ(tokio::run(Builder::new_current_thread(), value(7)), 7);
  EXPECT_EQ(tokio::run(Builder::new_current_thread(), current_flavor()),
            RuntimeFlavor::CurrentThread);
  EXPECT_EQ(tokio::run(Builder::new_current_thread(), current_thread_id()),
            std::this_thread::get_id());
  auto builder = Builder::new_multi_thread();
  builder.worker_threads(2);
  EXPECT_EQ(tokio::run(builder, spawn_and_sum(10)), 45);
}

TEST(RtBuilder, run_void_and_exceptions) {
  std::atomic<bool> ran{false};
  tokio::run([](std::atomic<bool>* flag) -> Task<void> {
    flag->store(true);
    co_return;
  }(&ran));
  EXPECT_TRUE(ran.load());
  try {
    (void)tokio::run(fails(3));
    ADD_FAILURE() << "run did not throw";
  } catch (const BuildError& e) {
    EXPECT_EQ(e.code, 3);
  }
  EXPECT_THROW((void)tokio::run(Builder::new_current_thread(), fails(4)), BuildError);
}

// --- Runtime move semantics ---------------------------------------------------------------

TEST(RtBuilder, runtime_move_construct) {
  for (bool multi : {false, true}) {
    SCOPED_TRACE(multi);
    auto original = multi ? Builder::new_multi_thread().worker_threads(2).build()
                          : Builder::new_current_thread().build();
    auto handle = original.handle();
    Runtime moved(std::move(original));
    EXPECT_EQ(moved.block_on(spawn_and_sum(20)), 190);
    // The handle still refers to the same, still running runtime.
    auto spawned = handle.spawn(value(6));
    EXPECT_FALSE(moved.block_on(join_error_of(std::move(spawned))).has_value());
    std::optional<Runtime> holder(std::move(moved));
    EXPECT_EQ(holder->block_on(value(8)), 8);
    holder.reset();  // destroying the moved-to runtime shuts it down; the moved-froms are empty
  }
}

TEST(RtBuilder, runtime_move_assign_shuts_down_the_old_runtime) {
  auto target = Builder::new_current_thread().build();
  auto source = Builder::new_multi_thread().worker_threads(2).build();
  // Never polled: the current_thread runtime only runs tasks inside block_on.
  auto state = std::make_shared<int>(1);
  auto pending =
      target.spawn([](std::shared_ptr<int> kept) -> Task<int> { co_return *kept; }(state));
  EXPECT_FALSE(pending.is_finished());

  target = std::move(source);  // the old current_thread runtime is shut down here
  EXPECT_TRUE(pending.is_finished());
  EXPECT_EQ(state.use_count(), 1);  // its frame was destroyed
  auto error = target.block_on(join_error_of(std::move(pending)));
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(error->is_cancelled());

  EXPECT_EQ(target.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
  EXPECT_EQ(target.block_on(spawn_and_sum(30)), 29 * 30 / 2);

  // Self-move-assignment leaves the runtime intact.
  auto& alias = target;
  target = std::move(alias);
  EXPECT_EQ(target.block_on(value(9)), 9);
}

TEST(RtBuilder, runtimes_are_independent) {
  auto a = Builder::new_current_thread().build();
  auto b = Builder::new_multi_thread().worker_threads(1).build();
  auto from_a = a.spawn(value(1));
  auto from_b = b.spawn(value(2));
  // A JoinHandle of one runtime can be awaited on another: b's worker wakes a's block_on.
  const int sum =
      a.block_on([](tokio::JoinHandle<int> other, tokio::JoinHandle<int> own) -> Task<int> {
        co_return co_await other + co_await own;
      }(std::move(from_b), std::move(from_a)));
  EXPECT_EQ(sum, 3);
}
