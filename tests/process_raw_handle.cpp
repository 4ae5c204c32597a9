// The raw handles of a child: its pid while it runs, the file descriptors of its pipes
// (after Tokio's process_raw_handle.rs, which checks the Windows handle).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <system_error>
#include <vector>

#include "tokio/process.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::process::Command;
using tokio::process::Stdio;

TOKIO_TEST_ALL_FLAVORS(ProcessRawHandle, IdUntilWaited) {
  auto child = Command("sleep").arg("1000").spawn();
  TOKIO_CO_ASSERT(child.id().has_value());
  const auto pid = static_cast<pid_t>(*child.id());
  EXPECT_GT(pid, 0);
  EXPECT_EQ(::kill(pid, 0), 0);  // a live process of ours
  co_await child.kill();
  EXPECT_EQ(child.id(), std::nullopt);  // reaped: the pid may already name another process
}

TOKIO_TEST_ALL_FLAVORS(ProcessRawHandle, PipeDescriptors) {
  auto child = Command("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
  const int in_fd = child.stdin->as_raw_fd();
  const int out_fd = child.stdout->as_raw_fd();
  EXPECT_GE(::fcntl(in_fd, F_GETFD), 0);
  EXPECT_TRUE(::fcntl(in_fd, F_GETFD) & FD_CLOEXEC);  // not inherited by other children
  EXPECT_TRUE(::fcntl(out_fd, F_GETFL) & O_NONBLOCK);
  // into_raw_fd hands the descriptor over: the caller writes and closes it.
  const int owned = std::move(*child.stdin).into_raw_fd();
  child.stdin.reset();
  EXPECT_EQ(owned, in_fd);
  EXPECT_EQ(::write(owned, "raw\n", 4), 4);
  EXPECT_EQ(::close(owned), 0);
  auto out = co_await child.wait_with_output();
  EXPECT_EQ(out.stdout, "raw\n");
}

}  // namespace
