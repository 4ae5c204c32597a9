// TcpStream edge cases: half-close, many connections, cancellation, readiness and try_*,
// peek, descriptor exhaustion, IPv6, TcpSocket, from_std / into_std.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "support/stream_helpers.hpp"
#include "tokio/detail/socket.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpSocket;
using tokio::net::TcpStream;
using tokio_test::bytes;
using tokio_test::pattern;
using tokio_test::recv_text_to_end;
using tokio_test::recv_to_end;
using tokio_test::send_all;
using namespace std::chrono_literals;

struct Pair {
  TcpStream client;
  TcpStream server;
};
tokio::Task<Pair> connected_pair(const char* bind = "127.0.0.1:0") {
  auto listener = co_await TcpListener::bind(bind);
  auto connecting = tokio::spawn(TcpStream::connect(listener.local_addr()));
  auto [server, peer] = co_await listener.accept();
  auto client = co_await connecting;
  EXPECT_EQ(client.local_addr(), peer);
  co_return Pair{std::move(client), std::move(server)};
}

// ---- half-close ----------------------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TcpMore, half_close_keeps_the_other_direction) {
  auto [client, server] = co_await connected_pair();
  co_await send_all(client, bytes("request"));
  co_await client.shutdown();  // the server reads EOF after the request...
  EXPECT_EQ(co_await recv_text_to_end(server), "request");
  co_await send_all(server, bytes("response"));  // ...and can still answer
  co_await server.shutdown();
  EXPECT_EQ(co_await recv_text_to_end(client), "response");
  // A read after EOF gives EOF again.
  char buf[8];
  EXPECT_EQ(co_await client.read(buf), 0u);
}

// ---- many connections ----------------------------------------------------------------------

tokio::Task<void> echo_connection(TcpStream socket) {
  char buf[1024];
  for (;;) {
    const std::size_t n = co_await socket.read(buf);
    if (n == 0) break;
    co_await send_all(socket, std::as_bytes(std::span(buf, n)));
  }
}
tokio::Task<void> accept_n(TcpListener* listener, int n) {
  tokio::task::JoinSet<void> set;
  for (int i = 0; i < n; ++i) {
    auto [socket, peer] = co_await listener->accept();
    set.spawn(echo_connection(std::move(socket)));
  }
  while (auto r = co_await set.join_next())
    r->value();
}
tokio::Task<void> client_round_trips(SocketAddr addr, int id) {
  auto stream = co_await TcpStream::connect(addr);
  for (int round = 0; round < 3; ++round) {
    const std::string msg = "client " + std::to_string(id) + " round " + std::to_string(round);
    co_await send_all(stream, bytes(msg));
    std::string got(msg.size(), '\0');
    std::span<char> rest(got);
    while (!rest.empty()) {
      const std::size_t n = co_await stream.read(rest);
      TOKIO_CO_ASSERT(n > 0);
      rest = rest.subspan(n);
    }
    EXPECT_EQ(got, msg);
  }
}

TOKIO_TEST(TcpMore, thousand_concurrent_connections,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  constexpr int kClients = 1000;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 2 * kClients + 100) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 2 * kClients + 100);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  TOKIO_CO_ASSERT(limit.rlim_cur >= 2 * kClients + 100);
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto server = tokio::spawn(accept_n(&listener, kClients));
  tokio::task::JoinSet<void> clients;
  for (int i = 0; i < kClients; ++i)
    clients.spawn(client_round_trips(listener.local_addr(), i));
  int done = 0;
  while (auto r = co_await clients.join_next()) {
    r->value();
    ++done;
  }
  EXPECT_EQ(done, kClients);
  co_await server;
}

// ---- cancellation --------------------------------------------------------------------------

tokio::Task<std::size_t> read_into(TcpStream* s, std::span<char> buf) {
  co_return co_await s->read(buf);
}
tokio::Task<void> yield_once() {
  co_await tokio::task::yield_now();
}

