// The public I/O operations of a connected stream socket, shared by TcpStream and UnixStream
// (CRTP base): the AsyncRead / AsyncWrite members, peek, the try_* calls and the readiness
// waits, plus the io utilities as members (AsyncReadExt / AsyncWriteExt).
//
// Threads: one read-side operation (read, peek, readable) and one write-side operation (write,
// writable) may run at once, from two tasks (see detail::StreamSocket); two reads at once, or
// two writes at once, are a misuse whose bytes interleave unpredictably.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <optional>
#include <span>
#include <utility>

#include "tokio/detail/stream_socket.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/ready.hpp"
#include "tokio/io/util/ext.hpp"

namespace tokio::detail {

// The halves of a connected stream (tokio/detail/split.hpp), named by the streams' split().
template <class Stream>
class BorrowedReadHalf;
template <class Stream>
class BorrowedWriteHalf;
template <class Stream>
class OwnedReadHalf;
template <class Stream>
class OwnedWriteHalf;

template <class Derived>
class ConnectedStream : public io::AsyncReadExt<Derived>, public io::AsyncWriteExt<Derived> {
 public:
  int as_raw_fd() const noexcept { return socket_.fd(); }

  // ---- AsyncRead / AsyncWrite -------------------------------------------------------------

  /// Reads what is available, up to buf's size: at least 1 byte, or 0 at end of stream (and
  /// for an empty buf). Cancel-safe: a read that did not complete consumed nothing.
  template <io::MutableBuffer B>
  StreamSocket::ReadOp read(B&& buf) const noexcept {
    return socket_.read(io::as_mutable_bytes(buf));
  }
  /// Writes some of buf (at least 1 byte unless buf is empty) and gives how many. Writing to a
  /// peer that closed throws broken_pipe or connection_reset, never raises SIGPIPE.
  /// Cancel-safe: a write that did not complete sent nothing.
  template <io::ConstBuffer B>
  StreamSocket::WriteOp write(B&& buf) const noexcept {
    return socket_.write(io::as_const_bytes(buf));
  }
  /// Writes from several buffers in one system call (sendmsg); gives the bytes taken, in
  /// order across the slices. Cancel-safe.
  StreamSocket::WritevOp write_vectored(std::span<const io::IoSlice> slices) const noexcept {
    return socket_.write_vectored(slices);
  }
  /// Nothing is buffered in user space: completes at once.
  auto flush() const noexcept {
    return ImmediateOp{[] {}};
  }
  /// Shuts the write side down (the peer reads end of stream); reading stays possible.
  /// Completes at once; throws std::system_error if the socket refuses (not connected).
  auto shutdown() const noexcept {
    return ImmediateOp{[this] { socket_.shutdown(SHUT_WR); }};
  }

  // ---- more reading and writing -----------------------------------------------------------

  /// Like read, but the bytes stay in the socket for the next read. Cancel-safe.
  template <io::MutableBuffer B>
  StreamSocket::ReadOp peek(B&& buf) const noexcept {
    return socket_.peek(io::as_mutable_bytes(buf));
  }
  /// One non-blocking read: the byte count (0 at end of stream), or std::nullopt when nothing
  /// is available now (wait with readable()). Other errors throw std::system_error.
  template <io::MutableBuffer B>
  std::optional<std::size_t> try_read(B&& buf) const {
    return socket_.try_read(io::as_mutable_bytes(buf), 0);
  }
  /// One non-blocking write: the byte count, or std::nullopt when the send buffer is full
  /// (wait with writable()). Other errors throw std::system_error.
  template <io::ConstBuffer B>
  std::optional<std::size_t> try_write(B&& buf) const {
    return socket_.try_write(io::as_const_bytes(buf));
  }
  /// try_write from several buffers at once.
  std::optional<std::size_t> try_write_vectored(std::span<const io::IoSlice> slices) const {
    return socket_.try_write_vectored(slices);
  }
  /// Waits until the stream is readable (data, end of stream or an error is pending).
  /// Cancel-safe. May be spurious: try_read can still give std::nullopt.
  StreamSocket::ReadyOp readable() const noexcept { return socket_.ready(io::Interest::READABLE); }
  /// Waits until the stream is writable. Cancel-safe. May be spurious.
  StreamSocket::ReadyOp writable() const noexcept { return socket_.ready(io::Interest::WRITABLE); }
  /// Waits for any of `interest`; gives the readiness seen. Cancel-safe.
  StreamSocket::ReadyOp ready(io::Interest interest) const noexcept {
    return socket_.ready(interest);
  }

 protected:
  explicit ConnectedStream(StreamSocket socket) noexcept : socket_(std::move(socket)) {}
  ConnectedStream(ConnectedStream&&) noexcept = default;
  ConnectedStream& operator=(ConnectedStream&&) noexcept = default;
  ~ConnectedStream() = default;

  StreamSocket socket_;
};

}  // namespace tokio::detail
