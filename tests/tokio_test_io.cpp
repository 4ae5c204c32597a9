// tokio::test::io::Builder and Mock (after tokio-test's io.rs tests).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <system_error>

#include "tokio/io/util.hpp"
#include "tokio/test.hpp"
#include "tokio/test/block_on.hpp"
#include "tokio/test/io.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util/codec.hpp"

namespace {

using namespace std::chrono_literals;
using tokio::test::io::Builder;
using tokio::test::io::MockError;

TOKIO_TEST_ALL_FLAVORS(TokioTestIo, ReadThenWriteThenEnd) {
  auto mock = Builder().read("hello").write("world").build();
  char buf[16];
  const std::size_t n = co_await mock.read(std::as_writable_bytes(std::span(buf, sizeof buf)));
  EXPECT_EQ(std::string(buf, n), "hello");
  co_await tokio::io::write_all(mock, std::string_view("wor"));
  co_await tokio::io::write_all(mock, std::string_view("ld"));
  EXPECT_EQ(co_await mock.read(std::as_writable_bytes(std::span(buf, sizeof buf))), 0u);
}

TOKIO_TEST(TokioTestIo, AWrongWriteIsAMockError) {
  auto mock = Builder().write("expected").build();
  try {
    co_await tokio::io::write_all(mock, std::string_view("exported"));
    ADD_FAILURE() << "a wrong write was accepted";
  } catch (const MockError& e) {
    EXPECT_NE(std::string(e.what()).find("\"expected\""), std::string::npos) << e.what();
  }
  co_await tokio::io::write_all(mock, std::string_view("expected"));  // the script goes on
}

TOKIO_TEST(TokioTestIo, AnUnexpectedWriteIsAMockError) {
  auto mock = Builder().build();
  EXPECT_THROW(co_await tokio::io::write_all(mock, std::string_view("x")), MockError);
}

TOKIO_TEST(TokioTestIo, ScriptedErrors) {
  auto mock = Builder()
                  .read_error(std::make_error_code(std::errc::connection_reset))
                  .write_error(std::make_error_code(std::errc::broken_pipe))
                  .build();
  char buf[4];
  try {
    (void)co_await mock.read(std::as_writable_bytes(std::span(buf, sizeof buf)));
    ADD_FAILURE() << "no read error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::connection_reset);
  }
  try {
    (void)co_await mock.write(std::as_bytes(std::span("x", 1)));
    ADD_FAILURE() << "no write error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::broken_pipe);
  }
}

TOKIO_TEST(TokioTestIo, WaitsOnThePausedClock, .start_paused = true) {
  const auto start = tokio::time::Instant::now();
  auto mock = Builder().wait(30ms).read("late").build();
  std::string got;
  co_await tokio::io::read_to_string(mock, got);
  EXPECT_EQ(got, "late");
  EXPECT_EQ(tokio::time::Instant::now() - start, 30ms);
}

// A reader in one task waits while the script expects the other task's write first.
TOKIO_TEST_ALL_FLAVORS(TokioTestIo, ReaderWaitsForTheWriter) {
  auto mock = Builder().write("request").read("response").build();
  auto [reader, writer] = tokio::io::split(std::move(mock));
  auto reading = tokio::spawn([](decltype(reader) r) -> tokio::Task<std::string> {
    std::string got;
    co_await tokio::io::read_to_string(r, got);
    co_return got;
  }(std::move(reader)));
  co_await tokio::task::yield_now();
  EXPECT_FALSE(reading.is_finished());
  co_await tokio::io::write_all(writer, std::string_view("request"));
  EXPECT_EQ(co_await reading, "response");
}

// The mock drives a codec, as a test of a protocol would use it.
TOKIO_TEST(TokioTestIo, DrivesAFramedLinesEcho) {
  auto mock = Builder().read("one\ntwo\n").write("ONE\n").write("TWO\n").build();
  tokio::util::codec::Framed lines(std::move(mock), tokio::util::codec::LinesCodec());
  while (auto line = co_await lines.next()) {
    std::string upper = *line;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    co_await lines.send(upper);
  }
}

// tokio::test::block_on from a plain test function, with a mock.
TEST(TokioTestBlockOn, RunsATaskToCompletion) {
  auto echo = [](tokio::test::io::Mock mock) -> tokio::Task<std::string> {
    std::string got;
    co_await tokio::io::read_to_string(mock, got);
    co_return got;
  };
  EXPECT_EQ(tokio::test::block_on(echo(Builder().read("abc").build())), "abc");
  auto fails = []() -> tokio::Task<int> {
    throw std::runtime_error("inside");
    co_return 0;
  };
  EXPECT_THROW(tokio::test::block_on(fails()), std::runtime_error);
}

TEST(TokioTestIoDeathTest, DroppingAnUnfinishedScriptFailsTheTest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH({ auto mock = Builder().read("never read").build(); },
               "script unfinished: still to be read: \"never read\"");
}

}  // namespace
