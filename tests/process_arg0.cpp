// Command::arg0 (after Tokio's process_arg0.rs).
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

TOKIO_TEST_ALL_FLAVORS(ProcessArg0, SetsTheProgramsArgv0) {
  auto out = co_await Command("sh").arg0("test_string").args("-c", "echo $0").output();
  EXPECT_EQ(out.stdout, "test_string\n");
}

}  // namespace
