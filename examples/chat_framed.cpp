// chat_framed: a chat server with rooms, on Framed<LinesCodec> and StreamMap.
//
// What it shows:
// - tokio::util::codec::Framed with LinesCodec::new_with_max_length: one object reads lines and
//   writes them; a line over the limit is refused (the client is told) and the rest of it is
//   skipped, so a client sending an endless line costs the server a bounded buffer;
// - tokio::stream::StreamMap: each client listens to the rooms it joined, one BroadcastStream
//   per room under the room's name; /join and /leave insert and remove streams while reading;
// - tokio::select between the client's next line and the next message of any of its rooms
//   (both cancel-safe);
// - memory bounds on hostile input: lines of at most kMaxLineBytes, and each room's backlog of at
//   most kRoomBacklogBytes (its broadcast capacity is that budget over the line limit); a
//   client too slow for a room is told how many messages it missed there (Lagged).
//
// Protocol: the first line is the client's name; it is then in room "lobby". "/join NAME" and
// "/leave NAME" change rooms; "/ping" gets "* pong"; any other line goes to every room the
// client is in, shown to the others as "[room] name: text".
//
// Run:
//   chat_framed [addr]        listen on addr (default 127.0.0.1:8080); connect with `nc`
//   chat_framed --self-test   scripted clients on 127.0.0.1:0, including a hostile one; exits 0
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/memory_check.hpp"
#include "support/server_main.hpp"
#include "tokio/stream.hpp"
#include "tokio/stream/wrappers.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;
using tokio::util::codec::Framed;
using tokio::util::codec::LinesCodec;
using tokio::util::codec::LinesCodecError;
namespace broadcast = tokio::sync::broadcast;

namespace {

constexpr std::size_t kMaxLineBytes = 1024;
constexpr std::size_t kRoomBacklogBytes = 256 * 1024;
// A message is at most a line plus its "[room] name: " prefix (names and rooms are lines too).
constexpr std::size_t kRoomCapacity = kRoomBacklogBytes / (3 * kMaxLineBytes);

struct Message {
  std::uint64_t from;
  std::string text;
};

// The rooms, created on first join. A room's Sender lives here for as long as the server.
class Rooms {
 public:
  broadcast::Receiver<Message> join(const std::string& room) {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(room);
    if (it == rooms_.end())
      it = rooms_.emplace(room, broadcast::Sender<Message>(kRoomCapacity)).first;
    return it->second.subscribe();
  }
  void say(const std::string& room, Message message) {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(room);
    if (it != rooms_.end()) (void)it->second.send(std::move(message));
  }

