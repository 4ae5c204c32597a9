// tokio::io read utilities: read, read_exact, read_to_end, read_to_string, read_until,
// read_line, lines, split, number reads, and the AsyncReadExt members (after Tokio's
// io_read.rs, io_read_exact.rs, io_read_to_end.rs, io_read_to_string.rs, io_read_until.rs,
// io_read_line.rs, io_lines.rs, io_split.rs-style segment tests).
#include "tokio/io/util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "support/io_mocks.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/test.hpp"
#include "tokio/time/sleep.hpp"

namespace {

namespace io = tokio::io;
using tokio_test::ScriptedReader;

static_assert(io::AsyncRead<ScriptedReader>);
static_assert(io::AsyncBufRead<io::BufReader<ScriptedReader>>);
static_assert(io::AsyncBufRead<io::BufReader<ScriptedReader&>>);
static_assert(!io::AsyncWrite<io::BufReader<ScriptedReader>>);

std::string str(const std::vector<std::byte>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

TOKIO_TEST(IoRead, ReadGivesOneChunkAtATime) {
  ScriptedReader r({"hello", " world"});
  std::array<char, 16> buf{};
  EXPECT_EQ(co_await io::read(r, buf), 5u);
  EXPECT_EQ(std::string(buf.data(), 5), "hello");
  std::vector<std::uint8_t> small(3);
  EXPECT_EQ(co_await io::read(r, small), 3u);
  EXPECT_EQ(co_await io::read(r, buf), 3u);
  EXPECT_EQ(std::string(buf.data(), 3), "rld");
  EXPECT_EQ(co_await io::read(r, buf), 0u) << "EOF";
}

TOKIO_TEST(IoReadExact, FillsTheBufferAcrossChunks) {
  ScriptedReader r({"he", "llo wo", "rld!"});
  r.yield_first = true;
  std::string buf(11, '\0');
  EXPECT_EQ(co_await io::read_exact(r, buf), 11u);
  EXPECT_EQ(buf, "hello world");
  EXPECT_EQ(r.reads, 3);
  char last = 0;
  EXPECT_EQ(co_await io::read_exact(r, std::span<char>(&last, 1)), 1u);
  EXPECT_EQ(last, '!');
}

TOKIO_TEST(IoReadExact, EarlyEofIsUnexpectedEof) {
  ScriptedReader r({"abc", "de"});
  std::array<std::byte, 8> buf{};
  try {
    co_await io::read_exact(r, buf);
    ADD_FAILURE() << "read_exact must fail at EOF";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), io::Errc::unexpected_eof);
    EXPECT_EQ(e.code().category(), io::io_category());
    EXPECT_NE(std::string(e.what()).find("5 of 8"), std::string::npos) << e.what();
  }
  EXPECT_EQ(static_cast<char>(buf[4]), 'e') << "bytes read before EOF are in the buffer";
}

TOKIO_TEST(IoReadExact, EmptyBufferDoesNotRead) {
  ScriptedReader r({"x"});
  std::vector<std::byte> empty;
  EXPECT_EQ(co_await io::read_exact(r, empty), 0u);
  EXPECT_EQ(r.reads, 0);
}

TOKIO_TEST(IoReadExact, ReaderErrorPropagates) {
  ScriptedReader r({"ab"});
  r.error = std::make_error_code(std::errc::connection_reset);
  std::array<char, 4> buf{};
  try {
    co_await io::read_exact(r, buf);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::connection_reset);
  }
}

TOKIO_TEST(IoReadToEnd, AppendsEverythingAndCountsIt) {
  ScriptedReader r({"a", "bc", "", "def"});
  std::vector<char> out{'>', ' '};
  EXPECT_EQ(co_await io::read_to_end(r, out), 3u) << "an empty chunk is EOF";
  EXPECT_EQ(std::string(out.begin(), out.end()), "> abc");
  EXPECT_EQ(co_await io::read_to_end(r, out), 3u);
  EXPECT_EQ(std::string(out.begin(), out.end()), "> abcdef");
  EXPECT_EQ(co_await io::read_to_end(r, out), 0u);
}

TOKIO_TEST(IoReadToEnd, LargeInputInManyChunks) {
  auto expected = tokio_test::pattern(300'000);
  std::vector<std::string> chunks;
  std::size_t at = 0;
  for (std::size_t k = 1; at < expected.size(); k = k * 7 % 10007 + 1) {
    std::size_t n = std::min(k, expected.size() - at);
    chunks.emplace_back(reinterpret_cast<const char*>(expected.data()) + at, n);
    at += n;
  }
  ScriptedReader r(chunks);
  std::vector<std::byte> out;
  EXPECT_EQ(co_await io::read_to_end(r, out), expected.size());
  EXPECT_TRUE(out == expected);
}

TOKIO_TEST(IoReadToEnd, ErrorKeepsTheBytesReadAndNoGarbage) {
  ScriptedReader r({"abc", "def"});
  r.error = std::make_error_code(std::errc::io_error);
  std::vector<std::uint8_t> out;
  try {
    co_await io::read_to_end(r, out);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::io_error);
  }
  EXPECT_EQ(std::string(out.begin(), out.end()), "abcdef");
}

