// echo_server: a TCP server that sends back every byte it receives.
//
// What it shows: TcpListener::bind and an accept loop; one spawned task per connection, so
// thousands of clients are served concurrently by a few worker threads; reading what is
// available with `stream.read` and writing it back with `stream.write_all`; an error on one
// connection (a reset, say) is logged and ends that connection's task only.
//
// Run:
//   echo_server [addr]          listen on addr (default 127.0.0.1:8080) until killed
//   echo_server --self-test     serve on 127.0.0.1:0, run a few clients against it, check the
//                               echoes and exit 0 (what CI runs)
// Talk to it with `nc 127.0.0.1 8080`, or with the echo_client example.
#include <array>
#include <cstdio>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "tokio/tokio.hpp"

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;

namespace {

// One connection: read whatever has arrived (at most 4 KiB at a time) and write all of it back,
// until the client closes its side (read gives 0). The task owns the stream; when it returns,
// the stream is destroyed and the connection closed.
tokio::Task<void> echo_connection(TcpStream stream, SocketAddr peer) {
  std::array<std::byte, 4096> buf;
  try {
    for (;;) {
      const std::size_t n = co_await stream.read(buf);
      if (n == 0) break;  // end of stream: the client is done
      co_await stream.write_all(std::span<const std::byte>(buf.data(), n));
    }
  } catch (const std::exception& e) {
    // I/O errors are std::system_error; they end this connection only.
    std::fprintf(stderr, "echo_server: %s: %s\n", peer.to_string().c_str(), e.what());
  }
}

// The accept loop: each connection gets a task of its own. The JoinHandle is dropped, which
// detaches the task (it keeps running), as in Tokio.
tokio::Task<void> serve(TcpListener listener) {
  for (;;) {
    try {
      auto accepted = co_await listener.accept();
      tokio::spawn(echo_connection(std::move(accepted.first), accepted.second));
    } catch (const std::exception& e) {
      // accept itself waits out EMFILE and skips aborted connections; anything else is logged
      // and the loop goes on.
      std::fprintf(stderr, "echo_server: accept: %s\n", e.what());
    }
  }
}

// ---- self-test ------------------------------------------------------------------------------

// A client: sends `rounds` messages and checks that each comes back unchanged.
tokio::Task<bool> check_client(SocketAddr addr, int id, int rounds) {
  auto stream = co_await TcpStream::connect(addr);
  for (int r = 0; r < rounds; ++r) {
    const std::string msg = "client " + std::to_string(id) + " message " + std::to_string(r);
    co_await stream.write_all(msg);
    std::string echo(msg.size(), '\0');
    co_await stream.read_exact(echo);
    if (echo != msg) {
      std::fprintf(stderr, "self-test: sent \"%s\", got back \"%s\"\n", msg.c_str(), echo.c_str());
      co_return false;
    }
  }
  // Half-close: the server sees end of stream, stops, and closes; we then read end of stream.
  co_await stream.shutdown();
  std::array<std::byte, 16> rest;
  co_return co_await stream.read(rest) == 0;
}

tokio::Task<int> self_test() {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  const SocketAddr addr = listener.local_addr();
  auto server = tokio::spawn(serve(std::move(listener)));
  std::vector<tokio::JoinHandle<bool>> clients;
  for (int id = 0; id < 20; ++id)
    clients.push_back(tokio::spawn(check_client(addr, id, 50)));
  bool ok = true;
  for (auto& client : clients)
    ok = (co_await client) && ok;
  server.abort();  // stop accepting; dropping the runtime would do it too
  std::printf("echo_server self-test: %s (20 clients x 50 messages via %s)\n", ok ? "ok" : "FAILED",
              addr.to_string().c_str());
  co_return ok ? 0 : 1;
}

tokio::Task<int> run_server(std::string addr) {
  auto listener = co_await TcpListener::bind(addr);
  std::printf("echo_server listening on %s\n", listener.local_addr().to_string().c_str());
  std::fflush(stdout);
  co_await serve(std::move(listener));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "127.0.0.1:8080";
  if (arg == "-h" || arg == "--help") {
    std::printf("usage: echo_server [addr] | --self-test\n");
    return 0;
  }
  try {
    return tokio::run(arg == "--self-test" ? self_test() : run_server(arg));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 1;
  }
}
