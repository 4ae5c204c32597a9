// tokio::io::duplex / simplex, split halves, copy, copy_buf, copy_bidirectional (after Tokio's
// io_mem_stream.rs, io_split.rs, io_copy.rs, io_copy_bidirectional.rs).
#include "tokio/io/util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "support/io_mocks.hpp"
#include "tokio/macros/join.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/test.hpp"

namespace {

namespace io = tokio::io;
using tokio_test::LimitedWriter;
using tokio_test::pattern;
using tokio_test::ScriptedReader;

static_assert(io::AsyncRead<io::ReadHalf<io::DuplexStream>>);
static_assert(io::AsyncWrite<io::WriteHalf<io::DuplexStream>>);
static_assert(io::AsyncWriteVectored<io::WriteHalf<io::DuplexStream>>);
static_assert(!io::AsyncWrite<io::ReadHalf<io::DuplexStream>>);
static_assert(io::AsyncRead<io::SimplexStream> && io::AsyncWrite<io::SimplexStream>);

// Writes `data` to `w` in pieces of at most `piece` bytes, then shuts it down.
template <class W>
tokio::Task<void> write_pieces(W& w, const std::vector<std::byte>& data, std::size_t piece) {
  for (std::size_t at = 0; at < data.size(); at += piece)
    co_await io::write_all(w, std::span(data).subspan(at, std::min(piece, data.size() - at)));
  co_await w.shutdown();
}

template <class R>
tokio::Task<std::vector<std::byte>> read_all(R& r) {
  std::vector<std::byte> out;
  co_await io::read_to_end(r, out);
  co_return out;
}

TOKIO_TEST_ALL_FLAVORS(IoDuplex, PingPong) {
  auto [a, b] = io::duplex(32);
  co_await a.write_all("ping");
  std::array<char, 4> buf{};
  co_await b.read_exact(buf);
  EXPECT_EQ(std::string(buf.data(), 4), "ping");
  co_await b.write_all("pong");
  co_await a.read_exact(buf);
  EXPECT_EQ(std::string(buf.data(), 4), "pong");
}

TOKIO_TEST_ALL_FLAVORS(IoDuplex, AcrossTasks) {
  auto [a, b] = io::duplex(32);
  auto peer = tokio::spawn([b = std::move(b)]() mutable -> tokio::Task<void> {
    std::array<char, 4> buf{};
    co_await b.read_exact(buf);
    co_await b.write_all(buf);  // echo
  });
  co_await a.write_all("ping");
  std::array<char, 4> buf{};
  co_await a.read_exact(buf);
  EXPECT_EQ(std::string(buf.data(), 4), "ping");
  co_await peer;
}

TOKIO_TEST(IoDuplex, DroppingAnEndGivesEofAndBrokenPipe) {
  auto [a, b] = io::duplex(32);
  co_await b.write_all("last words");
  { io::DuplexStream gone = std::move(b); }
  std::string s;
  EXPECT_EQ(co_await a.read_to_string(s), 10u) << "queued bytes are still read";
  EXPECT_EQ(s, "last words");
  try {
    co_await a.write_all("x");
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::broken_pipe);
  }
}

TOKIO_TEST(IoDuplex, ShutdownClosesOneDirection) {
  auto [a, b] = io::duplex(32);
  co_await a.write_all("bye");
  co_await a.shutdown();
  std::string s;
  co_await b.read_to_string(s);
  EXPECT_EQ(s, "bye");
  try {
    co_await a.write_all("more");
    ADD_FAILURE() << "writing after shutdown fails";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::broken_pipe);
  }
  co_await b.write_all("still open");  // the other direction works
  std::array<char, 10> buf{};
  co_await a.read_exact(buf);
  EXPECT_EQ(std::string(buf.data(), 10), "still open");
}

