// proxy: a TCP proxy. Every connection accepted on listen_addr is joined to a new connection to
// upstream_addr, and bytes flow both ways until both sides are done.
//
// What it shows: `tokio::io::copy_bidirectional`, which copies a -> b and b -> a at the same
// time inside one task (no extra spawn) and passes a half-close on (when the client stops
// sending, the upstream server sees end of stream, and the other direction keeps going); error
// handling per connection.
//
// Run:
//   echo_server 127.0.0.1:8080 &
//   proxy 127.0.0.1:8081 127.0.0.1:8080 &
//   echo_client 127.0.0.1:8081 hello        (goes through the proxy)
//   proxy --self-test                       echo server + proxy + client in one process, on
//                                           127.0.0.1:0; checks the echo and the byte counts
#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "tokio/tokio.hpp"

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;

namespace {

// The bytes that went each way through one proxied connection.
struct Counts {
  std::uint64_t to_upstream = 0;
  std::uint64_t to_client = 0;
};

// Where the accept loop reports each finished connection (used by the self-test to check the
// counts; the command-line proxy only prints them).
using Reports = std::optional<tokio::sync::mpsc::UnboundedSender<Counts>>;

// One proxied connection: connect upstream, then copy both ways until both directions end.
tokio::Task<void> proxy_connection(TcpStream client, SocketAddr peer, std::string upstream_addr,
                                   Reports reports) {
  try {
    auto upstream = co_await TcpStream::connect(upstream_addr);
    auto [up, down] = co_await tokio::io::copy_bidirectional(client, upstream);
    std::printf("proxy: %s closed: %llu bytes to %s, %llu bytes back\n", peer.to_string().c_str(),
                static_cast<unsigned long long>(up), upstream_addr.c_str(),
                static_cast<unsigned long long>(down));
    std::fflush(stdout);
    if (reports) (void)reports->send(Counts{up, down});
  } catch (const std::exception& e) {
    // Upstream refused the connection, or either side reset it: this connection ends, the
    // proxy goes on. Both streams close as this task ends.
    std::fprintf(stderr, "proxy: %s: %s\n", peer.to_string().c_str(), e.what());
  }
}

tokio::Task<void> serve(TcpListener listener, std::string upstream_addr, Reports reports) {
  for (;;) {
    try {
      auto accepted = co_await listener.accept();
      (void)tokio::spawn(
          proxy_connection(std::move(accepted.first), accepted.second, upstream_addr, reports));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "proxy: accept: %s\n", e.what());
    }
  }
}

tokio::Task<int> run_proxy(std::string listen_addr, std::string upstream_addr) {
  auto listener = co_await TcpListener::bind(listen_addr);
  std::printf("proxy: %s -> %s\n", listener.local_addr().to_string().c_str(),
              upstream_addr.c_str());
  std::fflush(stdout);
  co_await serve(std::move(listener), upstream_addr, std::nullopt);
  co_return 0;
}

// ---- self-test ------------------------------------------------------------------------------

// The upstream for the self-test: echoes one connection until end of stream, then closes it.
tokio::Task<void> echo_once(TcpListener listener) {
  auto accepted = co_await listener.accept();
  TcpStream& stream = accepted.first;
  std::array<std::byte, 4096> buf;
  for (;;) {
    const std::size_t n = co_await stream.read(buf);
    if (n == 0) break;
    co_await stream.write_all(std::span<const std::byte>(buf.data(), n));
  }
}

tokio::Task<int> self_test() {
  auto upstream = co_await TcpListener::bind("127.0.0.1:0");
  const std::string upstream_addr = upstream.local_addr().to_string();
  auto echo = tokio::spawn(echo_once(std::move(upstream)));

  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  const SocketAddr proxy_addr = listener.local_addr();
  auto [reports, finished] = tokio::sync::mpsc::unbounded_channel<Counts>();
  auto proxy = tokio::spawn(serve(std::move(listener), upstream_addr, std::move(reports)));

  // The client: 100 KB through the proxy and back, then a half-close; the proxy passes it on,
  // the echo server ends, and the client reads end of stream.
  auto client = co_await TcpStream::connect(proxy_addr);
  const std::string sent(100'000, 'p');
  co_await client.write_all(sent);
  std::string back(sent.size(), '\0');
  co_await client.read_exact(back);
  co_await client.shutdown();
  std::array<std::byte, 16> rest;
  const std::size_t extra = co_await client.read(rest);

  auto counts = co_await finished.recv();  // the proxy's report for this connection
  co_await echo;
  proxy.abort();
  const bool ok = back == sent && extra == 0 && counts && counts->to_upstream == sent.size() &&
                  counts->to_client == sent.size();
  std::printf("proxy self-test: %s\n", ok ? "ok" : "FAILED");
  co_return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string first = argc > 1 ? argv[1] : "";
  try {
    if (first == "--self-test") return tokio::run(self_test());
    if (argc != 3) {
      std::fprintf(stderr, "usage: proxy listen_addr upstream_addr | --self-test\n");
      return first == "-h" || first == "--help" ? 0 : 2;
    }
    return tokio::run(run_proxy(argv[1], argv[2]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "proxy: %s\n", e.what());
    return 1;
  }
}
