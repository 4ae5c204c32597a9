// TOKIO_TEST: the `#[tokio::test]` of tokio-cpp, for GoogleTest.
//
//   TOKIO_TEST(RtCommon, spawns) { auto h = tokio::spawn(work()); EXPECT_EQ(co_await h, 1); }
//   TOKIO_TEST(RtThreaded, many, .flavor = tokio::runtime::RuntimeFlavor::MultiThread,
//              .worker_threads = 4) { ... }
//   TOKIO_TEST_ALL_FLAVORS(RtCommon, yields) { ... }  // current_thread, multi_thread(1), (4)
//
// The body is a coroutine (use co_await / co_return; GoogleTest's ASSERT_* cannot be used in it,
// use EXPECT_* or TOKIO_CO_ASSERT). Each test gets a fresh runtime, destroyed at its end.
// Include this header only in tests: it needs <gtest/gtest.h>.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>

#include "tokio/runtime/runtime.hpp"

namespace tokio::testing {

/// How a TOKIO_TEST runtime is built.
struct Options {
  runtime::RuntimeFlavor flavor = runtime::RuntimeFlavor::CurrentThread;
  std::size_t worker_threads = 0;  // multi-thread: 0 = one per CPU
  bool start_paused = false;
};

inline runtime::Builder builder_for(const Options& options) {
  auto builder = options.flavor == runtime::RuntimeFlavor::CurrentThread
                     ? runtime::Builder::new_current_thread()
                     : runtime::Builder::new_multi_thread();
  if (options.flavor == runtime::RuntimeFlavor::MultiThread && options.worker_threads)
    builder.worker_threads(options.worker_threads);
  builder.enable_all().start_paused(options.start_paused);
  return builder;
}

/// Runs `body` with a fresh runtime built from `options`.
template <class Body>
void run_test(const Options& options, Body body) {
  auto rt = builder_for(options).build();
  rt.block_on(body());
}

}  // namespace tokio::testing

/// Fails the test and leaves the coroutine body when `cond` is false.
#define TOKIO_CO_ASSERT(cond)                      \
  do {                                             \
    if (!(cond)) {                                 \
      ADD_FAILURE() << "assertion failed: " #cond; \
      co_return;                                   \
    }                                              \
  } while (0)

#define TOKIO_TEST(suite, name, ...)                                          \
  static ::tokio::Task<void> suite##_##name##_tokio_body();                   \
  TEST(suite, name) {                                                         \
    ::tokio::testing::run_test(::tokio::testing::Options{__VA_ARGS__},        \
                               [] { return suite##_##name##_tokio_body(); }); \
  }                                                                           \
  static ::tokio::Task<void> suite##_##name##_tokio_body()

#define TOKIO_TEST_ALL_FLAVORS(suite, name)                                                  \
  static ::tokio::Task<void> suite##_##name##_tokio_body();                                  \
  TEST(suite, name##_current_thread) {                                                       \
    ::tokio::testing::run_test(                                                              \
        ::tokio::testing::Options{.flavor = ::tokio::runtime::RuntimeFlavor::CurrentThread}, \
        [] { return suite##_##name##_tokio_body(); });                                       \
  }                                                                                          \
  TEST(suite, name##_multi_thread_1) {                                                       \
    ::tokio::testing::run_test(                                                              \
        ::tokio::testing::Options{.flavor = ::tokio::runtime::RuntimeFlavor::MultiThread,    \
                                  .worker_threads = 1},                                      \
        [] { return suite##_##name##_tokio_body(); });                                       \
  }                                                                                          \
  TEST(suite, name##_multi_thread_4) {                                                       \
    ::tokio::testing::run_test(                                                              \
        ::tokio::testing::Options{.flavor = ::tokio::runtime::RuntimeFlavor::MultiThread,    \
                                  .worker_threads = 4},                                      \
        [] { return suite##_##name##_tokio_body(); });                                       \
  }                                                                                          \
  static ::tokio::Task<void> suite##_##name##_tokio_body()
