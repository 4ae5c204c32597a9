// tokio::signal::unix (after Tokio's signal_usr1.rs, signal_twice.rs, signal_drop_recv.rs,
// signal_drop_then_get_a_signal.rs, signal_multi_rt.rs, signal_no_rt.rs, signal_notify_both.rs).
// A signal is sent with kill(getpid()), which delivers it before kill returns or queues it as
// pending; no test waits on time.
#include "tokio/signal/unix.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <latch>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::signal::SignalKind;  // tokio::signal::unix::SignalKind (`unix` is a macro here)

void send(int signum) {
  ASSERT_EQ(::kill(::getpid(), signum), 0);
}

tokio::Task<void> send_later(int signum) {
  send(signum);
  co_return;
}

TEST(SignalKindTest, NamedKindsAreTheirSignals) {
  EXPECT_EQ(SignalKind::alarm().as_raw_value(), SIGALRM);
  EXPECT_EQ(SignalKind::child().as_raw_value(), SIGCHLD);
  EXPECT_EQ(SignalKind::hangup().as_raw_value(), SIGHUP);
  EXPECT_EQ(SignalKind::interrupt().as_raw_value(), SIGINT);
  EXPECT_EQ(SignalKind::io().as_raw_value(), SIGIO);
  EXPECT_EQ(SignalKind::pipe().as_raw_value(), SIGPIPE);
  EXPECT_EQ(SignalKind::quit().as_raw_value(), SIGQUIT);
  EXPECT_EQ(SignalKind::terminate().as_raw_value(), SIGTERM);
  EXPECT_EQ(SignalKind::user_defined1().as_raw_value(), SIGUSR1);
  EXPECT_EQ(SignalKind::user_defined2().as_raw_value(), SIGUSR2);
  EXPECT_EQ(SignalKind::window_change().as_raw_value(), SIGWINCH);
  EXPECT_EQ(SignalKind::from_raw(SIGRTMIN + 1).as_raw_value(), SIGRTMIN + 1);
  EXPECT_EQ(SignalKind::from_raw(SIGTERM), SignalKind::terminate());
}

TOKIO_TEST_ALL_FLAVORS(SignalUnix, Usr1IsReceived) {
  auto sig = tokio::signal::signal(SignalKind::user_defined1());
  EXPECT_EQ(sig.kind(), SignalKind::user_defined1());
  send(SIGUSR1);
  co_await sig.recv();
}

TOKIO_TEST_ALL_FLAVORS(SignalUnix, RecvTwiceSeesTwoDeliveries) {
  auto sig = tokio::signal::signal(SignalKind::hangup());
  for (int i = 0; i < 2; ++i) {
    send(SIGHUP);
    co_await sig.recv();
  }
}

// The listener is waiting when the signal is sent (join polls its branches in order).
TOKIO_TEST_ALL_FLAVORS(SignalUnix, WakesAWaitingListener) {
  auto sig = tokio::signal::signal(SignalKind::user_defined2());
  co_await tokio::join(sig.recv(), send_later(SIGUSR2));
}

TOKIO_TEST_ALL_FLAVORS(SignalUnix, EveryListenerSeesEachDelivery) {
  auto a = tokio::signal::signal(SignalKind::user_defined1());
  auto b = tokio::signal::signal(SignalKind::user_defined1());
  auto in_task = tokio::spawn([](tokio::signal::Signal s) -> tokio::Task<void> {
    co_await s.recv();
  }(tokio::signal::signal(SignalKind::user_defined1())));
  send(SIGUSR1);
  co_await tokio::join(a.recv(), b.recv());
  co_await in_task;
}

// A delivery sent before the listener was made, but not yet dispatched by the driver (no
// await in between), counts for it.
TOKIO_TEST(SignalUnix, DropThenGetASignal) {
  std::optional<tokio::signal::Signal> first = tokio::signal::signal(SignalKind::user_defined1());
  first.reset();
  send(SIGUSR1);
  auto second = tokio::signal::signal(SignalKind::user_defined1());
  co_await second.recv();
}

