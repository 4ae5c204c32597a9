// Command::kill_on_drop (after Tokio's process_kill_on_drop.rs).
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <system_error>
#include <vector>

#include "tokio/process.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::process::Command;
using tokio::process::Stdio;

// A child that prints `text` once its input closes, dropped before that; what it printed.
tokio::Task<std::string> drop_then_close_input(bool kill_on_drop, std::string text) {
  auto child = Command("sh")
                   .args("-c", "read line; echo " + text)
                   .stdin(Stdio::piped())
                   .stdout(Stdio::piped())
                   .kill_on_drop(kill_on_drop)
                   .spawn();
  auto in = std::move(*child.stdin);
  auto out = std::move(*child.stdout);
  { auto dropped = std::move(child); }
  co_await in.shutdown();
  std::string printed;
  co_await out.read_to_string(printed);
  co_return printed;
}

// Killed by the drop, the child never prints (had it not been, closing its input would let it).
TOKIO_TEST_ALL_FLAVORS(ProcessKillOnDrop, KillsTheChild) {
  EXPECT_EQ(co_await drop_then_close_input(true, "not killed"), "");
}

// Without kill_on_drop, the dropped child lives on (and is reaped later, see process_issue_42).
TOKIO_TEST_ALL_FLAVORS(ProcessKillOnDrop, WithoutItTheChildLivesOn) {
  EXPECT_EQ(co_await drop_then_close_input(false, "lived on"), "lived on\n");
}

// Dropping a child that was already waited for (or killed) kills nothing and throws nothing.
TOKIO_TEST_ALL_FLAVORS(ProcessKillOnDrop, AfterWaitIsANoOp) {
  auto child = Command("true").kill_on_drop(true).spawn();
  EXPECT_TRUE((co_await child.wait()).success());
  auto killed = Command("sleep").arg("1000").kill_on_drop(true).spawn();
  co_await killed.kill();
}

}  // namespace
