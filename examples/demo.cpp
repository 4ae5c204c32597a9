// The tokio-cpp demo: a TCP echo server and many clients on one runtime, with the throughput and
// the latency of every request/response round trip.
//
// The server (an accept loop, one task per connection) listens on 127.0.0.1:0. Each client is a
// task of its own: it connects (TCP_NODELAY), waits at a barrier until every client is
// connected, then sends a message, reads the echo back and checks it, again and again, timing
// each round trip with std::chrono::steady_clock into a log-scale histogram of its own (no
// locks on the hot path; the histograms are merged at the end). A progress line goes to stderr
// every half second, from a task driven by tokio::time::interval. Before that, a short warm-up
// shows the scheduler spawning and joining many tiny tasks.
//
// Run:  scripts/demo [options]          (installs what is missing, builds Release, runs this)
//       build/release/examples/demo [options]
// Options:
//   --clients N    concurrent connections (default 200)
//   --requests N   round trips per client (default 2000; unlimited when --seconds is given)
//   --seconds S    stop every client S seconds after the start instead (may be fractional)
//   --size B       message size in bytes (default 64)
//   --quick        50 clients x 200 round trips: a run of a second or two (what ctest runs)
// Exit status: 0 when every echo came back intact, 1 otherwise.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "tokio/tokio.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using tokio::net::SocketAddr;
using tokio::net::TcpListener;
using tokio::net::TcpStream;

namespace {

struct Config {
  std::size_t clients = 200;
  std::uint64_t requests = 2000;
  std::optional<double> seconds;
  std::size_t size = 64;
  std::size_t warmup_tasks = 200'000;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// "812 ns", "12.3 us", "4.56 ms".
std::string format_ns(std::uint64_t ns) {
  char buf[32];
  if (ns < 1'000)
    std::snprintf(buf, sizeof buf, "%llu ns", static_cast<unsigned long long>(ns));
  else if (ns < 1'000'000)
    std::snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
  return buf;
}

// A log-linear latency histogram (as HdrHistogram does, much simplified): values below 32 ns
// have a bucket each; above, every power of two is split into 32 buckets, so a value is known
// to within 1/32 (3%) whatever its size, in a fixed 15 KB. Used by one task at a time.
class LatencyHistogram {
 public:
  void record(std::uint64_t ns) noexcept {
    ++counts_[index(ns)];
    ++count_;
    max_ = std::max(max_, ns);
  }
  void merge(const LatencyHistogram& other) noexcept {
    for (std::size_t i = 0; i < kBuckets; ++i)
      counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
  }
  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t max() const noexcept { return max_; }
  // The value below which a fraction `q` of the samples fall (the middle of its bucket).
  std::uint64_t quantile(double q) const noexcept {
    if (count_ == 0) return 0;
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(q * count_ + 0.5));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(middle(i), max_);
    }
    return max_;
  }

 private:
  static constexpr int kSubBits = 5;
  static constexpr std::uint64_t kSub = 1u << kSubBits;                // buckets per octave
  static constexpr std::size_t kBuckets = (64 - kSubBits + 1) * kSub;  // up to 2^64 - 1

