// PollEvented: see tokio/detail/poll_evented.hpp.
#include "tokio/detail/poll_evented.hpp"

#include <unistd.h>

namespace tokio::detail {

namespace {
// Registers `fd`, closing it if registration throws: PollEvented owns it from the start.
Registration register_owned(int fd) {
  try {
    return Registration(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
}
}  // namespace

PollEvented::PollEvented(int fd) : registration_(register_owned(fd)) {}

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
