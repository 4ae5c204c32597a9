// A listener made after another was dropped (after Tokio's signal_drop_then_get_a_signal.rs).
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

TOKIO_TEST_ALL_FLAVORS(SignalDropThenGetASignal, NewListenerAfterADroppedOne) {
  (void)tokio::signal::signal(SignalKind::user_defined1());  // made and dropped
  auto second = tokio::signal::signal(SignalKind::user_defined1());
  send_signal(SIGUSR1);
  co_await second.recv();
}

// A delivery sent before the listener was made, but not yet dispatched by the driver (no
// await in between on the current-thread runtime), counts for it.
TOKIO_TEST(SignalDropThenGetASignal, UndispatchedDeliveryCountsForANewListener) {
  (void)tokio::signal::signal(SignalKind::user_defined1());  // made and dropped
  send_signal(SIGUSR1);
  auto second = tokio::signal::signal(SignalKind::user_defined1());
  co_await second.recv();
}

}  // namespace