  static std::size_t index(std::uint64_t v) noexcept {
    if (v < kSub) return v;
    const int e = std::bit_width(v) - 1;  // v is in [2^e, 2^(e+1)), e >= kSubBits
    return (e - kSubBits + 1) * kSub + ((v >> (e - kSubBits)) - kSub);
  }
  static std::uint64_t middle(std::size_t i) noexcept {
    if (i < kSub) return i;
    const int shift = static_cast<int>(i / kSub) - 1;  // e - kSubBits
    const std::uint64_t low = (kSub + i % kSub) << shift;
    return low + ((std::uint64_t{1} << shift) >> 1);
  }

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

// ---- warm-up: many tiny tasks ---------------------------------------------------------------

tokio::Task<void> bump(std::atomic<long>* counter) {
  counter->fetch_add(1, std::memory_order_relaxed);
  co_return;
}

tokio::Task<void> spawn_many(std::size_t n) {
  std::atomic<long> counter{0};
  const auto start = Clock::now();
  std::vector<tokio::JoinHandle<void>> handles;
  handles.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    handles.push_back(tokio::spawn(bump(&counter)));
  for (auto& h : handles)
    co_await h;
  const double s = seconds_since(start);
  std::printf("  scheduler: spawned and joined %ld tasks in %.1f ms (%.0f ns per task)\n",
              counter.load(), s * 1e3, s * 1e9 / static_cast<double>(n));
}

// ---- the echo server ------------------------------------------------------------------------

tokio::Task<void> echo_connection(TcpStream stream) {
  try {
    stream.set_nodelay(true);
    std::array<std::byte, 4096> buf;
    for (;;) {
      const std::size_t n = co_await stream.read(buf);
      if (n == 0) break;
      co_await stream.write_all(std::span<const std::byte>(buf.data(), n));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "demo: server connection: %s\n", e.what());
  }
}

tokio::Task<void> echo_server(TcpListener listener) {
  for (;;) {
    auto accepted = co_await listener.accept();
    (void)tokio::spawn(echo_connection(std::move(accepted.first)));
  }
}

// ---- the clients ----------------------------------------------------------------------------

// What the clients share. `done` counts round trips for the progress line (relaxed: it is a
// statistic, nothing is published through it).
struct Shared {
  Config cfg;
  SocketAddr addr;
  tokio::sync::Barrier connected;
  std::atomic<std::uint64_t> done{0};
};

// What one client reports; each client owns its own, read by main after the client ended.
struct ClientStats {
  LatencyHistogram latency;
  std::uint64_t mismatches = 0;
  std::string error;
};

// Fills a message with bytes that depend on the client and the round, so that a mixed-up or
// stale echo is noticed.
void stamp(std::span<std::byte> msg, std::size_t client, std::uint64_t round) {
  for (std::size_t i = 0; i < msg.size(); ++i)
    msg[i] = static_cast<std::byte>(client * 31 + round * 7 + i);
}

tokio::Task<void> client(Shared& shared, std::size_t id, ClientStats& stats) {
  std::optional<TcpStream> stream;
  try {
    stream.emplace(co_await TcpStream::connect(shared.addr));
    stream->set_nodelay(true);
  } catch (const std::exception& e) {
    stats.error = e.what();
  }
  // Everyone arrives, connected or not, so that the barrier always opens.
  (void)co_await shared.connected.wait();
  if (!stream) co_return;

  const Config& cfg = shared.cfg;
  const auto deadline = cfg.seconds
                            ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(*cfg.seconds))
                            : Clock::time_point::max();
  std::vector<std::byte> out(cfg.size), in(cfg.size);
  try {
    for (std::uint64_t round = 0; round < cfg.requests; ++round) {
      stamp(out, id, round);
      const auto sent = Clock::now();
      if (sent >= deadline) break;
      co_await stream->write_all(out);
      co_await stream->read_exact(in);
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent);
      stats.latency.record(static_cast<std::uint64_t>(ns.count()));
      if (in != out) ++stats.mismatches;
      shared.done.fetch_add(1, std::memory_order_relaxed);
    }
  } catch (const std::exception& e) {
    stats.error = e.what();
  }
}

// Prints a line to stderr every half second: round trips so far and the rate since the last
// line. Runs until aborted.
tokio::Task<void> progress(const Shared& shared, Clock::time_point start) {
  auto ticker = tokio::time::interval(500ms);
  co_await ticker.tick();  // the first tick is immediate
  std::uint64_t last = 0;
  auto last_at = start;
  for (;;) {
    co_await ticker.tick();
    const auto now = Clock::now();
    const std::uint64_t done = shared.done.load(std::memory_order_relaxed);
    const double dt = std::chrono::duration<double>(now - last_at).count();
    std::fprintf(stderr, "  [%5.1f s] %10llu round trips  %9.0f/s\n",
                 std::chrono::duration<double>(now - start).count(),
                 static_cast<unsigned long long>(done), static_cast<double>(done - last) / dt);
    last = done;
    last_at = now;
  }
}

