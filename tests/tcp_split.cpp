// TcpStream::split / into_split / reunite (after Tokio's tcp_split.rs and tcp_into_split.rs).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/stream_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::net::TcpListener;
using tokio::net::TcpStream;
using tokio_test::bytes;
using tokio_test::pattern;
using tokio_test::recv_text_to_end;
using tokio_test::recv_to_end;
using tokio_test::send_all;

// Echoes everything back through the two halves of one stream, from two tasks at once.
tokio::Task<void> pump(tokio::net::tcp::OwnedReadHalf r, tokio::net::tcp::OwnedWriteHalf w) {
  std::byte buf[4096];
  for (;;) {
    const std::size_t n = co_await r.read(buf);
    if (n == 0) break;
    co_await send_all(w, std::span<const std::byte>(buf, n));
  }
}  // dropping w shuts the write side down

tokio::Task<void> echo_server(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  auto [r, w] = std::move(socket).into_split();
  co_await pump(std::move(r), std::move(w));
}

tokio::Task<void> write_then_close(tokio::net::tcp::OwnedWriteHalf w,
                                   const std::vector<std::byte>* data) {
  co_await send_all(w, *data);
}

// The client writes 4 MiB from one task while another reads the echo: neither can finish
// alone (the echo would fill both directions' buffers), so this needs a read and a write in
// flight at once on each stream.
TOKIO_TEST_ALL_FLAVORS(TcpSplit, owned_halves_read_and_write_at_once) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto server = tokio::spawn(echo_server(&listener));
  auto client = co_await TcpStream::connect(listener.local_addr());
  const auto data = pattern(4 << 20, 3);
  auto [r, w] = std::move(client).into_split();
  auto writer = tokio::spawn(write_then_close(std::move(w), &data));
  auto echoed = co_await recv_to_end(r);
  co_await writer;
  co_await server;
  TOKIO_CO_ASSERT(echoed.size() == data.size());
  EXPECT_TRUE(echoed == data);
}

tokio::Task<void> write_borrowed(tokio::net::tcp::WriteHalf w, const std::vector<std::byte>* data) {
  co_await send_all(w, *data);
  co_await w.shutdown();
}

TOKIO_TEST_ALL_FLAVORS(TcpSplit, borrowed_halves_in_join) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto server = tokio::spawn(echo_server(&listener));
  auto client = co_await TcpStream::connect(listener.local_addr());
  const auto data = pattern(1 << 20, 9);
  auto [r, w] = client.split();
  auto [unit, echoed] = co_await tokio::join(write_borrowed(w, &data), recv_to_end(r));
  (void)unit;
  EXPECT_TRUE(echoed == data);
  co_await server;
}

TOKIO_TEST(TcpSplit, reunite) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto a = co_await TcpStream::connect(listener.local_addr());
  auto b = co_await TcpStream::connect(listener.local_addr());
  const auto a_local = a.local_addr();
  auto [ar, aw] = std::move(a).into_split();
  auto [br, bw] = std::move(b).into_split();
  EXPECT_TRUE(ar.is_pair_of(aw));
  EXPECT_FALSE(ar.is_pair_of(bw));
  auto mismatched = tokio::net::tcp::reunite(std::move(ar), std::move(bw));
  TOKIO_CO_ASSERT(!mismatched.has_value());
  auto halves = std::move(mismatched).error();
  auto joined = tokio::net::tcp::reunite(std::move(halves.read), std::move(aw));
  TOKIO_CO_ASSERT(joined.has_value());
  EXPECT_EQ(joined->local_addr(), a_local);
  (void)br;
}

tokio::Task<std::size_t> count_to_end(TcpListener* listener) {
  auto [socket, peer] = co_await listener->accept();
  auto data = co_await recv_to_end(socket);
  co_return data.size();
}

TOKIO_TEST(TcpSplit, dropping_the_owned_write_half_sends_eof) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  auto server = tokio::spawn(count_to_end(&listener));
  auto client = co_await TcpStream::connect(listener.local_addr());
  auto [r, w] = std::move(client).into_split();
  co_await send_all(w, pattern(100, 1));
  { auto gone = std::move(w); }
  EXPECT_EQ(co_await server, 100u);  // EOF arrived while the read half is still alive
  (void)r;
}

}  // namespace