TOKIO_TEST(IoDuplex, WriteTakesWhatFitsThenWaitsForRoom, .start_paused = true) {
  auto [a, b] = io::duplex(32);
  std::vector<std::byte> big(64, std::byte{7});
  EXPECT_EQ(co_await io::write(a, big), 32u) << "a partial write";
  auto blocked = co_await tokio::select(io::write(a, big), tokio_test::sleep_ms(100));
  EXPECT_EQ(blocked.index(), 1u) << "no room: the write waits";
  std::array<std::byte, 8> buf{};
  co_await b.read_exact(buf);
  EXPECT_EQ(co_await io::write(a, big), 8u) << "the room the read made";
  std::vector<std::byte> none;
  EXPECT_EQ(co_await io::write(a, none), 0u);
  EXPECT_EQ(co_await io::read(b, none), 0u);
}

TOKIO_TEST(IoDuplex, CancelledReadLosesNoBytes, .start_paused = true) {
  auto [a, b] = io::duplex(16);
  std::array<char, 8> buf{};
  for (int round = 0; round < 3; ++round) {
    auto timed_out = co_await tokio::select(io::read(a, buf), tokio_test::sleep_ms(50));
    EXPECT_EQ(timed_out.index(), 1u);
  }
  co_await b.write_all("abc");
  auto got = co_await tokio::select(io::read(a, buf), tokio_test::sleep_ms(50));
  TOKIO_CO_ASSERT(got.index() == 0u);
  EXPECT_EQ(std::get<0>(got), 3u);
  EXPECT_EQ(std::string(buf.data(), 3), "abc");
}

TOKIO_TEST_ALL_FLAVORS(IoDuplex, LargeTransferBothWaysByteForByte) {
  constexpr std::size_t kSize = 3 * 1024 * 1024;
  auto [a, b] = io::duplex(97);
  auto to_b = pattern(kSize, 1);
  auto to_a = pattern(kSize, 2);
  auto [ra, wa] = io::split(std::move(a));
  auto [rb, wb] = io::split(std::move(b));
  // Four tasks: each end writes and reads at once, from two tasks.
  auto h1 = tokio::spawn(write_pieces(wa, to_b, 1000));
  auto h2 = tokio::spawn(write_pieces(wb, to_a, 4096));
  auto h3 = tokio::spawn(read_all(rb));
  auto h4 = tokio::spawn(read_all(ra));
  co_await h1;
  co_await h2;
  auto got_b = co_await h3;
  auto got_a = co_await h4;
  EXPECT_TRUE(got_b == to_b);
  EXPECT_TRUE(got_a == to_a);
}

TOKIO_TEST(IoDuplex, ReadAndWriteOfOneEndFromTwoThreadsStress,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  for (int iteration = 0; iteration < 12; ++iteration) {
    auto [a, b] = io::duplex(static_cast<std::size_t>(1 + iteration * 13));
    auto data = pattern(32 * 1024, static_cast<unsigned>(iteration));
    auto [ra, wa] = io::split(std::move(a));
    // b echoes everything back; a writes and reads at once from two tasks.
    auto echo = tokio::spawn([b = std::move(b)]() mutable -> tokio::Task<std::uint64_t> {
      auto [rb, wb] = io::split(std::move(b));
      co_return co_await io::copy(rb, wb);
    });
    auto writer = tokio::spawn(write_pieces(wa, data, 333));
    auto got = co_await read_all(ra);
    co_await writer;
    EXPECT_EQ(co_await echo, data.size());
    EXPECT_TRUE(got == data) << "iteration " << iteration;
  }
}

TOKIO_TEST(IoDuplex, ZeroCapacityAndMovedFromAreRejected) {
  try {
    auto pair = io::duplex(0);
    ADD_FAILURE();
  } catch (const std::invalid_argument&) {
  }
  auto [a, b] = io::duplex(4);
  io::DuplexStream c = std::move(a);
  std::array<char, 1> buf{};
  try {
    co_await io::read(a, buf);  // NOLINT(bugprone-use-after-move): tested on purpose
    ADD_FAILURE();
  } catch (const std::logic_error&) {
  }
  (void)c;
}

