// The tokio-cpp bench program: the workloads of bench/README.md.
//
// Prints one line `NAME MEDIAN_NS_PER_OP` per selected workload to stdout; progress goes to
// stderr. Usage: tokio_bench [PREFIX]. TOKIO_BENCH_WORKERS=N overrides the worker count.
// The runtime is the multi-thread one with its default worker count, I/O and time enabled,
// created once for the whole program.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "tokio/io/util.hpp"
#include "tokio/stream.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

namespace {

constexpr int kSpawnMany = 10'000;
constexpr int kYieldTasks = 200;
constexpr int kYieldCount = 1'000;
constexpr int kChainLen = 1'000;
constexpr int kPingPongs = 1'000;
constexpr int kTimerCancelOps = 100'000;
constexpr int kSleepTasks = 10'000;
constexpr int kMutexTasks = 100;
constexpr int kMutexLocks = 1'000;
constexpr int kMpscProducers = 10;
constexpr int kMpscPerProducer = 10'000;
constexpr std::size_t kMpscCapacity = 1'024;
constexpr int kEchoClients = 50;
constexpr int kEchoRoundTrips = 2'000;
constexpr std::size_t kEchoMessage = 64;
constexpr std::size_t kEchoReadBuffer = 4 * 1024;
constexpr int kBulkChunks = 4'096;
constexpr std::size_t kBulkChunk = 64 * 1024;
constexpr int kBlockingTasks = 100;
constexpr int kBlockingJobs = 100;
constexpr int kIdleTasks = 1'000'000;
constexpr int kIdleRuns = 3;
constexpr int kUdpClients = 50;
constexpr int kUdpRoundTrips = 2'000;
constexpr std::size_t kUdpMessage = 64;
constexpr std::size_t kUdpServerBuffer = 2 * 1024;
constexpr int kFsFiles = 1'000;
constexpr std::size_t kFsFileSize = 4 * 1024;
constexpr int kFsBulkChunks = 1'024;
constexpr std::size_t kFsBulkChunk = 64 * 1024;
constexpr int kProcessSpawns = 200;
constexpr std::int64_t kStreamItems = 1'000'000;
constexpr int kFramedLines = 1'000'000;
constexpr std::size_t kFramedDuplex = 64 * 1024;
constexpr int kCancelChildren = 10'000;

// Reports a workload whose result is wrong and exits (the figures would be meaningless).
[[noreturn]] void fail(const char* workload, const char* what) {
  std::fprintf(stderr, "tokio_bench: %s: %s\n", workload, what);
  std::exit(1);
}

// One-shot signal to the measuring thread (the analog of a std sync channel).
class Signal {
 public:
  void notify() {
    std::lock_guard lock(mutex_);  // notify under the lock: the waiter may reset right after
    done_ = true;
    cv_.notify_one();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return done_; });
    done_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

struct Countdown {
  std::atomic<int> remaining;
  Signal* signal;
  void hit() {
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) signal->notify();
  }
};

tokio::Task<void> decrement(Countdown* countdown) {
  countdown->hit();
  co_return;
}

tokio::Task<void> spawn_all(Countdown* countdown) {
  for (int i = 0; i < kSpawnMany; ++i)
    (void)tokio::spawn(decrement(countdown));
  co_return;
}

void spawn_many_local(tokio::runtime::Runtime& rt, Signal& signal) {
  Countdown countdown{kSpawnMany, &signal};
  (void)rt.spawn(spawn_all(&countdown));
  signal.wait();
}

void spawn_many_remote(tokio::runtime::Runtime& rt, Signal& signal) {
  Countdown countdown{kSpawnMany, &signal};
  for (int i = 0; i < kSpawnMany; ++i)
    (void)rt.spawn(decrement(&countdown));
  signal.wait();
}

// ping_pong: one task spawns 1,000 tasks; each makes two oneshot channels, spawns a partner
// that awaits the first and sends on the second, sends on the first, awaits the second, and
// counts down; the last signals.
tokio::Task<void> pong(tokio::sync::oneshot::Receiver<int> ping,
                       tokio::sync::oneshot::Sender<int> pong) {
  auto value = co_await std::move(ping);
  if (!value) fail("ping_pong", "the ping sender was dropped");
  if (!pong.send(*value)) fail("ping_pong", "the pong receiver was dropped");
}