TOKIO_TEST(IoReadToEnd, CancelledReadKeepsTheBytesReadAndNoGarbage, .start_paused = true) {
  auto [a, b] = io::duplex(64);
  std::string out = "x";
  co_await b.write_all("hello");
  auto result = co_await tokio::select(io::read_to_string(a, out), tokio_test::sleep_ms(1000));
  EXPECT_EQ(result.index(), 1u);
  EXPECT_EQ(out, "xhello");
  co_await b.write_all(" world");
  co_await b.shutdown();
  EXPECT_EQ(co_await io::read_to_string(a, out), 6u);
  EXPECT_EQ(out, "xhello world");
}

TOKIO_TEST(IoReadToString, ReadsAllBytes) {
  ScriptedReader r({"line one\n", "line two"});
  std::string s = "start:";
  EXPECT_EQ(co_await io::read_to_string(r, s), 17u);
  EXPECT_EQ(s, "start:line one\nline two");
}

TOKIO_TEST(IoReadUntil, SplitsOnTheDelimiterKeepingIt) {
  io::BufReader reader(ScriptedReader({"a,b", ",c", "cc,,d"}));
  std::vector<char> buf;
  EXPECT_EQ(co_await io::read_until(reader, ',', buf), 2u);
  EXPECT_EQ(std::string(buf.begin(), buf.end()), "a,");
  buf.clear();
  EXPECT_EQ(co_await io::read_until(reader, ',', buf), 2u);
  EXPECT_EQ(std::string(buf.begin(), buf.end()), "b,");
  buf.clear();
  EXPECT_EQ(co_await io::read_until(reader, std::byte{','}, buf), 4u) << "across chunks";
  EXPECT_EQ(std::string(buf.begin(), buf.end()), "ccc,");
  buf.clear();
  EXPECT_EQ(co_await io::read_until(reader, ',', buf), 1u);
  EXPECT_EQ(std::string(buf.begin(), buf.end()), ",");
  buf.clear();
  EXPECT_EQ(co_await io::read_until(reader, ',', buf), 1u) << "last segment without delimiter";
  EXPECT_EQ(std::string(buf.begin(), buf.end()), "d");
  EXPECT_EQ(co_await io::read_until(reader, ',', buf), 0u);
}

TOKIO_TEST(IoReadUntil, CancelledReadKeepsPartialData, .start_paused = true) {
  auto [a, b] = io::duplex(64);
  io::BufReader reader(std::move(a));
  std::vector<std::byte> buf;
  co_await b.write_all("partial");
  auto result = co_await tokio::select(io::read_until(reader, '\n', buf), tokio_test::sleep_ms(10));
  EXPECT_EQ(result.index(), 1u);
  EXPECT_EQ(str(buf), "partial");
  co_await b.write_all(" line\nnext");
  EXPECT_EQ(co_await io::read_until(reader, '\n', buf), 6u);
  EXPECT_EQ(str(buf), "partial line\n");
}

TOKIO_TEST(IoReadLine, KeepsTheNewline) {
  io::BufReader reader(ScriptedReader({"hello\nwor", "ld\r\n", "\nlast"}));
  std::string line;
  EXPECT_EQ(co_await io::read_line(reader, line), 6u);
  EXPECT_EQ(line, "hello\n");
  line.clear();
  EXPECT_EQ(co_await io::read_line(reader, line), 7u);
  EXPECT_EQ(line, "world\r\n");
  line.clear();
  EXPECT_EQ(co_await io::read_line(reader, line), 1u);
  EXPECT_EQ(line, "\n");
  EXPECT_EQ(co_await io::read_line(reader, line), 4u) << "appends";
  EXPECT_EQ(line, "\nlast");
  EXPECT_EQ(co_await io::read_line(reader, line), 0u);
  EXPECT_EQ(line, "\nlast");
}

