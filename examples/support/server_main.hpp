// What the server examples share: serve on the address given on the command line, or, with
// --self-test, run the example's scripted clients against its server on a free port.
#pragma once

#include <cstdio>
#include <exception>
#include <string>
#include <utility>

#include "tokio/tokio.hpp"

namespace examples {

using ServeFn = tokio::Task<void> (*)(tokio::net::TcpListener);
using ScriptFn = tokio::Task<void> (*)(tokio::net::SocketAddr);

inline tokio::Task<int> run_server(const char* name, std::string addr, ServeFn serve) {
  auto listener = co_await tokio::net::TcpListener::bind(addr);
  std::printf("%s listening on %s\n", name, listener.local_addr().to_string().c_str());
  std::fflush(stdout);
  co_await serve(std::move(listener));
  co_return 0;
}

// Runs `script` against `serve` on 127.0.0.1:0; 0 when the script finished without throwing.
inline tokio::Task<int> self_test(const char* name, ServeFn serve, ScriptFn script) {
  auto listener = co_await tokio::net::TcpListener::bind("127.0.0.1:0");
  const tokio::net::SocketAddr addr = listener.local_addr();
  auto server = tokio::spawn(serve(std::move(listener)));
  int rc = 0;
  try {
    co_await script(addr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s self-test: %s\n", name, e.what());
    rc = 1;
  }
  server.abort();
  std::printf("%s self-test: %s\n", name, rc == 0 ? "ok" : "FAILED");
  co_return rc;
}

// `name [addr] | --self-test | --help`: the whole of a server example's main.
inline int server_main(int argc, char** argv, const char* name, const char* default_addr,
                       ServeFn serve, ScriptFn script) {
  const std::string arg = argc > 1 ? argv[1] : default_addr;
  if (arg == "-h" || arg == "--help") {
    std::printf("usage: %s [addr] | --self-test\n", name);
    return 0;
  }
  try {
    return tokio::run(arg == "--self-test" ? self_test(name, serve, script)
                                           : run_server(name, arg, serve));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

}  // namespace examples
