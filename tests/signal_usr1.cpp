// A SIGUSR1 listener (after Tokio's signal_usr1.rs).
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

TOKIO_TEST_ALL_FLAVORS(SignalUsr1, ReceivesAPendingDelivery) {
  auto sig = tokio::signal::signal(SignalKind::user_defined1());
  EXPECT_EQ(sig.kind(), SignalKind::user_defined1());
  send_signal(SIGUSR1);
  co_await sig.recv();
}

// The listener is waiting when the signal is sent (join polls its branches in order).
TOKIO_TEST_ALL_FLAVORS(SignalUsr1, WakesAWaitingListener) {
  auto sig = tokio::signal::signal(SignalKind::user_defined2());
  co_await tokio::join(sig.recv(), send_signal_later(SIGUSR2));
}

}  // namespace
