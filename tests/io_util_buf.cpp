// tokio::io::BufReader, BufWriter, BufStream (after Tokio's io_buf_reader.rs,
// io_buf_writer.rs and the BufStream doc tests).
#include "tokio/io/util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "support/io_mocks.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/test.hpp"

namespace {

namespace io = tokio::io;
using tokio_test::LimitedWriter;
using tokio_test::ScriptedReader;

static_assert(io::AsyncBufRead<io::BufReader<io::DuplexStream>>);
static_assert(io::AsyncWriteVectored<io::BufReader<io::DuplexStream>>);
static_assert(io::AsyncRead<io::BufWriter<io::DuplexStream>>);
static_assert(!io::AsyncBufRead<io::BufWriter<io::DuplexStream>>);
static_assert(io::AsyncBufRead<io::BufStream<io::DuplexStream>>);
static_assert(io::AsyncWriteVectored<io::BufStream<io::DuplexStream>>);

std::string str(std::span<const std::byte> b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TOKIO_TEST(IoBufReader, SmallReadsAreServedFromTheBuffer) {
  io::BufReader reader(4, ScriptedReader({"abcdefg", "hi"}));
  std::array<char, 3> buf{};
  EXPECT_EQ(co_await io::read(reader, buf), 3u);
  EXPECT_EQ(std::string(buf.data(), 3), "abc");
  EXPECT_EQ(reader.get_ref().reads, 1);
  EXPECT_EQ(reader.get_ref().read_sizes[0], 4u) << "the inner read fills the buffer";
  EXPECT_EQ(str(reader.buffer()), "d");
  EXPECT_EQ(co_await io::read(reader, buf), 1u) << "only what is buffered, no second inner read";
  EXPECT_EQ(reader.get_ref().reads, 1);
  EXPECT_EQ(co_await io::read(reader, buf), 3u);
  EXPECT_EQ(std::string(buf.data(), 3), "efg");
  EXPECT_EQ(co_await io::read(reader, buf), 2u);
  EXPECT_EQ(std::string(buf.data(), 2), "hi");
  EXPECT_EQ(co_await io::read(reader, buf), 0u);
}

TOKIO_TEST(IoBufReader, LargeReadBypassesAnEmptyBuffer) {
  io::BufReader reader(8, ScriptedReader({"0123456789abcdef", "xyz"}));
  std::array<char, 8> big{};
  EXPECT_EQ(co_await io::read(reader, big), 8u);
  EXPECT_EQ(reader.get_ref().read_sizes.back(), 8u);
  EXPECT_TRUE(reader.buffer().empty()) << "nothing was buffered";
  std::array<char, 2> small{};
  EXPECT_EQ(co_await io::read(reader, small), 2u);
  EXPECT_EQ(str(reader.buffer()), "abcdef");
  // The buffer is not empty: a large read is served from it, not straight through.
  EXPECT_EQ(co_await io::read(reader, big), 6u);
  EXPECT_EQ(std::string(big.data(), 6), "abcdef");
  EXPECT_EQ(co_await io::read(reader, big), 3u);
  EXPECT_EQ(co_await io::read(reader, big), 0u);
}

TOKIO_TEST(IoBufReader, FillBufAndConsumeEdgeCases) {
  io::BufReader reader(ScriptedReader({"hello", "world"}));
  auto first = co_await reader.fill_buf();
  EXPECT_EQ(str(first), "hello");
  auto again = co_await reader.fill_buf();
  EXPECT_EQ(str(again), "hello") << "no inner read while bytes are buffered";
  EXPECT_EQ(reader.get_ref().reads, 1);
  reader.consume(0);
  EXPECT_EQ(str(reader.buffer()), "hello");
  reader.consume(2);
  auto rest = co_await reader.fill_buf();
  EXPECT_EQ(str(rest), "llo");
  reader.consume(100);  // capped to what is buffered
  EXPECT_TRUE(reader.buffer().empty());
  auto next = co_await reader.fill_buf();
  EXPECT_EQ(str(next), "world");
  reader.consume(5);
  auto eof = co_await reader.fill_buf();
  EXPECT_TRUE(eof.empty());
  auto eof2 = co_await reader.fill_buf();
  EXPECT_TRUE(eof2.empty());
  std::array<char, 1> one{};
  EXPECT_EQ(co_await io::read(reader, one), 0u);
}

TOKIO_TEST(IoBufReader, EmptyReadGivesZeroWithoutReading) {
  io::BufReader reader(ScriptedReader({"abc"}));
  std::vector<std::byte> none;
  EXPECT_EQ(co_await io::read(reader, none), 0u);
  EXPECT_EQ(reader.get_ref().reads, 0);
}

TOKIO_TEST(IoBufReader, ZeroCapacityIsRejectedAndIntoInnerGivesTheReaderBack) {
  try {
    io::BufReader reader(0, ScriptedReader({}));
    ADD_FAILURE();
  } catch (const std::invalid_argument&) {
  }
  auto reader = io::BufReader<ScriptedReader>::with_capacity(16, ScriptedReader({"abc", "def"}));
  EXPECT_EQ(reader.capacity(), 16u);
  std::array<char, 1> one{};
  co_await io::read(reader, one);
  ScriptedReader inner = std::move(reader).into_inner();
  std::string rest;
  co_await io::read_to_string(inner, rest);
  EXPECT_EQ(rest, "def") << "the buffered \"bc\" is dropped";
}

TOKIO_TEST(IoBufReader, BorrowedReaderAndWritePassThrough) {
  auto [a, b] = io::duplex(64);
  io::BufReader<io::DuplexStream&> reader(a);
  co_await reader.write_all("ping");  // passed to `a` unbuffered
  std::string got(4, '\0');
  co_await b.read_exact(got);
  EXPECT_EQ(got, "ping");
  co_await b.write_all("pong\n");
  std::string line;
  co_await reader.read_line(line);
  EXPECT_EQ(line, "pong\n");
}

TOKIO_TEST(IoBufReader, CancelledFillBufLosesNothing, .start_paused = true) {
  auto [a, b] = io::duplex(64);
  io::BufReader reader(std::move(a));
  auto result = co_await tokio::select(reader.fill_buf(), tokio_test::sleep_ms(10));
  EXPECT_EQ(result.index(), 1u);
  co_await b.write_all("data");
  auto got = co_await reader.fill_buf();
  EXPECT_EQ(str(got), "data");
}

TOKIO_TEST(IoBufWriter, SmallWritesWaitForFlush) {
  io::BufWriter writer(8, LimitedWriter());
  co_await writer.write_all("abc");
  co_await writer.write_all("def");
  EXPECT_EQ(writer.get_ref().writes, 0);
  EXPECT_EQ(str(writer.buffer()), "abcdef");
  co_await writer.flush();
  EXPECT_EQ(writer.get_ref().data, "abcdef");
  EXPECT_EQ(writer.get_ref().writes, 1);
  EXPECT_EQ(writer.get_ref().flushes, 1);
  EXPECT_TRUE(writer.buffer().empty());
}

TOKIO_TEST(IoBufWriter, OverflowFlushesFirstAndLargeWritesGoStraightThrough) {
  io::BufWriter writer(8, LimitedWriter());
  co_await writer.write_all("abcde");
  EXPECT_EQ(co_await io::write(writer, std::string("fghij")), 5u);
  EXPECT_EQ(writer.get_ref().data, "abcde") << "the buffer was written out first";
  EXPECT_EQ(str(writer.buffer()), "fghij");
  EXPECT_EQ(co_await io::write(writer, std::string("0123456789")), 10u);
  EXPECT_EQ(writer.get_ref().data, "abcdefghij0123456789");
  EXPECT_EQ(writer.get_ref().write_sizes, (std::vector<std::size_t>{5, 5, 10}));
  EXPECT_TRUE(writer.buffer().empty());
}

TOKIO_TEST(IoBufWriter, PartialInnerWritesKeepOrder) {
  io::BufWriter writer(16, LimitedWriter(3));
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    std::string piece = std::to_string(i) + ",";
    expected += piece;
    co_await writer.write_all(piece);
  }
  co_await writer.shutdown();
  EXPECT_EQ(writer.get_ref().data, expected);
  EXPECT_EQ(writer.get_ref().shutdowns, 1);
}

TOKIO_TEST(IoBufWriter, WriteZeroWhileFlushingKeepsTheRest) {
  io::BufWriter writer(8, LimitedWriter(2));
  writer.get_mut().accept_total = 3;
  co_await writer.write_all("abcdef");
  try {
    co_await writer.flush();
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), io::Errc::write_zero);
  }
  EXPECT_EQ(writer.get_ref().data, "abc");
  EXPECT_EQ(str(writer.buffer()), "def") << "unwritten bytes stay buffered";
}

