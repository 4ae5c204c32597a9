// Stress tests for the lock-like sync primitives (Mutex, RwLock, Semaphore, OnceCell, Barrier)
// on a multi-thread runtime: invariants under contention, and cancellation storms (select
// losers, timeouts, JoinHandle::abort) that must leave no ghost waiter and lose no permit.
// Sized to finish quickly in debug builds and under TSan; they assert invariants, never
// timings.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "tokio/sync/barrier.hpp"
#include "tokio/sync/mutex.hpp"
#include "tokio/sync/once_cell.hpp"
#include "tokio/sync/rwlock.hpp"
#include "tokio/sync/semaphore.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using namespace std::chrono_literals;
using tokio::sync::Barrier;
using tokio::sync::Mutex;
using tokio::sync::OnceCell;
using tokio::sync::RwLock;
using tokio::sync::Semaphore;

constexpr auto kMulti = tokio::runtime::RuntimeFlavor::MultiThread;

// A small deterministic PRNG per task (xorshift), so the mix of operations varies by task
// without shared state.
struct Rng {
  std::uint32_t s;
  explicit Rng(std::uint32_t seed) : s(seed * 2654435761u + 1) {}
  std::uint32_t next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
};

// ---- RwLock: readers and writers hammer the lock; the protected pair stays consistent ----

struct Pair {
  long a = 0;
  long b = 0;
};

struct Occupancy {
  std::atomic<int> readers{0};
  std::atomic<int> writers{0};
  std::atomic<long> writes{0};
  std::atomic<int> peak_readers{0};
};

void check_read(const Pair& p, Occupancy& occ) {
  const int now = occ.readers.fetch_add(1) + 1;
  EXPECT_EQ(occ.writers.load(), 0) << "a reader runs next to a writer";
  int seen = occ.peak_readers.load();
  while (now > seen && !occ.peak_readers.compare_exchange_weak(seen, now)) {
  }
  EXPECT_EQ(p.a, p.b) << "torn read";
}

void enter_write(Occupancy& occ) {
  EXPECT_EQ(occ.writers.fetch_add(1), 0) << "two writers at once";
  EXPECT_EQ(occ.readers.load(), 0) << "a writer runs next to a reader";
}

tokio::Task<void> rwlock_hammer(RwLock<Pair>* lock, Occupancy* occ, int id, int rounds) {
  Rng rng(id);
  for (int i = 0; i < rounds; ++i) {
    const auto op = rng.next() % 8;
    if (op < 4) {  // read, sometimes held across a yield
      auto r = co_await lock->read();
      check_read(*r, *occ);
      if (op == 0) co_await tokio::task::yield_now();
      EXPECT_EQ(r->a, r->b);
      occ->readers.fetch_sub(1);
    } else if (op < 6) {  // write
      auto w = co_await lock->write();
      enter_write(*occ);
      w->a += 1;
      if (op == 4) co_await tokio::task::yield_now();  // half-updated across a suspension
      w->b += 1;
      occ->writes.fetch_add(1);
      occ->writers.fetch_sub(1);
    } else if (op == 6) {  // write, then downgrade to a read
      auto w = co_await lock->write();
      enter_write(*occ);
      w->a += 1;
      w->b += 1;
      occ->writes.fetch_add(1);
      occ->writers.fetch_sub(1);
      auto r = std::move(w).downgrade();
      check_read(*r, *occ);
      co_await tokio::task::yield_now();
      occ->readers.fetch_sub(1);
    } else {  // try_* forms
      if (auto w = lock->try_write()) {
        enter_write(*occ);
        (*w)->a += 1;
        (*w)->b += 1;
        occ->writes.fetch_add(1);
        occ->writers.fetch_sub(1);
      } else if (auto r = lock->try_read()) {
        check_read(**r, *occ);
        occ->readers.fetch_sub(1);
      }
    }
  }
}

TOKIO_TEST(StressSyncLocks, RwLockReadersAndWriters, .flavor = kMulti, .worker_threads = 4) {
  RwLock<Pair> lock;
  Occupancy occ;
  constexpr int kTasks = 16, kRounds = 500;
  std::vector<tokio::JoinHandle<void>> handles;
  for (int t = 0; t < kTasks; ++t)
    handles.push_back(tokio::spawn(rwlock_hammer(&lock, &occ, t + 1, kRounds)));
  for (auto& h : handles)
    co_await h;
  auto w = lock.try_write();
  TOKIO_CO_ASSERT(w);
  EXPECT_EQ((*w)->a, occ.writes.load());
  EXPECT_EQ((*w)->b, occ.writes.load());
  EXPECT_GE(occ.peak_readers.load(), 1);
}

