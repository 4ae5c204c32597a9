// tokio::stream::wrappers (after tokio-stream's wrapper tests and doc examples): each wrapper
// gives its source's items and ends when its source does.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "tokio/fs.hpp"
#include "tokio/io/util.hpp"
#include "tokio/net.hpp"
#include "tokio/signal.hpp"
#include "tokio/stream.hpp"
#include "tokio/stream/wrappers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace stream = tokio::stream;
namespace wrappers = tokio::stream::wrappers;
using namespace std::chrono_literals;
using Ints = std::vector<int>;

static_assert(stream::StreamLike<wrappers::ReceiverStream<int>>);
static_assert(stream::StreamLike<wrappers::TcpListenerStream>);
static_assert(stream::StreamLike<wrappers::SignalStream>);

TOKIO_TEST_ALL_FLAVORS(StreamWrappers, ReceiverStreams) {
  auto [tx, rx] = tokio::sync::mpsc::channel<int>(8);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE((co_await tx.send(i)).has_value());
  { auto dropped = std::move(tx); }
  auto got = co_await stream::collect<Ints>(wrappers::ReceiverStream<int>(std::move(rx)));
  EXPECT_EQ(got, (Ints{0, 1, 2}));

  auto [utx, urx] = tokio::sync::mpsc::unbounded_channel<int>();
  EXPECT_TRUE(utx.send(7).has_value());
  wrappers::UnboundedReceiverStream<int> s(std::move(urx));
  EXPECT_EQ(co_await s.next(), 7);
  s.close();
  EXPECT_FALSE(utx.send(8).has_value());  // closed: sends fail
  EXPECT_EQ(co_await s.next(), std::nullopt);
}

TOKIO_TEST(StreamWrappers, BroadcastStreamReportsLagThenGoesOn) {
  auto [tx, rx] = tokio::sync::broadcast::channel<int>(2);
  wrappers::BroadcastStream<int> s(std::move(rx));
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(tx.send(i).has_value());
  auto lag = co_await s.next();
  TOKIO_CO_ASSERT(lag && !lag->has_value());
  EXPECT_TRUE(lag->error().is_lagged());
  EXPECT_EQ(lag->error().skipped(), 2u);
  auto two = co_await s.next();
  EXPECT_EQ(two->value(), 2);
  auto three = co_await s.next();
  EXPECT_EQ(three->value(), 3);
  { auto dropped = std::move(tx); }
  EXPECT_EQ(co_await s.next(), std::nullopt);
}

TOKIO_TEST_ALL_FLAVORS(StreamWrappers, WatchStreamGivesCurrentThenChanges) {
  auto [tx, rx] = tokio::sync::watch::channel(std::string("first"));
  auto rx2 = rx;
  wrappers::WatchStream<std::string> s(std::move(rx));
  EXPECT_EQ(co_await s.next(), "first");
  EXPECT_TRUE(tx.send("second").has_value());
  EXPECT_EQ(co_await s.next(), "second");
  auto changes = wrappers::WatchStream<std::string>::from_changes(std::move(rx2));
  EXPECT_TRUE(tx.send("third").has_value());
  EXPECT_EQ(co_await changes.next(), "third");
  { auto dropped = std::move(tx); }
  EXPECT_EQ(co_await s.next(), "third");  // the last value it had not seen
  EXPECT_EQ(co_await s.next(), std::nullopt);
}

TOKIO_TEST(StreamWrappers, IntervalStreamTicks, .start_paused = true) {
  const auto start = tokio::time::Instant::now();
  wrappers::IntervalStream ticks(tokio::time::interval(10ms));
  auto first = co_await ticks.next();
  auto second = co_await ticks.next();
  EXPECT_EQ(*first, start);
  EXPECT_EQ(*second, start + 10ms);
}

TOKIO_TEST_ALL_FLAVORS(StreamWrappers, TcpListenerStreamAccepts) {
  auto listener = co_await tokio::net::TcpListener::bind("127.0.0.1:0");
  const auto addr = listener.local_addr();
  wrappers::TcpListenerStream incoming(std::move(listener));
  auto client = tokio::spawn([](tokio::net::SocketAddr to) -> tokio::Task<void> {
    auto s = co_await tokio::net::TcpStream::connect(to);
    co_await s.write_all(std::string_view("hi"));
  }(addr));
  auto conn = co_await incoming.next();
  TOKIO_CO_ASSERT(conn.has_value());
  std::string got;
  co_await conn->read_to_string(got);
  EXPECT_EQ(got, "hi");
  co_await client;
}

TOKIO_TEST(StreamWrappers, UnixListenerStreamAccepts) {
  tokio::testing::TempDir dir;
  auto path = dir / "sock";
  wrappers::UnixListenerStream incoming(tokio::net::UnixListener::bind(path.string()));
  auto client = tokio::spawn([](std::string p) -> tokio::Task<void> {
    (void)co_await tokio::net::UnixStream::connect(p);
  }(path.string()));
  auto conn = co_await incoming.next();
  EXPECT_TRUE(conn.has_value());
  co_await client;
}

TOKIO_TEST_ALL_FLAVORS(StreamWrappers, LinesAndSplitStreams) {
  auto [a, b] = tokio::io::duplex(64);
  auto writer = tokio::spawn([](tokio::io::DuplexStream w) -> tokio::Task<void> {
    co_await w.write_all(std::string_view("one\ntwo\r\nthree"));
  }(std::move(a)));
  wrappers::LinesStream lines(tokio::io::BufReader(std::move(b)).lines());
  auto got = co_await stream::collect<std::vector<std::string>>(std::move(lines));
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
  co_await writer;

  auto [c, d] = tokio::io::duplex(64);
  co_await c.write_all(std::string_view("x,yz"));
  { auto dropped = std::move(c); }
  wrappers::SplitStream parts(tokio::io::BufReader(std::move(d)).split(std::byte{','}));
  EXPECT_EQ(co_await stream::count(std::move(parts)), 2u);
}

TOKIO_TEST(StreamWrappers, ReadDirStreamListsEntries) {
  tokio::testing::TempDir dir;
  co_await tokio::fs::write(dir / "a", std::string("1"));
  co_await tokio::fs::write(dir / "b", std::string("2"));
  wrappers::ReadDirStream entries(co_await tokio::fs::read_dir(dir.path()));
  EXPECT_EQ(co_await stream::count(std::move(entries)), 2u);
}

TOKIO_TEST_ALL_FLAVORS(StreamWrappers, SignalStreamGivesTheKind) {
  wrappers::SignalStream s(tokio::signal::signal(tokio::signal::SignalKind::user_defined1()));
  EXPECT_EQ(::kill(::getpid(), SIGUSR1), 0);
  EXPECT_EQ(co_await s.next(), tokio::signal::SignalKind::user_defined1());
}

}  // namespace
