// Many children exiting together, and children dropped unwaited (after Tokio's
// process_issue_42.rs: consuming the exit of one child must not starve another's wait).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <string>
#include <system_error>
#include <vector>

#include "tokio/process.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::process::Command;
using tokio::process::Stdio;

// Ten tasks each spawn ten children and wait for all of them at once.
TOKIO_TEST_ALL_FLAVORS(ProcessIssue42, ConcurrentWaitsAllComplete) {
  auto batch = []() -> tokio::Task<void> {
    std::vector<tokio::process::Child> children;
    for (int i = 0; i < 10; ++i)
      children.push_back(Command("echo")
                             .arg("I am spawned process #" + std::to_string(i))
                             .stdin(Stdio::null())
                             .stdout(Stdio::null())
                             .stderr(Stdio::null())
                             .kill_on_drop(true)
                             .spawn());
    tokio::task::JoinSet<tokio::process::ExitStatus> waits;
    for (auto& child : children)
      waits.spawn([](tokio::process::Child& c) { return c.wait(); }(child));
    while (auto status = co_await waits.join_next())
      EXPECT_TRUE(status->value().success());
  };
  tokio::task::JoinSet<void> batches;
  for (int i = 0; i < 10; ++i)
    batches.spawn(batch());
  while (auto done = co_await batches.join_next())
    done->value();
}

// Children dropped without being waited for are reaped (no zombies), driven by SIGCHLD. On the
// current-thread runtime the reaper runs in the same driver turn that wakes this task (on
// several workers the task could look before the reaper is done, and wait for a SIGCHLD that
// never comes).
TOKIO_TEST(ProcessIssue42, DroppedChildrenAreReaped) {
  auto sigchld = tokio::signal::signal(tokio::signal::SignalKind::child());
  std::vector<pid_t> pids;
  for (int i = 0; i < 20; ++i) {
    auto child = Command("true").spawn();
    pids.push_back(static_cast<pid_t>(*child.id()));
  }
  auto all_reaped = [&] {
    for (pid_t pid : pids) {
      siginfo_t info{};
      // WNOWAIT: looks without reaping. ECHILD: reaped already.
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0)
        return false;
    }
    return true;
  };
  while (!all_reaped())
    co_await sigchld.recv();
}

}  // namespace