tokio::Task<void> ping(Countdown* countdown) {
  auto [ping_tx, ping_rx] = tokio::sync::oneshot::channel<int>();
  auto [pong_tx, pong_rx] = tokio::sync::oneshot::channel<int>();
  (void)tokio::spawn(pong(std::move(ping_rx), std::move(pong_tx)));
  if (!ping_tx.send(1)) fail("ping_pong", "the ping receiver was dropped");
  auto value = co_await std::move(pong_rx);
  if (!value) fail("ping_pong", "the pong sender was dropped");
  countdown->hit();
}

tokio::Task<void> spawn_pings(Countdown* countdown) {
  for (int i = 0; i < kPingPongs; ++i)
    (void)tokio::spawn(ping(countdown));
  co_return;
}

void ping_pong(tokio::runtime::Runtime& rt, Signal& signal) {
  Countdown countdown{kPingPongs, &signal};
  (void)rt.spawn(spawn_pings(&countdown));
  signal.wait();
}

tokio::Task<void> yielder(Countdown* countdown) {
  for (int i = 0; i < kYieldCount; ++i)
    co_await tokio::task::yield_now();
  countdown->hit();
}

void yield_many(tokio::runtime::Runtime& rt, Signal& signal) {
  Countdown countdown{kYieldTasks, &signal};
  for (int i = 0; i < kYieldTasks; ++i)
    (void)rt.spawn(yielder(&countdown));
  signal.wait();
}

tokio::Task<void> chain(int remaining, Signal* signal) {
  if (remaining == 0) {
    signal->notify();
  } else {
    (void)tokio::spawn(chain(remaining - 1, signal));
  }
  co_return;
}

void chained_spawn(tokio::runtime::Runtime& rt, Signal& signal) {
  (void)rt.spawn(chain(kChainLen - 1, &signal));  // this task plus 999 spawned ones
  signal.wait();
}

tokio::Task<int> ready_value() {
  co_return 1;
}

// timer_cancel: inside block_on, 100,000 times `timeout(10 s, an already-ready task)` then
// `yield_now()`. Each timeout completes with the task's value; its 10 s deadline never fires.
tokio::Task<long> timer_cancel_body() {
  long sum = 0;
  for (int i = 0; i < kTimerCancelOps; ++i) {
    auto result = co_await tokio::time::timeout(std::chrono::seconds(10), ready_value());
    if (!result) fail("timer_cancel", "a timeout around a ready task elapsed");
    sum += *result;
    co_await tokio::task::yield_now();
  }
  co_return sum;
}

void timer_cancel(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(timer_cancel_body()) != kTimerCancelOps)
    fail("timer_cancel", "wrong number of completed timeouts");
}

tokio::Task<void> sleeper() {
  co_await tokio::time::sleep(std::chrono::milliseconds(1));
}

// sleep_many: inside block_on, spawn 10,000 tasks that each sleep(1 ms); await every JoinHandle.
tokio::Task<int> sleep_many_body() {
  std::vector<tokio::task::JoinHandle<void>> handles;
  handles.reserve(kSleepTasks);
  for (int i = 0; i < kSleepTasks; ++i)
    handles.push_back(tokio::spawn(sleeper()));
  int joined = 0;
  for (auto& handle : handles) {
    co_await handle;
    ++joined;
  }
  co_return joined;
}

void sleep_many(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(sleep_many_body()) != kSleepTasks)
    fail("sleep_many", "wrong number of joined tasks");
}

// blocking_many: inside block_on, 100 spawned tasks each await, one after another, 100
// spawn_blocking jobs that return their index; the body joins all and checks the sum.
tokio::Task<long> blocking_worker() {
  long sum = 0;
  for (int i = 0; i < kBlockingJobs; ++i) {
    auto job = tokio::task::spawn_blocking([](int index) { return index; }, i);
    sum += co_await job;
  }
  co_return sum;
}

