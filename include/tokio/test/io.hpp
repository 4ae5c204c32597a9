// tokio::test::io: a scripted I/O object for testing code that reads and writes (tokio-test's
// io::Builder and Mock).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "tokio/task/task.hpp"
#include "tokio/time/instant.hpp"

namespace tokio::test::io {

/// The code under test did what the script did not expect: wrote other bytes, wrote when the
/// script had nothing more to write, or read/wrote past a scripted error. The message says
/// what was expected and what happened.
class MockError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Mock;

/// Builds a Mock from a script of steps, played in order:
/// ```
/// auto mock = tokio::test::io::Builder()
///                 .read("PING\r\n")        // the code under test reads this
///                 .write("+PONG\r\n")      // and must write exactly this
///                 .wait(10ms)              // then nothing happens for 10 ms
///                 .read_error(std::make_error_code(std::errc::connection_reset))
///                 .build();
/// co_await serve(std::move(mock));
/// ```
class Builder {
 public:
  Builder();
  /// The next read(s) give these bytes (as many reads as the reader's buffers need).
  Builder& read(std::string_view data);
  /// The next write(s) must be exactly these bytes (split over any number of writes).
  Builder& write(std::string_view data);
  /// The next read fails with `error` (a std::system_error).
  Builder& read_error(std::error_code error);
  /// The next write fails with `error` (a std::system_error).
  Builder& write_error(std::error_code error);
  /// The next read or write waits `duration` first (on the runtime's clock: paused in tests).
  Builder& wait(tokio::time::Duration duration);
  Mock build();

  struct Step;

 private:
  std::shared_ptr<std::deque<Step>> steps_;  // the script so far (Step is in io_mock.cpp)
};

/// An AsyncRead and AsyncWrite that plays a Builder's script.
///
/// read: gives the scripted bytes; waits while the script expects a write first (so a reader
/// and a writer in two tasks can share it); 0 (end of stream) once the script is done.
/// write: compares with the scripted bytes and throws MockError on a difference, or when the
/// script expects no more writes. flush and shutdown complete at once.
///
/// Destroying a Mock whose script still has bytes to read or write is a test failure: it is
/// reported on stderr and the process aborts, as tokio-test panics (unless an exception is
/// already unwinding, which is reported instead).
///
/// Thread safety: a read and a write may run in two tasks at once (e.g. after io::split).
class Mock {
 public:
  Mock(Mock&&) noexcept;
  Mock& operator=(Mock&&) = delete;
  Mock(const Mock&) = delete;
  ~Mock();

  Task<std::size_t> read(std::span<std::byte> buf);
  Task<std::size_t> write(std::span<const std::byte> buf);
  Task<void> flush();
  Task<void> shutdown();

  struct State;

 private:
  friend class Builder;
  explicit Mock(std::shared_ptr<State> state) noexcept;
  std::shared_ptr<State> state_;
};

}  // namespace tokio::test::io
