// Stress tests for tokio::sync::mpsc: many producers and one consumer across workers, with
// cancellation storms, every value counted end to end. Sized for debug builds and TSan; they
// check invariants (nothing lost, nothing duplicated, every value destroyed once), never timings.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tokio/tokio.hpp"

namespace {

namespace mpsc = tokio::sync::mpsc;
using tokio::runtime::Builder;

// A value that counts its live instances, so a test can check that every one was destroyed.
class Tracked {
 public:
  Tracked(int id, std::atomic<long>* live) : id_(id), live_(live) { live_->fetch_add(1); }
  Tracked(Tracked&& other) noexcept : id_(other.id_), live_(other.live_) { live_->fetch_add(1); }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  ~Tracked() { live_->fetch_sub(1); }
  int id() const { return id_; }

 private:
  int id_;
  std::atomic<long>* live_;
};

constexpr int kProducers = 8;
constexpr int kPerProducer = 2'000;

tokio::Task<void> produce(mpsc::Sender<Tracked> tx, int producer, std::atomic<long>* live) {
  for (int i = 0; i < kPerProducer; ++i) {
    auto sent = co_await tx.send(Tracked(producer * kPerProducer + i, live));
    if (!sent) co_return;
    if (i % 64 == 0) co_await tokio::task::yield_now();
  }
}

TEST(StressMpsc, BoundedManyProducersNothingLostOrDuplicated) {
  std::atomic<long> live{0};
  {
    auto rt = Builder::new_multi_thread().worker_threads(4).build();
    rt.block_on([&]() -> tokio::Task<void> {
      auto [tx, rx] = mpsc::channel<Tracked>(16);
      for (int p = 0; p < kProducers; ++p)
        (void)tokio::spawn(produce(tx, p, &live));
      { auto drop = std::move(tx); }
      std::vector<int> seen(kProducers * kPerProducer, 0);
      std::vector<int> last(kProducers, -1);
      for (;;) {
        auto v = co_await rx.recv();
        if (!v) break;
        ++seen[v->id()];
        const int producer = v->id() / kPerProducer;
        EXPECT_GT(v->id(), last[producer]) << "per-producer order broken";
        last[producer] = v->id();
      }
      for (int count : seen)
        EXPECT_EQ(count, 1);
    }());
  }
  EXPECT_EQ(live.load(), 0);
}

// The receiver races recv against an always-ready branch (select) while producers on other
// workers send: a recv that loses must not lose its value.
TEST(StressMpsc, RecvCancelledBySelectLosesNothing) {
  auto rt = Builder::new_multi_thread().worker_threads(4).build();
  rt.block_on([]() -> tokio::Task<void> {
    auto [tx, rx] = mpsc::unbounded_channel<int>();
    for (int p = 0; p < 4; ++p)
      (void)tokio::spawn([](mpsc::UnboundedSender<int> tx, int p) -> tokio::Task<void> {
        for (int i = 0; i < 5'000; ++i) {
          (void)tx.send(p * 5'000 + i);
          if (i % 16 == 0) co_await tokio::task::yield_now();
        }
      }(tx, p));
    { auto drop = std::move(tx); }
    std::vector<int> seen(20'000, 0);
    long losses = 0;
    for (;;) {
      auto r = co_await tokio::select(
          [](mpsc::UnboundedReceiver<int>* rx) -> tokio::Task<std::optional<int>> {
            co_return co_await rx->recv();
          }(&rx),
          []() -> tokio::Task<void> { co_await tokio::task::yield_now(); }());
      if (r.index() == 1) {
        ++losses;
        continue;
      }
      auto v = std::get<0>(std::move(r));
      if (!v) break;
      ++seen[*v];
    }
    for (int count : seen)
      EXPECT_EQ(count, 1);
  }());
}

// Senders blocked on a full channel are aborted at random while others keep sending: every
// value the consumer gets is unique, aborted sends leave no ghost waiter (full capacity is
// back at the end), and every value ever created is destroyed.
TEST(StressMpsc, AbortedSendersLeaveNoGhostWaiters) {
  std::atomic<long> live{0};
  {
    auto rt = Builder::new_multi_thread().worker_threads(4).build();
    rt.block_on([&]() -> tokio::Task<void> {
      auto [tx, rx] = mpsc::channel<Tracked>(4);
      std::vector<tokio::JoinHandle<void>> producers;
      for (int p = 0; p < kProducers; ++p)
        producers.push_back(tokio::spawn(produce(tx, p, &live)));
      { auto drop = std::move(tx); }  // the producers hold the only senders
      std::vector<int> seen(kProducers * kPerProducer, 0);
      int received = 0;
      std::size_t next_abort = 0;
      // Until every producer has finished or been aborted (an aborted one drops its sender).
      for (;;) {
        auto v = co_await rx.recv();
        if (!v) break;
        ++seen[v->id()];
        if (++received % 1'500 == 0 && next_abort < producers.size())
          producers[next_abort++].abort();
      }
      for (int count : seen)
        EXPECT_LE(count, 1);
      EXPECT_GE(received, kPerProducer);  // at least the never-aborted producers finished
      EXPECT_EQ(rx.capacity(), 4u);       // no ghost reservation left behind
    }());
  }
  EXPECT_EQ(live.load(), 0);
}

// Plain threads sending with blocking_send into a runtime consumer, and a blocking receiver.
TEST(StressMpsc, BlockingThreadsAndTasksTogether) {
  auto rt = Builder::new_multi_thread().worker_threads(2).build();
  auto [tx, rx] = mpsc::channel<int>(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back(
        [tx = tx, t]() mutable {  // init-capture: Clang 14 cannot capture a binding
          for (int i = 0; i < 2'000; ++i)
            ASSERT_TRUE(tx.blocking_send(t * 2'000 + i));
        });
  for (int p = 0; p < 3; ++p)
    (void)rt.spawn([](mpsc::Sender<int> tx, int p) -> tokio::Task<void> {
      for (int i = 0; i < 2'000; ++i)
        (void)co_await tx.send(6'000 + p * 2'000 + i);
    }(tx, p));
  { auto drop = std::move(tx); }
  std::vector<int> seen(12'000, 0);
  for (;;) {
    auto v = rx.blocking_recv();
    if (!v) break;
    ++seen[*v];
  }
  for (auto& t : threads)
    t.join();
  for (int count : seen)
    EXPECT_EQ(count, 1);
}

}  // namespace