// A small reader limit makes readers queue against each other too.
TOKIO_TEST(StressSyncLocks, RwLockWithFewReaders, .flavor = kMulti, .worker_threads = 4) {
  auto lock = std::make_shared<RwLock<Pair>>(tokio::sync::MaxReaders{3});
  Occupancy occ;
  std::vector<tokio::JoinHandle<void>> handles;
  for (int t = 0; t < 12; ++t)
    handles.push_back(tokio::spawn([lock, &occ, t]() -> tokio::Task<void> {
      Rng rng(t + 100);
      for (int i = 0; i < 300; ++i) {
        if (rng.next() % 3 == 0) {
          auto w = co_await RwLock<Pair>::write_owned(lock);
          enter_write(occ);
          w->a += 1;
          w->b += 1;
          occ.writes.fetch_add(1);
          occ.writers.fetch_sub(1);
        } else {
          auto r = co_await RwLock<Pair>::read_owned(lock);
          check_read(*r, occ);
          co_await tokio::task::yield_now();
          occ.readers.fetch_sub(1);
        }
      }
    }));
  for (auto& h : handles)
    co_await h;
  EXPECT_LE(occ.peak_readers.load(), 3);
  auto w = RwLock<Pair>::try_write_owned(lock);
  TOKIO_CO_ASSERT(w);
  EXPECT_EQ((*w)->a, occ.writes.load());
}

// ---- Cancellation storms ----

tokio::Task<int> yield_then(int rounds, int value) {
  for (int k = 0; k < rounds; ++k)
    co_await tokio::task::yield_now();
  co_return value;
}

tokio::Task<int> rw_write_briefly(RwLock<long>* lock) {
  auto w = co_await lock->write();
  *w += 1;
  co_await tokio::task::yield_now();
  co_return 1;
}

tokio::Task<int> rw_read_briefly(RwLock<long>* lock) {
  auto r = co_await lock->read();
  co_await tokio::task::yield_now();
  co_return 2;
}

tokio::Task<int> mutex_briefly(Mutex<long>* m) {
  auto g = co_await m->lock();
  *g += 1;
  co_await tokio::task::yield_now();
  co_return 1;
}

tokio::Task<int> sem_briefly(Semaphore* sem, std::size_t n) {
  auto p = co_await sem->acquire_many(n);
  EXPECT_TRUE(p.has_value());
  co_await tokio::task::yield_now();
  co_return 1;
}

struct Storm {
  RwLock<long> rw{0};
  Mutex<long> mutex{0};
  Semaphore sem{5};
  std::atomic<long> completed{0};
};

// Each round races one lock operation against a branch that gives up after a few yields, or
// against a short real-time timeout: losers are cancelled while queued, while collecting
// permits, or while holding the lock.
tokio::Task<void> storm_worker(Storm* s, int id, int rounds) {
  Rng rng(id * 7 + 3);
  for (int i = 0; i < rounds; ++i) {
    const auto pick = rng.next();
    const int patience = static_cast<int>(pick % 4);
    bool won = false;  // the lock operation finished before its rival
    switch ((pick >> 4) % 5) {
      case 0:
        won = (co_await tokio::select(rw_write_briefly(&s->rw), yield_then(patience, 0))).index() ==
              0;
        break;
      case 1:
        won =
            (co_await tokio::select(rw_read_briefly(&s->rw), yield_then(patience, 0))).index() == 0;
        break;
      case 2:
        won = (co_await tokio::select(mutex_briefly(&s->mutex), yield_then(patience, 0))).index() ==
              0;
        break;
      case 3:
        won = (co_await tokio::select(sem_briefly(&s->sem, 1 + (pick >> 8) % 5),
                                      yield_then(patience, 0)))
                  .index() == 0;
        break;
      default:
        won = (co_await tokio::time::timeout(std::chrono::microseconds(pick % 200),
                                             rw_write_briefly(&s->rw)))
                  .has_value();
        break;
    }
    if (won) s->completed.fetch_add(1);
  }
}