TOKIO_TEST(IoBufWriter, WriteVectoredBuffersWhenItFits) {
  io::BufWriter writer(8, LimitedWriter());
  std::string a = "ab", b = "cd";
  std::array<io::IoSlice, 2> slices{io::IoSlice(a), io::IoSlice(b)};
  EXPECT_EQ(co_await io::write_vectored(writer, slices), 4u);
  EXPECT_EQ(writer.get_ref().writes, 0);
  std::string big = "0123456789";
  std::array<io::IoSlice, 2> large{io::IoSlice(big), io::IoSlice(a)};
  // Too large: the buffer is written out, then the inner writer (not vectored) gets the first.
  EXPECT_EQ(co_await io::write_vectored(writer, large), 10u);
  EXPECT_EQ(writer.get_ref().data, "abcd0123456789");
}

TOKIO_TEST(IoBufWriter, ReadsPassThrough) {
  auto [a, b] = io::duplex(64);
  io::BufWriter writer(std::move(a));
  co_await b.write_all("xyz");
  std::string got(3, '\0');
  co_await writer.read_exact(got);
  EXPECT_EQ(got, "xyz");
}

TOKIO_TEST(IoBufStream, BuffersBothWays, .start_paused = true) {
  auto [a, b] = io::duplex(1024);
  io::BufStream stream(std::move(a));
  co_await stream.write_all("request\n");
  std::array<char, 16> buf{};
  auto nothing = co_await tokio::select(io::read(b, buf), tokio_test::sleep_ms(10));
  EXPECT_EQ(nothing.index(), 1u) << "the write is still buffered";
  co_await stream.flush();
  std::string got(8, '\0');
  co_await b.read_exact(got);
  EXPECT_EQ(got, "request\n");
  co_await b.write_all("response\nmore");
  std::string line;
  co_await stream.read_line(line);
  EXPECT_EQ(line, "response\n");
  co_await stream.shutdown();
  std::string rest;
  co_await io::read_to_string(b, rest);
  EXPECT_EQ(rest, "");
  io::DuplexStream inner = std::move(stream).into_inner();
  (void)inner;
}

}  // namespace
