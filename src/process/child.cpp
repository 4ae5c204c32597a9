// Child: waiting for, killing and reaping a child process (see tokio/process/child.hpp).
#include "tokio/process/child.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "process/orphan.hpp"
#include "tokio/detail/io_registration.hpp"
#include "tokio/macros/join.hpp"

namespace tokio::process {

Child::Child(Child&& other) noexcept
    : stdin(std::move(other.stdin)),
      stdout(std::move(other.stdout)),
      stderr(std::move(other.stderr)),
      pid_(std::exchange(other.pid_, -1)),
      status_(other.status_),
      pidfd_(std::move(other.pidfd_)),
      sigchld_(std::move(other.sigchld_)),
      kill_on_drop_(other.kill_on_drop_) {
  other.pidfd_.reset();
  other.sigchld_.reset();
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    this->~Child();
    new (this) Child(std::move(other));
  }
  return *this;
}

Child::~Child() {
  pidfd_.reset();
  sigchld_.reset();
  if (pid_ < 0) return;
  if (kill_on_drop_) ::kill(pid_, SIGKILL);
  detail::orphan_push(pid_);
}

void Child::watch_exit(int pidfd) {
  if (pidfd >= 0) {
    pidfd_.emplace(pidfd, detail::IoKind::Notification);  // registers; closes it on failure
  } else {
    // No pidfd (a kernel before 5.3, or a sandbox): listen for SIGCHLD before the first
    // waitpid, so that no exit falls between the two.
    sigchld_.emplace(signal::signal(signal::SignalKind::child()));
  }
}

void Child::reaped(int wait_status) noexcept {
  status_ = ExitStatus::from_raw(wait_status);
  pid_ = -1;
  pidfd_.reset();
  sigchld_.reset();
}

std::optional<std::uint32_t> Child::id() const noexcept {
  if (pid_ < 0) return std::nullopt;
  return static_cast<std::uint32_t>(pid_);
}

std::optional<ExitStatus> Child::try_wait() {
  if (status_) return status_;
  if (pid_ < 0) throw std::logic_error("tokio::process::Child: used after being moved from");
  int status;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped(status);
      return status_;
    }
    if (r == 0) return std::nullopt;
    if (errno == EINTR) continue;
    const int err = errno;
    throw std::system_error(err, std::system_category(),
                            "tokio::process::Child: waiting for child " + std::to_string(pid_) +
                                " (reaped elsewhere: by waitpid(-1), or with SIGCHLD ignored?)");
  }
}

Task<ExitStatus> Child::wait() {
  stdin.reset();  // a child that reads its input to the end can finish
  for (;;) {
    if (auto status = try_wait()) co_return *status;
    if (pidfd_) {
      co_await detail::ReadinessOp(pidfd_->io(), io::Interest::READABLE,
                                   "awaiting tokio::process::Child::wait()");
      // A pidfd turns readable at exit, so the next waitpid reaps. It is deregistered first:
      // reaping raises one more event on it (HUP) that would only wake a worker for nothing.
      const int fd = pidfd_->release();
      pidfd_.reset();
      std::optional<ExitStatus> status;
      try {
        status = try_wait();
      } catch (...) {
        ::close(fd);
        throw;
      }
      if (status) {
        ::close(fd);
        co_return *status;
      }
      pidfd_.emplace(fd, detail::IoKind::Notification);  // not reapable after all: watch again
    } else {
      co_await sigchld_->recv();
    }
  }
}

void Child::start_kill() {
  if (status_)
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "tokio::process::Child::start_kill: the child has exited and was "
                            "waited for; there is nothing to kill");
  if (pid_ < 0) throw std::logic_error("tokio::process::Child: used after being moved from");
  if (::kill(pid_, SIGKILL) != 0)
    throw std::system_error(errno, std::system_category(),
                            "tokio::process::Child::start_kill: kill " + std::to_string(pid_));
}

Task<void> Child::kill() {
  start_kill();
  co_await wait();
}

namespace {
Task<std::string> read_all(std::optional<ChildOutput>* pipe) {
  std::string out;
  if (*pipe) co_await (*pipe)->read_to_string(out);
  co_return out;
}
}  // namespace

Task<Output> Child::wait_with_output() {
  stdin.reset();
  auto [status, out, err] = co_await tokio::join(wait(), read_all(&stdout), read_all(&stderr));
  stdout.reset();
  stderr.reset();
  co_return Output{status, std::move(out), std::move(err)};
}

}  // namespace tokio::process
