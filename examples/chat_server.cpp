// chat_server: a line-based chat room over TCP. Everything a client types is sent to every other
// client, prefixed with its name.
//
// What it shows:
// - a tokio::sync::broadcast channel as the room: each connection subscribes a Receiver and
//   publishes with a copy of the Sender;
// - reading lines with tokio::util::codec::FramedRead and LinesCodec::new_with_max_length, on
//   the read half of a split stream: a line over kMaxLineBytes is refused (the client is told)
//   and skipped, so a client sending an endless line costs the server a bounded buffer;
// - tokio::select in a loop, so one task waits both for the client's next line and for the next
//   message from the room (both operations are cancel-safe, so the loser of each round loses
//   nothing);
// - broadcast's Lagged error: a client too slow to keep up (the room holds the last 256
//   messages, each at most a line and a name: under 600 KiB in all) is told how many messages
//   it missed, and carries on from the oldest one kept.
//
// Protocol: the server asks for a name (the first line); then each line is a message. "/ping"
// gets "* pong" back, once every line sent before it has been handled.
//
// Run:
//   chat_server [addr]         listen on addr (default 127.0.0.1:8080); connect a few terminals
//                              with `nc 127.0.0.1 8080` or `telnet 127.0.0.1 8080`
//   chat_server --self-test    four scripted clients on 127.0.0.1:0 (one hostile, sending a
//                              64 MiB line; one deliberately slow, to exercise Lagged); checks
//                              what each sees and that memory stays bounded, exits 0
#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "support/memory_check.hpp"
#include "support/server_main.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util/codec.hpp"

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;
namespace broadcast = tokio::sync::broadcast;

namespace {

// What goes through the room: who said it (so that a client does not get its own lines back)
// and the line to show, without its newline.
struct Message {
  std::uint64_t from;
  std::string text;
};

// How many messages the room keeps for its slowest reader before that reader lags, and the
// longest line accepted (names are lines too): the room holds at most about
// kRoomCapacity * 2 * kMaxLineBytes bytes.
constexpr std::size_t kRoomCapacity = 256;
constexpr std::size_t kMaxLineBytes = 1024;

// select races Tasks; broadcast's recv() is an awaitable, so wrap it in a Task.
tokio::Task<tokio::Result<Message, broadcast::RecvError>> next_message(
    broadcast::Receiver<Message>& room) {
  co_return co_await room.recv();
}

// One client, from connection to goodbye.
tokio::Task<void> chat_connection(TcpStream stream, SocketAddr peer,
                                  broadcast::Sender<Message> room, std::uint64_t id) {
  std::string name;  // empty until the client has joined
  try {
    // Borrowed halves: `lines` reads through the read half while we write to the write half.
    auto [reader, writer] = stream.split();
    tokio::util::codec::FramedRead lines(
        reader, tokio::util::codec::LinesCodec::new_with_max_length(kMaxLineBytes));

    co_await writer.write_all("* welcome! what is your name?\n");
    auto first = co_await lines.next();
    if (!first) co_return;  // gone before saying anything
    name = first->empty() ? "guest-" + std::to_string(id) : *first;

    // Subscribe before announcing: every message sent from here on reaches this client. The
    // room hears of the newcomer before the newcomer hears "hello", so a client that joins
    // after that reply never sees an older "joined".
    auto inbox = room.subscribe();
    (void)room.send(Message{id, "* " + name + " joined"});
    co_await writer.write_all("* hello " + name + "\n");

    for (;;) {
      std::optional<
          std::variant<std::optional<std::string>, tokio::Result<Message, broadcast::RecvError>>>
          event;
      try {
        event = co_await tokio::select(lines.next(), next_message(inbox));
      } catch (const tokio::util::codec::LinesCodecError&) {
        // Over kMaxLineBytes: refused once, the rest of that line skipped (replied below: a
        // co_await cannot be inside a catch block).
      }
      if (!event) {
        co_await writer.write_all("* line too long (at most " + std::to_string(kMaxLineBytes) +
                                  " bytes): dropped\n");
        continue;
      }
      if (event->index() == 0) {
        // A line from this client (or end of stream: it left).
        auto& line = std::get<0>(*event);
        if (!line) break;
        if (*line == "/ping") {
          co_await writer.write_all("* pong\n");
        } else {
          // send fails only with no receiver at all, and this client's own inbox is one.
          (void)room.send(Message{id, name + ": " + *line});
        }
        continue;
      }
      // A message from the room.
      auto& received = std::get<1>(*event);
      if (received) {
        if (received->from != id) co_await writer.write_all(received->text + "\n");
      } else if (received.error().is_lagged()) {
        // This client read too slowly (its socket was full while the room moved on): the
        // oldest messages were dropped for it. Say so, and continue from the oldest one kept.
        co_await writer.write_all("* you missed " + std::to_string(received.error().skipped()) +
                                  " messages\n");
      } else {
        break;  // closed: every Sender is gone (the server is stopping)
      }
    }
  } catch (const std::exception& e) {
    // A reset or another I/O error ends this client only.
    std::fprintf(stderr, "chat_server: %s: %s\n", peer.to_string().c_str(), e.what());
  }
  if (!name.empty()) (void)room.send(Message{id, "* " + name + " left"});
}

tokio::Task<void> serve(TcpListener listener) {
  // The room. This Sender lives as long as the accept loop; each connection gets a copy.
  broadcast::Sender<Message> room(kRoomCapacity);
  for (std::uint64_t id = 1;; ++id) {
    try {
      auto accepted = co_await listener.accept();
      (void)tokio::spawn(chat_connection(std::move(accepted.first), accepted.second, room, id));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "chat_server: accept: %s\n", e.what());
    }
  }
}

