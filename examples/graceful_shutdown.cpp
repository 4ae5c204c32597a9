// graceful_shutdown: a TCP echo server that stops cleanly on Ctrl-C.
//
// What it shows: tokio::signal (a SIGINT listener made before serving, so that no Ctrl-C is
// missed) raced against accept() in select_biased; on Ctrl-C the listener is closed (new
// clients are refused), every connection is told through a watch channel to finish, and the
// server waits for them within a deadline (time::timeout around draining a JoinSet); whatever
// is still running then is aborted. The process exits 0.
//
// Run:
//   graceful_shutdown [addr]       echo on addr (default 127.0.0.1:8080) until Ctrl-C
//   graceful_shutdown --self-test  serve on 127.0.0.1:0, connect a client, send this process
//                                  SIGINT and check that the client is told goodbye, that new
//                                  connections are refused and that the server returns 0
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <span>
#include <string>

#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using tokio::net::TcpListener;
using tokio::net::TcpStream;

namespace {

constexpr std::string_view kGoodbye = "server shutting down\n";

// Echoes until the client closes, or until shutdown is announced: then says goodbye and closes.
// stream.read is cancel-safe, so losing the select to the announcement loses no bytes.
tokio::Task<void> connection(TcpStream stream, tokio::sync::watch::Receiver<bool> shutdown) {
  std::array<std::byte, 4096> buf;
  try {
    for (;;) {
      auto r = co_await tokio::select_biased(shutdown.changed(), stream.read(buf));
      if (r.index() == 0) {
        co_await stream.write_all(kGoodbye);
        break;
      }
      const std::size_t n = std::get<1>(r);
      if (n == 0) break;
      co_await stream.write_all(std::span<const std::byte>(buf.data(), n));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "graceful_shutdown: connection: %s\n", e.what());
  }
}

// Waits for every connection task to end.
tokio::Task<void> drain(tokio::task::JoinSet<void>& connections) {
  for (;;) {
    auto next = co_await connections.join_next();
    if (!next) break;
  }
}

tokio::Task<int> serve(TcpListener listener, tokio::signal::Signal interrupts,
                       std::chrono::milliseconds deadline) {
  auto [announce, shutdown] = tokio::sync::watch::channel(false);
  tokio::task::JoinSet<void> connections;
  for (;;) {
    try {
      // Biased: once Ctrl-C has come, no further client is taken.
      auto r = co_await tokio::select_biased(interrupts.recv(), listener.accept());
      if (r.index() == 0) break;
      auto accepted = std::move(std::get<1>(r));
      connections.spawn(connection(std::move(accepted.first), shutdown));
      while (connections.try_join_next()) {
      }  // forget connections that already ended
    } catch (const std::exception& e) {
      std::fprintf(stderr, "graceful_shutdown: accept: %s\n", e.what());
    }
  }
  { TcpListener closed = std::move(listener); }  // new clients are refused from here on
  std::printf("graceful_shutdown: Ctrl-C: no longer accepting; %zu connection(s) to finish\n",
              connections.len());
  (void)announce.send(true);  // fails only without receivers: no connection to tell
  auto drained = co_await tokio::time::timeout(deadline, drain(connections));
  if (!drained.has_value()) {
    std::printf("graceful_shutdown: deadline passed; aborting %zu connection(s)\n",
                connections.len());
    co_await connections.shutdown();
  } else {
    std::printf("graceful_shutdown: every connection finished\n");
  }
  std::fflush(stdout);
  co_return 0;
}

// ---- self-test ------------------------------------------------------------------------------

tokio::Task<int> self_test() {
  // Listening for SIGINT before it is sent: the signal is then the program's to handle.
  auto interrupts = tokio::signal::signal(tokio::signal::SignalKind::interrupt());
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  const auto addr = listener.local_addr();
  auto server = tokio::spawn(serve(std::move(listener), std::move(interrupts), 5s));

  auto client = co_await TcpStream::connect(addr);
  co_await client.write_all(std::string_view("hello\n"));
  std::string echo(6, '\0');
  co_await client.read_exact(echo);
  bool ok = echo == "hello\n";

  ::kill(::getpid(), SIGINT);  // as Ctrl-C at the terminal would

  std::string rest;
  co_await client.read_to_string(rest);  // the goodbye, then end of stream
  if (rest != kGoodbye) {
    std::fprintf(stderr, "self-test: expected the goodbye, got \"%s\"\n", rest.c_str());
    ok = false;
  }
  const int code = co_await server;
  ok = ok && code == 0;
  try {
    (void)co_await TcpStream::connect(addr);
    std::fprintf(stderr, "self-test: a connection was accepted after Ctrl-C\n");
    ok = false;
  } catch (const std::system_error&) {
    // refused: the listener is closed
  }
  std::printf("graceful_shutdown self-test: %s\n", ok ? "ok" : "FAILED");
  co_return ok ? 0 : 1;
}

tokio::Task<int> run_server(std::string addr) {
  auto interrupts = tokio::signal::signal(tokio::signal::SignalKind::interrupt());
  auto listener = co_await TcpListener::bind(addr);
  std::printf("graceful_shutdown: listening on %s; Ctrl-C stops\n",
              listener.local_addr().to_string().c_str());
  std::fflush(stdout);
  co_return co_await serve(std::move(listener), std::move(interrupts), 10s);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "127.0.0.1:8080";
  if (arg == "-h" || arg == "--help") {
    std::printf("usage: graceful_shutdown [addr] | --self-test\n");
    return 0;
  }
  try {
    return tokio::run(arg == "--self-test" ? self_test() : run_server(arg));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "graceful_shutdown: %s\n", e.what());
    return 1;
  }
}
