#include "runtime/driver/driver.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace tokio::detail {

namespace {
constexpr std::uint64_t kWakeToken = 0;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}
}  // namespace

Driver::Driver(bool enable_time, bool start_paused) {
  if (enable_time) time_ = std::make_unique<TimeDriver>(start_paused, this);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("tokio runtime: epoll_create1");
  event_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd_ < 0) {
    const int err = errno;
    ::close(epoll_fd_);
    throw std::system_error(err, std::generic_category(), "tokio runtime: eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) < 0) {
    const int err = errno;
    ::close(event_fd_);
    ::close(epoll_fd_);
    throw std::system_error(err, std::generic_category(), "tokio runtime: epoll_ctl(eventfd)");
  }
}

Driver::~Driver() {
  ::close(event_fd_);
  ::close(epoll_fd_);
}

void Driver::park(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  if (time_) timeout = time_->park_timeout(timeout);
  int timeout_ms = -1;
  if (timeout) {
    // Round up so that a short positive timeout does not degrade into a busy poll.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*timeout).count();
    timeout_ms = ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms < 0 ? 0 : ms);
  }
  epoll_event events[64];
  const int n = ::epoll_wait(epoll_fd_, events, 64, timeout_ms);
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kWakeToken) {
      std::uint64_t drained;
      // EAGAIN is fine: another park already drained it.
      [[maybe_unused]] auto r = ::read(event_fd_, &drained, sizeof drained);
    }
  }
  // Due timers are fired by the caller once it holds its core again (process_timers), so that
  // the tasks they wake land in that core's queue rather than the global one.
  if (time_) time_->unparked();
}

void Driver::unpark() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto r = ::write(event_fd_, &one, sizeof one);
}

}  // namespace tokio::detail
