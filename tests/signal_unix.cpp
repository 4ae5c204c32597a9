// tokio::signal::unix: SignalKind, coalescing, refused signals. The other signal_*.cpp files
// follow Tokio's test files of the same names.
#include "tokio/signal/unix.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <stdexcept>

#include "support/signal_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::signal::SignalKind;  // tokio::signal::unix::SignalKind (`unix` is a macro here)
using tokio::testing::send_signal;

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

// On the current-thread runtime the driver does not turn while this task runs: three signals
// sent back to back are dispatched together and coalesce into one delivery.
TOKIO_TEST(SignalUnix, DeliveriesCoalesce) {
  auto sig = tokio::signal::signal(SignalKind::user_defined2());
  send_signal(SIGUSR2);
  send_signal(SIGUSR2);
  send_signal(SIGUSR2);
  co_await sig.recv();
  // Nothing more can arrive: the yield wins.
  auto second = co_await tokio::select_biased(sig.recv(), tokio::task::yield_now());
  EXPECT_EQ(second.index(), 1u);
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
