// Awaitables written without the library (foreign awaitables): awaited in a task, in join,
// try_join, select and timeout, on both schedulers. A foreign awaitable resumes the handle it
// was given on its own thread; the task must still run only on its own thread, and a frame
// that its awaitable did not resume must never be resumed by a combinator's re-poll.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

using namespace std::chrono_literals;

namespace foreign {

// --- Awaitables that know nothing of tokio-cpp ------------------------------------------

// A one-shot value set from any thread; awaiting it parks the awaiting coroutine's handle and
// the setter resumes it on the setting thread (the common shape of a callback-based library).
// Its awaiter unregisters in its destructor, so a cancelled wait is never resumed.
class Slot {
 public:
  void set(int value) {
    std::coroutine_handle<> waiting;
    {
      std::lock_guard lock(mutex_);
      value_ = value;
      has_value_ = true;
      waiting = std::exchange(waiting_, {});
    }
    if (waiting) waiting.resume();
  }
  bool has_waiter() {
    std::lock_guard lock(mutex_);
    return static_cast<bool>(waiting_);
  }

  struct Awaiter {
    Slot& slot;
    bool await_ready() {
      std::lock_guard lock(slot.mutex_);
      return slot.has_value_;
    }
    bool await_suspend(std::coroutine_handle<> h) {
      std::lock_guard lock(slot.mutex_);
      if (slot.has_value_) return false;
      slot.waiting_ = h;
      return true;
    }
    int await_resume() {
      std::lock_guard lock(slot.mutex_);
      return slot.value_;
    }
    ~Awaiter() {
      std::lock_guard lock(slot.mutex_);
      slot.waiting_ = {};
    }
  };
  Awaiter operator co_await() { return Awaiter{*this}; }

 private:
  std::mutex mutex_;
  std::coroutine_handle<> waiting_;
  int value_ = 0;
  bool has_value_ = false;
};

// Never resumes the coroutine that awaits it.
struct Never {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  int await_resume() const {
    ADD_FAILURE() << "a frame suspended on Never was resumed";
    return -1;
  }
};

// Resumes the awaiting handle inline, from inside await_suspend (void form).
struct ResumesInline {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { h.resume(); }
  int await_resume() const noexcept { return 7; }
};

// await_suspend returning false: completes without suspending.
struct DeclinesToSuspend {
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<>) const noexcept { return false; }
  int await_resume() const noexcept { return 8; }
};

// Throws from await_resume.
struct ThrowsOnResume {
  bool await_ready() const noexcept { return true; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  int await_resume() const { throw std::runtime_error("foreign failure"); }
};

// A lazy coroutine type of another library: awaiting it starts its body by symmetric transfer
// (await_suspend returns its handle) and its end resumes the awaiter the same way.
template <class T>
class Lazy {
 public:
  struct promise_type {
    std::coroutine_handle<> continuation;
    T value{};
    Lazy get_return_object() {
      return Lazy(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Final {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        return h.promise().continuation;
      }
      void await_resume() noexcept {}
    };
    Final final_suspend() noexcept { return {}; }
    void return_value(T v) { value = std::move(v); }
    void unhandled_exception() { std::terminate(); }
  };
  explicit Lazy(std::coroutine_handle<promise_type> h) : h_(h) {}
  Lazy(Lazy&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  ~Lazy() {
    if (h_) h_.destroy();
  }
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) {
    h_.promise().continuation = awaiting;
    return h_;
  }
  T await_resume() { return std::move(h_.promise().value); }

 private:
  std::coroutine_handle<promise_type> h_;
};

}  // namespace foreign

namespace {

// Sets `slot` from a plain thread once a coroutine waits on it; joined by the destructor.
class Setter {
 public:
  Setter(foreign::Slot& slot, int value)
      : thread_([&slot, value] {
          while (!slot.has_waiter())
            std::this_thread::yield();
          slot.set(value);
        }) {}
  ~Setter() { thread_.join(); }