// On the current-thread runtime the driver does not turn while this task runs: three signals
// sent back to back are dispatched together and coalesce into one delivery.
TOKIO_TEST(SignalUnix, DeliveriesCoalesce) {
  auto sig = tokio::signal::signal(SignalKind::user_defined2());
  send(SIGUSR2);
  send(SIGUSR2);
  send(SIGUSR2);
  co_await sig.recv();
  // Nothing more can arrive: the yield wins.
  auto second = co_await tokio::select_biased(sig.recv(), tokio::task::yield_now());
  EXPECT_EQ(second.index(), 1u);
}

// A recv dropped before completion loses nothing (cancel safety); the listener works on.
TOKIO_TEST_ALL_FLAVORS(SignalUnix, DroppedRecvLosesNothing) {
  auto sig = tokio::signal::signal(SignalKind::hangup());
  auto first = co_await tokio::select_biased(sig.recv(), tokio::future::ready(7));
  EXPECT_EQ(first.index(), 1u);
  send(SIGHUP);
  co_await sig.recv();
}

// A listener moved to another runtime is served by that runtime's driver.
TEST(SignalUnix, ListenerMovedToAnotherRuntime) {
  auto made_on = tokio::runtime::Builder::new_current_thread().enable_all().build();
  auto sig = made_on.block_on([]() -> tokio::Task<tokio::signal::Signal> {
    co_return tokio::signal::signal(SignalKind::user_defined2());
  }());
  auto other = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
  other.block_on([](tokio::signal::Signal& s) -> tokio::Task<void> {
    co_await tokio::join(s.recv(), send_later(SIGUSR2));
  }(sig));
}

// Several runtimes on several threads each get the one delivery.
TEST(SignalUnix, EveryRuntimeSeesTheDelivery) {
  constexpr int kRuntimes = 4;
  std::latch listening(kRuntimes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuntimes; ++i) {
    threads.emplace_back([&, i] {
      auto builder = i % 2 == 0 ? tokio::runtime::Builder::new_current_thread()
                                : tokio::runtime::Builder::new_multi_thread();
      if (i % 2 == 1) builder.worker_threads(2);
      auto rt = builder.enable_all().build();
      rt.block_on([](std::latch& ready) -> tokio::Task<void> {
        auto sig = tokio::signal::signal(SignalKind::user_defined1());
        ready.count_down();
        co_await sig.recv();
      }(listening));
    });
  }
  listening.wait();
  send(SIGUSR1);
  for (auto& t : threads)
    t.join();
}

TEST(SignalUnix, OutsideARuntimeIsALogicError) {
  try {
    (void)tokio::signal::signal(SignalKind::user_defined1());
    ADD_FAILURE() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("tokio::signal::unix::signal"), std::string::npos)
        << e.what();
  }
}

TEST(SignalUnix, ARuntimeWithoutIoIsALogicError) {
  auto rt = tokio::runtime::Builder::new_current_thread().enable_time().build();
  rt.block_on([]() -> tokio::Task<void> {
    try {
      (void)tokio::signal::signal(SignalKind::user_defined1());
      ADD_FAILURE() << "expected std::logic_error";
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find("enable_io"), std::string::npos) << e.what();
    }
    co_return;
  }());
}

TOKIO_TEST(SignalUnix, ForbiddenAndInvalidSignalsAreRefused) {
  for (int signum : {SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV}) {
    try {
      (void)tokio::signal::signal(SignalKind::from_raw(signum));
      ADD_FAILURE() << "signal " << signum << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("cannot be handled"), std::string::npos) << e.what();
    }
  }
  for (int signum : {0, -1, NSIG, 1000}) {
    try {
      (void)tokio::signal::signal(SignalKind::from_raw(signum));
      ADD_FAILURE() << "signal " << signum << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("is not a signal number"), std::string::npos)
          << e.what();
    }
  }
  co_return;
}

}  // namespace
