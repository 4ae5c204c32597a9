// tokio::net::TcpStream / TcpListener (after Tokio's tcp_stream.rs, tcp_echo.rs, tcp_accept.rs,
// tcp_connect.rs, tcp_shutdown.rs, tcp_split.rs, tcp_into_split.rs).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "support/stream_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;
using tokio_test::bytes;
using tokio_test::pattern;
using tokio_test::recv_text_to_end;
using tokio_test::recv_to_end;
using tokio_test::send_all;
using namespace std::chrono_literals;

tokio::Task<void> echo_once(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  EXPECT_EQ(peer, socket.peer_addr());
  auto data = co_await recv_to_end(socket);
  co_await send_all(socket, data);
  co_await socket.shutdown();
}

TOKIO_TEST_ALL_FLAVORS(TcpStream, echo_round_trip) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  const SocketAddr addr = listener.local_addr();
  EXPECT_TRUE(addr.is_ipv4());
  EXPECT_NE(addr.port(), 0);
  auto server = tokio::spawn(echo_once(&listener));
  auto client = co_await TcpStream::connect(addr);
  EXPECT_EQ(client.peer_addr(), addr);
  co_await send_all(client, bytes("hello world"));
  co_await client.shutdown();
  auto echoed = co_await recv_to_end(client);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(echoed.data()), echoed.size()),
            "hello world");
  co_await server;
}

TOKIO_TEST_ALL_FLAVORS(TcpStream, connect_by_name) {
  auto listener = co_await TcpListener::bind("localhost:0");
  const auto port = listener.local_addr().port();
  auto server = tokio::spawn(echo_once(&listener));
  // "localhost" may resolve to ::1 first, where nothing listens: connect tries each address.
  auto client = co_await TcpStream::connect("localhost:" + std::to_string(port));
  co_await client.shutdown();
  auto echoed = co_await recv_to_end(client);
  EXPECT_TRUE(echoed.empty());
  co_await server;
}

tokio::Task<std::vector<std::byte>> read_all_from(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  co_return co_await recv_to_end(socket);
}

TOKIO_TEST_ALL_FLAVORS(TcpStream, large_transfer_byte_for_byte) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto reader = tokio::spawn(read_all_from(&listener));
  const auto data = pattern(8 << 20, 7);
  {
    auto client = co_await TcpStream::connect(listener.local_addr());
    co_await send_all(client, data);
  }  // closing sends FIN
  auto received = co_await reader;
  TOKIO_CO_ASSERT(received.size() == data.size());
  EXPECT_TRUE(received == data);
}

