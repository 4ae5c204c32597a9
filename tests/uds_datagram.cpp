// tokio::net::UnixDatagram (after Tokio's uds_datagram.rs).
#include "tokio/net/unix/datagram.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

#include "support/temp_dir.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::net::UnixDatagram;
using tokio::net::UnixSocketAddr;
using tokio::testing::TempDir;
using namespace std::chrono_literals;

std::string_view text(const std::array<char, 64>& buf, std::size_t n) {
  return {buf.data(), n};
}

tokio::Task<void> echo_server(UnixDatagram* socket) {
  std::array<char, 64> buf{};
  for (;;) {
    auto [n, from] = co_await socket->recv_from(buf);
    if (n == 0) co_return;  // an empty datagram stops the server
    EXPECT_FALSE(from.is_unnamed());
    const auto path = from.as_pathname();
    TOKIO_CO_ASSERT(path.has_value());
    (void)co_await socket->send_to(std::string_view(buf.data(), n), *path);
  }
}

TOKIO_TEST_ALL_FLAVORS(UnixDatagram, echo_send_to_recv_from) {
  TempDir dir("tokio-udg");
  auto server = UnixDatagram::bind(dir / "server.sock");
  auto client = UnixDatagram::bind(dir / "client.sock");
  auto echo = tokio::spawn(echo_server(&server));
  std::array<char, 64> buf{};
  for (int i = 0; i < 20; ++i) {
    const std::string msg = "datagram " + std::to_string(i);
    EXPECT_EQ(co_await client.send_to(msg, dir / "server.sock"), msg.size());
    auto [n, from] = co_await client.recv_from(buf);
    EXPECT_EQ(text(buf, n), msg);
    EXPECT_EQ(from.as_pathname(), std::optional(dir / "server.sock"));
  }
  (void)co_await client.send_to(std::string_view(), dir / "server.sock");
  co_await echo;
}

TOKIO_TEST(UnixDatagram, connected_send_recv_and_addresses) {
  TempDir dir("tokio-udg");
  auto server = UnixDatagram::bind(dir / "s.sock");
  auto client = UnixDatagram::bind(dir / "c.sock");
  client.connect(dir / "s.sock");
  server.connect(dir / "c.sock");
  EXPECT_EQ(client.peer_addr().as_pathname(), std::optional(dir / "s.sock"));
  EXPECT_EQ(client.local_addr().as_pathname(), std::optional(dir / "c.sock"));
  (void)co_await client.send(std::string_view("hi"));
  std::array<char, 64> buf{};
  const std::size_t n = co_await server.recv(buf);
  EXPECT_EQ(text(buf, n), "hi");
  (void)co_await server.send(std::string_view("back"));
  EXPECT_EQ(text(buf, co_await client.recv(buf)), "back");
}

TOKIO_TEST(UnixDatagram, unbound_sender_is_unnamed) {
  TempDir dir("tokio-udg");
  auto server = UnixDatagram::bind(dir / "s.sock");
  auto client = UnixDatagram::unbound();
  EXPECT_TRUE(client.local_addr().is_unnamed());
  (void)co_await client.send_to(std::string_view("anon"), dir / "s.sock");
  std::array<char, 64> buf{};
  auto [n, from] = co_await server.recv_from(buf);
  EXPECT_EQ(text(buf, n), "anon");
  EXPECT_TRUE(from.is_unnamed());
}

TOKIO_TEST(UnixDatagram, pair_try_ops_and_peek) {
  auto [a, b] = UnixDatagram::pair();
  std::array<char, 64> buf{};
  EXPECT_FALSE(b.try_recv(buf).has_value());
  EXPECT_FALSE(b.try_recv_from(buf).has_value());
  std::optional<std::size_t> sent;
  for (;;) {
    (void)co_await a.writable();
    sent = a.try_send(std::string_view("one"));
    if (sent) break;
  }
  EXPECT_EQ(*sent, 3u);
  auto [pn, pfrom] = co_await b.peek_from(buf);
  EXPECT_EQ(text(buf, pn), "one");
  EXPECT_TRUE(pfrom.is_unnamed());
  std::optional<std::size_t> got;
  for (;;) {
    (void)co_await b.readable();
    got = b.try_recv(buf);
    if (got) break;
  }
  EXPECT_EQ(text(buf, *got), "one");
  EXPECT_FALSE(b.try_recv(buf).has_value());
  // The other way, with try_recv_from.
  (void)co_await b.send(std::string_view("two"));
  (void)co_await a.ready(tokio::io::Interest::READABLE);
  auto got_from = a.try_recv_from(buf);
  TOKIO_CO_ASSERT(got_from.has_value());
  EXPECT_EQ(text(buf, got_from->first), "two");
  // Fill the peer's queue: try_send ends with nullopt (a send would wait).
  bool would_block = false;
  for (int i = 0; i < 100000 && !would_block; ++i)
    would_block = !a.try_send(std::string_view("fill")).has_value();
  EXPECT_TRUE(would_block);
}

TOKIO_TEST(UnixDatagram, truncation_and_empty_datagrams) {
  auto [a, b] = UnixDatagram::pair();
  (void)co_await a.send(std::string_view("0123456789"));
  EXPECT_EQ(co_await a.send(std::string_view()), 0u);
  (void)co_await a.send(std::string_view("whole"));
  std::array<char, 4> small{};
  EXPECT_EQ(co_await b.recv(small), 4u);
  EXPECT_EQ(std::string_view(small.data(), 4), "0123");
  std::array<char, 64> buf{};
  EXPECT_EQ(co_await b.recv(buf), 0u);
  EXPECT_EQ(text(buf, co_await b.recv(buf)), "whole");
}

