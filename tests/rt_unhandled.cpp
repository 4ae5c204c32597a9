// Unhandled exceptions: an exception that escapes a task whose JoinHandle is dropped is
// reported (stderr by default), ignored, handed to a hook, or shuts the runtime down, as
// Builder::unhandled_exception says; an awaited or aborted task reports nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "tokio/tokio.hpp"

namespace {

using tokio::runtime::Builder;
using tokio::runtime::UnhandledException;
using namespace std::chrono_literals;

tokio::Task<int> thrower(std::string what) {
  co_await tokio::task::yield_now();
  throw std::runtime_error(what);
}

// Waits (by yielding) until the task behind `handle` has finished.
tokio::Task<void> until_finished(tokio::task::AbortHandle handle) {
  while (!handle.is_finished())
    co_await tokio::task::yield_now();
}

Builder flavor(bool multi) {
  auto b = multi ? Builder::new_multi_thread() : Builder::new_current_thread();
  if (multi) b.worker_threads(2);
  b.enable_all();
  return b;
}

class RtUnhandled : public ::testing::TestWithParam<bool> {};

TEST_P(RtUnhandled, detached_task_exception_is_reported_on_stderr) {
  ::testing::internal::CaptureStderr();
  std::uint64_t id = 0;
  {
    auto rt = flavor(GetParam()).build();
    rt.block_on([](std::uint64_t* id) -> tokio::Task<void> {
      auto handle = tokio::spawn(thrower("boom"));
      *id = handle.id().value();
      auto abort = handle.abort_handle();
      { auto dropped = std::move(handle); }  // detach
      co_await until_finished(abort);
    }(&id));
  }  // the runtime's threads are joined: the report has been written
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("task " + std::to_string(id) + " ended with an unhandled exception: boom"),
            std::string::npos)
      << err;
}

TEST_P(RtUnhandled, handle_dropped_after_completion_reports_at_drop) {
  auto rt = flavor(GetParam()).build();
  rt.block_on([]() -> tokio::Task<void> {
    auto handle = tokio::spawn(thrower("late"));
    co_await until_finished(handle.abort_handle());
    ::testing::internal::CaptureStderr();
    { auto dropped = std::move(handle); }
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("unhandled exception: late"), std::string::npos) << err;
  }());
}

TEST_P(RtUnhandled, awaited_or_aborted_tasks_report_nothing) {
  ::testing::internal::CaptureStderr();
  {
    auto rt = flavor(GetParam()).build();
    rt.block_on([]() -> tokio::Task<void> {
      auto handle = tokio::spawn(thrower("seen"));
      bool caught = false;
      try {
        (void)co_await handle;
      } catch (const tokio::task::JoinError& e) {
        caught = e.is_panic();
      }
      EXPECT_TRUE(caught);
      auto aborted = tokio::spawn([]() -> tokio::Task<int> {
        co_await tokio::time::sleep(1h);  // aborted first: never throws
        throw std::runtime_error("never thrown");
      }());
      aborted.abort();
      co_await until_finished(aborted.abort_handle());
    }());
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_P(RtUnhandled, ignore_policy_is_silent) {
  ::testing::internal::CaptureStderr();
  {
    auto rt = flavor(GetParam()).unhandled_exception(UnhandledException::Ignore).build();
    rt.block_on([]() -> tokio::Task<void> {
      auto abort = tokio::spawn(thrower("quiet")).abort_handle();
      co_await until_finished(abort);
    }());
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_P(RtUnhandled, hook_receives_id_and_exception) {
  std::mutex mutex;
  std::vector<std::pair<std::uint64_t, std::string>> seen;
  std::uint64_t id = 0;
  {
    auto rt = flavor(GetParam())
                  .unhandled_exception([&](tokio::task::Id task, std::exception_ptr e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      std::lock_guard lock(mutex);
                      seen.emplace_back(task.value(), ex.what());
                    }
                  })
                  .build();
    rt.block_on([](std::uint64_t* id) -> tokio::Task<void> {
      auto handle = tokio::spawn(thrower("hooked"));
      *id = handle.id().value();
      auto abort = handle.abort_handle();
      { auto dropped = std::move(handle); }
      co_await until_finished(abort);
    }(&id));
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, id);
  EXPECT_EQ(seen[0].second, "hooked");
}

TEST_P(RtUnhandled, blocking_job_exception_is_reported) {
  ::testing::internal::CaptureStderr();
  {
    auto rt = flavor(GetParam()).build();
    rt.block_on([]() -> tokio::Task<void> {
      auto abort = tokio::task::spawn_blocking([]() -> int {
                     throw std::runtime_error("blocking boom");
                   }).abort_handle();
      co_await until_finished(abort);
    }());
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("unhandled exception: blocking boom"), std::string::npos) << err;
}

struct DropFlag {
  std::atomic<int>* drops;
  ~DropFlag() { drops->fetch_add(1); }
};

tokio::Task<void> forever(std::atomic<int>* drops) {
  DropFlag flag{drops};
  for (;;)
    co_await tokio::time::sleep(1h);
}

TEST_P(RtUnhandled, shutdown_runtime_cancels_everything_and_block_on_throws) {
  std::atomic<int> drops{0};
  ::testing::internal::CaptureStderr();
  auto rt = flavor(GetParam()).unhandled_exception(UnhandledException::ShutdownRuntime).build();
  std::string message;
  try {
    rt.block_on([](std::atomic<int>* drops) -> tokio::Task<void> {
      tokio::spawn(forever(drops));
      tokio::spawn(thrower("fatal"));
      co_await forever(drops);  // only the stop ends this
    }(&drops));
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("ShutdownRuntime"), std::string::npos) << message;
  EXPECT_NE(message.find("fatal"), std::string::npos) << message;
  // A later block_on on the stopped runtime fails at once, without running its body.
  bool ran = false;
  EXPECT_THROW(rt.block_on([](bool* ran) -> tokio::Task<void> {
    *ran = true;
    co_return;
  }(&ran)),
               std::runtime_error);
  EXPECT_FALSE(ran);
  { auto dropped = std::move(rt); }
  EXPECT_EQ(drops.load(), 2);  // the spawned forever task and the root's
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("unhandled exception: fatal"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Flavors, RtUnhandled, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? std::string("multi_thread")
                                             : std::string("current_thread");
                         });

}  // namespace