TOKIO_TEST(IoLines, StripsLfAndCrLfAndKeepsALastLineWithoutNewline) {
  auto lines = io::lines(io::BufReader(ScriptedReader({"a\nb\r", "\nc\rd\n\n\r\n", "tail"})));
  std::vector<std::string> got;
  for (;;) {
    auto line = co_await lines.next_line();
    if (!line) break;
    got.push_back(*line);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c\rd", "", "", "tail"}));
  auto again = co_await lines.next_line();
  EXPECT_FALSE(again.has_value());
}

TOKIO_TEST(IoLines, EmptyInputHasNoLines) {
  io::BufReader reader(ScriptedReader({}));
  auto lines = reader.lines();  // borrowed, through AsyncBufReadExt
  auto line = co_await lines.next_line();
  EXPECT_FALSE(line.has_value());
}

TOKIO_TEST(IoLines, NextLineIsCancelSafe, .start_paused = true) {
  auto [a, b] = io::duplex(64);
  auto lines = io::BufReader(std::move(a)).lines();
  co_await b.write_all("first half ");
  auto result = co_await tokio::select(lines.next_line(), tokio_test::sleep_ms(5));
  EXPECT_EQ(result.index(), 1u);
  co_await b.write_all("second half\r\nrest");
  auto line = co_await lines.next_line();
  EXPECT_EQ(line, std::optional<std::string>("first half second half"));
  co_await b.shutdown();
  line = co_await lines.next_line();
  EXPECT_EQ(line, std::optional<std::string>("rest"));
  line = co_await lines.next_line();
  EXPECT_FALSE(line.has_value());
}

TOKIO_TEST(IoSplit, SegmentsWithoutTheDelimiter) {
  auto segments = io::split(io::BufReader(ScriptedReader({"ab|c", "d||e|"})), '|');
  std::vector<std::string> got;
  for (;;) {
    auto seg = co_await segments.next_segment();
    if (!seg) break;
    got.push_back(str(*seg));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"ab", "cd", "", "e"}));
}

TOKIO_TEST(IoNumbers, BigAndLittleEndianRoundTrip) {
  auto [a, b] = io::duplex(1024);
  co_await io::write_u8(a, 0xfe);
  co_await io::write_i8(a, -2);
  co_await io::write_u16(a, 0x0102);
  co_await io::write_u16_le(a, 0x0102);
  co_await io::write_u32(a, 0x01020304);
  co_await io::write_i32_le(a, -2);
  co_await io::write_u64(a, 0x0102030405060708ull);
  co_await io::write_i64(a, -3);
  co_await io::write_f32(a, 1.5f);
  co_await io::write_f64_le(a, -0.25);
  co_await a.shutdown();
  std::vector<std::uint8_t> raw;
  co_await io::read_to_end(b, raw);
  std::vector<std::uint8_t> expected = {0xfe, 0xfe, 1,    2, 2, 1, 1, 2, 3, 4, 0xfe,
                                        0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8};
  for (int i = 0; i < 7; ++i)
    expected.push_back(0xff);
  expected.push_back(0xfd);
  for (std::uint8_t x : {0x3f, 0xc0, 0x00, 0x00})  // 1.5f big-endian
    expected.push_back(x);
  for (std::uint8_t x : {0, 0, 0, 0, 0, 0, 0xd0, 0xbf})  // -0.25 little-endian
    expected.push_back(x);
  EXPECT_EQ(raw, expected);

  ScriptedReader r({std::string(raw.begin(), raw.end())});
  EXPECT_EQ(co_await io::read_u8(r), 0xfe);
  EXPECT_EQ(co_await io::read_i8(r), -2);
  EXPECT_EQ(co_await io::read_u16(r), 0x0102);
  EXPECT_EQ(co_await io::read_u16_le(r), 0x0102);
  EXPECT_EQ(co_await r.read_u32(), 0x01020304u);  // member form
  EXPECT_EQ(co_await r.read_i32_le(), -2);
  EXPECT_EQ(co_await io::read_u64(r), 0x0102030405060708ull);
  EXPECT_EQ(co_await io::read_i64(r), -3);
  EXPECT_EQ(co_await io::read_f32(r), 1.5f);
  EXPECT_EQ(co_await io::read_f64_le(r), -0.25);
  try {
    co_await io::read_u8(r);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), io::Errc::unexpected_eof);
  }
}

TOKIO_TEST(IoNumbers, TruncatedNumberIsUnexpectedEof) {
  ScriptedReader r({"\x01\x02\x03"});
  try {
    co_await io::read_u32(r);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), io::Errc::unexpected_eof);
  }
}

TOKIO_TEST(IoReadExt, MembersForwardToTheFreeFunctions) {
  ScriptedReader r({"abcdefgh", "ij"});
  std::array<char, 3> head{};
  EXPECT_EQ(co_await r.read_exact(head), 3u);
  EXPECT_EQ(std::string(head.data(), 3), "abc");
  std::vector<std::byte> rest;
  EXPECT_EQ(co_await r.read_to_end(rest), 7u);
  EXPECT_EQ(str(rest), "defghij");
  io::BufReader br(ScriptedReader({"x\ny\n"}));
  std::string line;
  EXPECT_EQ(co_await br.read_line(line), 2u);
  std::vector<char> seg;
  EXPECT_EQ(co_await br.read_until('\n', seg), 2u);
  EXPECT_EQ(line + std::string(seg.begin(), seg.end()), "x\ny\n");
}

}  // namespace
