// Sending a signal to this process from a test. kill(getpid()) delivers the signal before it
// returns (or leaves it pending), so no test has to wait on time for it.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "tokio/task/task.hpp"

namespace tokio::testing {

inline void send_signal(int signum) {
  ASSERT_EQ(::kill(::getpid(), signum), 0);
}

/// The same, as a task: joined after a listener's recv(), it runs once the listener waits.
inline Task<void> send_signal_later(int signum) {
  send_signal(signum);
  co_return;
}

}  // namespace tokio::testing