 private:
  std::mutex mutex_;
  std::map<std::string, broadcast::Sender<Message>> rooms_;
};

using Lines = Framed<TcpStream, LinesCodec>;
using RoomItem = tokio::stream::wrappers::BroadcastStream<Message>::Item;
using RoomStreams = tokio::stream::StreamMap<std::string, RoomItem>;

void join(Rooms& rooms, RoomStreams& mine, const std::string& room) {
  mine.insert(room, tokio::stream::wrappers::BroadcastStream<Message>(rooms.join(room)));
}

tokio::Task<void> chat_connection(TcpStream stream, std::shared_ptr<Rooms> rooms,
                                  std::uint64_t id) {
  Lines lines(std::move(stream), LinesCodec::new_with_max_length(kMaxLineBytes));
  RoomStreams mine;
  std::string name;
  try {
    co_await lines.send(std::string_view("* welcome! what is your name?"));
    auto first = co_await lines.next();
    if (!first) co_return;
    name = first->empty() ? "guest-" + std::to_string(id) : *first;
    join(*rooms, mine, "lobby");
    rooms->say("lobby", Message{id, "[lobby] * " + name + " joined"});
    co_await lines.send("* hello " + name + ", you are in lobby");

    for (;;) {
      std::optional<std::variant<std::optional<std::string>, std::optional<RoomStreams::Item>>>
          event;
      try {
        if (mine.is_empty()) {  // in no room: an empty StreamMap is ready at once (nullopt)
          auto line = co_await lines.next();
          event.emplace(std::in_place_index<0>, std::move(line));
        } else {
          event = co_await tokio::select(lines.next(), mine.next());
        }
      } catch (const LinesCodecError&) {
        // Over kMaxLineBytes: refused once; the codec skips the rest of that line. (The reply
        // is sent below: a co_await cannot be inside a catch block.)
      }
      if (!event) {
        co_await lines.send("* line too long (at most " + std::to_string(kMaxLineBytes) +
                            " bytes): dropped");
        continue;
      }
      if (event->index() == 0) {
        auto& line = std::get<0>(*event);
        if (!line) break;  // the client left
        if (*line == "/ping") {
          co_await lines.send(std::string_view("* pong"));
        } else if (line->starts_with("/join ")) {
          const std::string room = line->substr(6);
          join(*rooms, mine, room);
          rooms->say(room, Message{id, "[" + room + "] * " + name + " joined"});
          co_await lines.send("* you are in " + room);
        } else if (line->starts_with("/leave ")) {
          const std::string room = line->substr(7);
          if (mine.remove(room))
            rooms->say(room, Message{id, "[" + room + "] * " + name + " left"});
          co_await lines.send("* you left " + room);
        } else {
          for (const std::string& room : mine.keys())
            rooms->say(room, Message{id, "[" + room + "] " + name + ": " + *line});
        }
        continue;
      }
      auto& from_room = std::get<1>(*event);
      if (!from_room) continue;  // every room stream ended (cannot happen: rooms live on)
      auto& [room, item] = *from_room;
      if (item.has_value()) {
        if (item.value().from != id) co_await lines.send(std::string_view(item.value().text));
      } else {
        co_await lines.send("* [" + room + "] you missed " +
                            std::to_string(item.error().skipped()) + " messages");
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat_framed: client %llu: %s\n", static_cast<unsigned long long>(id),
                 e.what());
  }
  if (!name.empty())
    for (const std::string& room : mine.keys())
      rooms->say(room, Message{id, "[" + room + "] * " + name + " left"});
}

tokio::Task<void> serve(TcpListener listener) {
  auto rooms = std::make_shared<Rooms>();
  for (std::uint64_t id = 1;; ++id) {
    try {
      auto accepted = co_await listener.accept();
      tokio::spawn(chat_connection(std::move(accepted.first), rooms, id));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "chat_framed: accept: %s\n", e.what());
    }
  }
}

// ---- self-test ------------------------------------------------------------------------------

struct Client {
  Lines lines;
  static tokio::Task<Client> join(SocketAddr addr, std::string name) {
    // (Awaited first: GCC 12 mishandles a co_await inside a braced initializer.)
    auto stream = co_await TcpStream::connect(addr);
    Client c{Lines(std::move(stream), LinesCodec())};
    co_await c.expect("* welcome! what is your name?");
    co_await c.lines.send(name);
    co_await c.expect("* hello " + name + ", you are in lobby");
    co_return c;
  }
  tokio::Task<std::string> line() {
    auto got = co_await lines.next();
    if (!got) throw std::runtime_error("the server closed the connection");
    co_return std::move(*got);
  }
  tokio::Task<void> expect(std::string want) {
    const std::string got = co_await line();
    if (got != want)
      throw std::runtime_error("expected \"" + want + "\", got \"" + got.substr(0, 80) + "\"");
  }
  // Lines from different rooms may come in either order (each room is its own stream).
  tokio::Task<void> expect_in_any_order(std::vector<std::string> want) {
    while (!want.empty()) {
      const std::string got = co_await line();
      auto it = std::find(want.begin(), want.end(), got);
      if (it == want.end())
        throw std::runtime_error("expected one of " + std::to_string(want.size()) +
                                 " lines, got \"" + got.substr(0, 80) + "\"");
      want.erase(it);
    }
  }
  tokio::Task<void> say(std::string text) { co_await lines.send(std::move(text)); }
};

tokio::Task<void> script(SocketAddr addr) {
  // 1. Rooms: alice and bob in the lobby; bob and carol in "dev".
  auto alice = co_await Client::join(addr, "alice");
  auto bob = co_await Client::join(addr, "bob");
  co_await alice.expect("[lobby] * bob joined");
  co_await alice.say("hi bob");
  co_await bob.expect("[lobby] alice: hi bob");
  co_await bob.say("/join dev");
  co_await bob.expect("* you are in dev");
  auto carol = co_await Client::join(addr, "carol");
  co_await alice.expect("[lobby] * carol joined");
  co_await bob.expect("[lobby] * carol joined");
  co_await carol.say("/join dev");
  co_await carol.expect("* you are in dev");
  co_await bob.expect("[dev] * carol joined");
  co_await carol.say("/leave lobby");
  co_await carol.expect("* you left lobby");
  co_await alice.expect("[lobby] * carol left");
  co_await bob.expect("[lobby] * carol left");
  co_await carol.say("only dev hears this");
  co_await bob.expect("[dev] carol: only dev hears this");
  co_await alice.say("/ping");  // alice heard nothing from dev: the next line is the pong
  co_await alice.expect("* pong");

  // 2. A hostile client: one 64 MiB line without a newline. The server refuses it once, keeps
  // a bounded buffer meanwhile, and the client can talk again after the newline.
  const std::size_t before = examples::resident_bytes();
  auto mallory = co_await Client::join(addr, "mallory");
  co_await alice.expect("[lobby] * mallory joined");
  co_await bob.expect("[lobby] * mallory joined");
  const std::string chunk(64 * 1024, 'A');
  for (int i = 0; i < 1024; ++i)
    co_await mallory.lines.get_mut().write_all(std::string_view(chunk));
  co_await mallory.lines.get_mut().write_all(std::string_view("\n"));
  co_await mallory.expect("* line too long (at most " + std::to_string(kMaxLineBytes) +
                          " bytes): dropped");
  co_await mallory.say("/ping");
  co_await mallory.expect("* pong");
  const std::size_t grown = examples::grown_since(before);
  if (examples::kCheckMemory && grown > 16 * 1024 * 1024)
    throw std::runtime_error("a 64 MiB line grew the process by " + std::to_string(grown >> 20) +
                             " MiB");
  co_await mallory.lines.close();
  co_await alice.expect("[lobby] * mallory left");
  co_await bob.expect("[lobby] * mallory left");

  // 3. A slow reader: dave (with a small receive buffer) joins "dev" and reads nothing while bob
  // floods the room with 20,000 lines of 1000 bytes (20 MB). The room keeps at most
  // kRoomBacklogBytes for dave; he is told what he missed, and memory stays bounded.
  auto socket = tokio::net::TcpSocket::new_v4();
  socket.set_recv_buffer_size(8 * 1024);
  auto dave_stream = co_await std::move(socket).connect(addr);
  Client dave{Lines(std::move(dave_stream), LinesCodec())};
  co_await dave.expect("* welcome! what is your name?");
  co_await dave.say("dave");
  co_await dave.expect("* hello dave, you are in lobby");
  co_await alice.expect("[lobby] * dave joined");
  co_await bob.expect("[lobby] * dave joined");
  co_await dave.say("/leave lobby");
  co_await dave.expect("* you left lobby");
  co_await dave.say("/join dev");
  co_await dave.expect("* you are in dev");
  co_await alice.expect("[lobby] * dave left");
  std::vector<std::string> dave_moved{"[lobby] * dave left", "[dev] * dave joined"};
  co_await bob.expect_in_any_order(std::move(dave_moved));
  co_await carol.expect("[dev] * dave joined");
  co_await carol.say("/leave dev");  // carol would have to read the flood too
  co_await carol.expect("* you left dev");
  co_await bob.expect("[dev] * carol left");
  co_await dave.expect("[dev] * carol left");
  co_await bob.say("/leave lobby");  // bob floods dev only
  co_await bob.expect("* you left lobby");
  co_await alice.expect("[lobby] * bob left");
  constexpr int kFlood = 20'000;
  const std::string filler(1000, '.');
  for (int i = 0; i < kFlood; ++i)
    co_await bob.lines.feed(std::string_view(filler));
  co_await bob.say("/ping");
  for (;;) {  // bob may lag on his own flood (he skips his own lines, but reads them): skip that
    const std::string got = co_await bob.line();
    if (got == "* pong") break;
    if (!got.starts_with("* [dev] you missed "))
      throw std::runtime_error("bob got an unexpected line: " + got.substr(0, 80));
  }
  // Every flood line reaches dave or is counted in a "missed" notice.
  std::uint64_t seen = 0, missed = 0;
  const std::string notice = "* [dev] you missed ";
  while (seen + missed < kFlood) {
    const std::string got = co_await dave.line();
    if (got.starts_with(notice)) {
      missed += std::stoull(got.substr(notice.size()));
    } else if (got == "[dev] bob: " + filler) {
      ++seen;
    } else {
      throw std::runtime_error("dave got an unexpected line: " + got.substr(0, 80));
    }
  }
  if (missed == 0) throw std::runtime_error("dave never lagged");
  const std::size_t grown_by_flood = examples::grown_since(before);
  if (examples::kCheckMemory && grown_by_flood > 24 * 1024 * 1024)
    throw std::runtime_error("a 20 MB flood grew the process by " +
                             std::to_string(grown_by_flood >> 20) + " MiB");

  // 4. bob leaves; dave, still in dev, hears it.
  co_await bob.lines.close();
  co_await dave.expect("[dev] * bob left");
  std::printf(
      "chat_framed self-test: a 64 MiB line grew the process by %zu KiB, a 20 MB flood by %zu "
      "KiB%s; dave got %llu of %d flood lines, missed %llu\n",
      grown >> 10, grown_by_flood >> 10, examples::memory_note(),
      static_cast<unsigned long long>(seen), kFlood, static_cast<unsigned long long>(missed));
}

}  // namespace

int main(int argc, char** argv) {
  return examples::server_main(argc, argv, "chat_framed", "127.0.0.1:8080", serve, script);
}