tokio::Task<long> blocking_many_body() {
  std::vector<tokio::JoinHandle<long>> handles;
  handles.reserve(kBlockingTasks);
  for (int t = 0; t < kBlockingTasks; ++t)
    handles.push_back(tokio::spawn(blocking_worker()));
  long sum = 0;
  for (auto& handle : handles)
    sum += co_await handle;
  co_return sum;
}

void blocking_many(tokio::runtime::Runtime& rt, Signal&) {
  const long expected = long(kBlockingTasks) * (kBlockingJobs * (kBlockingJobs - 1) / 2);
  if (rt.block_on(blocking_many_body()) != expected) fail("blocking_many", "wrong sum");
}

tokio::Task<void> mutex_incrementer(tokio::sync::Mutex<long>* mutex) {
  for (int i = 0; i < kMutexLocks; ++i) {
    auto guard = co_await mutex->lock();
    *guard += 1;
  }
}

// mutex_contended: inside block_on, spawn 100 tasks that each lock one async mutex 1,000 times
// and increment the guarded counter; await every JoinHandle; check the count.
tokio::Task<long> mutex_contended_body() {
  tokio::sync::Mutex<long> mutex(0L);
  std::vector<tokio::task::JoinHandle<void>> handles;
  handles.reserve(kMutexTasks);
  for (int i = 0; i < kMutexTasks; ++i)
    handles.push_back(tokio::spawn(mutex_incrementer(&mutex)));
  for (auto& handle : handles)
    co_await handle;
  auto guard = co_await mutex.lock();
  co_return *guard;
}

void mutex_contended(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(mutex_contended_body()) != long(kMutexTasks) * kMutexLocks)
    fail("mutex_contended", "wrong final count");
}

// mpsc_bounded / mpsc_unbounded: inside block_on, 10 spawned producers each send 10,000
// integers; the block_on body receives all 100,000 and checks the count.
template <class Tx>
tokio::Task<void> mpsc_producer(Tx tx) {
  for (int i = 0; i < kMpscPerProducer; ++i) {
    if constexpr (requires { tx.try_send(i); }) {
      auto sent = co_await tx.send(i);
      if (!sent) fail("mpsc_bounded", "send failed");
    } else {
      if (!tx.send(i)) fail("mpsc_unbounded", "send failed");
    }
  }
}

template <class Tx, class Rx>
tokio::Task<long> mpsc_body(Tx tx, Rx rx) {
  for (int p = 0; p < kMpscProducers; ++p)
    (void)tokio::spawn(mpsc_producer(tx));
  { Tx drop = std::move(tx); }
  long received = 0;
  for (;;) {
    auto value = co_await rx.recv();
    if (!value) break;
    ++received;
  }
  co_return received;
}

void mpsc_bounded(tokio::runtime::Runtime& rt, Signal&) {
  auto [tx, rx] = tokio::sync::mpsc::channel<int>(kMpscCapacity);
  if (rt.block_on(mpsc_body(std::move(tx), std::move(rx))) !=
      long(kMpscProducers) * kMpscPerProducer)
    fail("mpsc_bounded", "wrong number of received values");
}

void mpsc_unbounded(tokio::runtime::Runtime& rt, Signal&) {
  auto [tx, rx] = tokio::sync::mpsc::unbounded_channel<int>();
  if (rt.block_on(mpsc_body(std::move(tx), std::move(rx))) !=
      long(kMpscProducers) * kMpscPerProducer)
    fail("mpsc_unbounded", "wrong number of received values");
}

// ---- TCP -------------------------------------------------------------------------------------
// Both TCP workloads set up their listener and server task once per repetition (inside the
// timed repetition: a bind and 50 or 1 connects are negligible next to the 100,000 round trips
// or 256 MiB streamed); the repetition ends when every client and every server task is done, so
// no connection outlives it.

// The byte `i` of round trip `round` of client `client`: every message differs, so an echo of
// the wrong message (or of stale bytes) is caught.
std::byte echo_byte(int client, int round, std::size_t i) {
  return static_cast<std::byte>((client * 131 + round * 7 + static_cast<int>(i)) & 0xff);
}