TOKIO_TEST(IoSimplex, WriteHalfToReadHalf) {
  auto [r, w] = io::simplex(8);
  auto writer = tokio::spawn([w = std::move(w)]() mutable -> tokio::Task<void> {
    co_await w.write_all("hello simplex world");
    co_await w.shutdown();
  });
  std::string s;
  co_await io::read_to_string(r, s);
  EXPECT_EQ(s, "hello simplex world");
  co_await writer;
}

TOKIO_TEST(IoSplitHalves, UnsplitAndIsPairOf) {
  auto [a, b] = io::duplex(8);
  auto [ra, wa] = io::split(std::move(a));
  auto [rb, wb] = io::split(std::move(b));
  EXPECT_TRUE(ra.is_pair_of(wa));
  EXPECT_TRUE(wa.is_pair_of(ra));
  EXPECT_FALSE(ra.is_pair_of(wb));
  co_await wa.write_all("hi");
  co_await wa.shutdown();  // the peer sees EOF
  std::string s;
  co_await io::read_to_string(rb, s);
  EXPECT_EQ(s, "hi");
  io::DuplexStream whole_b = io::unsplit(std::move(rb), std::move(wb));
  co_await whole_b.write_all("yo");
  std::array<char, 2> buf{};
  co_await ra.read_exact(buf);
  EXPECT_EQ(std::string(buf.data(), 2), "yo");
  try {
    auto wrong = io::unsplit(std::move(ra), io::split(io::duplex(1).first).second);
    ADD_FAILURE() << "halves of different streams";
  } catch (const std::logic_error&) {
  }
}

