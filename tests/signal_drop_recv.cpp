// Cancel safety of recv (after Tokio's signal_drop_recv.rs).
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

// A recv dropped before completion loses nothing; the listener works on.
TOKIO_TEST_ALL_FLAVORS(SignalDropRecv, DroppedRecvLosesNothing) {
  auto sig = tokio::signal::signal(SignalKind::hangup());
  auto first = co_await tokio::select_biased(sig.recv(), tokio::future::ready(7));
  EXPECT_EQ(first.index(), 1u);
  send_signal(SIGHUP);
  co_await sig.recv();
}

// A delivery sent before a recv that then lost a select is kept for the next recv. On the
// current-thread runtime the driver cannot dispatch it before the first poll of the select
// (on several workers it could, and the recv would win).
TOKIO_TEST(SignalDropRecv, DeliveryBeforeALostSelectIsKept) {
  auto sig = tokio::signal::signal(SignalKind::hangup());
  send_signal(SIGHUP);
  auto first = co_await tokio::select_biased(tokio::task::yield_now(), sig.recv());
  EXPECT_EQ(first.index(), 0u);
  co_await sig.recv();
}

}  // namespace