// tcp_echo_rr, one connection of the server: TCP_NODELAY, a 4 KiB read buffer; reads what is
// available and writes all of it back, until the client closes.
tokio::Task<void> echo_connection(tokio::net::TcpStream stream) {
  stream.set_nodelay(true);
  std::array<std::byte, kEchoReadBuffer> buf;
  for (;;) {
    std::size_t n = co_await stream.read(buf);
    if (n == 0) break;
    co_await stream.write_all(std::span<const std::byte>(buf.data(), n));
  }
}

// The echo server: accepts the 50 connections, spawning a task for each, then waits for them.
tokio::Task<void> echo_server(tokio::net::TcpListener listener) {
  std::vector<tokio::JoinHandle<void>> connections;
  connections.reserve(kEchoClients);
  for (int i = 0; i < kEchoClients; ++i) {
    auto accepted = co_await listener.accept();
    connections.push_back(tokio::spawn(echo_connection(std::move(accepted.first))));
  }
  for (auto& connection : connections)
    co_await connection;
}

// One client: connects (TCP_NODELAY), then 2,000 times writes a 64-byte message (write_all) and
// reads the echo (read_exact), checking every byte. Gives the number of bytes echoed.
tokio::Task<std::size_t> echo_client(tokio::net::SocketAddr addr, int client) {
  auto stream = co_await tokio::net::TcpStream::connect(addr);
  stream.set_nodelay(true);
  std::array<std::byte, kEchoMessage> out;
  std::array<std::byte, kEchoMessage> in;
  std::size_t echoed = 0;
  for (int round = 0; round < kEchoRoundTrips; ++round) {
    for (std::size_t i = 0; i < kEchoMessage; ++i)
      out[i] = echo_byte(client, round, i);
    co_await stream.write_all(out);
    echoed += co_await stream.read_exact(in);
    if (std::memcmp(in.data(), out.data(), kEchoMessage) != 0)
      fail("tcp_echo_rr", "the echoed bytes differ from the message sent");
  }
  co_return echoed;
}

tokio::Task<std::size_t> tcp_echo_rr_body() {
  auto listener = co_await tokio::net::TcpListener::bind("127.0.0.1:0");
  const auto addr = listener.local_addr();
  auto server = tokio::spawn(echo_server(std::move(listener)));
  std::vector<tokio::JoinHandle<std::size_t>> clients;
  clients.reserve(kEchoClients);
  for (int c = 0; c < kEchoClients; ++c)
    clients.push_back(tokio::spawn(echo_client(addr, c)));
  std::size_t echoed = 0;
  for (auto& client : clients)
    echoed += co_await client;
  co_await server;
  co_return echoed;
}

// tcp_echo_rr: an echo server on 127.0.0.1 and 50 clients doing 2,000 round trips of 64 bytes;
// ns per round trip.
void tcp_echo_rr(tokio::runtime::Runtime& rt, Signal&) {
  try {
    if (rt.block_on(tcp_echo_rr_body()) !=
        std::size_t(kEchoClients) * kEchoRoundTrips * kEchoMessage)
      fail("tcp_echo_rr", "wrong number of echoed bytes");
  } catch (const std::exception& e) {
    fail("tcp_echo_rr", e.what());
  }
}

// tcp_stream_bulk, the server: accepts one connection and reads it until EOF with a 64 KiB
// buffer; gives the byte count.
tokio::Task<std::size_t> bulk_server(tokio::net::TcpListener listener) {
  auto accepted = co_await listener.accept();
  auto& stream = accepted.first;
  std::vector<std::byte> buf(kBulkChunk);
  std::size_t received = 0;
  for (;;) {
    std::size_t n = co_await stream.read(buf);
    if (n == 0) break;
    received += n;
  }
  co_return received;
}

tokio::Task<std::size_t> tcp_stream_bulk_body() {
  auto listener = co_await tokio::net::TcpListener::bind("127.0.0.1:0");
  const auto addr = listener.local_addr();
  auto server = tokio::spawn(bulk_server(std::move(listener)));
  auto stream = co_await tokio::net::TcpStream::connect(addr);
  std::vector<std::byte> chunk(kBulkChunk, std::byte{0x5a});
  for (int i = 0; i < kBulkChunks; ++i)
    co_await stream.write_all(chunk);
  co_await stream.shutdown();
  co_return co_await server;
}

