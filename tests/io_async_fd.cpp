// tokio::io::unix::AsyncFd and the reactor under it (after Tokio's io_async_fd.rs).
#include "tokio/io/unix/async_fd.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

using tokio::io::AsyncFd;  // tokio::io::unix::AsyncFd (`unix` is a macro in GNU mode)
using tokio::io::Interest;

// A connected, non-blocking socket pair closed at scope exit.
struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
      throw std::system_error(errno, std::system_category(), "socketpair");
  }
  ~SocketPair() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fds[i] >= 0) ::close(std::exchange(fds[i], -1));
  }
};

// read(2) that reports would-block (and other failures) as std::system_error.
std::size_t checked_read(int fd, char* buf, std::size_t len) {
  const ssize_t n = ::read(fd, buf, len);
  if (n < 0) throw std::system_error(errno, std::system_category(), "read");
  return static_cast<std::size_t>(n);
}
std::size_t checked_write(int fd, const char* buf, std::size_t len) {
  const ssize_t n = ::write(fd, buf, len);
  if (n < 0) throw std::system_error(errno, std::system_category(), "write");
  return static_cast<std::size_t>(n);
}

// Reads what is available after waiting for readability (0 at end of stream).
tokio::Task<std::size_t> read_some(AsyncFd* afd, char* buf, std::size_t len) {
  for (;;) {
    auto guard = co_await afd->readable();
    auto n = guard.try_io([&](int fd) { return checked_read(fd, buf, len); });
    if (n) co_return *n;
  }
}
tokio::Task<void> write_all(AsyncFd* afd, const char* buf, std::size_t len) {
  while (len > 0) {
    auto guard = co_await afd->writable();
    auto n = guard.try_io([&](int fd) { return checked_write(fd, buf, len); });
    if (!n) continue;
    buf += *n;
    len -= *n;
  }
}
tokio::Task<int> ready_int() {
  co_return 7;
}

TOKIO_TEST_ALL_FLAVORS(IoAsyncFd, ReadableAfterThePeerWrites) {
  SocketPair pair;
  AsyncFd afd(pair.fds[0]);
  EXPECT_EQ(afd.fd(), pair.fds[0]);
  // Nothing to read yet: the wait is pending (it loses a biased select).
  auto lost = co_await tokio::select_biased(read_some(&afd, nullptr, 0), ready_int());
  EXPECT_EQ(lost.index(), 1u);
  TOKIO_CO_ASSERT(::write(pair.fds[1], "hello", 5) == 5);
  char buf[16];
  const std::size_t n = co_await read_some(&afd, buf, sizeof buf);
  EXPECT_EQ(std::string(buf, n), "hello");
}

TOKIO_TEST_ALL_FLAVORS(IoAsyncFd, WouldBlockClearsReadinessUntilTheNextEvent) {
  SocketPair pair;
  AsyncFd afd(pair.fds[0]);
  TOKIO_CO_ASSERT(::write(pair.fds[1], "ab", 2) == 2);
  {
    auto guard = co_await afd.readable();
    EXPECT_TRUE(guard.ready().is_readable());
    char buf[8];
    auto n = guard.try_io([&](int fd) { return checked_read(fd, buf, sizeof buf); });
    TOKIO_CO_ASSERT(n);
    EXPECT_EQ(*n, 2u);
    auto again = guard.try_io([&](int fd) { return checked_read(fd, buf, sizeof buf); });
    EXPECT_FALSE(again);  // would block: readiness cleared
  }
  // Cleared: readable() waits. Another event on the descriptor delivered meanwhile by a worker
  // (an EPOLLOUT edge) can mark it readable again, spuriously, as in Tokio; a try_io then
  // would block again and clears it once more. Never with data reported that is not there.
  for (int spurious = 0;; ++spurious) {
    auto pending = co_await tokio::select_biased(
        [](AsyncFd* afd) -> tokio::Task<int> {
          [[maybe_unused]] auto g = co_await afd->readable();
          co_return 1;
        }(&afd),
        ready_int());
    if (pending.index() == 1) break;
    TOKIO_CO_ASSERT(spurious < 3);
    auto guard = co_await afd.readable();
    char buf[8];
    EXPECT_FALSE(guard.try_io([&](int fd) { return checked_read(fd, buf, sizeof buf); }));
  }
  TOKIO_CO_ASSERT(::write(pair.fds[1], "c", 1) == 1);
  auto guard = co_await afd.readable();
  EXPECT_TRUE(guard.ready().is_readable());
}

TOKIO_TEST_ALL_FLAVORS(IoAsyncFd, WritableAtOnceAndReadClosedOnHangUp) {
  SocketPair pair;
  AsyncFd afd(pair.fds[0]);
  auto w = co_await afd.writable();
  EXPECT_TRUE(w.ready().is_writable());
  pair.close_end(1);
  auto r = co_await afd.readable();
  EXPECT_TRUE(r.ready().is_read_closed());
  char buf[4];
  auto n = r.try_io([&](int fd) { return checked_read(fd, buf, sizeof buf); });
  TOKIO_CO_ASSERT(n);
  EXPECT_EQ(*n, 0u);  // end of stream
}