tokio::Task<int> echo_benchmark(Config cfg) {
  auto listener = co_await TcpListener::bind("127.0.0.1:0");
  Shared shared{cfg, listener.local_addr(), tokio::sync::Barrier(cfg.clients + 1), {}};
  auto server = tokio::spawn(echo_server(std::move(listener)));
  std::printf("  echo server on %s; %zu clients, %zu-byte messages, ",
              shared.addr.to_string().c_str(), cfg.clients, cfg.size);
  const bool counted = cfg.requests != std::numeric_limits<std::uint64_t>::max();
  if (counted) std::printf("%llu round trips each", static_cast<unsigned long long>(cfg.requests));
  if (cfg.seconds) std::printf(counted ? " (at most %.1f s)" : "for %.1f s", *cfg.seconds);
  std::printf("\n");
  std::fflush(stdout);

  std::vector<ClientStats> stats(cfg.clients);
  std::vector<tokio::JoinHandle<void>> clients;
  clients.reserve(cfg.clients);
  const auto connect_start = Clock::now();
  for (std::size_t i = 0; i < cfg.clients; ++i)
    clients.push_back(tokio::spawn(client(shared, i, stats[i])));
  (void)co_await shared.connected.wait();  // every client has connected (or failed to)
  const auto start = Clock::now();
  std::printf("  connected in %.1f ms\n",
              std::chrono::duration<double, std::milli>(start - connect_start).count());
  std::fflush(stdout);
  auto ticker = tokio::spawn(progress(shared, start));
  for (auto& c : clients)
    co_await c;
  const double elapsed = seconds_since(start);
  ticker.abort();
  server.abort();

  LatencyHistogram all;
  std::uint64_t mismatches = 0;
  std::size_t failed = 0;
  for (const ClientStats& s : stats) {
    all.merge(s.latency);
    mismatches += s.mismatches;
    if (!s.error.empty()) {
      if (failed++ < 3) std::fprintf(stderr, "demo: a client failed: %s\n", s.error.c_str());
    }
  }
  const double rate = static_cast<double>(all.count()) / elapsed;
  std::printf("  %llu round trips in %.2f s: %.0f requests/s, %.1f MB/s each way\n",
              static_cast<unsigned long long>(all.count()), elapsed, rate,
              rate * static_cast<double>(cfg.size) / 1e6);
  std::printf("  latency per round trip: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
              format_ns(all.quantile(0.5)).c_str(), format_ns(all.quantile(0.9)).c_str(),
              format_ns(all.quantile(0.99)).c_str(), format_ns(all.quantile(0.999)).c_str(),
              format_ns(all.max()).c_str());
  if (mismatches != 0)
    std::printf("  %llu echoes differed from the request!\n",
                static_cast<unsigned long long>(mismatches));
  if (failed != 0) std::printf("  %zu client(s) failed\n", failed);
  const bool ok = mismatches == 0 && failed == 0 && all.count() > 0;
  std::printf("  %s\n", ok ? "every echo came back intact" : "FAILED");
  co_return ok ? 0 : 1;
}

tokio::Task<int> async_main(Config cfg) {
  std::printf("tokio-cpp demo: multi-thread runtime, %u worker thread(s)\n",
              std::thread::hardware_concurrency());
  co_await spawn_many(cfg.warmup_tasks);
  co_return co_await echo_benchmark(cfg);
}

// Each connection takes two descriptors in this process (the client's and the server's): raise
// the soft limit to the hard one, and say so if that is still too few.
bool enough_descriptors(std::size_t clients) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  const rlim_t needed = 2 * clients + 64;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < needed) {
    std::fprintf(stderr, "demo: %zu clients need about %llu file descriptors, the limit is %llu\n",
                 clients, static_cast<unsigned long long>(needed),
                 static_cast<unsigned long long>(lim.rlim_cur));
    return false;
  }
  return true;
}

int usage() {
  std::fprintf(stderr,
               "usage: demo [--clients N] [--requests N] [--seconds S] [--size BYTES] [--quick]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  bool requests_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    try {
      if (arg == "--quick") {
        cfg.clients = 50;
        cfg.requests = 200;
        cfg.warmup_tasks = 10'000;
      } else if (arg == "--clients" && has_value) {
        cfg.clients = std::stoul(argv[++i]);
      } else if (arg == "--requests" && has_value) {
        cfg.requests = std::stoull(argv[++i]);
        requests_given = true;
      } else if (arg == "--seconds" && has_value) {
        cfg.seconds = std::stod(argv[++i]);
      } else if (arg == "--size" && has_value) {
        cfg.size = std::stoul(argv[++i]);
      } else {
        return usage();
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "demo: bad value for %s\n", arg.c_str());
      return usage();
    }
  }
  if (cfg.seconds && !requests_given) cfg.requests = std::numeric_limits<std::uint64_t>::max();
  if (cfg.clients == 0 || cfg.size == 0) return usage();
  if (!enough_descriptors(cfg.clients)) return 1;
  try {
    return tokio::run(async_main(cfg));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "demo: %s\n", e.what());
    return 1;
  }
}