// A read that loses a select against a timer consumed nothing: the bytes sent later are all
// read by the next read, in order.
TOKIO_TEST(TcpMore, read_cancelled_by_timeout_loses_no_bytes, .start_paused = true) {
  auto [client, server] = co_await connected_pair();
  std::string received;
  for (int i = 0; i < 5; ++i) {
    char buf[64];
    auto timed = co_await tokio::time::timeout(10ms, read_into(&server, buf));
    EXPECT_FALSE(timed.has_value());  // nothing sent yet: the read is cancelled
    co_await send_all(client, bytes("chunk" + std::to_string(i) + ";"));
  }
  co_await client.shutdown();
  received = co_await recv_text_to_end(server);
  EXPECT_EQ(received, "chunk0;chunk1;chunk2;chunk3;chunk4;");
}

TOKIO_TEST(TcpMore, read_losing_a_select_loses_no_bytes) {
  auto [client, server] = co_await connected_pair();
  co_await send_all(client, bytes("abc"));
  // Biased: the ready branch wins and the read, though its data is there, is never run.
  char buf[16];
  auto first = co_await tokio::select_biased(yield_once(), read_into(&server, buf));
  EXPECT_EQ(first.index(), 0u);
  co_await client.shutdown();
  EXPECT_EQ(co_await recv_text_to_end(server), "abc");
}

// ---- readiness, try_*, peek ----------------------------------------------------------------

TOKIO_TEST_ALL_FLAVORS(TcpMore, try_read_try_write_and_readiness) {
  auto [client, server] = co_await connected_pair();
  char buf[64];
  EXPECT_FALSE(server.try_read(buf).has_value());  // nothing sent: would block
  co_await client.writable();
  auto wrote = client.try_write(std::string_view("ping"));
  TOKIO_CO_ASSERT(wrote.has_value());
  EXPECT_EQ(*wrote, 4u);
  std::string got;
  while (got.size() < 4) {
    const auto ready = co_await server.readable();
    EXPECT_TRUE(ready.is_readable());
    if (auto n = server.try_read(buf)) got.append(buf, *n);
  }
  EXPECT_EQ(got, "ping");
  // Fill the send buffer until try_write reports would-block.
  std::vector<char> chunk(256 * 1024, 'x');
  std::size_t total = 0;
  for (;;) {
    auto n = client.try_write(chunk);
    if (!n) break;
    total += *n;
  }
  EXPECT_GT(total, 0u);
  // The client is not writable until the server drains what was sent.
  std::vector<char> sink(64 * 1024);
  for (std::size_t drained = 0; drained < total;) {
    const std::size_t n = co_await server.read(sink);
    TOKIO_CO_ASSERT(n > 0);
    drained += n;
  }
  const auto ready =
      co_await client.ready(tokio::io::Interest::READABLE | tokio::io::Interest::WRITABLE);
  EXPECT_TRUE(ready.is_writable());
  EXPECT_TRUE(client.try_write(std::string_view("more")).has_value());
}

TOKIO_TEST(TcpMore, peek_leaves_the_bytes) {
  auto [client, server] = co_await connected_pair();
  co_await send_all(client, bytes("hello"));
  co_await client.shutdown();
  char buf[16];
  std::size_t n = co_await server.peek(buf);
  EXPECT_GT(n, 0u);
  EXPECT_EQ(std::string(buf, n), std::string("hello").substr(0, n));
  EXPECT_EQ(co_await recv_text_to_end(server), "hello");
}

TOKIO_TEST(TcpMore, write_vectored_sends_the_slices_in_order) {
  auto [client, server] = co_await connected_pair();
  const std::string a = "first,", b, c = "second,", d = "third";
  tokio::io::IoSlice slices[] = {a, b, c, d};
  std::span<tokio::io::IoSlice> rest(slices);
  std::size_t total = 0;
  while (!rest.empty()) {
    std::size_t n = co_await client.write_vectored(rest);
    total += n;
    while (!rest.empty() && n >= rest.front().size()) {
      n -= rest.front().size();
      rest = rest.subspan(1);
    }
    if (!rest.empty()) rest.front().advance(n);
  }
  EXPECT_EQ(total, 18u);
  co_await client.shutdown();
  EXPECT_EQ(co_await recv_text_to_end(server), "first,second,third");
}

// ---- out of descriptors --------------------------------------------------------------------

tokio::Task<std::string> accept_and_read(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  co_return co_await recv_text_to_end(socket);
}