// tcp_stream_bulk: one connection on 127.0.0.1 streams 4,096 chunks of 64 KiB; the server reads
// until EOF and checks the count; ns per chunk.
void tcp_stream_bulk(tokio::runtime::Runtime& rt, Signal&) {
  try {
    if (rt.block_on(tcp_stream_bulk_body()) != std::size_t(kBulkChunks) * kBulkChunk)
      fail("tcp_stream_bulk", "the server received the wrong number of bytes");
  } catch (const std::exception& e) {
    fail("tcp_stream_bulk", e.what());
  }
}

// ---- UDP -------------------------------------------------------------------------------------

std::byte udp_byte(int client, int round, std::size_t i) {
  return static_cast<std::byte>((client * 151 + round * 11 + static_cast<int>(i)) & 0xff);
}

// udp_echo_rr, the server: sends every datagram back to its sender until an empty one arrives.
tokio::Task<void> udp_echo_server(tokio::net::UdpSocket socket) {
  std::array<std::byte, kUdpServerBuffer> buf;
  for (;;) {
    auto [n, from] = co_await socket.recv_from(buf);
    if (n == 0) break;
    co_await socket.send_to(std::span<const std::byte>(buf.data(), n), from);
  }
}

// One client: its own socket connected to the server; 2,000 round trips of 64 bytes.
tokio::Task<std::size_t> udp_echo_client(tokio::net::SocketAddr server, int client) {
  auto socket = co_await tokio::net::UdpSocket::bind("127.0.0.1:0");
  co_await socket.connect(server);
  std::array<std::byte, kUdpMessage> out;
  std::array<std::byte, kUdpMessage> in;
  std::size_t echoed = 0;
  for (int round = 0; round < kUdpRoundTrips; ++round) {
    for (std::size_t i = 0; i < kUdpMessage; ++i)
      out[i] = udp_byte(client, round, i);
    co_await socket.send(out);
    const std::size_t n = co_await socket.recv(in);
    if (n != kUdpMessage || std::memcmp(in.data(), out.data(), kUdpMessage) != 0)
      fail("udp_echo_rr", "the echoed datagram differs from the one sent");
    echoed += n;
  }
  co_return echoed;
}

tokio::Task<std::size_t> udp_echo_rr_body() {
  auto server_socket = co_await tokio::net::UdpSocket::bind("127.0.0.1:0");
  const auto addr = server_socket.local_addr();
  auto server = tokio::spawn(udp_echo_server(std::move(server_socket)));
  std::vector<tokio::JoinHandle<std::size_t>> clients;
  clients.reserve(kUdpClients);
  for (int c = 0; c < kUdpClients; ++c)
    clients.push_back(tokio::spawn(udp_echo_client(addr, c)));
  std::size_t echoed = 0;
  for (auto& client : clients)
    echoed += co_await client;
  // The empty datagram that stops the server.
  auto stopper = co_await tokio::net::UdpSocket::bind("127.0.0.1:0");
  co_await stopper.send_to(std::span<const std::byte>(), addr);
  co_await server;
  co_return echoed;
}

// udp_echo_rr: a UDP echo server on 127.0.0.1 and 50 clients doing 2,000 round trips of a
// 64-byte datagram; ns per round trip.
void udp_echo_rr(tokio::runtime::Runtime& rt, Signal&) {
  try {
    if (rt.block_on(udp_echo_rr_body()) != std::size_t(kUdpClients) * kUdpRoundTrips * kUdpMessage)
      fail("udp_echo_rr", "wrong number of echoed bytes");
  } catch (const std::exception& e) {
    fail("udp_echo_rr", e.what());
  }
}

// ---- Memory per idle task ------------------------------------------------------------------
// Measured in a fresh process each time (the program runs itself with kIdleChildFlag), so that
// memory freed by earlier workloads or runs cannot hide what the tasks take.

constexpr std::string_view kIdleChildFlag = "--idle-task-bytes-child";

long resident_bytes() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE);
}

tokio::Task<void> idle_waiter(tokio::sync::oneshot::Receiver<int> rx, std::atomic<int>* started,
                              Countdown* finished) {
  started->fetch_add(1, std::memory_order_relaxed);
  auto value = co_await rx;
  if (!value) fail("idle_task_bytes", "a sender was dropped");
  finished->hit();
}

