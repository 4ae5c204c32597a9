// tokio::sync::RwLock (after Tokio's sync_rwlock.rs, plus owned guards, downgrade and the
// blocking calls).
#include "tokio/sync/rwlock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::sync::MaxReaders;
using tokio::sync::RwLock;
using tokio::sync::RwLockReadGuard;

// Lets spawned tasks run until they are parked on whatever they wait for.
tokio::Task<void> settle(int rounds = 5) {
  for (int k = 0; k < rounds; ++k)
    co_await tokio::task::yield_now();
}

// Yields until a writer has queued on `lock` while readers hold it: the queued writer has then
// collected every free permit, so try_read fails.
tokio::Task<void> until_writer_queued(RwLock<int>* lock) {
  for (;;) {
    if (!lock->try_read()) co_return;
    co_await tokio::task::yield_now();
  }
}

tokio::Task<int> read_value(RwLock<int>* lock) {
  auto g = co_await lock->read();
  co_return *g;
}
tokio::Task<int> write_add(RwLock<int>* lock, int n) {
  auto g = co_await lock->write();
  *g += n;
  co_return *g;
}
tokio::Task<int> ready_int(int value) {
  co_return value;
}

TEST(SyncRwLock, IntoInner) {
  RwLock<int> lock(42);
  EXPECT_EQ(std::move(lock).into_inner(), 42);
}

TEST(SyncRwLock, TryReadTryWrite) {
  RwLock<int> lock(15);
  {
    auto r1 = lock.try_read();
    ASSERT_TRUE(r1);
    EXPECT_EQ(**r1, 15);
    EXPECT_FALSE(lock.try_write());
    auto r2 = lock.try_read();
    ASSERT_TRUE(r2);
    EXPECT_EQ(**r2, 15);
  }
  {
    auto w = lock.try_write();
    ASSERT_TRUE(w);
    **w = 1515;
    EXPECT_FALSE(lock.try_read());
    EXPECT_FALSE(lock.try_write());
  }
  EXPECT_EQ(**lock.try_read(), 1515);
}

TEST(SyncRwLock, MaxReadersIsChecked) {
  EXPECT_EQ(RwLock<int>::kMaxReads, (std::size_t{1} << 29) - 1);
  RwLock<int> dflt(0);
  EXPECT_EQ(dflt.max_readers(), RwLock<int>::kMaxReads);
  auto most = RwLock<int>::with_max_readers(RwLock<int>::kMaxReads, 1);
  EXPECT_EQ(most.max_readers(), RwLock<int>::kMaxReads);
  EXPECT_THROW(RwLock<int>::with_max_readers(RwLock<int>::kMaxReads + 1, 1), std::invalid_argument);
  EXPECT_THROW(RwLock<int>(MaxReaders{0}, 1), std::invalid_argument);
  auto shared = std::make_shared<RwLock<std::string>>(MaxReaders{3}, "abc");
  EXPECT_EQ(shared->max_readers(), 3u);
  EXPECT_EQ(**shared->try_read(), "abc");
}

// Tokio's read_shared / write_shared_pending / read_exclusive_pending / write_exclusive_pending.
TOKIO_TEST_ALL_FLAVORS(SyncRwLock, ReadersShareWritersExclude) {
  RwLock<int> lock(100);
  {
    auto r1 = co_await lock.read();
    auto r2 = co_await lock.read();  // ready at once: shared
    EXPECT_EQ(*r1 + *r2, 200);
    auto w = tokio::spawn(write_add(&lock, 1));
    co_await settle();
    EXPECT_FALSE(w.is_finished()) << "a writer got in next to readers";
    { auto drop = std::move(r1); }
    co_await settle();
    EXPECT_FALSE(w.is_finished());
    { auto drop = std::move(r2); }  // the last reader leaves: the writer gets in
    EXPECT_EQ(co_await w, 101);
  }
  {
    auto w = co_await lock.write();
    auto r = tokio::spawn(read_value(&lock));
    auto w2 = tokio::spawn(write_add(&lock, 1));
    co_await settle();
    EXPECT_FALSE(r.is_finished()) << "a reader got in next to a writer";
    EXPECT_FALSE(w2.is_finished()) << "two writers at once";
    *w = 5;
    { auto drop = std::move(w); }
    // Which of the two queued first depends on the scheduler (multi-thread); either order
    // is exclusive. FIFO order itself is checked by WritersAreServedInOrder.
    const int seen = co_await r;
    EXPECT_TRUE(seen == 5 || seen == 6) << seen;
    EXPECT_EQ(co_await w2, 6);
  }
}

