// tokio::io write utilities: write, write_all, write_vectored, write_all_vectored, flush,
// shutdown and the AsyncWriteExt members (after Tokio's io_write.rs, io_write_all.rs,
// io_write_all_buf.rs).
#include "tokio/io/util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <system_error>
#include <vector>

#include "support/io_mocks.hpp"
#include "tokio/test.hpp"

namespace {

namespace io = tokio::io;
using tokio_test::LimitedWriter;

static_assert(io::AsyncWrite<LimitedWriter>);
static_assert(!io::AsyncWriteVectored<LimitedWriter>);
static_assert(io::AsyncWriteVectored<io::DuplexStream>);
static_assert(io::AsyncWriteVectored<io::BufWriter<LimitedWriter>>);

TOKIO_TEST(IoWrite, WriteGivesWhatTheWriterTook) {
  LimitedWriter w(4);
  EXPECT_EQ(co_await io::write(w, std::string("hello")), 4u);
  EXPECT_EQ(w.data, "hell");
  std::vector<std::byte> none;
  EXPECT_EQ(co_await io::write(w, none), 0u);
}

TOKIO_TEST(IoWriteAll, WritesEverythingInSmallPieces) {
  LimitedWriter w(3);
  w.yield_first = true;
  co_await io::write_all(w, "hello world");  // a literal: no NUL
  EXPECT_EQ(w.data, "hello world");
  EXPECT_EQ(w.writes, 4);
  EXPECT_EQ(w.write_sizes, (std::vector<std::size_t>{11, 8, 5, 2}));
}

TOKIO_TEST(IoWriteAll, ZeroWriteIsWriteZero) {
  LimitedWriter w(4);
  w.accept_total = 6;
  try {
    co_await w.write_all(std::string("0123456789"));
    ADD_FAILURE() << "write_all must fail when the writer takes nothing";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), io::Errc::write_zero);
  }
  EXPECT_EQ(w.data, "012345");
}

TOKIO_TEST(IoWriteAll, EmptyBufferDoesNotWrite) {
  LimitedWriter w(4);
  co_await io::write_all(w, std::string());
  EXPECT_EQ(w.writes, 0);
}

TOKIO_TEST(IoWriteAll, WriterErrorPropagates) {
  LimitedWriter w;
  w.error = std::make_error_code(std::errc::broken_pipe);
  try {
    co_await io::write_all(w, "x");
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::broken_pipe);
  }
}

TOKIO_TEST(IoWriteVectored, WithoutVectoredSupportWritesTheFirstNonEmptySlice) {
  LimitedWriter w;
  std::string a, b = "first", c = "second";
  std::array<io::IoSlice, 3> slices{io::IoSlice(a), io::IoSlice(b), io::IoSlice(c)};
  EXPECT_EQ(co_await io::write_vectored(w, slices), 5u);
  EXPECT_EQ(w.data, "first");
}

TOKIO_TEST(IoWriteVectored, DuplexTakesAllSlicesInOrder) {
  auto [x, y] = io::duplex(8);
  std::string a = "abc", b = "", c = "defghij";
  std::array<io::IoSlice, 3> slices{io::IoSlice(a), io::IoSlice(b), io::IoSlice(c)};
  EXPECT_EQ(co_await io::write_vectored(x, slices), 8u) << "as much as fits";
  std::string got(8, '\0');
  co_await y.read_exact(got);
  EXPECT_EQ(got, "abcdefgh");
}

TOKIO_TEST(IoWriteAllVectored, WritesEveryByteOfEverySlice) {
  LimitedWriter w(4);
  std::string a = "hello", b = "", c = " ", d = "world!";
  std::vector<io::IoSlice> slices{io::IoSlice(a), io::IoSlice(b), io::IoSlice(c), io::IoSlice(d)};
  co_await w.write_all_vectored(slices);
  EXPECT_EQ(w.data, "hello world!");
  auto [x, y] = io::duplex(3);
  auto reader = tokio::spawn([&y = y]() -> tokio::Task<std::string> {
    std::string s;
    co_await io::read_to_string(y, s);
    co_return s;
  });
  co_await io::write_all_vectored(x, slices);
  co_await x.shutdown();
  EXPECT_EQ(co_await reader, "hello world!");
}

TOKIO_TEST(IoWrite, FlushAndShutdownForward) {
  LimitedWriter w;
  co_await io::flush(w);
  co_await io::shutdown(w);
  EXPECT_EQ(w.flushes, 1);
  EXPECT_EQ(w.shutdowns, 1);
}

TOKIO_TEST(IoSinkEmptyRepeat, TrivialReadersAndWriters) {
  auto s = io::sink();
  co_await s.write_all(std::string(100'000, 'x'));
  co_await io::flush(s);
  auto e = io::empty();
  std::array<char, 4> buf{};
  EXPECT_EQ(co_await io::read(e, buf), 0u);
  auto filled = co_await e.fill_buf();
  EXPECT_TRUE(filled.empty());
  auto r = io::repeat(std::uint8_t{'z'});
  EXPECT_EQ(co_await io::read(r, buf), 4u);
  EXPECT_EQ(std::string(buf.data(), 4), "zzzz");
  std::vector<std::byte> big(70'000);
  co_await r.read_exact(big);
  EXPECT_EQ(big.back(), std::byte{'z'});
  // An endless ready reader still yields to the scheduler (cooperative budget).
  std::uint64_t copied = 0;
  auto copier = tokio::spawn([&]() -> tokio::Task<void> {
    auto rr = io::repeat(std::uint8_t{1});
    auto ss = io::sink();
    co_await io::copy(rr, ss);
  });
  for (int i = 0; i < 3; ++i)
    co_await tokio::task::yield_now();
  copier.abort();
  try {
    co_await copier;
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
  (void)copied;
}

}  // namespace
