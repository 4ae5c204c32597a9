// White-box tests of the hierarchical timing wheel.
#include "runtime/time/wheel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace tokio::detail {
namespace {

std::vector<std::uint64_t> drain(TimerWheel& wheel, std::uint64_t now) {
  std::vector<std::uint64_t> fired;
  for (TimerEntry* e = wheel.poll(now); e; e = wheel.poll(now))
    fired.push_back(e->deadline);
  return fired;
}

TEST(TimerWheel, FiresAtTheDeadlineNotBefore) {
  TimerWheel wheel;
  TimerEntry e;
  e.deadline = 10;
  ASSERT_TRUE(wheel.insert(&e));
  EXPECT_EQ(wheel.next_expiration(), 10u);
  EXPECT_TRUE(drain(wheel, 9).empty());
  EXPECT_EQ(drain(wheel, 10), std::vector<std::uint64_t>{10});
  EXPECT_TRUE(wheel.is_empty());
  EXPECT_FALSE(e.is_linked());
}

TEST(TimerWheel, PastDeadlineIsDueNow) {
  TimerWheel wheel;
  (void)drain(wheel, 100);
  TimerEntry e;
  e.deadline = 100;
  EXPECT_FALSE(wheel.insert(&e));
  e.deadline = 3;
  EXPECT_FALSE(wheel.insert(&e));
}

TEST(TimerWheel, RemoveUnlinks) {
  TimerWheel wheel;
  TimerEntry a, b;
  a.deadline = 5;
  b.deadline = 5;
  ASSERT_TRUE(wheel.insert(&a));
  ASSERT_TRUE(wheel.insert(&b));
  wheel.remove(&a);
  EXPECT_EQ(drain(wheel, 10).size(), 1u);
  EXPECT_TRUE(wheel.is_empty());
}

TEST(TimerWheel, DueEntriesStayRemovableBetweenPolls) {
  // The driver drops its lock between batches of wake-ups: an entry that is due but not yet
  // handed out may be removed meanwhile (its Sleep was destroyed).
  TimerWheel wheel;
  TimerEntry a, b, c;
  a.deadline = b.deadline = c.deadline = 5;
  ASSERT_TRUE(wheel.insert(&a));
  ASSERT_TRUE(wheel.insert(&b));
  ASSERT_TRUE(wheel.insert(&c));
  EXPECT_EQ(wheel.poll(10), &a);
  EXPECT_TRUE(b.is_linked());
  wheel.remove(&b);
  EXPECT_EQ(wheel.next_expiration(), 5u);  // c is still to be handed out
  EXPECT_EQ(wheel.poll(10), &c);
  EXPECT_EQ(wheel.poll(10), nullptr);
  EXPECT_TRUE(wheel.is_empty());
  EXPECT_EQ(wheel.elapsed(), 10u);
}

TEST(TimerWheel, FarDeadlinesCascadeAndFireInOrder) {
  TimerWheel wheel;
  std::vector<std::uint64_t> deadlines = {1,       63,        64,         65,      4095,
                                          4096,    4097,      262'143,    262'144, 16'777'216,
                                          123'456, 9'999'999, 1ull << 33, 70,      70};
  std::vector<TimerEntry> entries(deadlines.size());
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    entries[i].deadline = deadlines[i];
    ASSERT_TRUE(wheel.insert(&entries[i]));
  }
  std::vector<std::uint64_t> fired;
  // Step through time irregularly, as a driver would.
  std::uint64_t now = 0;
  while (!wheel.is_empty()) {
    auto next = wheel.next_expiration();
    ASSERT_TRUE(next.has_value());
    now = *next;
    for (auto d : drain(wheel, now)) {
      EXPECT_LE(d, now);
      fired.push_back(d);
    }
  }
  auto sorted = deadlines;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(fired, sorted);
}

TEST(TimerWheel, RandomDeadlinesFireExactlyOnTimeWithJumps) {
  TimerWheel wheel;
  std::mt19937_64 rng(42);
  std::vector<TimerEntry> entries(5000);
  for (auto& e : entries) {
    e.deadline = 1 + rng() % 5'000'000;
    ASSERT_TRUE(wheel.insert(&e));
  }
  std::uint64_t now = 0;
  std::size_t fired = 0;
  while (!wheel.is_empty()) {
    const std::uint64_t previous = now;
    now += 1 + rng() % 20'000;  // big jumps: many slots at once
    for (TimerEntry* e = wheel.poll(now); e; e = wheel.poll(now)) {
      EXPECT_LE(e->deadline, now);
      EXPECT_GT(e->deadline, previous);  // not left behind by an earlier poll
      ++fired;
    }
  }
  EXPECT_EQ(fired, entries.size());
}

TEST(TimerWheel, DeadlinesBeyondTheRangeNeverFireEarly) {
  TimerWheel wheel;
  TimerEntry e;
  const std::uint64_t deadline = 3 * TimerWheel::kMaxDuration + 12345;
  e.deadline = deadline;
  ASSERT_TRUE(wheel.insert(&e));
  std::uint64_t now = 0;
  int polls = 0;
  for (;;) {
    auto next = wheel.next_expiration();
    ASSERT_TRUE(next.has_value());
    ASSERT_LE(*next, deadline);
    now = *next;
    ++polls;
    auto fired = drain(wheel, now);
    if (!fired.empty()) {
      EXPECT_EQ(fired, std::vector<std::uint64_t>{deadline});
      break;
    }
    ASSERT_LT(polls, 100);
  }
  EXPECT_EQ(now, deadline);
}

}  // namespace
}  // namespace tokio::detail
