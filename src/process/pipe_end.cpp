#include "tokio/detail/pipe_end.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace tokio::detail {

ssize_t write_without_sigpipe(int fd, const void* data, std::size_t len) noexcept {
  sigset_t pipe_only, previous;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  // A SIGPIPE already pending for this thread (blocked by the program) is not ours to take.
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  const ssize_t n = ::write(fd, data, len);
  const int err = errno;
  if (n < 0 && err == EPIPE && !was_pending) {
    const timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = err;
  return n;
}

ssize_t PipeEnd::ReadCall::operator()() const noexcept {
  return len == 0 ? 0 : ::read(pipe->fd(), data, len);
}

void PipeEnd::fail(int err, const char* op) const {
  throw std::system_error(err, std::system_category(), std::string(op) + " " + name_);
}

}  // namespace tokio::detail
