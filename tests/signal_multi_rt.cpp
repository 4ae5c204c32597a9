// Signals with several runtimes (after Tokio's signal_multi_rt.rs).
#include <gtest/gtest.h>
#include <signal.h>

#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include "support/signal_helpers.hpp"
#include "tokio/signal/unix.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::signal::SignalKind;  // tokio::signal::unix::SignalKind (`unix` is a macro here)
using tokio::testing::send_signal;
using tokio::testing::send_signal_later;

// The i-th runtime of a test: current-thread for even i, two workers for odd i.
tokio::runtime::Runtime runtime_of_flavor(int i) {
  auto builder = i % 2 == 0 ? tokio::runtime::Builder::new_current_thread()
                            : tokio::runtime::Builder::new_multi_thread();
  if (i % 2 == 1) builder.worker_threads(2);
  return builder.enable_all().build();
}

// Several runtimes on several threads each get the one delivery.
TEST(SignalMultiRt, EveryRuntimeSeesTheDelivery) {
  constexpr int kRuntimes = 4;
  std::latch listening(kRuntimes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuntimes; ++i) {
    threads.emplace_back([&, i] {
      auto rt = runtime_of_flavor(i);
      rt.block_on([](std::latch& ready) -> tokio::Task<void> {
        auto sig = tokio::signal::signal(SignalKind::user_defined1());
        ready.count_down();
        co_await sig.recv();
      }(listening));
    });
  }
  listening.wait();
  send_signal(SIGUSR1);
  for (auto& t : threads)
    t.join();
}

// A listener moved to another runtime is served by that runtime's driver.
TEST(SignalMultiRt, ListenerMovedToAnotherRuntime) {
  auto made_on = tokio::runtime::Builder::new_current_thread().enable_all().build();
  auto sig = made_on.block_on([]() -> tokio::Task<tokio::signal::Signal> {
    co_return tokio::signal::signal(SignalKind::user_defined2());
  }());
  auto other = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
  other.block_on([](tokio::signal::Signal& s) -> tokio::Task<void> {
    co_await tokio::join(s.recv(), send_signal_later(SIGUSR2));
  }(sig));
}

// Dropping a runtime (then its listener) leaves another runtime's listener working (after
// Tokio's signal_drop_rt.rs).
TEST(SignalMultiRt, DroppingARuntimeKeepsTheOthersListening) {
  auto make_rt = [] { return tokio::runtime::Builder::new_current_thread().enable_all().build(); };
  auto make_listener = []() -> tokio::Task<tokio::signal::Signal> {
    co_return tokio::signal::signal(SignalKind::user_defined1());
  };
  auto recv = [](tokio::signal::Signal& sig) -> tokio::Task<void> { co_await sig.recv(); };
  std::optional<tokio::runtime::Runtime> first_rt = make_rt();
  std::optional<tokio::signal::Signal> first = first_rt->block_on(make_listener());
  auto second_rt = make_rt();
  auto second = second_rt.block_on(make_listener());
  send_signal(SIGUSR1);
  first_rt->block_on(recv(*first));
  first_rt.reset();
  first.reset();
  send_signal(SIGUSR1);
  second_rt.block_on(recv(second));
}

// A stress of the broadcast: listeners on runtimes of both flavors, on their own threads, and a
// sender on another; each round sends one signal and waits (on a tokio::sync::Barrier shared by
// every runtime) until every listener has received it, so no delivery can coalesce with the next
// and a lost wake-up hangs the round.
TEST(SignalMultiRt, RoundsOfDeliveriesAcrossRuntimes) {
  constexpr int kRuntimes = 4;
  constexpr int kListenersPerRuntime = 2;
  constexpr int kRounds = 50;
  tokio::sync::Barrier round(kRuntimes * kListenersPerRuntime + 1);
  std::latch listening(kRuntimes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuntimes; ++i) {
    threads.emplace_back([&, i] {
      auto rt = runtime_of_flavor(i);
      rt.block_on([](tokio::sync::Barrier& round, std::latch& ready) -> tokio::Task<void> {
        auto listen = [](tokio::signal::Signal sig,
                         tokio::sync::Barrier& round) -> tokio::Task<void> {
          for (int r = 0; r < kRounds; ++r) {
            co_await sig.recv();
            co_await round.wait();
          }
        };
        tokio::task::JoinSet<void> listeners;
        for (int l = 0; l < kListenersPerRuntime; ++l)
          listeners.spawn(listen(tokio::signal::signal(SignalKind::user_defined2()), round));
        ready.count_down();
        while (auto done = co_await listeners.join_next())
          done->value();
      }(round, listening));
    });
  }
  listening.wait();
  auto sender_rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
  sender_rt.block_on([](tokio::sync::Barrier& round) -> tokio::Task<void> {
    for (int r = 0; r < kRounds; ++r) {
      send_signal(SIGUSR2);
      co_await round.wait();
    }
  }(round));
  for (auto& t : threads)
    t.join();
}

}  // namespace