tokio::Task<void> produce(std::shared_ptr<UnixDatagram> socket, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string msg = std::to_string(i);
    (void)co_await socket->send(msg);
  }
}

// A producer task and a consumer task on the two ends at once; the sender waits while the
// queue is full (flow control), so every datagram arrives, in order.
TOKIO_TEST_ALL_FLAVORS(UnixDatagram, producer_and_consumer_at_once) {
  auto [a, b] = UnixDatagram::pair();
  constexpr int kCount = 5000;
  auto producer = tokio::spawn(produce(std::make_shared<UnixDatagram>(std::move(a)), kCount));
  std::array<char, 64> buf{};
  for (int i = 0; i < kCount; ++i) {
    const std::size_t n = co_await b.recv(buf);
    TOKIO_CO_ASSERT(text(buf, n) == std::to_string(i));
  }
  co_await producer;
}

tokio::Task<std::size_t> recv_task(const UnixDatagram* socket, std::span<char> buf) {
  co_return co_await socket->recv(buf);
}
tokio::Task<void> timeout_after(tokio::time::Duration d) {
  co_await tokio::time::sleep(d);
}
tokio::Task<void> send_numbered(const UnixDatagram* socket, int count) {
  for (int i = 0; i < count; ++i) {
    co_await tokio::time::sleep(3ms);
    (void)co_await socket->send(std::to_string(i));
  }
}

TOKIO_TEST(UnixDatagram, recv_cancelled_by_timeout_loses_no_datagram, .start_paused = true) {
  auto [a, b] = UnixDatagram::pair();
  std::array<char, 64> buf{};
  constexpr int kCount = 50;
  auto producer = tokio::spawn(send_numbered(&a, kCount));
  int next = 0;
  int timeouts = 0;
  while (next < kCount) {
    auto r = co_await tokio::select(recv_task(&b, buf), timeout_after(2ms));
    if (r.index() == 1) {
      ++timeouts;
      continue;
    }
    EXPECT_EQ(text(buf, std::get<0>(r)), std::to_string(next));
    ++next;
  }
  co_await producer;
  EXPECT_GT(timeouts, 0);
  EXPECT_FALSE(b.try_recv(buf).has_value());
}

TOKIO_TEST(UnixDatagram, shutdown_write_then_send_fails) {
  auto [a, b] = UnixDatagram::pair();
  a.shutdown(SHUT_WR);
  bool broken = false;
  try {
    (void)co_await a.send(std::string_view("x"));
  } catch (const std::system_error& e) {
    broken = e.code() == std::errc::broken_pipe;
  }
  EXPECT_TRUE(broken);
  b.shutdown(SHUT_RD);
  std::array<char, 64> buf{};
  EXPECT_EQ(co_await b.recv(buf), 0u);  // read side shut: at once, nothing
}

TOKIO_TEST(UnixDatagram, errors_name_the_path) {
  TempDir dir("tokio-udg");
  auto socket = UnixDatagram::unbound();
  const auto missing = dir / "missing.sock";
  bool not_found = false;
  try {
    (void)co_await socket.send_to(std::string_view("x"), missing);
  } catch (const std::system_error& e) {
    not_found = e.code() == std::errc::no_such_file_or_directory;
    EXPECT_NE(std::string(e.what()).find(missing.native()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(not_found);
  const auto stale = dir / "stale.sock";
  { auto gone = UnixDatagram::bind(stale); }
  bool refused = false;
  try {
    (void)co_await socket.send_to(std::string_view("x"), stale);
  } catch (const std::system_error& e) {
    refused = e.code() == std::errc::connection_refused;
    EXPECT_NE(std::string(e.what()).find(stale.native()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(refused);
  bool connect_refused = false;
  try {
    socket.connect(stale);
  } catch (const std::system_error& e) {
    connect_refused = e.code() == std::errc::connection_refused;
  }
  EXPECT_TRUE(connect_refused);
  const auto taken = dir / "taken.sock";
  auto first = UnixDatagram::bind(taken);
  bool in_use = false;
  try {
    (void)UnixDatagram::bind(taken);
  } catch (const std::system_error& e) {
    in_use = e.code() == std::errc::address_in_use;
    EXPECT_NE(std::string(e.what()).find(taken.native()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(in_use);
  bool not_connected = false;
  try {
    (void)socket.peer_addr();
  } catch (const std::system_error& e) {
    not_connected = e.code() == std::errc::not_connected;
  }
  EXPECT_TRUE(not_connected);
  EXPECT_THROW((void)socket.send_to(std::string_view("x"), "/" + std::string(200, 'p')),
               std::invalid_argument);
  EXPECT_FALSE(socket.take_error());
}

TOKIO_TEST(UnixDatagram, abstract_and_from_std) {
  const std::string name = "tokio-cpp-dgram-" + std::to_string(::getpid());
  auto server = UnixDatagram::bind_addr(UnixSocketAddr::from_abstract_name(name));
  auto client = UnixDatagram::unbound();
  (void)co_await client.send_to_addr(std::string_view("abs"),
                                     UnixSocketAddr::from_abstract_name(name));
  std::array<char, 64> buf{};
  EXPECT_EQ(text(buf, co_await server.recv(buf)), "abs");
  int fds[2];
  TOKIO_CO_ASSERT(::socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) == 0);
  auto a = UnixDatagram::from_std(fds[0]);
  auto b = UnixDatagram::from_std(fds[1]);
  (void)co_await a.send(std::string_view("std"));
  EXPECT_EQ(text(buf, co_await b.recv(buf)), "std");
  ::close(std::move(a).into_std());
}

}  // namespace
