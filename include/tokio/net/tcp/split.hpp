// The halves of a TcpStream: borrowed (TcpStream::split) and owned (TcpStream::into_split), so
// that one task reads while another writes.
#pragma once

#include <memory>
#include <utility>

#include "tokio/net/tcp/stream.hpp"
#include "tokio/result.hpp"

namespace tokio::net::tcp {

/// The read-side operations of a half, over `Half::stream()` (CRTP).
template <class Half>
class HalfReadOps : public io::AsyncReadExt<Half> {
 public:
  /// TcpStream::read. Cancel-safe.
  template <io::MutableBuffer B>
  auto read(B&& buf) const noexcept {
    return stream().read(std::forward<B>(buf));
  }
  /// TcpStream::peek. Cancel-safe.
  template <io::MutableBuffer B>
  auto peek(B&& buf) const noexcept {
    return stream().peek(std::forward<B>(buf));
  }
  /// TcpStream::try_read.
  template <io::MutableBuffer B>
  std::optional<std::size_t> try_read(B&& buf) const {
    return stream().try_read(std::forward<B>(buf));
  }
  /// TcpStream::readable. Cancel-safe.
  auto readable() const noexcept { return stream().readable(); }
  SocketAddr peer_addr() const { return stream().peer_addr(); }
  SocketAddr local_addr() const { return stream().local_addr(); }

 private:
  const TcpStream& stream() const noexcept { return static_cast<const Half&>(*this).stream(); }
};

/// The write-side operations of a half, over `Half::stream()` (CRTP).
template <class Half>
class HalfWriteOps : public io::AsyncWriteExt<Half> {
 public:
  /// TcpStream::write. Cancel-safe.
  template <io::ConstBuffer B>
  auto write(B&& buf) const noexcept {
    return stream().write(std::forward<B>(buf));
  }
  /// TcpStream::write_vectored. Cancel-safe.
  auto write_vectored(std::span<const io::IoSlice> slices) const noexcept {
    return stream().write_vectored(slices);
  }
  /// Completes at once (nothing is buffered).
  auto flush() const noexcept { return stream().flush(); }
  /// Shuts down the write side of the whole stream.
  auto shutdown() const noexcept { return stream().shutdown(); }
  /// TcpStream::try_write.
  template <io::ConstBuffer B>
  std::optional<std::size_t> try_write(B&& buf) const {
    return stream().try_write(std::forward<B>(buf));
  }
  /// TcpStream::writable. Cancel-safe.
  auto writable() const noexcept { return stream().writable(); }
  SocketAddr peer_addr() const { return stream().peer_addr(); }
  SocketAddr local_addr() const { return stream().local_addr(); }

 private:
  const TcpStream& stream() const noexcept { return static_cast<const Half&>(*this).stream(); }
};
/// The read half of TcpStream::split: an io::AsyncRead borrowing the stream.
class ReadHalf : public HalfReadOps<ReadHalf> {
 public:
  explicit ReadHalf(TcpStream& stream) noexcept : stream_(&stream) {}

 private:
  friend class HalfReadOps<ReadHalf>;
  const TcpStream& stream() const noexcept { return *stream_; }
  TcpStream* stream_;
};

/// The write half of TcpStream::split: an io::AsyncWrite borrowing the stream. shutdown()
/// shuts the write side down for the whole stream.
class WriteHalf : public HalfWriteOps<WriteHalf> {
 public:
  explicit WriteHalf(TcpStream& stream) noexcept : stream_(&stream) {}

 private:
  friend class HalfWriteOps<WriteHalf>;
  const TcpStream& stream() const noexcept { return *stream_; }
  TcpStream* stream_;
};

class OwnedWriteHalf;

/// The read half of TcpStream::into_split: an io::AsyncRead that shares the stream with its
/// OwnedWriteHalf. The connection closes when both halves are gone.
class OwnedReadHalf : public HalfReadOps<OwnedReadHalf> {
 public:
  /// True when `write` came from the same into_split.
  bool is_pair_of(const OwnedWriteHalf& write) const noexcept;

 private:
  friend class tokio::net::TcpStream;
  friend class HalfReadOps<OwnedReadHalf>;
  friend Result<TcpStream, struct ReuniteError> reunite(OwnedReadHalf, OwnedWriteHalf);
  explicit OwnedReadHalf(std::shared_ptr<TcpStream> s) noexcept : stream_(std::move(s)) {}
  const TcpStream& stream() const noexcept { return *stream_; }
  std::shared_ptr<TcpStream> stream_;
};

/// The write half of TcpStream::into_split: an io::AsyncWrite sharing the stream with its
/// OwnedReadHalf. Destroying it shuts the write side down (the peer reads end of stream),
/// unless forget() was called.
class OwnedWriteHalf : public HalfWriteOps<OwnedWriteHalf> {
 public:
  OwnedWriteHalf(OwnedWriteHalf&&) noexcept = default;
  OwnedWriteHalf& operator=(OwnedWriteHalf&& other) noexcept {
    if (this != &other) {
      shutdown_on_drop();
      stream_ = std::move(other.stream_);
      shutdown_on_drop_ = std::exchange(other.shutdown_on_drop_, false);
    }
    return *this;
  }
  ~OwnedWriteHalf() { shutdown_on_drop(); }
  /// Destroying this half will not shut the write side down.
  void forget() noexcept { shutdown_on_drop_ = false; }

 private:
  friend class tokio::net::TcpStream;
  friend class OwnedReadHalf;
  friend class HalfWriteOps<OwnedWriteHalf>;
  friend Result<TcpStream, struct ReuniteError> reunite(OwnedReadHalf, OwnedWriteHalf);
  explicit OwnedWriteHalf(std::shared_ptr<TcpStream> s) noexcept : stream_(std::move(s)) {}
  const TcpStream& stream() const noexcept { return *stream_; }
  void shutdown_on_drop() noexcept;
  std::shared_ptr<TcpStream> stream_;
  bool shutdown_on_drop_ = true;
};

/// reunite's error: the two halves were not from the same stream; both are given back.
struct ReuniteError {
  OwnedReadHalf read;
  OwnedWriteHalf write;
};

/// Puts the halves of one into_split back together; gives them back in a ReuniteError when
/// they belong to different streams.
Result<TcpStream, ReuniteError> reunite(OwnedReadHalf read, OwnedWriteHalf write);

inline bool OwnedReadHalf::is_pair_of(const OwnedWriteHalf& write) const noexcept {
  return stream_ && stream_ == write.stream_;
}

}  // namespace tokio::net::tcp