TOKIO_TEST_ALL_FLAVORS(IoAsyncFd, LargeTransferBothWaysByteForByte) {
  SocketPair pair;
  AsyncFd a(pair.fds[0]);
  AsyncFd b(pair.fds[1]);
  std::vector<char> data(1 << 20);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>(i * 131 + 7);
  // The writer fills the socket buffer many times over, so it waits for writability.
  auto writer = tokio::spawn([](AsyncFd* a, const std::vector<char>* data) -> tokio::Task<void> {
    co_await write_all(a, data->data(), data->size());
  }(&a, &data));
  std::vector<char> got;
  got.reserve(data.size());
  char buf[4096];
  while (got.size() < data.size()) {
    const std::size_t n = co_await read_some(&b, buf, sizeof buf);
    TOKIO_CO_ASSERT(n > 0);
    got.insert(got.end(), buf, buf + n);
  }
  co_await writer;
  EXPECT_TRUE(got == data);
}

TOKIO_TEST(IoAsyncFd, ManyPairsAcrossWorkers, .flavor = tokio::runtime::RuntimeFlavor::MultiThread,
           .worker_threads = 4) {
  constexpr int kPairs = 64;
  std::vector<std::unique_ptr<SocketPair>> pairs;
  std::vector<tokio::JoinHandle<std::size_t>> readers;
  for (int i = 0; i < kPairs; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    readers.push_back(tokio::spawn([](int fd) -> tokio::Task<std::size_t> {
      AsyncFd afd(fd);
      std::size_t total = 0;
      char buf[512];
      for (;;) {
        const std::size_t n = co_await read_some(&afd, buf, sizeof buf);
        if (n == 0) co_return total;
        total += n;
      }
    }(pairs.back()->fds[0])));
  }
  std::vector<tokio::JoinHandle<void>> writers;
  for (int i = 0; i < kPairs; ++i)
    writers.push_back(tokio::spawn([](int fd) -> tokio::Task<void> {
      AsyncFd afd(fd);
      std::string chunk(1000, 'x');
      for (int k = 0; k < 20; ++k)
        co_await write_all(&afd, chunk.data(), chunk.size());
    }(pairs[i]->fds[1])));
  for (int i = 0; i < kPairs; ++i) {
    co_await writers[i];
    ::shutdown(pairs[i]->fds[1], SHUT_WR);
  }
  for (auto& r : readers)
    EXPECT_EQ(co_await r, 20'000u);
}

TEST(IoAsyncFd, NeedsARuntimeWithIoEnabled) {
  SocketPair pair;
  EXPECT_THROW(AsyncFd(pair.fds[0]), std::logic_error);  // no runtime
  auto rt = tokio::runtime::Builder::new_current_thread().enable_time().build();
  rt.block_on([](int fd) -> tokio::Task<void> {
    EXPECT_THROW(AsyncFd{fd}, std::logic_error);  // I/O not enabled
    co_return;
  }(pair.fds[0]));
}

TOKIO_TEST(IoAsyncFd, RegisteringABadDescriptorNamesIt) {
  try {
    AsyncFd afd(-1);
    ADD_FAILURE() << "registered -1";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EBADF);
    EXPECT_NE(std::string(e.what()).find("-1"), std::string::npos);
  }
  co_return;
}

TOKIO_TEST_ALL_FLAVORS(IoAsyncFd, IntoInnerDeregistersAndKeepsTheDescriptorOpen) {
  SocketPair pair;
  AsyncFd afd(pair.fds[0]);
  const int fd = std::move(afd).into_inner();
  EXPECT_EQ(fd, pair.fds[0]);
  EXPECT_NE(::fcntl(fd, F_GETFD), -1);
  AsyncFd again(fd);  // can be registered anew
  TOKIO_CO_ASSERT(::write(pair.fds[1], "z", 1) == 1);
  auto guard = co_await again.readable();
  EXPECT_TRUE(guard.ready().is_readable());
}

// Registrations come and go while the driver thread dispatches events for them: the
// ScheduledIo must outlive any event still in flight (ASan/TSan would report otherwise).
TOKIO_TEST(IoAsyncFd, DeregisteringWhileEventsAreInFlight,
           .flavor = tokio::runtime::RuntimeFlavor::MultiThread, .worker_threads = 4) {
  std::vector<tokio::JoinHandle<void>> tasks;
  for (int t = 0; t < 8; ++t)
    tasks.push_back(tokio::spawn([]() -> tokio::Task<void> {
      for (int i = 0; i < 100; ++i) {
        SocketPair pair;
        AsyncFd a(pair.fds[0]);
        AsyncFd b(pair.fds[1]);
        TOKIO_CO_ASSERT(::write(pair.fds[1], "x", 1) == 1);
        if (i % 2 == 0) {
          auto guard = co_await a.readable();
          EXPECT_TRUE(guard.ready().is_readable());
        }
        if (i % 8 == 0) co_await tokio::task::yield_now();
      }  // deregistered (and closed) with events possibly pending
    }()));
  for (auto& t : tasks)
    co_await t;
}

}  // namespace