// ---- self-test ------------------------------------------------------------------------------

// A scripted client. BufReader<TcpStream> reads through its buffer and passes writes straight
// to the stream, so one object does both.
struct TestClient {
  tokio::io::BufReader<TcpStream> io;

  // The next line, without its newline; throws if the server closed the connection.
  tokio::Task<std::string> line() {
    std::string s;
    if (co_await io.read_line(s) == 0) throw std::runtime_error("the server closed the connection");
    if (!s.empty() && s.back() == '\n') s.pop_back();
    co_return s;
  }
  tokio::Task<void> say(std::string text) {
    text += '\n';
    co_await io.write_all(text);
  }
  // Reads one line and checks it.
  tokio::Task<void> expect(std::string want) {
    std::string got = co_await line();
    if (got != want)
      throw std::runtime_error("expected \"" + want + "\", got \"" + got.substr(0, 80) + "\"");
  }
  // Checks that the server closed the connection.
  // (A "missed" notice may come first: alice can lag behind her own flood.)
  tokio::Task<void> expect_eof() {
    for (;;) {
      std::string rest;
      if (co_await io.read_line(rest) == 0) co_return;
      if (!rest.starts_with("* you missed "))
        throw std::runtime_error("expected end of stream, got \"" + rest.substr(0, 80) + "\"");
    }
  }
  // Connects and joins as `name`.
  static tokio::Task<TestClient> join(TcpStream stream, std::string name) {
    TestClient c{tokio::io::BufReader(std::move(stream))};
    co_await c.expect("* welcome! what is your name?");
    co_await c.say(name);
    co_await c.expect("* hello " + name);
    co_return c;
  }
};

