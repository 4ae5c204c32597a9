// tokio::signal::ctrl_c (after Tokio's signal_ctrl_c.rs).
#include "tokio/signal/ctrl_c.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

tokio::Task<void> interrupt_self() {
  EXPECT_EQ(::kill(::getpid(), SIGINT), 0);
  co_return;
}

// join polls ctrl_c first (it installs its listener and waits), then sends SIGINT.
TOKIO_TEST_ALL_FLAVORS(SignalCtrlC, CompletesOnSigint) {
  co_await tokio::join(tokio::signal::ctrl_c(), interrupt_self());
}

TOKIO_TEST_ALL_FLAVORS(SignalCtrlC, StopsAServeLoopInASelect) {
  auto serve = []() -> tokio::Task<int> { co_return co_await tokio::future::pending<int>(); };
  auto stop = []() -> tokio::Task<void> {
    co_await tokio::join(tokio::signal::ctrl_c(), interrupt_self());
  };
  auto r = co_await tokio::select(serve(), stop());
  EXPECT_EQ(r.index(), 1u);
}

}  // namespace
