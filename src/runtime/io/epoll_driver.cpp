#include "runtime/io/epoll_driver.hpp"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>

namespace tokio::detail {

namespace {
constexpr std::uint64_t kWakeToken = 0;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// How many CPUs this process may run on now (its affinity mask; taskset narrows it).
int allowed_cpus() noexcept {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) return 0;  // unknown: assume several
  return CPU_COUNT(&set);
}
}  // namespace

EpollDriver::EpollDriver(std::chrono::nanoseconds busy_poll)
    // On a single CPU busy polling only delays whoever would make the next event ready (another
    // thread of the runtime, the peer on loopback): nothing else runs while the poller spins.
    // (tcp_stream_bulk at one pinned worker: 3,038 epoll_wait calls down to 1,145.)
    : busy_poll_(allowed_cpus() == 1 ? std::chrono::nanoseconds(0) : busy_poll) {
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

EpollDriver::~EpollDriver() {
  // Registrations keep the runtime (and so this driver) alive, so none is left; free what was
  // deregistered since the last turn.
  free_released();
  ::close(event_fd_);
  ::close(epoll_fd_);
}

ScheduledIo* EpollDriver::register_io(int fd, IoKind kind) {
  auto io = std::make_unique<ScheduledIo>();
  io->fd = fd;
  io->kind = kind;
  epoll_event ev{};
  // Edge-triggered for everything, once: readiness is tracked in the ScheduledIo, so interest
  // never has to be modified (no epoll_ctl per wait).
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = io.get();
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0)
    throw std::system_error(errno, std::system_category(),
                            "tokio: registering file descriptor " + std::to_string(fd) +
                                " with the I/O driver (epoll_ctl)");
  registered_count_.fetch_add(1, std::memory_order_relaxed);
  return io.release();
}

void EpollDriver::deregister_io(ScheduledIo* io) noexcept {
  // The descriptor may already be closed (epoll then dropped it itself): errors are moot.
  epoll_event unused{};
  [[maybe_unused]] int r = ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, io->fd, &unused);
  registered_count_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(io_mutex_);
  // A turn running right now on the driver thread may still hold an event naming `io`: it is
  // freed at the start of the next turn, when no such event can be left.
  released_.push_back(io);
  has_released_.store(true, std::memory_order_relaxed);
}

void EpollDriver::free_released() noexcept {
  std::vector<ScheduledIo*> doomed;
  {
    std::lock_guard lock(io_mutex_);
    doomed.swap(released_);
    has_released_.store(false, std::memory_order_relaxed);
  }
  for (ScheduledIo* io : doomed)
    delete io;
}

int EpollDriver::dispatch(const epoll_event* events, int n) noexcept {
  int io_events = 0;
  for (int i = 0; i < n; ++i) {
    const auto flags = events[i].events;
    if (events[i].data.u64 == kWakeToken) {
      std::uint64_t drained;
      // EAGAIN is fine: another park already drained it.
      [[maybe_unused]] auto r = ::read(event_fd_, &drained, sizeof drained);
      continue;
    }
    std::uint32_t ready = 0;
    if (flags & (EPOLLIN | EPOLLPRI)) ready |= io::Ready::kReadable;
    if (flags & EPOLLOUT) ready |= io::Ready::kWritable;
    if ((flags & EPOLLHUP) || ((flags & EPOLLIN) && (flags & EPOLLRDHUP)))
      ready |= io::Ready::kReadClosed;
    if ((flags & EPOLLHUP) || ((flags & EPOLLOUT) && (flags & EPOLLERR)) || flags == EPOLLERR)
      ready |= io::Ready::kWriteClosed;
    if (flags & EPOLLERR) ready |= io::Ready::kError;
    auto* io = static_cast<ScheduledIo*>(events[i].data.ptr);
    io->set_readiness(io::Ready(ready), tick_);
    if (io->kind == IoKind::Data) ++io_events;
  }
  return io_events;
}

void EpollDriver::poll() noexcept {
  if (has_released_.load(std::memory_order_relaxed)) free_released();
  // Events seen here count as I/O flowing for the next park's busy poll; an empty poll does
  // not cancel that.
  if (poll_once(0).io_events > 0) last_turn_had_io_ = true;
}

namespace {
// epoll_wait's timeout: rounded up, so that a short positive timeout does not degrade into a
// busy poll; -1 (forever) when there is none.
int epoll_timeout_ms(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  if (!timeout) return -1;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*timeout).count();
  return ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms < 0 ? 0 : ms);
}
}  // namespace

void EpollDriver::park(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  if (has_released_.load(std::memory_order_relaxed)) free_released();
  if (busy_poll_.count() > 0 && last_turn_had_io_ && (!timeout || timeout->count() > 0)) {
    // I/O is flowing: the next event is likely microseconds away, and catching it with
    // non-blocking polls saves this thread a sleep and the event's sender a wake-up (a
    // cross-CPU interrupt, costly in VMs). Bounded by busy_poll and by the timeout; an unpark
    // ends it at once (the eventfd is one of the polled sources).
    const auto start = std::chrono::steady_clock::now();
    const auto spin_end = start + (timeout ? std::min(busy_poll_, *timeout) : busy_poll_);
    auto now = start;
    do {
      if (const Turn turn = poll_once(0); turn.events > 0) {
        last_turn_had_io_ = turn.io_events > 0;
        return;
      }
      now = std::chrono::steady_clock::now();
    } while (now < spin_end);
    if (timeout) timeout = std::max(*timeout - (now - start), std::chrono::nanoseconds(0));
  }
  last_turn_had_io_ = poll_once(epoll_timeout_ms(timeout)).io_events > 0;
}

EpollDriver::Turn EpollDriver::poll_once(int timeout_ms) noexcept {
  // A new tick per epoll_wait: clear_readiness compares ticks, so two batches of events must
  // never share one (a task could otherwise clear readiness it has not seen).
  ++tick_;
  epoll_event events[64];
  const int n = ::epoll_wait(epoll_fd_, events, 64, timeout_ms);
  return Turn{n > 0 ? n : 0, dispatch(events, n)};
}

void EpollDriver::unpark() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto r = ::write(event_fd_, &one, sizeof one);
}

}  // namespace tokio::detail
