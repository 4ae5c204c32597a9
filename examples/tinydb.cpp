// tinydb: an in-memory key-value store served over TCP, with length-prefixed frames.
//
// What it shows:
// - tokio::util::codec::Framed with LengthDelimitedCodec: each request and each reply is one
//   frame (a 4-byte big-endian length, then the bytes), so keys and values may hold any byte,
//   newlines and zeros included;
// - max_frame_length as a memory bound: a frame announcing more than 64 KiB is refused as soon
//   as its header arrives, before anything is buffered for it;
// - shared state behind a std::mutex, held only for the map operation (never across an
//   await), and a task per connection.
//
// Protocol (one request frame, one reply frame):
//   "GET <key>"           -> "VALUE <value>" or "NIL"
//   "SET <key> <value>"   -> "OK"          (the value is everything after the second space)
//   "DEL <key>"           -> "OK" or "NIL"
//   anything else         -> "ERR <why>"
// A frame over the limit gets "ERR frame too large" and the connection is closed (a
// length-prefixed stream cannot be resynchronised).
//
// Run:
//   tinydb [addr]          listen on addr (default 127.0.0.1:7000)
//   tinydb --self-test     clients on 127.0.0.1:0 (concurrent, binary values, a hostile one)
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "support/memory_check.hpp"
#include "support/server_main.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;
using tokio::util::codec::Framed;
using tokio::util::codec::LengthDelimitedCodec;
using tokio::util::codec::LengthDelimitedCodecError;

namespace {

constexpr std::size_t kMaxFrameBytes = 64 * 1024;

class Database {
 public:
  std::optional<std::string> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void set(std::string key, std::string value) {
    std::lock_guard lock(mutex_);
    map_.insert_or_assign(std::move(key), std::move(value));
  }
  bool del(const std::string& key) {
    std::lock_guard lock(mutex_);
    return map_.erase(key) != 0;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> map_;
};

LengthDelimitedCodec codec() {
  return LengthDelimitedCodec::builder().max_frame_length(kMaxFrameBytes).new_codec();
}

std::string handle(Database& db, std::string_view request) {
  const auto space = request.find(' ');
  const std::string_view command = request.substr(0, space);
  const std::string_view rest = space == std::string_view::npos ? "" : request.substr(space + 1);
  if (command == "GET" && !rest.empty()) {
    auto value = db.get(std::string(rest));
    return value ? "VALUE " + *value : "NIL";
  }
  if (command == "DEL" && !rest.empty()) return db.del(std::string(rest)) ? "OK" : "NIL";
  if (command == "SET") {
    const auto key_end = rest.find(' ');
    if (key_end == std::string_view::npos || key_end == 0) return "ERR usage: SET <key> <value>";
    db.set(std::string(rest.substr(0, key_end)), std::string(rest.substr(key_end + 1)));
    return "OK";
  }
  return "ERR unknown command (GET, SET, DEL)";
}

tokio::Task<void> serve_connection(TcpStream stream, std::shared_ptr<Database> db) {
  Framed frames(std::move(stream), codec());
  bool too_large = false;
  try {
    for (;;) {
      std::optional<tokio::bytes::BytesMut> request;
      try {
        request = co_await frames.next();
      } catch (const LengthDelimitedCodecError&) {
        too_large = true;  // replied below (no co_await in a catch block)
      }
      if (too_large) break;
      if (!request) co_return;  // the client hung up
      co_await frames.send(handle(*db, request->view()));
    }
    co_await frames.send(std::string_view("ERR frame too large"));
    co_await frames.close();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinydb: connection: %s\n", e.what());
  }
}

tokio::Task<void> serve(TcpListener listener) {
  auto db = std::make_shared<Database>();
  for (;;) {
    try {
      auto accepted = co_await listener.accept();
      tokio::spawn(serve_connection(std::move(accepted.first), db));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "tinydb: accept: %s\n", e.what());
    }
  }
}

// ---- self-test ------------------------------------------------------------------------------

struct Client {
  Framed<TcpStream, LengthDelimitedCodec> frames;

  static tokio::Task<Client> connect(SocketAddr addr) {
    auto stream = co_await TcpStream::connect(addr);  // (not inside a braced init: GCC 12)
    co_return Client{Framed(std::move(stream), codec())};
  }
  tokio::Task<std::string> call(std::string request) {
    co_await frames.send(std::move(request));
    auto reply = co_await frames.next();
    if (!reply) throw std::runtime_error("the server closed the connection");
    co_return std::string(reply->view());
  }
  tokio::Task<void> expect(std::string request, std::string want) {
    const std::string got = co_await call(request);
    if (got != want)
      throw std::runtime_error("\"" + request.substr(0, 40) + "\": expected \"" + want +
                               "\", got \"" + got.substr(0, 60) + "\"");
  }
};

tokio::Task<void> worker(SocketAddr addr, int id) {
  auto client = co_await Client::connect(addr);
  for (int i = 0; i < 50; ++i) {
    const std::string key = "k" + std::to_string(id) + "-" + std::to_string(i);
    co_await client.expect("SET " + key + " v" + std::to_string(i), "OK");
    co_await client.expect("GET " + key, "VALUE v" + std::to_string(i));
  }
}

tokio::Task<void> script(SocketAddr addr) {
  // 1. The commands, and a value with spaces, a newline and zero bytes.
  auto client = co_await Client::connect(addr);
  co_await client.expect("SET greeting hello world", "OK");
  co_await client.expect("GET greeting", "VALUE hello world");
  co_await client.expect("GET missing", "NIL");
  std::string binary = "line1\nline2";
  binary += '\0';
  binary += "\xff end";
  co_await client.expect("SET blob " + binary, "OK");
  co_await client.expect("GET blob", "VALUE " + binary);
  co_await client.expect("DEL blob", "OK");
  co_await client.expect("DEL blob", "NIL");
  co_await client.expect("FLY away", "ERR unknown command (GET, SET, DEL)");

  // 2. Twenty clients at once.
  tokio::task::JoinSet<void> clients;
  for (int id = 0; id < 20; ++id)
    clients.spawn(worker(addr, id));
  while (auto done = co_await clients.join_next())
    done->value();
  co_await client.expect("GET k7-49", "VALUE v49");

  // 3. A hostile client announces a 2 GiB frame: refused at the header, nothing allocated for
  // it, and told why before the server closes the connection.
  const std::size_t before = examples::resident_bytes();
  auto hostile = co_await Client::connect(addr);
  co_await hostile.frames.get_mut().write_all(std::string_view("\x7f\xff\xff\xff", 4));
  co_await hostile.frames.get_mut().write_all(std::string(64 * 1024, 'A'));
  auto reply = co_await hostile.frames.next();
  if (!reply || reply->view() != "ERR frame too large")
    throw std::runtime_error("the hostile client got no refusal");
  const std::size_t grown = examples::grown_since(before);
  if (examples::kCheckMemory && grown > 8 * 1024 * 1024)
    throw std::runtime_error("a 2 GiB frame header grew the process by " +
                             std::to_string(grown >> 20) + " MiB");
  co_await client.expect("GET greeting", "VALUE hello world");  // the others go on
  std::printf(
      "tinydb self-test: 20 clients x 50 SET/GET; a 2 GiB header grew the process by "
      "%zu KiB%s\n",
      grown >> 10, examples::memory_note());
}

}  // namespace

int main(int argc, char** argv) {
  return examples::server_main(argc, argv, "tinydb", "127.0.0.1:7000", serve, script);
}
