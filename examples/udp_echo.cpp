// udp_echo: a UDP echo server, and a one-shot client for it.
//
// What it shows: UdpSocket::bind, recv_from / send_to (each call is one whole datagram, and
// each datagram carries its sender's address, so one socket serves every client without
// connections); tokio::time::timeout around a receive, because UDP loses datagrams silently and
// a client must not wait for ever.
//
// Run:
//   udp_echo [addr]                 echo datagrams on addr (default 127.0.0.1:8080)
//   udp_echo --client addr msg      send msg to addr, print the reply (or time out after 1 s)
//   udp_echo --self-test            server on 127.0.0.1:0 and a client in one process; checks
//                                   the replies and that a lost reply times out; exits 0
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using tokio::net::SocketAddr;
using tokio::net::UdpSocket;

namespace {

// The server: every datagram goes back to whoever sent it. A failed send (the sender's port is
// closed, say) is logged and the loop goes on.
tokio::Task<void> serve(UdpSocket socket) {
  std::array<std::byte, 65'536> buf;  // the largest UDP datagram fits
  for (;;) {
    try {
      auto [n, peer] = co_await socket.recv_from(buf);
      co_await socket.send_to(std::span<const std::byte>(buf.data(), n), peer);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "udp_echo: %s\n", e.what());
    }
  }
}

// timeout races Tasks; recv_from is an awaitable, so wrap it in a Task.
tokio::Task<std::pair<std::size_t, SocketAddr>> receive(const UdpSocket& socket,
                                                        std::span<std::byte> buf) {
  co_return co_await socket.recv_from(buf);
}

// The client: sends `msg` to `server` as one datagram and waits up to `wait` for the reply.
// Gives the reply, or std::nullopt if none came in time (the request or the reply was lost,
// or nothing listens there).
tokio::Task<std::optional<std::string>> ask(SocketAddr server, std::string msg,
                                            std::chrono::milliseconds wait) {
  // Any local address, port 0 (the system picks a free one); the family must match the server's.
  auto socket =
      co_await UdpSocket::bind(server.is_ipv4() ? SocketAddr::v4_any(0) : SocketAddr::v6_any(0));
  co_await socket.send_to(msg, server);
  std::array<std::byte, 65'536> buf;
  auto reply = co_await tokio::time::timeout(wait, receive(socket, buf));
  if (!reply) co_return std::nullopt;  // Err(Elapsed): the receive was cancelled
  auto [n, from] = *reply;
  if (from != server) co_return std::nullopt;  // a stray datagram: not our answer
  co_return std::string(reinterpret_cast<const char*>(buf.data()), n);
}

tokio::Task<int> run_client(std::string addr, std::string msg) {
  const auto resolved = co_await tokio::net::lookup_host(addr);  // "localhost:8080" works too
  auto reply = co_await ask(resolved.at(0), msg, 1s);
  if (!reply) {
    std::fprintf(stderr, "udp_echo: no reply from %s within 1 s\n", addr.c_str());
    co_return 1;
  }
  std::printf("%s\n", reply->c_str());
  co_return 0;
}

tokio::Task<int> run_server(std::string addr) {
  auto socket = co_await UdpSocket::bind(addr);
  std::printf("udp_echo listening on %s\n", socket.local_addr().to_string().c_str());
  std::fflush(stdout);
  co_await serve(std::move(socket));
  co_return 0;
}

// ---- self-test ------------------------------------------------------------------------------

tokio::Task<int> self_test() {
  auto socket = co_await UdpSocket::bind("127.0.0.1:0");
  const SocketAddr addr = socket.local_addr();
  auto server = tokio::spawn(serve(std::move(socket)));
  bool ok = true;
  // A datagram is sent and received whole, even an empty one or one of 9,000 bytes.
  const std::string messages[] = {"ping", "", std::string(9000, 'u')};
  for (const std::string& msg : messages) {
    auto reply = co_await ask(addr, msg, 5s);
    if (reply != msg) {
      std::fprintf(stderr, "udp_echo self-test: no or wrong reply to a %zu-byte datagram\n",
                   msg.size());
      ok = false;
    }
  }
  // With the server stopped, the client's timeout must fire.
  server.abort();
  try {
    co_await server;  // wait until its frame (and so its socket) is gone
  } catch (const tokio::task::JoinError&) {
    // cancelled, as asked
  }
  auto lost = co_await ask(addr, "anyone?", 100ms);
  if (lost) {
    std::fprintf(stderr, "udp_echo self-test: a stopped server replied\n");
    ok = false;
  }
  std::printf("udp_echo self-test: %s (via %s)\n", ok ? "ok" : "FAILED", addr.to_string().c_str());
  co_return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "127.0.0.1:8080";
  try {
    if (arg == "--self-test") return tokio::run(self_test());
    if (arg == "--client") {
      if (argc != 4) {
        std::fprintf(stderr, "usage: udp_echo --client addr msg\n");
        return 2;
      }
      return tokio::run(run_client(argv[2], argv[3]));
    }
    if (arg == "-h" || arg == "--help") {
      std::printf("usage: udp_echo [addr] | --client addr msg | --self-test\n");
      return 0;
    }
    return tokio::run(run_server(arg));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "udp_echo: %s\n", e.what());
    return 1;
  }
}