// Tokio's exhaust_reading: with a reader limit, the next reader waits until one leaves.
TOKIO_TEST_ALL_FLAVORS(SyncRwLock, ExhaustReading) {
  auto lock = RwLock<int>::with_max_readers(1024, 100);
  std::vector<RwLockReadGuard<int>> reads;
  for (;;) {
    auto r = lock.try_read();
    if (!r) break;
    reads.push_back(std::move(*r));
  }
  EXPECT_EQ(reads.size(), 1024u);
  auto waiter = tokio::spawn(read_value(&lock));
  co_await settle();
  EXPECT_FALSE(waiter.is_finished());
  reads.pop_back();
  EXPECT_EQ(co_await waiter, 100);
}

// Tokio's write_read_shared_pending: a queued writer collects the permits, so later readers
// queue behind it (write preference), while try_read fails too.
TOKIO_TEST_ALL_FLAVORS(SyncRwLock, QueuedWriterBlocksLaterReaders) {
  RwLock<int> lock(100);
  auto r1 = co_await lock.read();
  auto r2 = co_await lock.read();
  auto w = tokio::spawn(write_add(&lock, 1));
  co_await until_writer_queued(&lock);
  auto r3 = tokio::spawn(read_value(&lock));
  co_await settle();
  EXPECT_FALSE(r3.is_finished()) << "a reader overtook a queued writer";
  EXPECT_FALSE(lock.try_read()) << "try_read overtook a queued writer";
  { auto drop = std::move(r1); }
  { auto drop = std::move(r2); }
  EXPECT_EQ(co_await w, 101);
  EXPECT_EQ(co_await r3, 101) << "the reader ran before the earlier writer";
}