// accept while the process has no descriptor left neither fails nor spins; it takes the
// connection once descriptors are back. (Each test runs in its own process, so lowering the
// limit here affects no other test.)
TOKIO_TEST(TcpMore, accept_recovers_from_running_out_of_descriptors, .start_paused = true) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto client = co_await TcpStream::connect(listener.local_addr());
  co_await send_all(client, bytes("made it"));
  co_await client.shutdown();
  // Use up every descriptor.
  std::vector<int> hogs;
  for (;;) {
    const int fd = ::dup(0);
    if (fd < 0) break;
    hogs.push_back(fd);
  }
  TOKIO_CO_ASSERT(!hogs.empty());
  auto server = tokio::spawn(accept_and_read(&listener));
  // The paused clock jumps through accept's back-off sleeps while it cannot take the
  // connection; it must still be waiting after a simulated minute.
  co_await tokio::time::sleep(60s);
  EXPECT_FALSE(server.is_finished());
  for (int fd : hogs)
    ::close(fd);
  EXPECT_EQ(co_await server, "made it");
}

// ---- IPv6, TcpSocket, std descriptors --------------------------------------------------------

bool has_ipv6_loopback() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const auto addr = SocketAddr::v6_localhost(0);
  const bool ok = ::bind(fd, addr.as_sockaddr(), addr.sockaddr_len()) == 0;
  ::close(fd);
  return ok;
}

tokio::Task<void> ipv6_round_trip() {
  auto [client, server] = co_await connected_pair("[::1]:0");
  EXPECT_TRUE(client.peer_addr().is_ipv6());
  EXPECT_EQ(client.peer_addr().ip(), "::1");
  co_await send_all(client, bytes("v6"));
  co_await client.shutdown();
  EXPECT_EQ(co_await recv_text_to_end(server), "v6");
}

TEST(TcpMore, ipv6_loopback) {
  if (!has_ipv6_loopback()) GTEST_SKIP() << "this host has no IPv6 loopback";
  tokio::testing::builder_for({}).build().block_on(ipv6_round_trip());
}

TOKIO_TEST(TcpMore, tcp_socket_configures_then_listens_and_connects) {
  auto socket = TcpSocket::new_v4();
  socket.set_reuseaddr(true);
  EXPECT_TRUE(socket.reuseaddr());
  socket.set_reuseport(true);
  EXPECT_TRUE(socket.reuseport());
  socket.set_recv_buffer_size(64 * 1024);
  EXPECT_GE(socket.recv_buffer_size(), 64u * 1024);  // Linux doubles what it is given
  socket.set_send_buffer_size(64 * 1024);
  EXPECT_GE(socket.send_buffer_size(), 64u * 1024);
  socket.bind(SocketAddr::v4_localhost(0));
  const auto addr = socket.local_addr();
  auto listener = std::move(socket).listen(16);
  EXPECT_EQ(listener.local_addr(), addr);
  EXPECT_THROW((void)socket.local_addr(), std::logic_error);  // consumed by listen

  auto connector = TcpSocket::new_v4();
  connector.set_nodelay(true);
  connector.set_keepalive(true);
  EXPECT_TRUE(connector.keepalive());
  auto client = co_await std::move(connector).connect(addr);
  EXPECT_TRUE(client.nodelay());
  auto [server, peer] = co_await listener.accept();
  EXPECT_EQ(peer, client.local_addr());
}

TOKIO_TEST(TcpMore, from_std_and_into_std) {
  auto [client, server] = co_await connected_pair();
  const auto peer = client.peer_addr();
  const int fd = std::move(client).into_std();
  TOKIO_CO_ASSERT(fd >= 0);
  auto again = TcpStream::from_std(fd);
  EXPECT_EQ(again.peer_addr(), peer);
  co_await send_all(again, bytes("still works"));
  co_await again.shutdown();
  EXPECT_EQ(co_await recv_text_to_end(server), "still works");
}

TOKIO_TEST(TcpMore, dropping_an_unstarted_connect_closes_its_socket) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  const int before = ::dup(0);
  ::close(before);
  { auto never_awaited = TcpStream::connect(listener.local_addr()); }
  const int after = ::dup(0);
  ::close(after);
  EXPECT_EQ(before, after);  // the socket made for the connect was closed with the Task
}

}  // namespace