tokio::Task<void> wait_forever_on(Storm* s, int kind) {
  switch (kind) {
    case 0: {
      auto w = co_await s->rw.write();
      co_await tokio::time::sleep(std::chrono::hours(1));
      break;
    }
    case 1: {
      auto r = co_await s->rw.read();
      co_await tokio::time::sleep(std::chrono::hours(1));
      break;
    }
    case 2: {
      auto g = co_await s->mutex.lock();
      co_await tokio::time::sleep(std::chrono::hours(1));
      break;
    }
    default: {
      auto p = co_await s->sem.acquire_many(3);
      co_await tokio::time::sleep(std::chrono::hours(1));
      break;
    }
  }
}

TOKIO_TEST(StressSyncLocks, CancellationStormLosesNoPermit, .flavor = kMulti, .worker_threads = 4) {
  Storm s;
  std::vector<tokio::JoinHandle<void>> workers;
  for (int t = 0; t < 12; ++t)
    workers.push_back(tokio::spawn(storm_worker(&s, t + 1, 200)));
  // Meanwhile: tasks that queue on (or take) a lock and are aborted at some point.
  for (int round = 0; round < 100; ++round) {
    std::vector<tokio::JoinHandle<void>> doomed;
    for (int k = 0; k < 4; ++k)
      doomed.push_back(tokio::spawn(wait_forever_on(&s, (round + k) % 4)));
    co_await tokio::task::yield_now();
    for (auto& d : doomed)
      d.abort();
    for (auto& d : doomed) {
      try {
        co_await d;
        ADD_FAILURE() << "an aborted waiter completed";
      } catch (const tokio::task::JoinError& e) {
        EXPECT_TRUE(e.is_cancelled());
      }
    }
  }
  for (auto& w : workers)
    co_await w;
  EXPECT_GT(s.completed.load(), 0);
  // Nothing is held any more: every permit must be back and no ghost waiter may hold any.
  EXPECT_EQ(s.sem.available_permits(), 5u);
  EXPECT_TRUE(s.rw.try_write()) << "the RwLock lost permits";
  EXPECT_TRUE(s.mutex.try_lock()) << "the Mutex stayed locked";
  auto all = co_await s.sem.acquire_many(5);
  EXPECT_TRUE(all.has_value());
  auto w = co_await s.rw.write();
  auto g = co_await s.mutex.lock();
  EXPECT_GE(*w, 0);
  EXPECT_GE(*g, 0);
}

// Counts permits in use; un-counts them when destroyed (before the permit it guards).
struct Counted {
  std::atomic<long>* inside;
  long n;
  void give_back(long k) {
    inside->fetch_sub(k);
    n -= k;
  }
  ~Counted() { inside->fetch_sub(n); }
};

// Owned permits of random sizes, with waiters aborted while partly served.
TOKIO_TEST(StressSyncLocks, OwnedSemaphoreAbortsLoseNoPermit, .flavor = kMulti,
           .worker_threads = 4) {
  constexpr std::size_t kPermits = 8;
  auto sem = std::make_shared<Semaphore>(kPermits);
  std::atomic<long> inside{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int t = 0; t < 24; ++t)
    handles.push_back(tokio::spawn([sem, &inside, t]() -> tokio::Task<void> {
      Rng rng(t + 40);
      for (int i = 0; i < 150; ++i) {
        const std::size_t n = 1 + rng.next() % kPermits;
        auto p = co_await Semaphore::acquire_many_owned(sem, n);
        if (!p) continue;
        const long now = inside.fetch_add(static_cast<long>(n)) + static_cast<long>(n);
        EXPECT_LE(now, static_cast<long>(kPermits)) << "more permits out than exist";
        // Declared after the permit, so an abort un-counts before the permits go back.
        Counted counted{&inside, static_cast<long>(n)};
        if (rng.next() % 2) {
          auto part = p->split(n / 2);
          co_await tokio::task::yield_now();
          counted.give_back(static_cast<long>(n / 2));
          part.reset();
        }
        co_await tokio::task::yield_now();
      }
    }));
  // Abort a third of them at various points.
  for (std::size_t i = 0; i < handles.size(); i += 3) {
    co_await tokio::task::yield_now();
    handles[i].abort();
  }
  for (auto& h : handles) {
    try {
      co_await h;
    } catch (const tokio::task::JoinError& e) {
      EXPECT_TRUE(e.is_cancelled());
    }
  }
  EXPECT_EQ(sem->available_permits(), kPermits);
  EXPECT_EQ(sem.use_count(), 1) << "an owned permit or waiter leaked its reference";
}

