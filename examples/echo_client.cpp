// echo_client: connects to an echo server, sends each message and prints what comes back.
//
// What it shows: TcpStream::connect (a "host:port" string is resolved for you); writing a whole
// message with `stream.write_all`, and reading exactly as many bytes back with
// `stream.read_exact` (a single `read` may return fewer bytes than were sent: TCP is a byte
// stream, not a message stream); half-closing with `shutdown()`. write_all and read_exact are
// the tokio::io utilities, which TcpStream has as members (as Tokio's AsyncWriteExt /
// AsyncReadExt); `tokio::io::write_all(stream, msg)` is the same thing.
//
// Run:
//   echo_server &                          (from this directory)
//   echo_client [addr] [message...]        addr defaults to 127.0.0.1:8080, message to "hello"
//   echo_client --self-test                start a tiny echo server on 127.0.0.1:0 in this
//                                          process, run the client against it, check, exit 0
#include <array>
#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "tokio/tokio.hpp"

using tokio::net::TcpListener;
using tokio::net::TcpStream;

namespace {

// The client: one connection, each message sent and its echo read back in turn. Gives the
// echoes, in order.
tokio::Task<std::vector<std::string>> run_client(std::string addr,
                                                 std::vector<std::string> messages) {
  auto stream = co_await TcpStream::connect(addr);
  stream.set_nodelay(true);  // small request/response messages: do not wait to coalesce
  std::vector<std::string> echoes;
  for (const std::string& msg : messages) {
    co_await stream.write_all(msg);
    std::string echo(msg.size(), '\0');
    co_await stream.read_exact(echo);  // throws unexpected_eof if the server quits
    echoes.push_back(std::move(echo));
  }
  // Tell the server we are done (it reads end of stream), then wait until it closes too.
  co_await stream.shutdown();
  std::array<std::byte, 64> rest;
  const std::size_t extra = co_await stream.read(rest);
  if (extra != 0)
    std::fprintf(stderr, "echo_client: the server sent %zu unexpected byte(s)\n", extra);
  co_return echoes;
}

tokio::Task<int> client_main(std::string addr, std::vector<std::string> messages) {
  auto echoes = co_await run_client(addr, messages);
  for (const std::string& echo : echoes)
    std::printf("%s\n", echo.c_str());
  co_return 0;
}

// ---- self-test ------------------------------------------------------------------------------

// A minimal echo server for the self-test: serves one connection, then returns. (See
// echo_server.cpp for a real one.)
tokio::Task<void> echo_once(TcpListener listener) {
  auto accepted = co_await listener.accept();
  TcpStream& stream = accepted.first;
  std::array<std::byte, 1024> buf;
  for (;;) {
    const std::size_t n = co_await stream.read(buf);
    if (n == 0) break;
    co_await stream.write_all(std::span<const std::byte>(buf.data(), n));
  }
}

tokio::Task<int> self_test() {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  const std::string addr = listener.local_addr().to_string();
  auto server = tokio::spawn(echo_once(std::move(listener)));
  // A large message too, so that read_exact has to read several times.
  const std::vector<std::string> messages = {"hello", "tokio-cpp", "", std::string(200'000, 'x'),
                                             "bye"};
  auto echoes = co_await run_client(addr, messages);
  co_await server;
  const bool ok = echoes == messages;
  std::printf("echo_client self-test: %s (%zu messages via %s)\n", ok ? "ok" : "FAILED",
              messages.size(), addr.c_str());
  co_return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::printf("usage: echo_client [addr] [message...] | --self-test\n");
    return 0;
  }
  try {
    if (!args.empty() && args[0] == "--self-test") return tokio::run(self_test());
    const std::string addr = args.empty() ? "127.0.0.1:8080" : args[0];
    std::vector<std::string> messages(args.size() > 1 ? args.begin() + 1 : args.end(), args.end());
    if (messages.empty()) messages.push_back("hello");
    return tokio::run(client_main(addr, std::move(messages)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_client: %s\n", e.what());
    return 1;
  }
}