namespace {

// Regression: the socket used to be registered before connect(2); a driver turn in between saw
// an unconnected socket's EPOLLHUP and recorded final closed readiness (writes then spun on
// EAGAIN and connect could finish before the handshake). A worker parked in epoll_wait makes
// that turn likely; with the fix no connected stream may report closed readiness.
tokio::Task<void> accept_forever(TcpListener* listener, std::vector<TcpStream>* keep) {
  for (;;) {
    auto [socket, peer] = co_await listener->accept();
    keep->push_back(std::move(socket));
  }
}

TOKIO_TEST(TcpMore, fresh_connection_has_no_closed_readiness,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 2) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  std::vector<TcpStream> accepted;
  auto server = tokio::spawn(accept_forever(&listener, &accepted));
  for (int i = 0; i < 200; ++i) {
    auto client = co_await TcpStream::connect(listener.local_addr());
    EXPECT_NO_THROW((void)tokio::detail::peer_addr_of(client.as_raw_fd(), "getpeername"));
    const auto ready = co_await client.writable();
    EXPECT_FALSE(ready.is_write_closed()) << "connection " << i;
    EXPECT_FALSE(ready.is_read_closed()) << "connection " << i;
  }
  // The accept loop writes to `accepted` on another worker: wait for it to end before the
  // vector goes out of scope.
  server.abort();
  try {
    co_await server;
    ADD_FAILURE() << "the accept loop cannot end by itself";
  } catch (const tokio::task::JoinError& e) {
    EXPECT_TRUE(e.is_cancelled());
  }
}

}  // namespace

namespace {

// Reads of exactly what was sent leave the receive queue empty; the stream learns that from
// the kernel (TCP_INQ) and clears its readiness at once. The next read must still be woken by
// the next message: ping-pong with exact-size reads, on every flavour.
tokio::Task<void> exact_echo(TcpStream* s, int rounds) {
  char buf[32];
  for (int i = 0; i < rounds; ++i) {
    std::size_t got = 0;
    while (got < sizeof buf) {
      const std::size_t n = co_await s->read(std::span(buf + got, sizeof buf - got));
      TOKIO_CO_ASSERT(n > 0);
      got += n;
    }
    co_await send_all(*s, std::as_bytes(std::span(buf)));
  }
}

TOKIO_TEST_ALL_FLAVORS(TcpMore, exact_size_reads_are_woken_by_the_next_message) {
  auto [client, server] = co_await connected_pair();
  constexpr int kRounds = 500;
  auto echo = tokio::spawn(exact_echo(&server, kRounds));
  char out[32];
  char in[32];
  for (int i = 0; i < kRounds; ++i) {
    std::memset(out, 'a' + i % 26, sizeof out);
    co_await send_all(client, std::as_bytes(std::span(out)));
    std::size_t got = 0;
    while (got < sizeof in) {
      const std::size_t n = co_await client.read(std::span(in + got, sizeof in - got));
      TOKIO_CO_ASSERT(n > 0);
      got += n;
    }
    TOKIO_CO_ASSERT(std::memcmp(in, out, sizeof in) == 0);
  }
  co_await echo;
}

}  // namespace

namespace {

tokio::Task<std::string> read_all_from(TcpStream* s) {
  co_return co_await recv_text_to_end(*s);
}

// More slices than one sendmsg takes (IOV_MAX, 1024 on Linux): each write_vectored sends from
// the first IOV_MAX of them, and every byte arrives once, in order.
TOKIO_TEST_ALL_FLAVORS(TcpMore, write_vectored_with_more_slices_than_iov_max) {
  auto [client, server] = co_await connected_pair();
  auto reader = tokio::spawn(read_all_from(&server));
  std::string expected;
  for (int i = 0; i < 3000; ++i)
    expected += static_cast<char>('a' + i % 26);
  std::vector<tokio::io::IoSlice> slices;
  for (std::size_t i = 0; i < expected.size(); ++i)
    slices.emplace_back(std::string_view(expected).substr(i, 1));
  std::span<tokio::io::IoSlice> rest(slices);
  while (!rest.empty()) {
    std::size_t n = co_await client.write_vectored(rest);
    TOKIO_CO_ASSERT(n > 0);
    while (!rest.empty() && n >= rest.front().size()) {
      n -= rest.front().size();
      rest = rest.subspan(1);
    }
    if (!rest.empty()) rest.front().advance(n);
  }
  co_await client.shutdown();
  EXPECT_EQ(co_await reader, expected);
}

}  // namespace
