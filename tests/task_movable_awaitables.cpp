// Every awaitable of the library can be moved until it is first awaited: select, join, try_join
// and timeout move an rvalue awaitable into a coroutine frame (detail/into_task.hpp), so
// `select(rx.recv(), sleep(1s), notify.notified(), ...)` must compile and work.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;

namespace {

namespace sync = tokio::sync;
using Notify = sync::Notify;

// ---- every library awaitable is move-constructible -------------------------------------------
namespace movable_check {
template <class T>
T& ref();
template <class A>
inline constexpr bool movable = std::is_move_constructible_v<A>;

static_assert(movable<tokio::Task<int>>);
static_assert(movable<tokio::JoinHandle<int>>);
static_assert(movable<decltype(ref<tokio::task::JoinSet<int>>().join_next())>);
static_assert(movable<decltype(tokio::task::yield_now())>);
static_assert(movable<decltype(tokio::task::consume_budget())>);
static_assert(movable<decltype(tokio::future::pending<int>())>);
static_assert(movable<decltype(tokio::future::ready(1))>);
static_assert(movable<tokio::time::Sleep>);
static_assert(movable<decltype(tokio::time::sleep(1ms))>);
static_assert(movable<decltype(tokio::time::timeout(1ms, tokio::time::sleep(1ms)))>);
static_assert(movable<decltype(ref<tokio::time::Interval>().tick())>);
static_assert(movable<sync::Notified>);
static_assert(movable<decltype(ref<sync::mpsc::Receiver<int>>().recv())>);
static_assert(
    movable<decltype(ref<sync::mpsc::Receiver<int>>().recv_many(ref<std::vector<int>>(), 1))>);
static_assert(movable<decltype(ref<sync::mpsc::UnboundedReceiver<int>>().recv())>);
static_assert(movable<decltype(ref<sync::mpsc::Sender<int>>().send(1))>);
static_assert(movable<decltype(ref<sync::mpsc::Sender<int>>().reserve())>);
static_assert(movable<decltype(ref<sync::mpsc::Sender<int>>().closed())>);
static_assert(movable<sync::oneshot::Receiver<int>>);
static_assert(movable<decltype(ref<sync::oneshot::Sender<int>>().closed())>);
static_assert(movable<decltype(ref<sync::broadcast::Receiver<int>>().recv())>);
static_assert(movable<decltype(ref<sync::broadcast::Sender<int>>().closed())>);
static_assert(movable<decltype(ref<sync::watch::Receiver<int>>().changed())>);
static_assert(movable<decltype(ref<sync::watch::Sender<int>>().closed())>);
static_assert(movable<decltype(ref<sync::Semaphore>().acquire())>);
static_assert(movable<decltype(sync::Semaphore::acquire_owned(nullptr))>);
static_assert(movable<decltype(ref<sync::Mutex<int>>().lock())>);
static_assert(movable<decltype(sync::Mutex<int>::lock_owned(nullptr))>);
static_assert(movable<decltype(ref<sync::RwLock<int>>().read())>);
static_assert(movable<decltype(ref<sync::RwLock<int>>().write())>);
static_assert(movable<decltype(sync::RwLock<int>::read_owned(nullptr))>);
static_assert(movable<decltype(sync::RwLock<int>::write_owned(nullptr))>);
static_assert(movable<decltype(ref<sync::Barrier>().wait())>);
static_assert(movable<decltype(ref<tokio::net::TcpStream>().readable())>);
static_assert(movable<decltype(ref<tokio::net::TcpStream>().read(ref<std::span<std::byte>>()))>);
static_assert(
    movable<decltype(ref<tokio::net::TcpStream>().write(ref<std::span<const std::byte>>()))>);
static_assert(movable<decltype(ref<tokio::net::TcpListener>().accept())>);
static_assert(movable<decltype(ref<tokio::net::UdpSocket>().recv(ref<std::span<std::byte>>()))>);
static_assert(movable<decltype(ref<tokio::io::AsyncFd>().readable())>);
}  // namespace movable_check

// ---- the README's select -------------------------------------------------------------------

struct Msg {
  int id = 0;
};
struct Config {
  std::string name;
};

enum Winner : std::size_t { kMsg = 0, kSecond = 1, kHandle = 2, kNotified = 3, kConfig = 4 };

tokio::Task<int> worker(sync::oneshot::Receiver<int> go) {
  auto v = co_await go;
  co_return v.value();
}

// Makes exactly the branch `winner` ready (the others wait on nothing that happens), runs the
// README's select, and checks that that branch won with its value.
tokio::Task<void> readme_select(Winner winner) {
  auto [tx, rx] = sync::mpsc::channel<Msg>(4);
  Notify notify;
  auto [go, go_rx] = sync::oneshot::channel<int>();
  auto handle = tokio::spawn(worker(std::move(go_rx)));
  auto fetch_config = [winner]() -> tokio::Task<Config> {
    if (winner == kConfig) co_return Config{"cfg"};
    co_return co_await tokio::future::pending<Config>();
  };
  switch (winner) {
    case kMsg:
      (void)co_await tx.send(Msg{7});
      break;
    case kHandle:
      (void)go.send(9);
      while (!handle.is_finished())
        co_await tokio::task::yield_now();
      break;
    case kNotified:
      notify.notify_one();  // stores a permit
      break;
    case kSecond:  // the paused clock advances to the sleep's deadline when all else is idle
    case kConfig:
      break;
  }

  auto r = co_await tokio::select(rx.recv(), tokio::time::sleep(1s), handle, notify.notified(),
                                  fetch_config());

  EXPECT_EQ(r.index(), static_cast<std::size_t>(winner));
  switch (r.index()) {
    case 0: {
      std::optional<Msg> msg = std::get<0>(r);
      EXPECT_TRUE(msg.has_value());
      if (msg) {
        EXPECT_EQ(msg->id, 7);
      }
      break;
    }
    case 2:
      EXPECT_EQ(std::get<2>(r), 9);
      break;
    case 4:
      EXPECT_EQ(std::get<4>(r).name, "cfg");
      break;
    default:
      break;
  }
  if (winner != kHandle) {  // the lvalue handle lost: it is still usable
    (void)go.send(3);
    EXPECT_EQ(co_await handle, 3);
  }
}

// current_thread with the paused clock: every branch, the sleep included.
TOKIO_TEST(TaskMovable, readme_select_each_branch_paused_current_thread, .start_paused = true) {
  for (Winner w : {kMsg, kSecond, kHandle, kNotified, kConfig})
    co_await readme_select(w);
}

// The paused clock is a current_thread tool (Builder refuses it on multi_thread), so there the
// sleep branch is left out: the others win long before a real second passes, and the losing
// sleep is dropped unfired.
TOKIO_TEST(TaskMovable, readme_select_multi_thread_1,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 1) {
  for (Winner w : {kMsg, kHandle, kNotified, kConfig})
    co_await readme_select(w);
}

TOKIO_TEST(TaskMovable, readme_select_multi_thread_4,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  for (Winner w : {kMsg, kHandle, kNotified, kConfig})
    co_await readme_select(w);
}

TOKIO_TEST(TaskMovable, readme_timeout_of_recv, .start_paused = true) {
  auto [tx, rx] = sync::mpsc::channel<Msg>(4);
  auto t = co_await tokio::time::timeout(500ms, rx.recv());
  EXPECT_FALSE(t.has_value());  // timed out: nothing was taken from rx
  (void)co_await tx.send(Msg{1});
  auto u = co_await tokio::time::timeout(500ms, rx.recv());
  EXPECT_TRUE(u.has_value() && u->has_value() && (*u)->id == 1);
}

// ---- a moved awaitable works like the original ----------------------------------------------

template <class A>
auto moved(A&& a) {
  A second(std::move(a));
  return second;  // one more move on the way out
}

TOKIO_TEST_ALL_FLAVORS(TaskMovable, moved_channel_and_sync_awaitables_complete) {
  auto [tx, rx] = sync::mpsc::channel<int>(1);
  auto send = moved(tx.send(1));
  EXPECT_TRUE(co_await send);
  auto recv = moved(rx.recv());
  EXPECT_EQ(co_await recv, std::optional<int>(1));
  auto reserve = moved(tx.reserve());
  auto permit = co_await reserve;
  EXPECT_TRUE(permit.has_value());

  auto [otx, orx] = sync::oneshot::channel<int>();
  auto closed = moved(otx.closed());
  { auto dropped = std::move(orx); }
  co_await closed;

  auto [btx, brx] = sync::broadcast::channel<int>(2);
  (void)btx.send(5);
  auto brecv = moved(brx.recv());
  auto b = co_await brecv;
  EXPECT_TRUE(b.has_value() && *b == 5);

  auto [wtx, wrx] = sync::watch::channel(0);
  wtx.send_modify([](int& v) { v = 1; });
  auto changed = moved(wrx.changed());
  EXPECT_TRUE(co_await changed);

  Notify notify;
  notify.notify_one();
  auto notified = moved(notify.notified());
  co_await notified;

  sync::Semaphore sem(1);
  auto acquire = moved(sem.acquire());
  {
    auto p = co_await acquire;
    EXPECT_TRUE(p.has_value());
    EXPECT_EQ(sem.available_permits(), 0u);
  }
  EXPECT_EQ(sem.available_permits(), 1u);
  { auto unused = moved(sem.acquire()); }  // never awaited: takes and gives back nothing
  EXPECT_EQ(sem.available_permits(), 1u);

  sync::Mutex<int> mutex(3);
  auto lock = moved(mutex.lock());
  EXPECT_EQ(*co_await lock, 3);
  sync::RwLock<int> rw(4);
  auto write = moved(rw.write());
  EXPECT_EQ(*co_await write, 4);

  sync::Barrier barrier(1);
  auto wait = moved(barrier.wait());
  EXPECT_TRUE((co_await wait).is_leader());

  tokio::task::JoinSet<int> set;
  set.spawn([]() -> tokio::Task<int> { co_return 8; });
  auto next = moved(set.join_next());
  auto joined = co_await next;
  EXPECT_TRUE(joined && joined->value() == 8);
}

TOKIO_TEST(TaskMovable, moved_sleep_keeps_its_deadline, .start_paused = true) {
  const auto start = tokio::time::Instant::now();
  auto sleep = moved(tokio::time::sleep(10ms));
  EXPECT_EQ(sleep.deadline(), start + 10ms);
  co_await sleep;
  EXPECT_EQ(tokio::time::Instant::now(), start + 10ms);
  // A Sleep that already waited may move too: the new one registers its own timer.
  auto first = tokio::time::sleep(20ms);
  auto r = co_await tokio::select(first, tokio::future::ready(0));
  EXPECT_EQ(r.index(), 1u);
  auto second = std::move(first);
  co_await second;
  EXPECT_EQ(tokio::time::Instant::now(), start + 30ms);
}

TOKIO_TEST_ALL_FLAVORS(TaskMovable, select_takes_every_kind_by_value) {
  auto [tx, rx] = sync::mpsc::channel<int>(1);
  sync::Semaphore sem(0);
  sync::Mutex<int> mutex(0);
  auto held = co_await mutex.lock();
  Notify notify;
  auto [btx, brx] = sync::broadcast::channel<int>(2);
  auto [wtx, wrx] = sync::watch::channel(0);
  // Every branch but the last waits; the losers are destroyed unfinished.
  auto r = co_await tokio::select(rx.recv(), sem.acquire(), mutex.lock(), notify.notified(),
                                  brx.recv(), wrx.changed(), tokio::future::ready(6));
  EXPECT_EQ(r.index(), 6u);
  EXPECT_EQ(sem.available_permits(), 0u);
  (void)tx;
  (void)btx;
  (void)wtx;
}

}  // namespace
