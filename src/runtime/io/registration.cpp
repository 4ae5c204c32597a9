// ScheduledIo, Registration and the readiness awaitable (see tokio/detail/io_registration.hpp).
#include <mutex>
#include <utility>

#include "runtime/io/driver.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/io_registration.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/detail/wake_list.hpp"

namespace tokio::detail {

bool ScheduledIo::check(io::Ready interest, ReadyEvent& out) const noexcept {
  // acquire: pairs with set_readiness's release, so that what the driver saw is visible.
  const auto word = readiness_.load(std::memory_order_acquire);
  const io::Ready ready = io::Ready(static_cast<std::uint32_t>(word & kReadyMask)) & interest;
  if (ready.is_empty()) return false;
  out.ready = ready;
  out.tick = static_cast<std::uint32_t>((word & kTickMask) >> kTickShift);
  return true;
}

void ScheduledIo::set_readiness(io::Ready ready, std::uint32_t tick) noexcept {
  auto word = readiness_.load(std::memory_order_relaxed);
  std::uint64_t next;
  do {
    next = (word & kReadyMask) | ready.bits() | ((std::uint64_t{tick} << kTickShift) & kTickMask);
  } while (!readiness_.compare_exchange_weak(word, next, std::memory_order_release,
                                             std::memory_order_relaxed));
  // Wake the waiters this readiness satisfies, after unlocking. More than a WakeList holds are
  // woken in batches; the scan restarts after each (the list may have changed meanwhile).
  WakeList wake;
  std::unique_lock lock(mutex_);
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    IoWaiter& w = *it++;  // step past it before it is unlinked
    if ((w.interest & ready).is_empty()) continue;
    waiters_.remove(w);
    wake.push(std::move(w.waker));
    if (wake.full()) {
      wake.flush_if_full(lock);
      it = waiters_.begin();
    }
  }
  lock.unlock();
  wake.wake_all();
}

void ScheduledIo::clear_readiness(ReadyEvent event) noexcept {
  // Closed readiness is final. Error readiness is not (as in Tokio): a datagram socket's error
  // (an ICMP port unreachable on UDP) is reported by one call and the socket works on; epoll
  // reports EPOLLERR again for a new error. Keeping it would make every later EAGAIN spin.
  const std::uint64_t clear =
      event.ready.bits() & (io::Ready::kReadable | io::Ready::kWritable | io::Ready::kError);
  auto word = readiness_.load(std::memory_order_relaxed);
  for (;;) {
    if (((word & kTickMask) >> kTickShift) != (event.tick & (kTickMask >> kTickShift))) return;
    if (readiness_.compare_exchange_weak(word, word & ~clear, std::memory_order_relaxed,
                                         std::memory_order_relaxed))
      return;
  }
}

bool ScheduledIo::poll(IoWaiter& waiter, Header* task, ReadyEvent& out) {
  if (check(waiter.interest, out)) return true;
  if (!task) return false;
  std::lock_guard lock(mutex_);
  if (check(waiter.interest, out)) {  // set just now: see the header for the handshake
    if (IntrusiveList<IoWaiter>::is_linked(waiter)) waiters_.remove(waiter);
    return true;
  }
  if (waiter.waker_task != task || !waiter.waker) {
    waiter.waker = task_waker(task);
    waiter.waker_task = task;
  }
  if (!IntrusiveList<IoWaiter>::is_linked(waiter)) waiters_.push_back(waiter);
  return false;
}

void ScheduledIo::cancel(IoWaiter& waiter) noexcept {
  std::lock_guard lock(mutex_);
  if (IntrusiveList<IoWaiter>::is_linked(waiter)) waiters_.remove(waiter);
}

namespace {
IoDriver& current_io_driver() {
  auto& runtime = current_runtime("registering an I/O resource (tokio::net, io::unix::AsyncFd)");
  IoDriver* driver = runtime.io_driver();
  if (!driver)
    throw std::logic_error(
        "I/O is disabled on this runtime: build it with Builder::enable_io() or enable_all()");
  return *driver;
}
}  // namespace

Registration::Registration(int fd, IoKind kind) {
  IoDriver& driver = current_io_driver();
  runtime_ = tl_runtime->shared_from_this();
  driver_ = &driver;
  io_ = driver.register_io(fd, kind);
}

Registration::Registration(Registration&& other) noexcept
    : runtime_(std::move(other.runtime_)),
      driver_(std::exchange(other.driver_, nullptr)),
      io_(std::exchange(other.io_, nullptr)) {}

Registration& Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    deregister();
    runtime_ = std::move(other.runtime_);
    driver_ = std::exchange(other.driver_, nullptr);
    io_ = std::exchange(other.io_, nullptr);
  }
  return *this;
}

Registration::~Registration() {
  deregister();
}

void Registration::deregister() noexcept {
  if (io_) driver_->deregister_io(std::exchange(io_, nullptr));
}

}  // namespace tokio::detail
