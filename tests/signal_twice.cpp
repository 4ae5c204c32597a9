// Two deliveries, two wake-ups (after Tokio's signal_twice.rs).
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

TOKIO_TEST_ALL_FLAVORS(SignalTwice, RecvTwiceSeesTwoDeliveries) {
  auto sig = tokio::signal::signal(SignalKind::hangup());
  for (int i = 0; i < 2; ++i) {
    send_signal(SIGHUP);
    co_await sig.recv();
  }
}

}  // namespace
