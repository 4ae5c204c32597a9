// tokio::net::TcpSocket: a TCP socket configured before it connects or listens.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "tokio/net/socket_addr.hpp"
#include "tokio/net/tcp/listener.hpp"
#include "tokio/net/tcp/stream.hpp"
#include "tokio/task/task.hpp"

namespace tokio::net {

/// A TCP socket that has not yet been turned into a TcpStream or TcpListener: set options,
/// bind, then connect() or listen(). Owns its descriptor until then. Option setters throw
/// std::system_error naming the option on failure.
class TcpSocket {
 public:
  /// A new IPv4 / IPv6 socket. Throws std::system_error (e.g. out of descriptors).
  static TcpSocket new_v4();
  static TcpSocket new_v6();
  /// Takes a socket descriptor (made non-blocking).
  static TcpSocket from_std(int fd);
  /// Gives the descriptor back; the TcpSocket is then empty.
  int into_std() &&;
  int as_raw_fd() const noexcept { return fd_; }

  TcpSocket(TcpSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  TcpSocket& operator=(TcpSocket&& other) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;
  ~TcpSocket();

  void set_reuseaddr(bool on);
  bool reuseaddr() const;
  void set_reuseport(bool on);
  bool reuseport() const;
  void set_send_buffer_size(std::uint32_t size);
  std::uint32_t send_buffer_size() const;
  void set_recv_buffer_size(std::uint32_t size);
  std::uint32_t recv_buffer_size() const;
  void set_keepalive(bool on);
  bool keepalive() const;
  void set_nodelay(bool on);
  bool nodelay() const;
  void set_linger(std::optional<std::chrono::seconds> linger);
  std::optional<std::chrono::seconds> linger() const;

  /// Binds to a local address. Throws std::system_error naming it (address_in_use...).
  void bind(SocketAddr addr);
  /// The bound address (getsockname); throws std::system_error on failure.
  SocketAddr local_addr() const;
  /// Connects; the socket is consumed. Throws std::system_error naming `addr`.
  /// Needs a runtime with I/O enabled.
  Task<TcpStream> connect(SocketAddr addr) &&;
  /// Listens with the given backlog; the socket is consumed. Throws std::system_error.
  TcpListener listen(std::uint32_t backlog) &&;

 private:
  explicit TcpSocket(int fd) noexcept : fd_(fd) {}
  int checked_fd(const char* what) const;
  int fd_ = -1;
};

}  // namespace tokio::net