tokio::Task<void> script(SocketAddr addr) {
  // 1. Two clients talk.
  auto alice_stream = co_await TcpStream::connect(addr);
  auto alice = co_await TestClient::join(std::move(alice_stream), "alice");
  auto bob_stream = co_await TcpStream::connect(addr);
  auto bob = co_await TestClient::join(std::move(bob_stream), "bob");
  co_await alice.expect("* bob joined");
  co_await alice.say("hi bob");
  co_await bob.expect("alice: hi bob");
  co_await bob.say("hi alice");
  co_await alice.expect("bob: hi alice");
  co_await bob.io.get_mut().shutdown();  // bob hangs up
  co_await alice.expect("* bob left");

  // 2. A hostile client sends one 64 MiB line without a newline: it is refused once, the server
  // keeps a bounded buffer meanwhile, and the client can talk again after the newline.
  const std::size_t before = examples::resident_bytes();
  auto mallory_stream = co_await TcpStream::connect(addr);
  auto mallory = co_await TestClient::join(std::move(mallory_stream), "mallory");
  co_await alice.expect("* mallory joined");
  const std::string chunk(64 * 1024, 'A');
  for (int i = 0; i < 1024; ++i)
    co_await mallory.io.write_all(chunk);
  co_await mallory.say("");
  co_await mallory.expect("* line too long (at most " + std::to_string(kMaxLineBytes) +
                          " bytes): dropped");
  co_await mallory.say("/ping");
  co_await mallory.expect("* pong");
  const std::size_t grown = examples::grown_since(before);
  if (examples::kCheckMemory && grown > 16 * 1024 * 1024)
    throw std::runtime_error("a 64 MiB line grew the process by " + std::to_string(grown >> 20) +
                             " MiB");
  co_await mallory.io.get_mut().shutdown();
  co_await alice.expect("* mallory left");
  std::printf("chat_server self-test: a 64 MiB line grew the process by %zu KiB%s\n", grown >> 10,
              examples::memory_note());

  // 3. A slow client lags. carol's receive buffer is kept small and she reads nothing while
  // alice sends far more than the socket buffers and the room can hold, so carol's task on the
  // server is stuck writing to her while the room moves on. "/ping" makes sure the server has
  // handled the whole flood before carol starts reading.
  auto socket = tokio::net::TcpSocket::new_v4();
  socket.set_recv_buffer_size(8 * 1024);
  auto carol_stream = co_await std::move(socket).connect(addr);
  auto carol = co_await TestClient::join(std::move(carol_stream), "carol");
  co_await alice.expect("* carol joined");
  constexpr int kFlood = 16000;  // 16 MB in lines under kMaxLineBytes
  const std::string filler(1000, '.');
  for (int i = 0; i < kFlood; ++i)
    co_await alice.say(std::to_string(i) + filler);
  co_await alice.say("/ping");
  for (;;) {  // alice may be told she lagged on her own flood: skip to the pong
    if (co_await alice.line() == "* pong") break;
  }
  co_await alice.say("done");

  // Every flood line reaches carol or is counted in a "missed" notice; the lines that do come
  // arrive in order.
  std::uint64_t seen = 0, missed = 0;
  int last = -1;
  for (;;) {
    const std::string got = co_await carol.line();
    if (got == "alice: done") break;
    if (got.starts_with("* you missed ")) {
      missed += std::stoull(got.substr(13));
    } else if (got.starts_with("alice: ")) {
      const int i = std::stoi(got.substr(7));
      if (i <= last)
        throw std::runtime_error("carol got flood line " + std::to_string(i) + " late");
      last = i;
      ++seen;
    } else {
      throw std::runtime_error("carol got an unexpected line: " + got.substr(0, 80));
    }
  }
  if (seen + missed != kFlood)
    throw std::runtime_error("carol saw " + std::to_string(seen) + " lines and missed " +
                             std::to_string(missed) + ", not " + std::to_string(kFlood));
  if (missed == 0)
    throw std::runtime_error("carol never lagged (are the socket buffers larger than 16 MB?)");

  // 4. Everyone leaves; each server task ends and closes its connection (end of stream).
  co_await alice.io.get_mut().shutdown();
  co_await carol.expect("* alice left");
  co_await carol.io.get_mut().shutdown();
  co_await alice.expect_eof();
  co_await carol.expect_eof();
  co_await bob.expect_eof();
  std::printf("chat_server self-test: carol got %llu of %d lines, missed %llu (Lagged)\n",
              static_cast<unsigned long long>(seen), kFlood,
              static_cast<unsigned long long>(missed));
}

}  // namespace

int main(int argc, char** argv) {
  return examples::server_main(argc, argv, "chat_server", "127.0.0.1:8080", serve, script);
}
