// The datagram socket under UdpSocket and UnixDatagram: send / send_to / recv / recv_from /
// peek operations run by IoOp, with errors that name the address. Internal.
//
// Datagram calls never report "drained" (see IoOp's Call contract): one datagram received or
// sent says nothing about what else is queued, so readiness is cleared only by an EAGAIN.
// Each call keeps the addresses it needs inside itself (the IoOp in the awaiting frame), so
// nothing outlives the frame and an operation dropped before completing consumed nothing.
//
// Threads: any number of operations may run at once from different tasks; each has its own
// waiter. A datagram is received whole by one of them (the kernel serialises recvfrom).
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "tokio/detail/poll_evented.hpp"
#include "tokio/detail/stream_socket.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/io/ready.hpp"

namespace tokio::detail {

/// "127.0.0.1:80", "[::1]:80", "/run/app.sock", "@abstract" or "(unnamed)": for messages.
std::string describe_sockaddr(const ::sockaddr* addr, ::socklen_t len);

class DatagramSocket {
 public:
  explicit DatagramSocket(PollEvented io) noexcept : io_(std::move(io)) {}
  DatagramSocket(DatagramSocket&& other) noexcept
      : io_(std::move(other.io_)),
        read_shutdown_(other.read_shutdown_.load(std::memory_order_relaxed)) {}
  DatagramSocket& operator=(DatagramSocket&& other) noexcept {
    io_ = std::move(other.io_);
    read_shutdown_.store(other.read_shutdown_.load(std::memory_order_relaxed),
                         std::memory_order_relaxed);
    return *this;
  }

  /// One sendto(2): to the connected peer when `to_len` is 0.
  struct SendCall {
    const DatagramSocket* socket;
    const std::byte* data;
    std::size_t len;
    ::sockaddr_storage to;
    ::socklen_t to_len;
    ssize_t operator()() const noexcept {
      return ::sendto(socket->fd(), data, len, MSG_NOSIGNAL,
                      to_len ? reinterpret_cast<const ::sockaddr*>(&to) : nullptr, to_len);
    }
    bool drained(ssize_t) const noexcept { return false; }
    std::size_t complete(ssize_t n) const noexcept { return static_cast<std::size_t>(n); }
    [[noreturn]] void fail(int err) const {
      socket->fail_send(err, reinterpret_cast<const ::sockaddr*>(&to), to_len);
    }
    const char* what() const noexcept { return "awaiting a datagram send"; }
  };

  /// What a receive gives: the size, the size and the sender, or the sender alone.
  enum class RecvKind { Size, SizeAndSender, Sender };

  /// One recvfrom(2) (flags 0 or MSG_PEEK). `Addr` is the address type of the sender
  /// (net::SocketAddr or net::unix::SocketAddr); unused for RecvKind::Size.
  template <class Addr, RecvKind kKind>
  struct RecvCall {
    const DatagramSocket* socket;
    std::byte* data;
    std::size_t len;
    int flags;
    ::sockaddr_storage from{};
    ::socklen_t from_len = 0;
    ssize_t operator()() noexcept {
      from_len = sizeof from;
      const ssize_t n = ::recvfrom(socket->fd(), data, len, flags,
                                   reinterpret_cast<::sockaddr*>(&from), &from_len);
      if (n < 0 && socket->is_read_shut_down_eagain()) {
        from_len = 0;  // no datagram, no sender
        return 0;
      }
      return n;
    }
    bool drained(ssize_t) const noexcept { return false; }
    auto complete(ssize_t n) const {
      const auto size = static_cast<std::size_t>(n);
      if constexpr (kKind == RecvKind::Size) {
        return size;
      } else {
        Addr sender = Addr::from_sockaddr(reinterpret_cast<const ::sockaddr*>(&from), from_len);
        if constexpr (kKind == RecvKind::Sender)
          return sender;
        else
          return std::pair<std::size_t, Addr>(size, std::move(sender));
      }
    }
    [[noreturn]] void fail(int err) const { socket->fail_recv(err, flags); }
    const char* what() const noexcept { return "awaiting a datagram receive"; }
  };

  using SendOp = IoOp<SendCall>;
  template <class Addr, RecvKind kKind>
  using RecvOp = IoOp<RecvCall<Addr, kKind>>;
  using ReadyOp = StreamSocket::ReadyOp;

  /// Sends to the connected peer (`to` null) or to `to`.
  SendOp send(std::span<const std::byte> buf, const ::sockaddr* to = nullptr,
              ::socklen_t to_len = 0) const noexcept {
    return SendOp(io_.io(), io::Interest::WRITABLE, make_send(buf, to, to_len));
  }
  template <class Addr, RecvKind kKind>
  RecvOp<Addr, kKind> recv(std::span<std::byte> buf, int flags) const noexcept {
    return RecvOp<Addr, kKind>(io_.io(), io::Interest::READABLE,
                               RecvCall<Addr, kKind>{this, buf.data(), buf.size(), flags});
  }
  ReadyOp ready(io::Interest interest) const noexcept { return ReadyOp(io_.io(), interest); }

  /// One non-blocking send; std::nullopt when the send buffer is full.
  std::optional<std::size_t> try_send(std::span<const std::byte> buf, const ::sockaddr* to,
                                      ::socklen_t to_len) const;
  /// One non-blocking receive; std::nullopt when no datagram is queued. With `from`, the
  /// sender's address is stored there (`from_len` in: its size; out: the length used).
  std::optional<std::size_t> try_recv(std::span<std::byte> buf, int flags, ::sockaddr_storage* from,
                                      ::socklen_t* from_len) const;
  /// shutdown(2); throws naming the socket.
  void shutdown(int how) const;

  int fd() const noexcept { return io_.fd(); }
  PollEvented& io() noexcept { return io_; }

  /// After shutdown(SHUT_RD) a Unix datagram socket's recvfrom fails with EAGAIN while epoll
  /// reports it read-closed (final readiness): waiting would spin, so a receive gives 0 at once
  /// instead, with no sender. Called right after a failed recvfrom (reads errno).
  bool is_read_shut_down_eagain() const noexcept {
    return (errno == EAGAIN || errno == EWOULDBLOCK) &&
           read_shutdown_.load(std::memory_order_relaxed);
  }

  /// "sending to <to>" (or to the connected peer when `to_len` is 0); throws.
  [[noreturn]] void fail_send(int err, const ::sockaddr* to, ::socklen_t to_len) const;
  /// "receiving on <local address>" / "peeking on ..."; throws.
  [[noreturn]] void fail_recv(int err, int flags) const;
  /// The peer's address for messages, or "<local> (not connected)".
  std::string describe_peer() const;
  /// The local address for messages.
  std::string describe_local() const;

 private:
  SendCall make_send(std::span<const std::byte> buf, const ::sockaddr* to,
                     ::socklen_t to_len) const noexcept;

  PollEvented io_;
  // Set by shutdown(SHUT_RD / SHUT_RDWR), read by receives on any thread. Relaxed: it only
  // turns a later EAGAIN into "no datagram"; the kernel's own state orders the rest.
  mutable seam::atomic<bool> read_shutdown_{false};
};

}  // namespace tokio::detail
