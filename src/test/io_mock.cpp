// tokio::test::io::Builder and Mock: see tokio/test/io.hpp.
//
// State: the script (a deque of steps) and a Notify, under one mutex. A read that finds a
// write step first waits on the Notify; each write that consumes script bytes notifies. The
// mutex is never held across an await.
#include "tokio/test/io.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include "tokio/sync/notify.hpp"
#include "tokio/time/sleep.hpp"

namespace tokio::test::io {

struct Builder::Step {
  enum class Kind { Read, Write, ReadError, WriteError, Wait };
  Kind kind;
  std::string data;  // Read / Write: what is left of it
  std::error_code error;
  tokio::time::Duration wait{};
};

struct Mock::State {
  std::mutex mutex;
  std::deque<Builder::Step> steps;  // guarded by mutex
  tokio::sync::Notify progress;     // a write consumed script bytes
};

namespace {

using Step = Builder::Step;
using Kind = Step::Kind;

std::string printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 64)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > 64) out += "...";
  return out;
}

// Drops finished steps from the front (a Read or Write with nothing left).
void drop_finished(std::deque<Step>& steps) {
  while (!steps.empty() &&
         (steps.front().kind == Kind::Read || steps.front().kind == Kind::Write) &&
         steps.front().data.empty())
    steps.pop_front();
}

}  // namespace

Builder::Builder() : steps_(std::make_shared<std::deque<Step>>()) {}

Builder& Builder::read(std::string_view data) {
  if (!data.empty()) steps_->push_back(Step{Kind::Read, std::string(data), {}, {}});
  return *this;
}
Builder& Builder::write(std::string_view data) {
  if (!data.empty()) steps_->push_back(Step{Kind::Write, std::string(data), {}, {}});
  return *this;
}
Builder& Builder::read_error(std::error_code error) {
  steps_->push_back(Step{Kind::ReadError, {}, error, {}});
  return *this;
}
Builder& Builder::write_error(std::error_code error) {
  steps_->push_back(Step{Kind::WriteError, {}, error, {}});
  return *this;
}
Builder& Builder::wait(tokio::time::Duration duration) {
  steps_->push_back(Step{Kind::Wait, {}, {}, duration});
  return *this;
}

Mock Builder::build() {
  auto state = std::make_shared<Mock::State>();
  state->steps = *steps_;
  return Mock(std::move(state));
}

Mock::Mock(std::shared_ptr<State> state) noexcept : state_(std::move(state)) {}
Mock::Mock(Mock&& other) noexcept : state_(std::move(other.state_)) {}

Mock::~Mock() {
  if (!state_) return;
  std::lock_guard lock(state_->mutex);
  drop_finished(state_->steps);
  for (const Step& step : state_->steps) {
    if (step.kind != Kind::Read && step.kind != Kind::Write) continue;
    std::fprintf(stderr, "tokio::test::io::Mock dropped with its script unfinished: %s \"%s\"\n",
                 step.kind == Kind::Read ? "still to be read:" : "still expected to be written:",
                 printable(step.data).c_str());
    if (std::uncaught_exceptions() == 0) std::abort();  // as tokio-test panics
    return;
  }
}

Task<std::size_t> Mock::read(std::span<std::byte> buf) {
  auto state = state_;
  for (;;) {
    std::optional<tokio::sync::Notified> progress;
    tokio::time::Duration wait{};
    {
      std::lock_guard lock(state->mutex);
      drop_finished(state->steps);
      if (state->steps.empty()) co_return 0;
      Step& step = state->steps.front();
      switch (step.kind) {
        case Kind::Read: {
          const std::size_t n = std::min(buf.size(), step.data.size());
          std::memcpy(buf.data(), step.data.data(), n);
          step.data.erase(0, n);
          co_return n;
        }
        case Kind::ReadError: {
          const std::error_code error = step.error;
          state->steps.pop_front();
          throw std::system_error(error, "tokio::test::io::Mock::read (scripted error)");
        }
        case Kind::Wait:
          wait = step.wait;
          state->steps.pop_front();
          break;
        case Kind::Write:
        case Kind::WriteError:
          progress.emplace(state->progress.notified());  // made under the lock: no lost wake
          break;
      }
    }
    if (progress) {
      co_await std::move(*progress);
    } else {
      co_await tokio::time::sleep(wait);
    }
  }
}

Task<std::size_t> Mock::write(std::span<const std::byte> buf) {
  auto state = state_;
  const std::string_view src(reinterpret_cast<const char*>(buf.data()), buf.size());
  for (;;) {
    tokio::time::Duration wait{};
    {
      std::lock_guard lock(state->mutex);
      drop_finished(state->steps);
      if (src.empty()) co_return 0;
      // The first step that concerns writing (a pending read does not block a write).
      auto it = std::find_if(state->steps.begin(), state->steps.end(), [](const Step& s) {
        return s.kind != Kind::Read && s.kind != Kind::ReadError;
      });
      if (it == state->steps.end())
        throw MockError("tokio::test::io::Mock: unexpected write of \"" + printable(src) +
                        "\": the script expects no more writes");
      if (it->kind == Kind::WriteError) {
        const std::error_code error = it->error;
        state->steps.erase(it);
        throw std::system_error(error, "tokio::test::io::Mock::write (scripted error)");
      }
      if (it->kind == Kind::Wait) {
        wait = it->wait;
        state->steps.erase(it);
      } else {  // Write
        const std::size_t n = std::min(src.size(), it->data.size());
        if (src.substr(0, n) != std::string_view(it->data).substr(0, n))
          throw MockError("tokio::test::io::Mock: wrote \"" + printable(src) +
                          "\" where the script expects \"" + printable(it->data) + "\"");
        it->data.erase(0, n);
        state->progress.notify_waiters();  // a reader may wait for this write
        co_return n;
      }
    }
    co_await tokio::time::sleep(wait);
  }
}

Task<void> Mock::flush() {
  co_return;
}

Task<void> Mock::shutdown() {
  co_return;
}

}  // namespace tokio::test::io
