// The process-wide signal registry (see tokio/detail/signal_registry.hpp).
#include "signal/registry.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "runtime/signal/driver.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/detail/signal_registry.hpp"
#include "tokio/detail/spin_mutex.hpp"
#include "tokio/detail/wake_list.hpp"

namespace tokio::detail {

namespace {

// Linux numbers signals 1..64 (SIGRTMAX); NSIG is 65.
constexpr int kSlots = NSIG;

struct Slot {
  // Raised by the handler, taken by signal_broadcast. Lock-free, so usable in a handler.
  std::atomic<bool> pending{false};
  std::atomic<std::uint64_t> generation{0};
  SpinMutex mutex;
  IntrusiveList<SignalWaiter> waiters;  // guarded by mutex
  // The disposition found when the handler was installed: a function there is still called
  // (chained), so that a library that handled the signal before keeps working. Written once,
  // before the handler is installed (sigaction orders it before any delivery).
  struct sigaction previous {};
  bool installed = false;  // guarded by install_mutex
};

std::array<Slot, kSlots> slots;
std::mutex install_mutex;  // serialises installs and the pipe's creation
// The pipe; written (write end) by handlers, so plain ints published before any install.
std::atomic<int> pipe_read{-1};
std::atomic<int> pipe_write{-1};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int signum, siginfo_t* info, void* ucontext) {
  const int saved_errno = errno;
  Slot& slot = slots[static_cast<std::size_t>(signum)];
  // seq_cst: the broadcaster reads the pipe and then takes the flag, so the flag must be
  // visible before the byte is.
  slot.pending.store(true);
  const char byte = 1;
  // A full pipe already guarantees a wake-up: EAGAIN is fine.
  [[maybe_unused]] auto written = ::write(pipe_write.load(std::memory_order_relaxed), &byte, 1);
  const struct sigaction& previous = slot.previous;
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction) previous.sa_sigaction(signum, info, ucontext);
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signum);
  }
  errno = saved_errno;
}

bool is_forbidden(int signum) noexcept {
  return signum == SIGKILL || signum == SIGSTOP || signum == SIGILL || signum == SIGFPE ||
         signum == SIGSEGV;
}

// Caller holds install_mutex.
void create_pipe_locked() {
  if (pipe_read.load(std::memory_order_relaxed) >= 0) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "tokio::signal: creating the signal pipe (pipe2)");
  pipe_write.store(fds[1], std::memory_order_relaxed);
  pipe_read.store(fds[0], std::memory_order_release);
}

Slot& slot_of(int signum) noexcept {
  return slots[static_cast<std::size_t>(signum)];
}

}  // namespace

int signal_pipe_read_fd() {
  if (const int fd = pipe_read.load(std::memory_order_acquire); fd >= 0) return fd;
  std::lock_guard lock(install_mutex);
  create_pipe_locked();
  return pipe_read.load(std::memory_order_relaxed);
}

// Refuses a number that is not a signal, or one that cannot be handled.
static void check_signal_number(int signum, const char* what) {
  if (signum <= 0 || signum >= kSlots)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(signum) +
                                " is not a signal number (1 to " + std::to_string(kSlots - 1) +
                                ")");
  if (is_forbidden(signum))
    throw std::invalid_argument(std::string(what) + ": signal " + std::to_string(signum) + " (SIG" +
                                ::sigabbrev_np(signum) +
                                ") cannot be handled: SIGKILL, SIGSTOP, SIGILL, SIGFPE and "
                                "SIGSEGV are refused");
}

void signal_install(int signum, const char* what) {
  check_signal_number(signum, what);
  std::lock_guard lock(install_mutex);
  Slot& slot = slot_of(signum);
  if (slot.installed) return;
  create_pipe_locked();
  struct sigaction action {};
  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  if (::sigaction(signum, nullptr, &slot.previous) != 0 ||
      ::sigaction(signum, &action, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(),
                            std::string(what) + ": installing the handler of signal " +
                                std::to_string(signum) + " (sigaction)");
  slot.installed = true;
}

void enable_current_signal_driver() {
  if (RuntimeInner* runtime = tl_runtime)
    if (SignalDriver* driver = runtime->signal_driver()) driver->enable();
}

void signal_enable(int signum, const char* what) {
  // Checked first, so that a bad number gets its own error also outside a runtime.
  check_signal_number(signum, what);
  SignalDriver* driver = current_runtime(what).signal_driver();
  if (!driver)
    throw std::logic_error(std::string(what) +
                           " needs a runtime with the I/O driver: build it with enable_io() or "
                           "enable_all()");
  signal_install(signum, what);
  driver->enable();
}

std::uint64_t signal_generation(int signum) noexcept {
  return slot_of(signum).generation.load(std::memory_order_acquire);
}

bool signal_poll(int signum, std::uint64_t& seen, SignalWaiter& waiter, Header* task) {
  Slot& slot = slot_of(signum);
  if (const auto now = slot.generation.load(std::memory_order_acquire); now != seen) {
    seen = now;
    if (waiter.registered) signal_cancel(signum, waiter);
    return true;
  }
  if (!task) return false;
  // The task may run on a runtime other than the one the listener was made on: make sure this
  // one reads the signal pipe too (one load once it does).
  enable_current_signal_driver();
  Waker replaced;  // dropped after the lock
  std::lock_guard lock(slot.mutex);
  // The broadcaster bumps the generation before it takes the lock: checked again here, one of
  // the two sees the other.
  if (const auto now = slot.generation.load(std::memory_order_acquire); now != seen) {
    seen = now;
    if (waiter.queued) slot.waiters.remove(waiter);
    waiter.queued = false;
    waiter.registered = false;
    replaced = std::move(waiter.waker);
    return true;
  }
  // Unqueued means the broadcaster took the waker (or there never was one).
  if (!waiter.queued || waiter.waker_task != task) {
    replaced = std::exchange(waiter.waker, task_waker(task));
    waiter.waker_task = task;
  }
  if (!waiter.queued) {
    slot.waiters.push_back(waiter);
    waiter.queued = true;
  }
  waiter.registered = true;
  return false;
}

void signal_cancel(int signum, SignalWaiter& waiter) noexcept {
  Slot& slot = slot_of(signum);
  Waker dropped;  // dropped after the lock
  std::lock_guard lock(slot.mutex);
  if (waiter.queued) slot.waiters.remove(waiter);
  waiter.queued = false;
  waiter.registered = false;
  dropped = std::move(waiter.waker);
}

void signal_broadcast() noexcept {
  const int fd = pipe_read.load(std::memory_order_acquire);
  char sink[64];
  while (::read(fd, sink, sizeof sink) > 0) {
  }
  for (int signum = 1; signum < kSlots; ++signum) {
    Slot& slot = slot_of(signum);
    // seq_cst, after the read: a handler that wrote a byte we drained raised the flag first.
    if (!slot.pending.load(std::memory_order_relaxed) || !slot.pending.exchange(false)) continue;
    slot.generation.fetch_add(1, std::memory_order_acq_rel);
    WakeList wake;
    std::unique_lock lock(slot.mutex);
    wake.drain(slot.waiters, lock, [](SignalWaiter& w) {
      w.queued = false;
      return std::move(w.waker);
    });
    lock.unlock();
  }
}

}  // namespace tokio::detail