TOKIO_TEST(TcpStream, connection_refused_names_the_address) {
  // Bind then drop a listener: its port is (almost certainly) free and refuses connections.
  SocketAddr addr;
  {
    auto listener = co_await TcpListener::bind("127.0.0.1:0");
    addr = listener.local_addr();
  }
  bool refused = false;
  try {
    (void)co_await TcpStream::connect(addr);
  } catch (const std::system_error& e) {
    refused = true;
    EXPECT_EQ(e.code(), std::errc::connection_refused) << e.what();
    EXPECT_NE(std::string(e.what()).find(addr.to_string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(refused);
}

TOKIO_TEST(TcpStream, bind_address_in_use) {
  auto first = co_await TcpListener::bind("127.0.0.1:0");
  bool in_use = false;
  try {
    (void)co_await TcpListener::bind(first.local_addr());
  } catch (const std::system_error& e) {
    in_use = true;
    EXPECT_EQ(e.code(), std::errc::address_in_use) << e.what();
    EXPECT_NE(std::string(e.what()).find(first.local_addr().to_string()), std::string::npos);
  }
  EXPECT_TRUE(in_use);
}

TOKIO_TEST(TcpStream, bad_address_strings) {
  int invalid = 0;
  for (const char* text : {"127.0.0.1", "127.0.0.1:99999", "127.0.0.1:", "[::1]", "1.2.3.4:x"}) {
    try {
      (void)co_await TcpListener::bind(text);
    } catch (const std::invalid_argument& e) {
      ++invalid;
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(invalid, 5);
}

// Accepts, waits for `go` (the client finished connecting), then resets the connection.
tokio::Task<void> accept_and_reset(TcpListener* listener, tokio::sync::oneshot::Receiver<int> go) {
  auto [socket, peer] = co_await listener->accept();
  (void)co_await go;
  socket.set_linger(0s);  // SO_LINGER 0: closing sends RST
}

TOKIO_TEST_ALL_FLAVORS(TcpStream, write_after_reset_is_an_error_not_sigpipe) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto [go_tx, go_rx] = tokio::sync::oneshot::channel<int>();
  auto server = tokio::spawn(accept_and_reset(&listener, std::move(go_rx)));
  auto client = co_await TcpStream::connect(listener.local_addr());
  (void)go_tx.send(1);
  co_await server;
  std::vector<std::byte> chunk(64 * 1024);
  bool failed = false;
  try {
    for (int i = 0; i < 1000; ++i)
      (void)co_await client.write(chunk);
  } catch (const std::system_error& e) {
    failed = true;
    EXPECT_TRUE(e.code() == std::errc::connection_reset || e.code() == std::errc::broken_pipe)
        << e.what();
  }
  EXPECT_TRUE(failed);
}

TOKIO_TEST(TcpStream, options) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto client = co_await TcpStream::connect(listener.local_addr());
  client.set_nodelay(true);
  EXPECT_TRUE(client.nodelay());
  client.set_nodelay(false);
  EXPECT_FALSE(client.nodelay());
  client.set_ttl(42);
  EXPECT_EQ(client.ttl(), 42u);
  EXPECT_FALSE(client.linger().has_value());
  client.set_linger(5s);
  EXPECT_EQ(client.linger(), std::optional(std::chrono::seconds(5)));
  EXPECT_FALSE(client.take_error());
  listener.set_ttl(7);
  EXPECT_EQ(listener.ttl(), 7u);
  EXPECT_EQ(client.local_addr().ip(), "127.0.0.1");
}

}  // namespace

namespace {

tokio::Task<void> framed_echo(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  // Length-prefixed frames, echoed until the client closes.
  for (;;) {
    std::uint32_t len = 0;
    try {
      len = co_await socket.read_u32();
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), tokio::io::Errc::unexpected_eof);
      break;
    }
    std::string body(len, '\0');
    co_await socket.read_exact(body);
    co_await socket.write_u32(len);
    co_await socket.write_all(body);
  }
}

// The io utilities as members (AsyncReadExt / AsyncWriteExt), on a stream and on its halves.
TOKIO_TEST_ALL_FLAVORS(TcpStream, extension_members_frame_messages) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto server = tokio::spawn(framed_echo(&listener));
  auto client = co_await TcpStream::connect(listener.local_addr());
  auto [r, w] = client.split();
  for (std::string msg : {"one", "", "three three"}) {
    co_await w.write_u32(static_cast<std::uint32_t>(msg.size()));
    co_await w.write_all(msg);
    const std::uint32_t len = co_await r.read_u32();
    std::string back(len, '\0');
    co_await r.read_exact(back);
    EXPECT_EQ(back, msg);
  }
  co_await client.shutdown();
  co_await server;
}

// EOF in the middle of a frame is an unexpected_eof error, not a short frame.
tokio::Task<void> send_half_a_frame(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  co_await socket.write_u32(100);
  co_await socket.write_all("only this");
}

TOKIO_TEST(TcpStream, eof_mid_frame_is_unexpected_eof) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto server = tokio::spawn(send_half_a_frame(&listener));
  auto client = co_await TcpStream::connect(listener.local_addr());
  const std::uint32_t len = co_await client.read_u32();
  EXPECT_EQ(len, 100u);
  std::string body(len, '\0');
  bool eof = false;
  try {
    co_await client.read_exact(body);
  } catch (const std::system_error& e) {
    eof = e.code() == tokio::io::Errc::unexpected_eof;
  }
  EXPECT_TRUE(eof);
  co_await server;
}

// A reset in the middle of a frame is connection_reset.
tokio::Task<void> reset_mid_frame(TcpListener* listener, tokio::sync::oneshot::Receiver<int> go) {
  auto [socket, peer] = co_await listener->accept();
  co_await socket.write_u32(100);
  (void)co_await go;
  socket.set_linger(0s);
}

TOKIO_TEST(TcpStream, reset_mid_frame_is_connection_reset) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto [go_tx, go_rx] = tokio::sync::oneshot::channel<int>();
  auto server = tokio::spawn(reset_mid_frame(&listener, std::move(go_rx)));
  auto client = co_await TcpStream::connect(listener.local_addr());
  EXPECT_EQ(co_await client.read_u32(), 100u);
  (void)go_tx.send(1);
  co_await server;
  std::string body(100, '\0');
  bool reset = false;
  try {
    co_await client.read_exact(body);
  } catch (const std::system_error& e) {
    reset = e.code() == std::errc::connection_reset;
    EXPECT_NE(std::string(e.what()).find(listener.local_addr().to_string()), std::string::npos);
  }
  EXPECT_TRUE(reset);
}

}  // namespace
