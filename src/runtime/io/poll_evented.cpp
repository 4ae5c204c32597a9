// PollEvented: see tokio/detail/poll_evented.hpp.
#include "tokio/detail/poll_evented.hpp"

#include <unistd.h>

namespace tokio::detail {

namespace {
// Registers `fd`, closing it if registration throws: PollEvented owns it from the start.
Registration register_owned(int fd, IoKind kind) {
  try {
    return Registration(fd, kind);
  } catch (...) {
    ::close(fd);
    throw;
  }
}
}  // namespace

PollEvented::PollEvented(int fd, IoKind kind) : registration_(register_owned(fd, kind)) {}

int PollEvented::release() noexcept {
  const int fd = registration_.fd();
  registration_.deregister();
  return fd;
}

void PollEvented::close() noexcept {
  const int fd = release();
  if (fd >= 0) ::close(fd);
}

}  // namespace tokio::detail
