// The connected stream socket under TcpStream and UnixStream: the non-blocking read, write,
// peek and readiness operations, with errors that name the peer. Internal.
//
// Threads: one read-side operation (read, peek, readable) and one write-side operation (write,
// writable) may run at once from different tasks: each has its own waiter, and clearing
// readiness after EAGAIN only clears the interest that operation waited for.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <climits>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "tokio/detail/immediate_op.hpp"
#include "tokio/detail/poll_evented.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/ready.hpp"

namespace tokio::detail {

class StreamSocket {
 public:
  /// Takes `io`; `peer` names the other end in error messages ("127.0.0.1:80").
  StreamSocket(PollEvented io, std::string peer) noexcept
      : io_(std::move(io)), peer_(std::move(peer)) {}
  StreamSocket(StreamSocket&&) noexcept = default;
  StreamSocket& operator=(StreamSocket&&) noexcept = default;

  struct ReadCall {
    const StreamSocket* socket;
    std::byte* data;
    std::size_t len;
    int flags;      // 0 or MSG_PEEK
    int left = -1;  // bytes still queued after the read, when the kernel reports it (TCP_INQ)
    ssize_t operator()() noexcept {
      if (len == 0) return 0;
      if (!socket->report_inq_ || flags != 0) return ::recv(socket->fd(), data, len, flags);
      return recv_reporting_inq();
    }
    // The receive buffer is known empty after a short read, or when the kernel said so; a peek
    // consumed nothing, so proves nothing. Clearing readiness then spares the next read a
    // certain EAGAIN (a client that reads right after writing a request would make one per
    // request otherwise).
    bool drained(ssize_t n) const noexcept {
      return flags == 0 && n > 0 && (static_cast<std::size_t>(n) < len || left == 0);
    }
    std::size_t complete(ssize_t n) const noexcept { return static_cast<std::size_t>(n); }
    [[noreturn]] void fail(int err) const { socket->fail(err, flags ? "peek from" : "read from"); }
    const char* what() const noexcept { return "awaiting a socket read"; }

   private:
    ssize_t recv_reporting_inq() noexcept;
  };
  struct WriteCall {
    const StreamSocket* socket;
    const std::byte* data;
    std::size_t len;
    ssize_t operator()() const noexcept {
      // MSG_NOSIGNAL: a peer that closed gives EPIPE, never SIGPIPE.
      return len == 0 ? 0 : ::send(socket->fd(), data, len, MSG_NOSIGNAL);
    }
    bool drained(ssize_t n) const noexcept { return static_cast<std::size_t>(n) < len; }
    std::size_t complete(ssize_t n) const noexcept { return static_cast<std::size_t>(n); }
    [[noreturn]] void fail(int err) const { socket->fail(err, "write to"); }
    const char* what() const noexcept { return "awaiting a socket write"; }
  };
  struct WritevCall {
    const StreamSocket* socket;
    const io::IoSlice* slices;
    std::size_t count;
    std::size_t total;
    ssize_t operator()() const noexcept {
      if (total == 0) return 0;
      ::msghdr msg{};
      msg.msg_iov = const_cast<::iovec*>(reinterpret_cast<const ::iovec*>(slices));
      msg.msg_iovlen = count;  // at most IOV_MAX: see at_most_iov_max
      return ::sendmsg(socket->fd(), &msg, MSG_NOSIGNAL);
    }
    bool drained(ssize_t n) const noexcept { return static_cast<std::size_t>(n) < total; }
    std::size_t complete(ssize_t n) const noexcept { return static_cast<std::size_t>(n); }
    [[noreturn]] void fail(int err) const { socket->fail(err, "write to"); }
    const char* what() const noexcept { return "awaiting a socket write"; }
  };

  using ReadOp = IoOp<ReadCall>;
  using WriteOp = IoOp<WriteCall>;
  using WritevOp = IoOp<WritevCall>;

  /// The awaitable of readable / writable / ready: gives the readiness seen.
  class [[nodiscard]] ReadyOp {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    ReadyOp(ScheduledIo& io, io::Interest interest) noexcept
        : op_(io, interest, "awaiting socket readiness") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> awaiting) { return op_.await_suspend(awaiting); }
    io::Ready await_resume() noexcept { return op_.await_resume().ready; }

   private:
    ReadinessOp op_;
  };

  ReadOp read(std::span<std::byte> buf) const noexcept {
    return ReadOp(io_.io(), io::Interest::READABLE, ReadCall{this, buf.data(), buf.size(), 0});
  }
  ReadOp peek(std::span<std::byte> buf) const noexcept {
    return ReadOp(io_.io(), io::Interest::READABLE,
                  ReadCall{this, buf.data(), buf.size(), MSG_PEEK});
  }
  WriteOp write(std::span<const std::byte> buf) const noexcept {
    return WriteOp(io_.io(), io::Interest::WRITABLE, WriteCall{this, buf.data(), buf.size()});
  }
  /// The slices one sendmsg can take. `total` (what a short write is measured against) must
  /// count only these, or a write of all of them would look short and clear readiness.
  static std::span<const io::IoSlice> at_most_iov_max(std::span<const io::IoSlice> s) noexcept {
    constexpr std::size_t kMax = IOV_MAX;
    return s.size() > kMax ? s.first(kMax) : s;
  }

  WritevOp write_vectored(std::span<const io::IoSlice> slices) const noexcept {
    slices = at_most_iov_max(slices);
    std::size_t total = 0;
    for (const auto& s : slices)
      total += s.size();
    return WritevOp(io_.io(), io::Interest::WRITABLE,
                    WritevCall{this, slices.data(), slices.size(), total});
  }
  ReadyOp ready(io::Interest interest) const noexcept { return ReadyOp(io_.io(), interest); }

  std::optional<std::size_t> try_read(std::span<std::byte> buf, int flags) const;
  std::optional<std::size_t> try_write(std::span<const std::byte> buf) const;
  std::optional<std::size_t> try_write_vectored(std::span<const io::IoSlice> slices) const;
  /// shutdown(2) with SHUT_RD, SHUT_WR or SHUT_RDWR; throws naming the peer.
  void shutdown(int how) const;
  /// Asks a TCP socket to report, with each read, how many bytes are left (TCP_INQ, Linux
  /// 4.18+); without it (or on other sockets) reads work as before.
  void report_bytes_left() noexcept;

  int fd() const noexcept { return io_.fd(); }
  PollEvented& io() noexcept { return io_; }
  const std::string& peer() const noexcept { return peer_; }
  [[noreturn]] void fail(int err, const char* op) const;

 private:
  PollEvented io_;
  std::string peer_;
  bool report_inq_ = false;  // set once, before the socket is shared
};

}  // namespace tokio::detail