 private:
  std::thread thread_;
};

tokio::Task<int> await_slot(foreign::Slot& slot) {
  co_return co_await slot;
}
tokio::Task<int> await_never() {
  co_return co_await foreign::Never{};
}

tokio::Task<int> yields_then(int value, int yields) {
  for (int i = 0; i < yields; ++i)
    co_await tokio::task::yield_now();
  co_return value;
}

}  // namespace

TOKIO_TEST_ALL_FLAVORS(TaskForeign, completes_from_another_thread) {
  foreign::Slot slot;
  Setter setter(slot, 41);
  EXPECT_EQ(co_await slot + 1, 42);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, resumes_on_the_task_thread_not_the_setter) {
  // On current_thread the task's thread is the block_on thread; the setter's thread must not
  // run the task's code.
  foreign::Slot slot;
  std::thread::id setter_id;
  std::thread setter([&] {
    setter_id = std::this_thread::get_id();
    while (!slot.has_waiter())
      std::this_thread::yield();
    slot.set(1);
  });
  const int v = co_await slot;
  const auto here = std::this_thread::get_id();
  setter.join();
  EXPECT_EQ(v, 1);
  EXPECT_NE(here, setter_id);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, spawned_task_awaits_foreign) {
  foreign::Slot slot;
  auto handle = tokio::spawn(await_slot(slot));
  Setter setter(slot, 5);
  EXPECT_EQ(co_await handle, 5);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, select_never_resumes_a_never_branch) {
  // Branches 0 and 2 wait on an awaitable that never resumes; branch 1 yields many times, so
  // the task (and every branch) is polled again and again before it wins.
  auto r = co_await tokio::select(await_never(), yields_then(3, 50), await_never());
  EXPECT_EQ(r.index(), 1u);
  EXPECT_EQ(std::get<1>(r), 3);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, select_foreign_branch_wins_from_another_thread) {
  foreign::Slot slot;
  Setter setter(slot, 9);
  auto r = co_await tokio::select(await_never(), await_slot(slot), await_never());
  EXPECT_EQ(r.index(), 1u);
  EXPECT_EQ(std::get<1>(r), 9);
  EXPECT_FALSE(slot.has_waiter());
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, join_and_try_join_wait_for_foreign_branches) {
  foreign::Slot a, b;
  Setter sa(a, 1), sb(b, 2);
  auto [x, y, z] = co_await tokio::join(await_slot(a), yields_then(3, 10), await_slot(b));
  EXPECT_EQ(x + y + z, 6);
  foreign::Slot c;
  Setter sc(c, 4);
  auto [u, v] = co_await tokio::try_join(await_slot(c), yields_then(5, 10));
  EXPECT_EQ(u + v, 9);
}

TOKIO_TEST(TaskForeign, timeout_of_never_elapses_current_thread, .start_paused = true) {
  auto r = co_await tokio::time::timeout(10ms, await_never());
  EXPECT_FALSE(r.has_value());
}

TOKIO_TEST(TaskForeign, timeout_of_never_elapses_multi_thread,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto r = co_await tokio::time::timeout(5ms, await_never());
  EXPECT_FALSE(r.has_value());
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, timeout_of_foreign_from_thread_gives_value) {
  foreign::Slot slot;
  Setter setter(slot, 11);
  auto r = co_await tokio::time::timeout(1h, await_slot(slot));
  EXPECT_TRUE(r.has_value());
  if (r) {
    EXPECT_EQ(*r, 11);
  }
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, inline_and_declining_awaiters) {
  EXPECT_EQ(co_await foreign::ResumesInline{}, 7);
  EXPECT_EQ(co_await foreign::DeclinesToSuspend{}, 8);
  foreign::Slot slot;
  slot.set(3);  // already set: await_ready
  EXPECT_EQ(co_await slot, 3);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, exception_from_foreign_await_resume_propagates) {
  bool caught = false;
  try {
    (void)co_await foreign::ThrowsOnResume{};
  } catch (const std::runtime_error& e) {
    caught = std::string(e.what()) == "foreign failure";
  }
  EXPECT_TRUE(caught);
}

namespace {
// A foreign lazy coroutine that awaits a tokio-cpp sleep and a yield inside its own body.
foreign::Lazy<int> lazy_with_native_awaits() {
  co_await tokio::time::sleep(1ms);
  co_await tokio::task::yield_now();
  co_return 21;
}
foreign::Lazy<int> lazy_plain(int v) {
  co_return v;
}
}  // namespace

TOKIO_TEST_ALL_FLAVORS(TaskForeign, foreign_lazy_coroutine_runs_inside_the_task) {
  EXPECT_EQ(co_await lazy_plain(4), 4);
  EXPECT_EQ(co_await lazy_with_native_awaits() * 2, 42);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, foreign_lazy_coroutine_in_select) {
  auto body = []() -> tokio::Task<int> { co_return co_await lazy_with_native_awaits(); };
  auto r = co_await tokio::select(await_never(), body());
  EXPECT_EQ(r.index(), 1u);
  EXPECT_EQ(std::get<1>(r), 21);
}

TOKIO_TEST_ALL_FLAVORS(TaskForeign, aborted_task_is_not_resumed_by_a_later_set) {
  foreign::Slot slot;
  std::atomic<bool> resumed{false};
  auto body = [](foreign::Slot& s, std::atomic<bool>& r) -> tokio::Task<void> {
    (void)co_await s;
    r = true;
  };
  auto handle = tokio::spawn(body(slot, resumed));
  while (!slot.has_waiter())
    co_await tokio::task::yield_now();
  handle.abort();
  bool cancelled = false;
  try {
    co_await handle;
  } catch (const tokio::task::JoinError& e) {
    cancelled = e.is_cancelled();
  }
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(slot.has_waiter());  // the awaiter's destructor unregistered
  slot.set(1);                      // nobody to resume
  EXPECT_FALSE(resumed.load());
}

TOKIO_TEST(TaskForeign, many_tasks_completed_from_many_threads,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  // Each task awaits a slot that a plain thread sets as soon as it sees the waiter, racing the
  // task's own suspension; the sum proves every value arrived exactly once.
  constexpr int kTasks = 64;
  std::vector<foreign::Slot> slots(kTasks);
  std::vector<tokio::JoinHandle<int>> handles;
  for (int i = 0; i < kTasks; ++i)
    handles.push_back(tokio::spawn(await_slot(slots[i])));
  std::vector<std::thread> setters;
  for (int t = 0; t < 4; ++t)
    setters.emplace_back([&, t] {
      for (int i = t; i < kTasks; i += 4) {
        while (!slots[i].has_waiter())
          std::this_thread::yield();
        slots[i].set(i);
      }
    });
  int sum = 0;
  for (auto& h : handles)
    sum += co_await h;
  for (auto& t : setters)
    t.join();
  EXPECT_EQ(sum, kTasks * (kTasks - 1) / 2);
}

// Every awaitable of the library speaks the task protocol itself: none pays for the proxy.
namespace native_check {
using tokio::detail::NativeAwaitable;
template <class T>
T& ref();
static_assert(NativeAwaitable<tokio::Task<int>>);
static_assert(NativeAwaitable<tokio::Task<int>&>);
static_assert(NativeAwaitable<tokio::JoinHandle<int>&>);
static_assert(NativeAwaitable<tokio::time::Sleep&>);
static_assert(NativeAwaitable<decltype(tokio::time::sleep(1ms))>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::Notify>().notified())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::mpsc::Receiver<int>>().recv())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::mpsc::Sender<int>>().send(1))>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::mpsc::UnboundedReceiver<int>>().recv())>);
static_assert(NativeAwaitable<tokio::sync::oneshot::Receiver<int>&>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::Mutex<int>>().lock())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::RwLock<int>>().read())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::RwLock<int>>().write())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::Semaphore>().acquire())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::watch::Receiver<int>>().changed())>);
static_assert(NativeAwaitable<decltype(ref<tokio::sync::broadcast::Receiver<int>>().recv())>);
static_assert(NativeAwaitable<decltype(tokio::task::yield_now())>);
static_assert(NativeAwaitable<decltype(ref<tokio::net::TcpStream>().readable())>);
static_assert(!NativeAwaitable<foreign::Slot&>);
static_assert(!NativeAwaitable<foreign::Lazy<int>>);
}  // namespace native_check