tokio::Task<double> idle_task_bytes_body(Signal* signal) {
  std::vector<tokio::sync::oneshot::Sender<int>> senders;
  senders.reserve(kIdleTasks);
  std::atomic<int> started{0};
  Countdown finished{kIdleTasks, signal};
  const long before = resident_bytes();
  for (int i = 0; i < kIdleTasks; ++i) {
    auto [tx, rx] = tokio::sync::oneshot::channel<int>();
    senders.push_back(std::move(tx));
    tokio::spawn(idle_waiter(std::move(rx), &started, &finished));
  }
  while (started.load(std::memory_order_relaxed) < kIdleTasks)
    co_await tokio::task::yield_now();
  const long after = resident_bytes();
  for (auto& tx : senders)
    (void)tx.send(1);
  co_return double(after - before) / kIdleTasks;
}

// The child: one measurement, printed alone on stdout.
int idle_task_bytes_child(tokio::runtime::Runtime& rt) {
  Signal signal;
  const double bytes = rt.block_on(idle_task_bytes_body(&signal));
  signal.wait();  // every task has finished
  std::printf("%.1f\n", bytes);
  return 0;
}

double run_idle_child() {
  char self[4096];
  const ssize_t len = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) fail("idle_task_bytes", "cannot find the bench program (/proc/self/exe)");
  self[len] = '\0';
  char command[4200];
  std::snprintf(command, sizeof command, "'%s' %s", self, kIdleChildFlag.data());
  std::FILE* out = ::popen(command, "r");
  if (!out) fail("idle_task_bytes", "could not start the measuring process");
  double bytes = 0;
  const int got = std::fscanf(out, "%lf", &bytes);
  if (::pclose(out) != 0 || got != 1) fail("idle_task_bytes", "the measuring process failed");
  return bytes;
}

// The bench's scratch directory (fs workloads): made on first use, removed at exit.
struct ScratchDir {
  std::string path = "/tmp/tokio-cpp-bench-" + std::to_string(::getpid());
  ScratchDir() {
    if (::mkdir(path.c_str(), 0700) != 0) fail("fs", "cannot create the scratch directory");
    const std::string block(kFsFileSize, 'x');
    for (int i = 0; i < kFsFiles; ++i) {
      FILE* f = std::fopen((path + "/f" + std::to_string(i)).c_str(), "w");
      if (!f || std::fwrite(block.data(), 1, block.size(), f) != block.size()) fail("fs", "setup");
      std::fclose(f);
    }
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};
const std::string& scratch_dir() {
  static ScratchDir dir;
  return dir.path;
}

// fs_read_small: 1,000 files of 4 KiB (written once per process); inside block_on, one spawned
// task per file reads it whole with tokio::fs::read; join all, check the byte count; ns per
// file.
tokio::Task<std::size_t> read_one_file(std::string path) {
  auto bytes = co_await tokio::fs::read(std::move(path));
  co_return bytes.size();
}

tokio::Task<std::size_t> fs_read_small_body(const std::string* dir) {
  std::vector<tokio::JoinHandle<std::size_t>> handles;
  handles.reserve(kFsFiles);
  for (int i = 0; i < kFsFiles; ++i)
    handles.push_back(tokio::spawn(read_one_file(*dir + "/f" + std::to_string(i))));
  std::size_t total = 0;
  for (auto& handle : handles)
    total += co_await handle;
  co_return total;
}

void fs_read_small(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(fs_read_small_body(&scratch_dir())) != kFsFiles * kFsFileSize)
    fail("fs_read_small", "wrong byte count");
}

// fs_write_bulk: inside block_on, File::create, write_all 1,024 chunks of 64 KiB (64 MiB),
// sync_all, check the length; ns per chunk.
tokio::Task<std::uint64_t> fs_write_bulk_body(std::string path) {
  auto file = co_await tokio::fs::File::create(std::move(path));
  const std::vector<std::byte> chunk(kFsBulkChunk, std::byte{0x5a});
  for (int i = 0; i < kFsBulkChunks; ++i)
    co_await file.write_all(chunk);
  co_await file.sync_all();
  co_return (co_await file.metadata()).len();
}