// ---- OnceCell: racing initialisers, exactly one wins ----

tokio::Task<int> racing_get(OnceCell<int>* cell, std::atomic<int>* inits, int id) {
  auto init = [inits, id]() -> tokio::Task<int> {
    inits->fetch_add(1);
    co_await tokio::task::yield_now();
    co_return id;
  };
  const int& v = co_await cell->get_or_init(init);
  co_return v;
}

TOKIO_TEST(StressSyncLocks, OnceCellRaceHasOneWinner, .flavor = kMulti, .worker_threads = 4) {
  constexpr int kCells = 150, kCallers = 8;
  for (int c = 0; c < kCells; ++c) {
    OnceCell<int> cell;
    std::atomic<int> inits{0};
    std::vector<tokio::JoinHandle<int>> handles;
    for (int i = 0; i < kCallers; ++i)
      handles.push_back(tokio::spawn(racing_get(&cell, &inits, i + 1)));
    int first = -1;
    for (auto& h : handles) {
      const int v = co_await h;
      if (first < 0) first = v;
      EXPECT_EQ(v, first) << "callers saw different values";
    }
    EXPECT_EQ(inits.load(), 1) << "cell " << c;
    TOKIO_CO_ASSERT(cell.get() != nullptr);
    EXPECT_EQ(*cell.get(), first);
  }
}

// Initialisers that fail (throw or return an error) or get cancelled hand the turn on; in the
// end exactly one succeeds and every surviving caller sees its value.
tokio::Task<int> flaky_get(OnceCell<int>* cell, std::atomic<int>* successes, int id) {
  auto init = [successes, id]() -> tokio::Task<tokio::Result<int, int>> {
    co_await tokio::task::yield_now();
    if (id % 3 == 0) throw std::runtime_error("flaky");
    if (id % 3 == 1) co_return tokio::Err<int>(id);
    successes->fetch_add(1);
    co_return id;
  };
  for (;;) {
    try {
      auto r = co_await cell->get_or_try_init(init);
      if (r) co_return **r;
    } catch (const std::runtime_error&) {
    }
    // Failed: anyone else's success will show up.
    if (const int* v = cell->get()) co_return *v;
    co_await tokio::task::yield_now();
  }
}

TOKIO_TEST(StressSyncLocks, OnceCellFailuresAndCancellations, .flavor = kMulti,
           .worker_threads = 4) {
  for (int round = 0; round < 60; ++round) {
    OnceCell<int> cell;
    std::atomic<int> successes{0};
    std::vector<tokio::JoinHandle<int>> handles;
    for (int i = 0; i < 9; ++i)
      handles.push_back(tokio::spawn(flaky_get(&cell, &successes, round * 9 + i)));
    handles[round % 9].abort();  // cancel one, wherever it is
    int value = -1;
    for (auto& h : handles) {
      try {
        const int v = co_await h;
        if (value < 0) value = v;
        EXPECT_EQ(v, value);
      } catch (const tokio::task::JoinError& e) {
        EXPECT_TRUE(e.is_cancelled());
      }
    }
    EXPECT_EQ(successes.load(), 1) << "round " << round;
    TOKIO_CO_ASSERT(cell.get() != nullptr);
    EXPECT_EQ(*cell.get() % 3, 2);
  }
}

// ---- Barrier: many generations on several threads ----

TOKIO_TEST(StressSyncLocks, BarrierGenerationsOnManyThreads, .flavor = kMulti,
           .worker_threads = 4) {
  constexpr int kParties = 16, kRounds = 200;
  Barrier barrier(kParties);
  std::atomic<int> leaders{0};
  std::atomic<int> arrivals{0};
  std::vector<tokio::JoinHandle<void>> handles;
  for (int t = 0; t < kParties; ++t)
    handles.push_back(tokio::spawn([&]() -> tokio::Task<void> {
      for (int r = 0; r < kRounds; ++r) {
        arrivals.fetch_add(1);
        auto result = co_await barrier.wait();
        EXPECT_GE(arrivals.load(), (r + 1) * kParties) << "released before everyone arrived";
        if (result.is_leader()) leaders.fetch_add(1);
      }
    }));
  for (auto& h : handles)
    co_await h;
  EXPECT_EQ(leaders.load(), kRounds);
}

}  // namespace
