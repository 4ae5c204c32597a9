// Builder::busy_poll: the driver's non-blocking polling after an I/O turn must not change what
// a program sees. Every setting moves the same bytes, fires timers that fall inside the polling
// window, and wakes for work sent from outside the runtime while the driver polls.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/stream_helpers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::net::UnixStream;
using tokio::runtime::Builder;
using tokio_test::recv_to_end;
using tokio_test::send_all;
using namespace std::chrono_literals;

// Echoes fixed-size messages until EOF.
tokio::Task<void> echo_messages(UnixStream s) {
  char buf[64];
  for (;;) {
    std::size_t got = 0;
    while (got < sizeof buf) {
      const std::size_t n = co_await s.read(std::span(buf + got, sizeof buf - got));
      if (n == 0) co_return;
      got += n;
    }
    co_await send_all(s, std::as_bytes(std::span(buf)));
  }
}

// Round trips, then a 1 MiB stream checked byte for byte, then a short sleep right after I/O
// (inside the polling window), then a wake from a thread outside the runtime.
tokio::Task<void> exercise_the_driver() {
  auto [client, server] = UnixStream::pair();
  auto echo = tokio::spawn(echo_messages(std::move(server)));
  char out[64];
  char in[64];
  for (int i = 0; i < 300; ++i) {
    std::memset(out, 'a' + i % 26, sizeof out);
    co_await send_all(client, std::as_bytes(std::span(out)));
    co_await client.read_exact(std::span(in));
    TOKIO_CO_ASSERT(std::memcmp(in, out, sizeof in) == 0);
  }
  co_await client.shutdown();
  co_await echo;

  auto [a, b] = UnixStream::pair();
  std::vector<std::byte> data(1 << 20);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<std::byte>(i * 7 + i / 251);
  auto reader = tokio::spawn(recv_to_end(b));
  co_await send_all(a, data);
  co_await a.shutdown();
  EXPECT_TRUE(co_await reader == data);

  co_await tokio::time::sleep(100us);  // due before a 1 ms polling window would end

  auto [tx, rx] = tokio::sync::oneshot::channel<int>();
  std::thread outside([tx = std::move(tx)]() mutable { (void)tx.send(42); });
  auto got = co_await std::move(rx);
  outside.join();
  EXPECT_TRUE(got.has_value() && *got == 42);
}

TEST(NetBusyPoll, every_setting_moves_the_same_bytes_and_fires_timers) {
  for (auto poll : {0ns, std::chrono::nanoseconds(20us), std::chrono::nanoseconds(1ms)}) {
    SCOPED_TRACE(std::to_string(poll.count()) + " ns");
    auto current = Builder::new_current_thread();
    auto multi = Builder::new_multi_thread();
    multi.worker_threads(2);
    for (auto* builder : {&current, &multi}) {
      auto rt = builder->enable_all().busy_poll(poll).build();
      rt.block_on(exercise_the_driver());
    }
  }
}

}  // namespace