void fs_write_bulk(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(fs_write_bulk_body(scratch_dir() + "/bulk")) != kFsBulkChunks * kFsBulkChunk)
    fail("fs_write_bulk", "wrong file length");
}

// process_spawn_wait: inside block_on, 200 times one after another: run /bin/true
// (Command::status: spawn and wait), check that it succeeded; ns per process.
tokio::Task<int> process_spawn_wait_body() {
  int ok = 0;
  for (int i = 0; i < kProcessSpawns; ++i) {
    auto status = co_await tokio::process::Command("/bin/true").status();
    ok += status.success();
  }
  co_return ok;
}

void process_spawn_wait(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(process_spawn_wait_body()) != kProcessSpawns)
    fail("process_spawn_wait", "a child failed");
}

// stream_pipeline: inside block_on, an async generator yielding 0, 1, 2, ... without end,
// .take(1,000,000).map(x*2).filter(x%3==0).fold(0, +); ns per item.
tokio::stream::Stream<std::int64_t> naturals() {
  for (std::int64_t i = 0;; ++i)
    co_yield i;
}
tokio::Task<std::int64_t> stream_pipeline_body() {
  // Lambdas, as the peers' closures: each adapter's type names its callable, which inlines.
  co_return co_await naturals()
      .take(static_cast<std::size_t>(kStreamItems))
      .map([](std::int64_t x) { return 2 * x; })
      .filter([](const std::int64_t& x) { return x % 3 == 0; })
      .fold(std::int64_t{0}, [](std::int64_t acc, std::int64_t x) { return acc + x; });
}

void stream_pipeline(tokio::runtime::Runtime& rt, Signal&) {
  // The sum of 2x over x < n with 3 | x: 2 * 3 * (0 + 1 + ... + (m - 1)), m = ceil(n / 3).
  const std::int64_t m = (kStreamItems + 2) / 3;
  if (rt.block_on(stream_pipeline_body()) != 6 * (m * (m - 1) / 2))
    fail("stream_pipeline", "wrong sum");
}

// framed_lines: inside block_on, a 64 KiB duplex; a spawned writer feeds "line {i}" for
// i < 1,000,000 into FramedWrite<LinesCodec> and flushes; the body reads FramedRead<LinesCodec>
// to the end and checks the count; ns per line.
tokio::Task<void> framed_lines_writer(tokio::io::DuplexStream io) {
  tokio::util::codec::FramedWrite out(std::move(io), tokio::util::codec::LinesCodec());
  std::string line;
  for (int i = 0; i < kFramedLines; ++i) {
    line = "line ";
    line += std::to_string(i);
    co_await out.feed(std::string_view(line));
  }
  co_await out.close();
}

tokio::Task<int> framed_lines_body() {
  auto [a, b] = tokio::io::duplex(kFramedDuplex);
  auto writer = tokio::spawn(framed_lines_writer(std::move(a)));
  tokio::util::codec::FramedRead in(std::move(b), tokio::util::codec::LinesCodec());
  int lines = 0;
  while (auto line = co_await in.next())
    ++lines;
  co_await writer;
  co_return lines;
}

void framed_lines(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(framed_lines_body()) != kFramedLines) fail("framed_lines", "wrong count");
}

// cancel_tree: inside block_on, one CancellationToken, 10,000 child tokens each awaited
// (cancelled()) by a spawned task that then bumps a counter; yield_now, cancel the parent,
// join all, check the count; ns per child.
tokio::Task<void> await_cancel(tokio::util::sync::CancellationToken token, std::atomic<int>* n) {
  co_await token.cancelled();
  n->fetch_add(1, std::memory_order_relaxed);
}

tokio::Task<int> cancel_tree_body() {
  tokio::util::sync::CancellationToken parent;
  std::atomic<int> cancelled{0};
  std::vector<tokio::task::JoinHandle<void>> handles;
  handles.reserve(kCancelChildren);
  for (int i = 0; i < kCancelChildren; ++i)
    handles.push_back(tokio::spawn(await_cancel(parent.child_token(), &cancelled)));
  co_await tokio::task::yield_now();
  parent.cancel();
  for (auto& handle : handles)
    co_await handle;
  co_return cancelled.load();
}

