// Listening without a runtime, or without its I/O driver (after Tokio's signal_no_rt.rs).
#include <gtest/gtest.h>
#include <signal.h>

#include <stdexcept>
#include <string>

#include "support/signal_helpers.hpp"
#include "tokio/signal/unix.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::signal::SignalKind;  // tokio::signal::unix::SignalKind (`unix` is a macro here)
using tokio::testing::send_signal;
using tokio::testing::send_signal_later;

TEST(SignalNoRt, OutsideARuntimeIsALogicError) {
  try {
    (void)tokio::signal::signal(SignalKind::user_defined1());
    ADD_FAILURE() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("tokio::signal::unix::signal"), std::string::npos)
        << e.what();
  }
}

TEST(SignalNoRt, ARuntimeWithoutIoIsALogicError) {
  auto rt = tokio::runtime::Builder::new_current_thread().enable_time().build();
  rt.block_on([]() -> tokio::Task<void> {
    try {
      (void)tokio::signal::signal(SignalKind::user_defined1());
      ADD_FAILURE() << "expected std::logic_error";
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find("enable_io"), std::string::npos) << e.what();
    }
    co_return;
  }());
}

TEST(SignalNoRt, CtrlCWithoutIoIsALogicError) {
  auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_time().build();
  EXPECT_THROW(rt.block_on(tokio::signal::ctrl_c()), std::logic_error);
}

}  // namespace
