// OwnedFd: a file descriptor closed on destruction. Internal.
#pragma once

#include <unistd.h>

#include <utility>

namespace tokio::detail {

/// Owns a descriptor (or -1). Used as a coroutine parameter so that a Task dropped before it
/// ran still closes the descriptor it was given.
class OwnedFd {
 public:
  explicit OwnedFd(int fd) noexcept : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~OwnedFd() { reset(-1); }

  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

}  // namespace tokio::detail
