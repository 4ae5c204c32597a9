// tokio::net::UnixListener / UnixStream and their halves (after Tokio's uds_stream.rs,
// uds_split.rs, uds_cred.rs).
#include "tokio/net/unix.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "support/stream_helpers.hpp"
#include "support/temp_dir.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::net::UnixListener;
using tokio::net::UnixSocketAddr;
using tokio::net::UnixStream;
using tokio::testing::TempDir;
using tokio_test::bytes;
using tokio_test::pattern;
using tokio_test::recv_text_to_end;
using tokio_test::recv_to_end;
using tokio_test::send_all;
using namespace std::chrono_literals;

std::string as_string(const std::vector<std::byte>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

tokio::Task<void> echo_once(UnixListener* listener) {
  auto [stream, peer] = co_await listener->accept();
  EXPECT_TRUE(peer.is_unnamed());
  auto data = co_await recv_to_end(stream);
  co_await send_all(stream, data);
  co_await stream.shutdown();
}

TOKIO_TEST_ALL_FLAVORS(UnixStream, accept_read_write) {
  TempDir dir("tokio-uds");
  const auto path = dir / "echo.sock";
  auto listener = UnixListener::bind(path);
  EXPECT_EQ(listener.local_addr().as_pathname(), std::optional(path));
  auto server = tokio::spawn(echo_once(&listener));
  auto client = co_await UnixStream::connect(path);
  EXPECT_EQ(client.peer_addr().as_pathname(), std::optional(path));
  EXPECT_TRUE(client.local_addr().is_unnamed());
  co_await send_all(client, bytes("hello unix"));
  co_await client.shutdown();
  EXPECT_EQ(as_string(co_await recv_to_end(client)), "hello unix");
  co_await server;
}

TOKIO_TEST_ALL_FLAVORS(UnixStream, large_transfer_byte_for_byte) {
  auto [a, b] = UnixStream::pair();
  const auto data = pattern(8 << 20, 11);
  auto reader = tokio::spawn([](UnixStream s) -> tokio::Task<std::vector<std::byte>> {
    co_return co_await recv_to_end(s);
  }(std::move(b)));
  co_await send_all(a, data);
  {
    UnixStream closing = std::move(a);  // closing sends end of stream
  }
  auto received = co_await reader;
  TOKIO_CO_ASSERT(received.size() == data.size());
  EXPECT_TRUE(received == data);
}

TOKIO_TEST(UnixStream, half_close_then_reply) {
  auto [a, b] = UnixStream::pair();
  co_await send_all(a, bytes("request"));
  co_await a.shutdown();
  EXPECT_EQ(as_string(co_await recv_to_end(b)), "request");  // EOF after the shutdown
  co_await send_all(b, bytes("reply"));
  co_await b.flush();
  co_await b.shutdown();
  EXPECT_EQ(as_string(co_await recv_to_end(a)), "reply");
  // Writing after shutdown fails (broken pipe), never SIGPIPE.
  bool failed = false;
  try {
    (void)co_await a.write(bytes("late"));
  } catch (const std::system_error& e) {
    failed = e.code() == std::errc::broken_pipe;
    EXPECT_NE(std::string(e.what()).find("socketpair"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(failed);
}

TOKIO_TEST(UnixStream, peek_try_read_try_write) {
  auto [a, b] = UnixStream::pair();
  std::array<char, 16> buf{};
  EXPECT_FALSE(b.try_read(buf).has_value());  // nothing yet: would block
  std::optional<std::size_t> sent;
  for (;;) {
    (void)co_await a.writable();
    sent = a.try_write(std::string_view("ping"));
    if (sent) break;
  }
  EXPECT_EQ(*sent, 4u);
  const std::size_t peeked = co_await b.peek(buf);
  EXPECT_EQ(std::string_view(buf.data(), peeked), "ping");
  std::optional<std::size_t> got;
  for (;;) {
    const tokio::io::Ready ready = co_await b.readable();
    EXPECT_TRUE(ready.is_readable());
    got = b.try_read(buf);
    if (got) break;
  }
  EXPECT_EQ(std::string_view(buf.data(), *got), "ping");
  EXPECT_FALSE(b.try_read(buf).has_value());
  // Fill the socket buffer: try_write ends with nullopt.
  std::vector<char> chunk(64 * 1024, 'x');
  bool would_block = false;
  for (int i = 0; i < 10000 && !would_block; ++i)
    would_block = !a.try_write(chunk).has_value();
  EXPECT_TRUE(would_block);
  std::array<tokio::io::IoSlice, 2> slices{tokio::io::IoSlice(std::string_view("a")),
                                           tokio::io::IoSlice(std::string_view("b"))};
  auto [c, d] = UnixStream::pair();
  EXPECT_EQ(co_await c.write_vectored(slices), 2u);
  EXPECT_EQ(co_await d.read(buf), 2u);
  EXPECT_EQ(std::string_view(buf.data(), 2), "ab");
}

tokio::Task<void> echo_until_eof(UnixStream s) {
  std::array<std::byte, 8192> buf;
  for (;;) {
    const std::size_t n = co_await s.read(buf);
    if (n == 0) break;
    co_await send_all(s, std::span<const std::byte>(buf.data(), n));
  }
  co_await s.shutdown();
}
tokio::Task<void> write_and_close(tokio::net::UnixOwnedWriteHalf w, std::vector<std::byte> data) {
  co_await send_all(w, data);
  // Destroying the owned write half shuts the write side down: the echo side sees EOF.
}
tokio::Task<std::vector<std::byte>> read_half_to_end(tokio::net::UnixOwnedReadHalf r) {
  co_return co_await recv_to_end(r);
}

// One task writes through the owned write half while another reads the echo through the read
// half, at once, on several workers.
TOKIO_TEST(UnixStream, into_split_read_and_write_at_once,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  auto [a, b] = UnixStream::pair();
  auto echo = tokio::spawn(echo_until_eof(std::move(b)));
  auto [r, w] = std::move(a).into_split();
  EXPECT_TRUE(r.is_pair_of(w));
  const auto data = pattern(2 << 20, 5);
  auto reader = tokio::spawn(read_half_to_end(std::move(r)));
  auto writer = tokio::spawn(write_and_close(std::move(w), data));
  co_await writer;
  auto echoed = co_await reader;
  co_await echo;
  TOKIO_CO_ASSERT(echoed.size() == data.size());
  EXPECT_TRUE(echoed == data);
}

tokio::Task<std::vector<std::byte>> read_borrowed(tokio::net::UnixReadHalf* r) {
  co_return co_await recv_to_end(*r);
}
tokio::Task<void> write_borrowed(tokio::net::UnixWriteHalf* w, const std::vector<std::byte>* d) {
  co_await send_all(*w, *d);
  co_await w->shutdown();
}

TOKIO_TEST_ALL_FLAVORS(UnixStream, split_borrowed_halves) {
  auto [a, b] = UnixStream::pair();
  auto echo = tokio::spawn(echo_until_eof(std::move(b)));
  auto [r, w] = a.split();
  const auto data = pattern(1 << 20, 9);
  // join runs both in this task, interleaved at their suspension points.
  auto [echoed, unit] = co_await tokio::join(read_borrowed(&r), write_borrowed(&w, &data));
  (void)unit;
  co_await echo;
  EXPECT_TRUE(echoed == data);
  EXPECT_TRUE(r.peer_addr().is_unnamed());
}

TOKIO_TEST(UnixStream, reunite) {
  auto [a, b] = UnixStream::pair();
  const int fd = a.as_raw_fd();
  auto [r1, w1] = std::move(a).into_split();
  auto [r2, w2] = std::move(b).into_split();
  auto mismatched = reunite(std::move(r1), std::move(w2));
  TOKIO_CO_ASSERT(!mismatched.has_value());
  auto halves = std::move(mismatched).error();
  auto whole = reunite(std::move(halves.read), std::move(w1));
  TOKIO_CO_ASSERT(whole.has_value());
  EXPECT_EQ(whole->as_raw_fd(), fd);
  // The reunited stream still works both ways (its write side was not shut down).
  co_await send_all(*whole, bytes("x"));
  std::array<char, 4> buf{};
  EXPECT_EQ(co_await r2.read(buf), 1u);
  co_await send_all(halves.write, bytes("y"));
  EXPECT_EQ(co_await whole->read(buf), 1u);
  EXPECT_EQ(buf[0], 'y');
}

TOKIO_TEST(UnixStream, peer_cred) {
  auto [a, b] = UnixStream::pair();
  const auto cred = a.peer_cred();
  EXPECT_EQ(cred.uid(), ::getuid());
  EXPECT_EQ(cred.gid(), ::getgid());
  EXPECT_EQ(cred.pid(), std::optional(::getpid()));
  TempDir dir("tokio-uds");
  auto listener = UnixListener::bind(dir / "cred.sock");
  auto client = co_await UnixStream::connect(dir / "cred.sock");
  auto [server, peer] = co_await listener.accept();
  EXPECT_EQ(server.peer_cred().uid(), ::getuid());
  EXPECT_EQ(client.peer_cred().pid(), std::optional(::getpid()));
  EXPECT_FALSE(server.take_error());
}

TOKIO_TEST(UnixStream, connect_errors_name_the_path) {
  TempDir dir("tokio-uds");
  const auto missing = dir / "missing.sock";
  bool not_found = false;
  try {
    (void)co_await UnixStream::connect(missing);
  } catch (const std::system_error& e) {
    not_found = e.code() == std::errc::no_such_file_or_directory;
    EXPECT_NE(std::string(e.what()).find(missing.native()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(not_found);
  // A socket file whose listener is gone refuses connections.
  const auto stale = dir / "stale.sock";
  { auto listener = UnixListener::bind(stale); }
  bool refused = false;
  try {
    (void)co_await UnixStream::connect(stale);
  } catch (const std::system_error& e) {
    refused = e.code() == std::errc::connection_refused;
    EXPECT_NE(std::string(e.what()).find(stale.native()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(refused);
}

TOKIO_TEST(UnixStream, bind_errors) {
  TempDir dir("tokio-uds");
  const auto path = dir / "twice.sock";
  auto first = UnixListener::bind(path);
  bool in_use = false;
  try {
    (void)UnixListener::bind(path);
  } catch (const std::system_error& e) {
    in_use = e.code() == std::errc::address_in_use;
    EXPECT_NE(std::string(e.what()).find(path.native()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(in_use);
  const std::string long_path = "/tmp/" + std::string(200, 'x');
  bool invalid = false;
  try {
    (void)UnixListener::bind(long_path);
  } catch (const std::invalid_argument& e) {
    invalid = true;
    EXPECT_NE(std::string(e.what()).find(long_path), std::string::npos);
  }
  EXPECT_TRUE(invalid);
  EXPECT_THROW((void)co_await UnixStream::connect(long_path), std::invalid_argument);
  co_return;
}

TOKIO_TEST(UnixStream, abstract_namespace) {
  const std::string name = "tokio-cpp-test-" + std::to_string(::getpid());
  const auto addr = UnixSocketAddr::from_abstract_name(name);
  EXPECT_EQ(addr.to_string(), "@" + name);
  EXPECT_FALSE(addr.as_pathname().has_value());
  EXPECT_EQ(addr.as_abstract_name(), std::optional(name));
  auto listener = UnixListener::bind_addr(addr);
  EXPECT_EQ(listener.local_addr(), addr);
  auto client = co_await UnixStream::connect_addr(addr);
  auto [server, peer] = co_await listener.accept();
  co_await send_all(client, bytes("abstract"));
  co_await client.shutdown();
  EXPECT_EQ(as_string(co_await recv_to_end(server)), "abstract");
}

tokio::Task<std::pair<UnixStream, UnixSocketAddr>> accept_task(UnixListener* l) {
  co_return co_await l->accept();
}
tokio::Task<void> timeout_after(tokio::time::Duration d) {
  co_await tokio::time::sleep(d);
}

TOKIO_TEST(UnixStream, accept_cancelled_by_timeout_takes_nothing, .start_paused = true) {
  TempDir dir("tokio-uds");
  auto listener = UnixListener::bind(dir / "cancel.sock");
  auto first = co_await tokio::select(accept_task(&listener), timeout_after(50ms));
  EXPECT_EQ(first.index(), 1u);
  auto client = co_await UnixStream::connect(dir / "cancel.sock");
  auto [server, peer] = co_await listener.accept();
  co_await send_all(client, bytes("z"));
  std::array<char, 2> buf{};
  EXPECT_EQ(co_await server.read(buf), 1u);
}

TOKIO_TEST(UnixStream, from_std_into_std) {
  int fds[2];
  TOKIO_CO_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  auto a = UnixStream::from_std(fds[0]);
  auto b = UnixStream::from_std(fds[1]);
  co_await send_all(a, bytes("q"));
  std::array<char, 2> buf{};
  EXPECT_EQ(co_await b.read(buf), 1u);
  const int fd = std::move(a).into_std();
  EXPECT_EQ(fd, fds[0]);
  ::close(fd);
  TempDir dir("tokio-uds");
  auto listener = UnixListener::bind(dir / "std.sock");
  const int lfd = std::move(listener).into_std();
  auto again = UnixListener::from_std(lfd);
  EXPECT_EQ(again.local_addr().as_pathname(), std::optional(dir / "std.sock"));
}

TEST(UnixSocketAddr, kinds_and_limits) {
  const UnixSocketAddr unnamed;
  EXPECT_TRUE(unnamed.is_unnamed());
  EXPECT_EQ(unnamed.to_string(), "(unnamed)");
  EXPECT_FALSE(unnamed.as_pathname().has_value());
  const auto p = UnixSocketAddr::from_pathname("/tmp/x.sock");
  EXPECT_FALSE(p.is_unnamed());
  EXPECT_EQ(p.as_pathname(), std::optional(std::filesystem::path("/tmp/x.sock")));
  EXPECT_EQ(p, UnixSocketAddr::from_pathname("/tmp/x.sock"));
  EXPECT_FALSE(p == UnixSocketAddr::from_pathname("/tmp/y.sock"));
  EXPECT_FALSE(p == UnixSocketAddr::from_abstract_name("/tmp/x.sock"));
  EXPECT_FALSE(p == unnamed);
  EXPECT_NO_THROW(UnixSocketAddr::from_pathname("/" + std::string(106, 'a')));
  EXPECT_THROW(UnixSocketAddr::from_pathname("/" + std::string(107, 'a')), std::invalid_argument);
  EXPECT_THROW(UnixSocketAddr::from_pathname(""), std::invalid_argument);
  EXPECT_THROW(UnixSocketAddr::from_abstract_name(std::string(108, 'a')), std::invalid_argument);
}

}  // namespace