TOKIO_TEST(IoCopy, CopiesEverythingAndFlushes) {
  ScriptedReader r({"hello", " ", "world", std::string(20'000, 'x')});
  LimitedWriter w(7);
  EXPECT_EQ(co_await io::copy(r, w), 20'011u);
  EXPECT_EQ(w.data, "hello world" + std::string(20'000, 'x'));
  EXPECT_GE(w.flushes, 1);
  EXPECT_EQ(w.shutdowns, 0) << "copy does not shut the writer down";
}

TOKIO_TEST(IoCopy, IntoABufWriterEndsFlushed) {
  ScriptedReader r({"a", "b", "c"});
  io::BufWriter w(LimitedWriter{});
  EXPECT_EQ(co_await io::copy(r, w), 3u);
  EXPECT_EQ(w.get_ref().data, "abc");
  EXPECT_TRUE(w.buffer().empty());
}

TOKIO_TEST(IoCopy, WriteZeroAndReadErrorsPropagate) {
  ScriptedReader r({"abcdef"});
  LimitedWriter w;
  w.accept_total = 2;
  try {
    co_await io::copy(r, w);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), io::Errc::write_zero);
  }
  ScriptedReader bad({"ab"});
  bad.error = std::make_error_code(std::errc::connection_reset);
  LimitedWriter sink;
  try {
    co_await io::copy(bad, sink);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::connection_reset);
  }
}

TOKIO_TEST(IoCopyBuf, CopiesFromTheReadersBuffer) {
  io::BufReader r(4, ScriptedReader({"hello", " world"}));
  LimitedWriter w(3);
  EXPECT_EQ(co_await io::copy_buf(r, w), 11u);
  EXPECT_EQ(w.data, "hello world");
}

TOKIO_TEST_ALL_FLAVORS(IoCopy, LargeTransferThroughSmallDuplexes) {
  constexpr std::size_t kSize = 4 * 1024 * 1024;
  auto data = pattern(kSize, 5);
  auto [src_w, src_r] = io::duplex(1000);
  auto [dst_w, dst_r] = io::duplex(333);
  auto producer = tokio::spawn(write_pieces(src_w, data, 10'000));
  auto consumer = tokio::spawn(read_all(dst_r));
  EXPECT_EQ(co_await io::copy(src_r, dst_w), kSize);
  co_await dst_w.shutdown();
  co_await producer;
  auto got = co_await consumer;
  EXPECT_TRUE(got == data);
}

// A client and a server connected through a proxy that runs copy_bidirectional.
TOKIO_TEST_ALL_FLAVORS(IoCopyBidirectional, BasicTransferAndBothSidesClosing) {
  auto [client, proxy_a] = io::duplex(64);
  auto [proxy_b, server] = io::duplex(64);
  auto proxy = tokio::spawn(
      [a = std::move(proxy_a),
       b = std::move(proxy_b)]() mutable -> tokio::Task<std::pair<std::uint64_t, std::uint64_t>> {
        co_return co_await io::copy_bidirectional(a, b);
      });
  auto to_server = pattern(100'000, 3);
  auto to_client = pattern(50'000, 4);
  auto [cr, cw] = io::split(std::move(client));
  auto [sr, sw] = io::split(std::move(server));
  auto t1 = tokio::spawn(write_pieces(cw, to_server, 777));
  auto t2 = tokio::spawn(write_pieces(sw, to_client, 5000));
  auto got_server = co_await read_all(sr);
  auto got_client = co_await read_all(cr);
  co_await t1;
  co_await t2;
  EXPECT_TRUE(got_server == to_server);
  EXPECT_TRUE(got_client == to_client);
  auto counts = co_await proxy;
  EXPECT_EQ(counts.first, to_server.size());
  EXPECT_EQ(counts.second, to_client.size());
}

TOKIO_TEST(IoCopyBidirectional, TransferContinuesAfterOneSideCloses) {
  auto [client, proxy_a] = io::duplex(64);
  auto [proxy_b, server] = io::duplex(64);
  auto proxy = tokio::spawn(
      [a = std::move(proxy_a),
       b = std::move(proxy_b)]() mutable -> tokio::Task<std::pair<std::uint64_t, std::uint64_t>> {
        co_return co_await io::copy_bidirectional(a, b);
      });
  co_await client.write_all("request");
  co_await client.shutdown();
  std::string req;
  co_await server.read_to_string(req);  // EOF arrives: the proxy shut its b side down
  EXPECT_EQ(req, "request");
  co_await server.write_all("a long response after the client closed");
  co_await server.shutdown();
  std::string resp;
  co_await client.read_to_string(resp);
  EXPECT_EQ(resp, "a long response after the client closed");
  auto counts = co_await proxy;
  EXPECT_EQ(counts, (std::pair<std::uint64_t, std::uint64_t>{7, 39}));
}

TOKIO_TEST(IoCopyBidirectional, AnErrorEndsBothDirections) {
  auto [client, proxy_a] = io::duplex(64);
  auto [proxy_b, server] = io::duplex(64);
  auto proxy = tokio::spawn(
      [a = std::move(proxy_a),
       b = std::move(proxy_b)]() mutable -> tokio::Task<std::pair<std::uint64_t, std::uint64_t>> {
        co_return co_await io::copy_bidirectional(a, b);
      });
  co_await client.write_all("hello");
  std::array<char, 5> buf{};
  co_await server.read_exact(buf);
  {
    io::DuplexStream dropped = std::move(server);  // b's writes now fail
  }
  co_await client.write_all("more");  // copying it to b fails with broken_pipe
  try {
    co_await proxy;
    ADD_FAILURE() << "copy_bidirectional must fail";
  } catch (const tokio::task::JoinError& e) {
    EXPECT_FALSE(e.is_cancelled());
  }
  // The proxy task ended, so its ends are gone: the client sees EOF.
  std::string rest;
  co_await client.read_to_string(rest);
  EXPECT_EQ(rest, "");
}

}  // namespace
