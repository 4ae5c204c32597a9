// tokio::process (after Tokio's process_smoke.rs; the other process_*.cpp files follow Tokio's
// test files of the same names). Children are real programs from the base system (true, false,
// sh, cat, sleep, env, pwd); no test waits on time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <unistd.h>
#include <cstdlib>

#include <string>
#include <system_error>
#include <vector>

#include "tokio/process.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::process::Command;
using tokio::process::Stdio;

TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, ExitCodes) {
  EXPECT_TRUE((co_await Command("true").status()).success());
  auto failed = co_await Command("false").status();
  EXPECT_FALSE(failed.success());
  EXPECT_EQ(failed.code(), 1);
  auto three = co_await Command("sh").args("-c", "exit 3").status();
  EXPECT_EQ(three.code(), 3);
  EXPECT_EQ(three.signal(), std::nullopt);
  EXPECT_EQ(three.to_string(), "exit status: 3");
}

// The same through SIGCHLD, as on a kernel without pidfd.
TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, ExitCodesWithoutPidfd) {
  tokio::detail::tl_process_without_pidfd = true;
  auto child = Command("sh").args("-c", "exit 5").spawn();
  auto status = co_await child.wait();
  tokio::detail::tl_process_without_pidfd = false;
  EXPECT_EQ(status.code(), 5);
}

TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, OutputCapturesBothStreams) {
  auto out = co_await Command("sh").args("-c", "echo out; echo err >&2; exit 2").output();
  EXPECT_EQ(out.status.code(), 2);
  EXPECT_EQ(out.stdout, "out\n");
  EXPECT_EQ(out.stderr, "err\n");
}

TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, PipesStdinThroughCat) {
  auto child = Command("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
  TOKIO_CO_ASSERT(child.stdin && child.stdout && !child.stderr);
  std::string big(200000, 'x');  // more than a pipe holds: writing and reading interleave
  auto stdin_pipe = std::move(*child.stdin);
  child.stdin.reset();
  auto writer = [](tokio::process::ChildStdin in, std::string data) -> tokio::Task<void> {
    co_await in.write_all(data);
    co_await in.shutdown();
  };
  auto [_, out] =
      co_await tokio::join(writer(std::move(stdin_pipe), big), child.wait_with_output());
  EXPECT_TRUE(out.status.success());
  EXPECT_EQ(out.stdout.size(), big.size());
  EXPECT_EQ(out.stdout, big);
}

TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, PipeBetweenTwoChildren) {
  auto first = Command("echo").arg("through a pipe").stdout(Stdio::piped()).spawn();
  auto second =
      Command("cat").stdin(Stdio::from(std::move(*first.stdout))).stdout(Stdio::piped()).spawn();
  first.stdout.reset();
  auto out = co_await second.wait_with_output();
  EXPECT_TRUE((co_await first.wait()).success());
  EXPECT_EQ(out.stdout, "through a pipe\n");
}

TOKIO_TEST(ProcessSmoke, EnvironmentChanges) {
  auto set = co_await Command("sh")
                 .args("-c", "echo $TOKIO_A-$TOKIO_B")
                 .env("TOKIO_A", "1")
                 .env("TOKIO_B", "2")
                 .output();
  EXPECT_EQ(set.stdout, "1-2\n");
  ::setenv("TOKIO_INHERITED", "yes", 1);
  auto inherited = co_await Command("sh").args("-c", "echo $TOKIO_INHERITED").output();
  EXPECT_EQ(inherited.stdout, "yes\n");
  auto removed = co_await Command("sh")
                     .args("-c", "echo x$TOKIO_INHERITED")
                     .env_remove("TOKIO_INHERITED")
                     .output();
  EXPECT_EQ(removed.stdout, "x\n");
  auto cleared = co_await Command("/usr/bin/env").env_clear().env("ONLY", "this").output();
  EXPECT_EQ(cleared.stdout, "ONLY=this\n");
  // PATH from env() is the one searched.
  Command no_path("true");
  no_path.env("PATH", "/nonexistent");
  EXPECT_THROW((void)no_path.spawn(), std::system_error);
}

