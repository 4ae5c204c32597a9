// White-box tests of the multi-thread scheduler's local run queue, with tiny capacities so that
// overflow and wrap-around are reached quickly.
#include "runtime/scheduler/multi_thread/local_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "runtime/scheduler/inject.hpp"

namespace tokio::detail {
namespace {

constexpr TaskVTable kNoopVTable{[](Header*) { return true; }, [](Header*) noexcept {},
                                 [](Header*) noexcept { return std::exception_ptr(); },
                                 [](Header*) noexcept {}};

// A pool of fake tasks whose identity is their index.
struct FakeTasks {
  explicit FakeTasks(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      tasks.push_back(std::make_unique<Header>(&kNoopVTable, 100 * state::REF_ONE));
  }
  std::vector<std::unique_ptr<Header>> tasks;
};

TEST(LocalQueue, FifoWithinCapacity) {
  FakeTasks fake(4);
  LocalQueue<4> q;
  Inject inject;
  for (auto& t : fake.tasks)
    q.push_back_or_overflow(t.get(), inject);
  EXPECT_EQ(q.len(), 4u);
  EXPECT_TRUE(inject.is_empty());
  for (auto& t : fake.tasks)
    EXPECT_EQ(q.pop(), t.get());
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(LocalQueue, OverflowMovesHalfPlusTheNewTaskToInject) {
  FakeTasks fake(5);
  LocalQueue<4> q;
  Inject inject;
  for (auto& t : fake.tasks)
    q.push_back_or_overflow(t.get(), inject);
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(inject.len(), 3u);
  // The oldest half went to the global queue first, in order, followed by the new task.
  EXPECT_EQ(inject.pop(), fake.tasks[0].get());
  EXPECT_EQ(inject.pop(), fake.tasks[1].get());
  EXPECT_EQ(inject.pop(), fake.tasks[4].get());
  EXPECT_EQ(q.pop(), fake.tasks[2].get());
  EXPECT_EQ(q.pop(), fake.tasks[3].get());
}

TEST(LocalQueue, WrapsAroundManyTimes) {
  FakeTasks fake(3);
  LocalQueue<4> q;
  Inject inject;
  for (int round = 0; round < 1000; ++round) {
    for (auto& t : fake.tasks)
      q.push_back_or_overflow(t.get(), inject);
    for (auto& t : fake.tasks)
      ASSERT_EQ(q.pop(), t.get());
  }
  EXPECT_TRUE(inject.is_empty());
}

TEST(LocalQueue, StealTakesHalfAndReturnsOne) {
  FakeTasks fake(4);
  LocalQueue<8> src, dst;
  Inject inject;
  for (auto& t : fake.tasks)
    src.push_back_or_overflow(t.get(), inject);
  Header* got = src.steal_into(dst);
  ASSERT_NE(got, nullptr);
  // Two stolen: one returned to run, one left in dst; two remain in src.
  EXPECT_EQ(src.len(), 2u);
  EXPECT_EQ(dst.len(), 1u);
  EXPECT_EQ(dst.pop(), fake.tasks[0].get());
  EXPECT_EQ(got, fake.tasks[1].get());
  EXPECT_EQ(src.pop(), fake.tasks[2].get());
}

TEST(LocalQueue, StealFromEmptyOrSingle) {
  FakeTasks fake(1);
  LocalQueue<4> src, dst;
  Inject inject;
  EXPECT_EQ(src.steal_into(dst), nullptr);
  src.push_back_or_overflow(fake.tasks[0].get(), inject);
  EXPECT_EQ(src.steal_into(dst), fake.tasks[0].get());
  EXPECT_TRUE(src.is_empty());
  EXPECT_TRUE(dst.is_empty());
}

// One owner pushing and popping, several thieves stealing: every task is taken exactly once.
TEST(LocalQueue, ConcurrentOwnerAndThievesLoseNothing) {
  constexpr std::size_t kTasks = 20000;
  FakeTasks fake(kTasks);
  LocalQueue<8> owner_queue;
  Inject inject;
  std::vector<std::atomic<int>> seen(kTasks);
  std::atomic<bool> done{false};
  std::unordered_map<const Header*, std::size_t> index;
  for (std::size_t i = 0; i < kTasks; ++i)
    index.emplace(fake.tasks[i].get(), i);
  auto fast_record = [&](Header* h) { seen[index.at(h)].fetch_add(1); };

  std::vector<std::thread> thieves;
  for (int t = 0; t < 2; ++t) {
    thieves.emplace_back([&] {
      LocalQueue<8> mine;
      while (!done.load()) {
        if (Header* h = owner_queue.steal_into(mine)) {
          fast_record(h);
          while (Header* more = mine.pop())
            fast_record(more);
        }
      }
    });
  }
  for (std::size_t i = 0; i < kTasks; ++i) {
    owner_queue.push_back_or_overflow(fake.tasks[i].get(), inject);
    if (i % 3 == 0)
      if (Header* h = owner_queue.pop()) fast_record(h);
  }
  while (Header* h = owner_queue.pop())
    fast_record(h);
  done.store(true);
  for (auto& t : thieves)
    t.join();
  while (Header* h = inject.pop())
    fast_record(h);
  for (std::size_t i = 0; i < kTasks; ++i)
    ASSERT_EQ(seen[i].load(), 1) << "task " << i;
}

}  // namespace
}  // namespace tokio::detail
