// Every listener of a signal is woken (after Tokio's signal_notify_both.rs).
#include <gtest/gtest.h>
#include <signal.h>

#include "support/signal_helpers.hpp"
#include "tokio/signal/unix.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::signal::SignalKind;  // tokio::signal::unix::SignalKind (`unix` is a macro here)
using tokio::testing::send_signal;
using tokio::testing::send_signal_later;

TOKIO_TEST_ALL_FLAVORS(SignalNotifyBoth, EveryListenerSeesEachDelivery) {
  auto a = tokio::signal::signal(SignalKind::user_defined1());
  auto b = tokio::signal::signal(SignalKind::user_defined1());
  auto in_task = tokio::spawn([](tokio::signal::Signal s) -> tokio::Task<void> {
    co_await s.recv();
  }(tokio::signal::signal(SignalKind::user_defined1())));
  send_signal(SIGUSR1);
  co_await tokio::join(a.recv(), b.recv());
  co_await in_task;
}

// Dropping one listener leaves the others registered (after Tokio's signal_drop_signal.rs).
TOKIO_TEST_ALL_FLAVORS(SignalNotifyBoth, DroppingOneListenerKeepsTheOther) {
  auto kept = tokio::signal::signal(SignalKind::user_defined2());
  (void)tokio::signal::signal(SignalKind::user_defined2());  // made and dropped
  send_signal(SIGUSR2);
  co_await kept.recv();
}

}  // namespace