TOKIO_TEST(ProcessSmoke, CurrentDir) {
  auto out = co_await Command("pwd").current_dir("/").output();
  EXPECT_EQ(out.stdout, "/\n");
  try {
    (void)Command("pwd").current_dir("/no/such/dir").spawn();
    ADD_FAILURE() << "spawned in a missing directory";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find("/no/such/dir"), std::string::npos) << e.what();
  }
}

TOKIO_TEST(ProcessSmoke, MissingProgramIsNamed) {
  try {
    (void)Command("tokio-no-such-program").spawn();
    ADD_FAILURE() << "spawned a missing program";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find("'tokio-no-such-program'"), std::string::npos) << e.what();
  }
  try {
    (void)Command("/no/such/program").spawn();
    ADD_FAILURE() << "spawned a missing program";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find("/no/such/program"), std::string::npos) << e.what();
  }
  char path[] = "/tmp/tokio-process-test-XXXXXX";
  const int fd = ::mkstemp(path);  // mode 0600: exists, not executable
  TOKIO_CO_ASSERT(fd >= 0);
  ::close(fd);
  try {
    (void)Command(path).spawn();
    ADD_FAILURE() << "spawned a file that is not executable";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied) << e.what();
  }
  ::unlink(path);
  co_return;
}

TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, KillAndTryWait) {
  auto child = Command("sleep").arg("1000").spawn();
  TOKIO_CO_ASSERT(child.id().has_value());
  EXPECT_EQ(child.try_wait(), std::nullopt);
  co_await child.kill();
  auto status = child.try_wait();
  TOKIO_CO_ASSERT(status.has_value());
  EXPECT_EQ(status->signal(), SIGKILL);
  EXPECT_EQ(status->to_string(), "signal: 9 (SIGKILL)");
  EXPECT_FALSE(child.id().has_value());
  EXPECT_EQ((co_await child.wait()), *status);  // again: the same status at once
  EXPECT_THROW(child.start_kill(), std::system_error);
}

// Cancel safety: a wait lost to a select can be started again.
TOKIO_TEST_ALL_FLAVORS(ProcessSmoke, WaitIsCancelSafe) {
  auto child = Command("sleep").arg("1000").spawn();
  auto first = co_await tokio::select_biased(child.wait(), tokio::future::ready(1));
  EXPECT_EQ(first.index(), 1u);
  child.start_kill();
  EXPECT_EQ((co_await child.wait()).signal(), SIGKILL);
}

TOKIO_TEST(ProcessSmoke, ProcessGroup) {
  auto child = Command("sleep").arg("1000").process_group(0).spawn();
  const pid_t pid = static_cast<pid_t>(*child.id());
  EXPECT_EQ(::getpgid(pid), pid);
  co_await child.kill();
}

TOKIO_TEST(ProcessSmoke, PreExecHookRunsAndCanFail) {
  auto ok = co_await Command("true").pre_exec([] { return 0; }).status();
  EXPECT_TRUE(ok.success());
  try {
    (void)Command("true").pre_exec([] { return EACCES; }).spawn();
    ADD_FAILURE() << "a failing hook did not fail spawn";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied);
    EXPECT_NE(std::string(e.what()).find("pre_exec"), std::string::npos) << e.what();
  }
}

TOKIO_TEST(ProcessSmoke, UidAndGid) {
  if (::getuid() == 0) {
    auto out = co_await Command("id").args("-u").uid(65534).gid(65534).output();
    EXPECT_EQ(out.stdout, "65534\n");
  } else {
    try {
      (void)Command("true").uid(0).spawn();
      ADD_FAILURE() << "an unprivileged process became root";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), std::errc::operation_not_permitted) << e.what();
    }
  }
}

TEST(ProcessSmoke, OutsideARuntimeIsALogicError) {
  EXPECT_THROW((void)Command("true").spawn(), std::logic_error);
}

}  // namespace