void cancel_tree(tokio::runtime::Runtime& rt, Signal&) {
  if (rt.block_on(cancel_tree_body()) != kCancelChildren) fail("cancel_tree", "wrong count");
}

struct Workload {
  const char* name;
  int reps;
  double ops;
  void (*run)(tokio::runtime::Runtime&, Signal&);
  double (*measure)() = nullptr;  // instead of timing `run`: one sample, not in ns (no warm-up)
};

constexpr Workload kWorkloads[] = {
    {"spawn_many_local", 21, kSpawnMany, &spawn_many_local},
    {"spawn_many_remote", 21, kSpawnMany, &spawn_many_remote},
    {"yield_many", 11, double(kYieldTasks) * kYieldCount, &yield_many},
    {"ping_pong", 21, kPingPongs, &ping_pong},
    {"chained_spawn", 21, kChainLen, &chained_spawn},
    {"mpsc_bounded", 11, double(kMpscProducers) * kMpscPerProducer, &mpsc_bounded},
    {"mpsc_unbounded", 11, double(kMpscProducers) * kMpscPerProducer, &mpsc_unbounded},
    {"mutex_contended", 11, double(kMutexTasks) * kMutexLocks, &mutex_contended},
    {"timer_cancel", 11, kTimerCancelOps, &timer_cancel},
    {"sleep_many", 11, kSleepTasks, &sleep_many},
    {"blocking_many", 11, double(kBlockingTasks) * kBlockingJobs, &blocking_many},
    {"idle_task_bytes", kIdleRuns, kIdleTasks, nullptr, &run_idle_child},
    {"tcp_echo_rr", 5, double(kEchoClients) * kEchoRoundTrips, &tcp_echo_rr},
    {"tcp_stream_bulk", 5, kBulkChunks, &tcp_stream_bulk},
    {"udp_echo_rr", 5, double(kUdpClients) * kUdpRoundTrips, &udp_echo_rr},
    {"fs_read_small", 11, kFsFiles, &fs_read_small},
    {"fs_write_bulk", 5, kFsBulkChunks, &fs_write_bulk},
    {"process_spawn_wait", 5, kProcessSpawns, &process_spawn_wait},
    {"stream_pipeline", 11, double(kStreamItems), &stream_pipeline},
    {"framed_lines", 5, kFramedLines, &framed_lines},
    {"cancel_tree", 11, kCancelChildren, &cancel_tree},
};

}  // namespace

int main(int argc, char** argv) {
  const std::string_view prefix = argc > 1 ? argv[1] : "";
  auto builder = tokio::runtime::Builder::new_multi_thread();
  if (const char* workers = std::getenv("TOKIO_BENCH_WORKERS"))
    builder.worker_threads(static_cast<std::size_t>(std::atoi(workers)));
  auto rt = builder.enable_all().build();
  if (prefix == kIdleChildFlag) return idle_task_bytes_child(rt);
  Signal signal;
  for (const auto& workload : kWorkloads) {
    if (!std::string_view(workload.name).starts_with(prefix)) continue;
    std::fprintf(stderr, "tokio_bench: %s\n", workload.name);
    std::vector<double> samples;
    if (workload.measure) {
      for (int rep = 0; rep < workload.reps; ++rep)
        samples.push_back(workload.measure());
      std::sort(samples.begin(), samples.end());
      std::printf("%s %.1f\n", workload.name, samples[samples.size() / 2]);
      std::fflush(stdout);
      continue;
    }
    workload.run(rt, signal);  // warm-up, discarded
    for (int rep = 0; rep < workload.reps; ++rep) {
      const auto start = std::chrono::steady_clock::now();
      workload.run(rt, signal);
      const auto elapsed = std::chrono::steady_clock::now() - start;
      samples.push_back(std::chrono::duration<double, std::nano>(elapsed).count() / workload.ops);
    }
    std::sort(samples.begin(), samples.end());
    std::printf("%s %.1f\n", workload.name, samples[samples.size() / 2]);
    std::fflush(stdout);
  }
}
