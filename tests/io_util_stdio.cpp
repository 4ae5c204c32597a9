// tokio::io::stdin / stdout / stderr and the blocking-pool reader and writer behind them
// (after Tokio's io_stdio tests and process-level stdout checks), driven through pipes.
#include "tokio/io/util/stdio.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>
#include <system_error>

#include "tokio/io/util.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/task/yield_now.hpp"
#include "tokio/test.hpp"

namespace {

namespace io = tokio::io;

static_assert(io::AsyncRead<io::Stdin>);
static_assert(io::AsyncWrite<io::Stdout> && io::AsyncWrite<io::Stderr>);

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
  std::string read_some() {
    std::array<char, 256> buf{};
    ssize_t n = ::read(fds[0], buf.data(), buf.size());
    return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
  }
};

tokio::Task<void> yields(int n) {
  for (int i = 0; i < n; ++i)
    co_await tokio::task::yield_now();
}

TOKIO_TEST_ALL_FLAVORS(IoStdio, WriterDeliversAfterFlush) {
  Pipe p;
  tokio::detail::StdioWriter w(p.fds[1]);
  co_await io::write_all(w, "hello ");
  co_await io::write_all(w, "stdout");
  co_await w.flush();
  std::string got;
  while (got.size() < 12)
    got += p.read_some();
  EXPECT_EQ(got, "hello stdout");
}

TOKIO_TEST(IoStdio, WriteToAClosedPipeIsBrokenPipeNotSigpipe) {
  Pipe p;
  p.close_read();
  tokio::detail::StdioWriter w(p.fds[1]);
  try {
    co_await io::write_all(w, "nobody reads this");
    co_await w.flush();
    ADD_FAILURE() << "the failed write must be reported";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::broken_pipe);
  }
}

TOKIO_TEST_ALL_FLAVORS(IoStdio, ReaderGivesDataThenEof) {
  Pipe p;
  TOKIO_CO_ASSERT(::write(p.fds[1], "line one\nline two\n", 18) == 18);
  p.close_write();
  io::BufReader reader(tokio::detail::StdioReader(p.fds[0]));
  auto lines = reader.lines();
  auto l1 = co_await lines.next_line();
  auto l2 = co_await lines.next_line();
  auto l3 = co_await lines.next_line();
  EXPECT_EQ(l1, std::optional<std::string>("line one"));
  EXPECT_EQ(l2, std::optional<std::string>("line two"));
  EXPECT_FALSE(l3.has_value());
}

TOKIO_TEST(IoStdio, CancelledReadKeepsItsBytesForTheNextRead) {
  Pipe p;
  tokio::detail::StdioReader r(p.fds[0]);
  std::array<char, 16> buf{};
  auto first = co_await tokio::select(io::read(r, buf), yields(5));
  EXPECT_EQ(first.index(), 1u) << "nothing to read yet; the blocking read keeps waiting";
  TOKIO_CO_ASSERT(::write(p.fds[1], "late", 4) == 4);
  EXPECT_EQ(co_await io::read(r, buf), 4u);
  EXPECT_EQ(std::string(buf.data(), 4), "late");
}

TOKIO_TEST(IoStdio, StdinReadsFileDescriptorZero) {
  Pipe p;
  int saved = ::dup(0);
  TOKIO_CO_ASSERT(saved >= 0);
  TOKIO_CO_ASSERT(::dup2(p.fds[0], 0) == 0);
  TOKIO_CO_ASSERT(::write(p.fds[1], "from stdin", 10) == 10);
  p.close_write();
  auto in = io::stdin();
  std::string s;
  co_await io::read_to_string(in, s);
  EXPECT_EQ(s, "from stdin");
  ::dup2(saved, 0);
  ::close(saved);
}

TOKIO_TEST(IoStdio, StdoutAndStderrWriteNothingForEmptyBuffers) {
  auto out = io::stdout();
  auto err = io::stderr();
  std::string empty;
  EXPECT_EQ(co_await io::write(out, empty), 0u);
  EXPECT_EQ(co_await io::write(err, empty), 0u);
  co_await out.flush();
  co_await err.shutdown();
}

}  // namespace