// Tokio's write_read_shared_drop_pending: cancelling the queued writer lets the readers behind
// it in, with the permits it had collected.
TOKIO_TEST_ALL_FLAVORS(SyncRwLock, CancelledWriterPassesItsTurn) {
  RwLock<int> lock(100);
  auto r1 = co_await lock.read();
  auto w = tokio::spawn(write_add(&lock, 1));
  co_await until_writer_queued(&lock);
  auto r2 = tokio::spawn(read_value(&lock));
  co_await settle();
  EXPECT_FALSE(r2.is_finished());
  w.abort();
  try {
    (void)co_await w;
    ADD_FAILURE() << "the writer should have been cancelled";
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
  EXPECT_EQ(co_await r2, 100);  // while r1 is still held
  { auto drop = std::move(r1); }
  auto all = lock.try_write();
  EXPECT_TRUE(all) << "permits were lost by the cancelled writer";
}

TOKIO_TEST(SyncRwLock, WriteLosingASelectLeavesNoWaiter) {
  RwLock<int> lock(1);
  {
    auto r = co_await lock.read();
    auto result = co_await tokio::select_biased(write_add(&lock, 1), ready_int(2));
    EXPECT_EQ(result.index(), 1u);
    auto r2 = lock.try_read();
    EXPECT_TRUE(r2) << "the losing write still holds collected permits";
  }
  auto w = lock.try_write();
  EXPECT_TRUE(w);
}

TOKIO_TEST(SyncRwLock, ReadUncontestedAndWriteUncontested) {
  RwLock<int> lock(100);
  {
    auto r = co_await lock.read();
    EXPECT_EQ(*r, 100);
  }
  auto w = co_await lock.write();
  *w += 50;
  EXPECT_EQ(*w, 150);
}

tokio::Task<void> push_under_write(RwLock<std::vector<int>>* lock, int value) {
  auto g = co_await lock->write();
  g->push_back(value);
}

// Tokio's write_order: writers are served in the order they started waiting.
TOKIO_TEST(SyncRwLock, WritersAreServedInOrder) {
  RwLock<std::vector<int>> lock;
  std::vector<tokio::JoinHandle<void>> handles;
  {
    auto held = co_await lock.read();
    for (int i = 0; i < 5; ++i) {
      handles.push_back(tokio::spawn(push_under_write(&lock, i)));
      co_await settle(3);
    }
  }
  for (auto& h : handles)
    co_await h;
  auto g = co_await lock.read();
  EXPECT_EQ(*g, (std::vector<int>{0, 1, 2, 3, 4}));
}

tokio::Task<void> add_many(RwLock<std::uint32_t>* lock, std::uint32_t n, int times) {
  for (int i = 0; i < times; ++i) {
    auto g = co_await lock->write();
    *g += n;
  }
}

// Tokio's multithreaded: four tasks add under the write lock on a multi-thread runtime.
TOKIO_TEST(SyncRwLock, Multithreaded, .flavor = tokio::runtime::RuntimeFlavor::MultiThread,
           .worker_threads = 4) {
  RwLock<std::uint32_t> lock(0);
  std::vector<tokio::JoinHandle<void>> handles;
  for (std::uint32_t n : {2u, 3u, 5u, 7u})
    handles.push_back(tokio::spawn(add_many(&lock, n, 1000)));
  for (auto& h : handles)
    co_await h;
  auto g = co_await lock.read();
  EXPECT_EQ(*g, 17000u);
}

TOKIO_TEST(SyncRwLock, TryWriteAfterReaderLeaves) {
  RwLock<int> lock(0);
  auto r = co_await lock.read();
  EXPECT_FALSE(lock.try_write());
  { auto drop = std::move(r); }
  EXPECT_TRUE(lock.try_write());
}

TOKIO_TEST_ALL_FLAVORS(SyncRwLock, DowngradeKeepsWritersOut) {
  RwLock<int> lock(1);
  auto w = co_await lock.write();
  *w = 2;
  auto writer = tokio::spawn(write_add(&lock, 10));
  auto r = std::move(w).downgrade();
  EXPECT_EQ(*r, 2);
  // The writer queues (if it had not yet) and collects all but the one permit r holds; new
  // readers then wait behind it, as in Tokio.
  co_await until_writer_queued(&lock);
  co_await settle();
  EXPECT_FALSE(writer.is_finished()) << "a writer got in next to the downgraded reader";
  { auto drop = std::move(r); }
  EXPECT_EQ(co_await writer, 12);
  EXPECT_TRUE(lock.try_write());
}

TOKIO_TEST(SyncRwLock, DowngradeAdmitsReaders) {
  auto lock = RwLock<int>::with_max_readers(4, 7);
  auto w = co_await lock.write();
  EXPECT_FALSE(lock.try_read());
  auto r = std::move(w).downgrade();
  auto r2 = lock.try_read();
  EXPECT_TRUE(r2);
  auto r3 = lock.try_read();
  auto r4 = lock.try_read();
  EXPECT_TRUE(r3 && r4);
  EXPECT_FALSE(lock.try_read()) << "more readers than the limit after a downgrade";
  EXPECT_EQ(*r, 7);
}

TEST(SyncRwLock, DowngradeWithOneReader) {
  auto lock = RwLock<int>::with_max_readers(1, 3);
  auto w = lock.try_write();
  ASSERT_TRUE(w);
  auto r = std::move(*w).downgrade();
  EXPECT_EQ(*r, 3);
  EXPECT_FALSE(lock.try_read());
  EXPECT_FALSE(lock.try_write());
}

// ---- Owned guards ----

TOKIO_TEST_ALL_FLAVORS(SyncRwLockOwned, ReadAndWriteOwned) {
  auto lock = std::make_shared<RwLock<int>>(1);
  {
    auto r1 = co_await RwLock<int>::read_owned(lock);
    auto r2 = RwLock<int>::try_read_owned(lock);
    EXPECT_TRUE(r2);
    EXPECT_EQ(*r1, 1);
    EXPECT_EQ(r1.rwlock(), lock);
    EXPECT_FALSE(RwLock<int>::try_write_owned(lock));
  }
  {
    auto w = co_await RwLock<int>::write_owned(lock);
    *w = 2;
    EXPECT_FALSE(RwLock<int>::try_read_owned(lock));
    auto r = std::move(w).downgrade();
    EXPECT_EQ(*r, 2);
    EXPECT_TRUE(RwLock<int>::try_read_owned(lock));
  }
  EXPECT_TRUE(RwLock<int>::try_write_owned(lock));
  EXPECT_EQ(lock.use_count(), 1);
}

tokio::Task<int> owned_write_add(std::shared_ptr<RwLock<int>> lock, int n) {
  auto g = co_await RwLock<int>::write_owned(std::move(lock));
  *g += n;
  co_return *g;
}

TOKIO_TEST_ALL_FLAVORS(SyncRwLockOwned, GuardMovesIntoATask) {
  auto lock = std::make_shared<RwLock<int>>(0);
  auto r = co_await RwLock<int>::read_owned(lock);
  auto writer = tokio::spawn(owned_write_add(lock, 3));
  auto dropper = tokio::spawn([g = std::move(r)]() mutable -> tokio::Task<void> {
    EXPECT_EQ(*g, 0);
    { auto drop = std::move(g); }
    co_return;
  });
  co_await dropper;
  EXPECT_EQ(co_await writer, 3);
}

TOKIO_TEST(SyncRwLockOwned, CancelledOwnedWaitersLeaveNoTrace) {
  auto lock = std::make_shared<RwLock<int>>(0);
  {
    auto r = co_await RwLock<int>::read_owned(lock);
    auto result = co_await tokio::select_biased(owned_write_add(lock, 1), ready_int(2));
    EXPECT_EQ(result.index(), 1u);
    auto w = tokio::spawn(owned_write_add(lock, 1));
    co_await settle();
    w.abort();
    try {
      (void)co_await w;
    } catch (const tokio::task::JoinError& e) {
      EXPECT_TRUE(e.is_cancelled());
    }
  }
  EXPECT_EQ(lock.use_count(), 1);
  EXPECT_TRUE(RwLock<int>::try_write_owned(lock));
}

TEST(SyncRwLockOwned, GuardKeepsTheLockAlive) {
  auto lock = std::make_shared<RwLock<std::string>>("v");
  std::weak_ptr<RwLock<std::string>> weak = lock;
  auto w = RwLock<std::string>::try_write_owned(lock);
  ASSERT_TRUE(w);
  lock.reset();
  EXPECT_FALSE(weak.expired());
  (*w)->append("w");
  auto r = std::move(*w).downgrade();
  EXPECT_EQ(*r, "vw");
  { auto drop = std::move(r); }
  EXPECT_TRUE(weak.expired());
}

TEST(SyncRwLockOwned, NullLockThrows) {
  std::shared_ptr<RwLock<int>> none;
  EXPECT_THROW((void)RwLock<int>::try_read_owned(none), std::logic_error);
  EXPECT_THROW((void)RwLock<int>::try_write_owned(none), std::logic_error);
  EXPECT_THROW((void)RwLock<int>::read_owned(none), std::logic_error);
  EXPECT_THROW((void)RwLock<int>::write_owned(none), std::logic_error);
}

// ---- Blocking calls ----

TEST(SyncRwLockBlocking, OutsideARuntime) {
  RwLock<int> lock(1);
  {
    auto w = lock.blocking_write();
    *w = 2;
  }
  auto r1 = lock.blocking_read();
  auto r2 = lock.blocking_read();
  EXPECT_EQ(*r1 + *r2, 4);
}

TEST(SyncRwLockBlocking, BlockingReadWaitsForAnAsyncWriter) {
  auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
  RwLock<int> lock(1);
  rt.block_on([&]() -> tokio::Task<void> {
    auto w = co_await lock.write();
    auto reader = tokio::task::spawn_blocking([&lock] {
      auto r = lock.blocking_read();  // waits until the write guard below is dropped
      return *r;
    });
    *w -= 1;
    { auto drop = std::move(w); }
    EXPECT_EQ(co_await reader, 0);
    EXPECT_TRUE(lock.try_write());
  }());
}

TEST(SyncRwLockBlocking, ThreadsWriteAndRead) {
  RwLock<long> lock(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&lock] {
      for (int i = 0; i < 100; ++i) {
        if (i % 2 == 0) {
          auto w = lock.blocking_write();
          *w += 1;
        } else {
          auto r = lock.blocking_read();
          EXPECT_GE(*r, 0);
        }
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(lock.get_mut(), 200);
}

TOKIO_TEST(SyncRwLockBlocking, InsideARuntimeThrows) {
  RwLock<int> lock(0);
  EXPECT_THROW((void)lock.blocking_read(), std::logic_error);
  EXPECT_THROW((void)lock.blocking_write(), std::logic_error);
  EXPECT_TRUE(lock.try_write()) << "a refused blocking call kept permits";
  co_return;
}

}  // namespace
