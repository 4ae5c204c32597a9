// The halves of a connected stream, generic over the stream type: borrowed (split) and owned
// (into_split), so that one task reads while another writes. TcpStream's and UnixStream's
// halves are these. The read side forwards read / peek / try_read / readable, the write side
// write / write_vectored / flush / shutdown / try_write / writable. Internal: users see them as
// tokio::net::tcp::ReadHalf, tokio::net::unix::ReadHalf etc.
//
// Ownership: a borrowed half holds a pointer to a stream that must outlive it. The owned halves
// share the stream through one std::shared_ptr; the stream closes when both are gone. Using
// the two halves at once from two tasks is safe because the stream allows one read-side and
// one write-side operation at a time (see detail::StreamSocket).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "tokio/io/buffer.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/result.hpp"

namespace tokio::detail {

/// The read-side operations of a half over `Half::stream()` (CRTP); each is the stream's own,
/// with its cancel safety. The io utilities are members too (read_exact, read_u32...).
template <class Half, class Stream>
class HalfReadOps : public io::AsyncReadExt<Half> {
 public:
  template <io::MutableBuffer B>
  auto read(B&& buf) const noexcept {
    return stream().read(std::forward<B>(buf));
  }
  template <io::MutableBuffer B>
  auto peek(B&& buf) const noexcept {
    return stream().peek(std::forward<B>(buf));
  }
  template <io::MutableBuffer B>
  std::optional<std::size_t> try_read(B&& buf) const {
    return stream().try_read(std::forward<B>(buf));
  }
  auto readable() const noexcept { return stream().readable(); }
  auto peer_addr() const { return stream().peer_addr(); }
  auto local_addr() const { return stream().local_addr(); }

 private:
  const Stream& stream() const noexcept { return static_cast<const Half&>(*this).stream(); }
};

/// The write-side operations of a half over `Half::stream()` (CRTP). shutdown() shuts the
/// write side of the whole stream down.
template <class Half, class Stream>
class HalfWriteOps : public io::AsyncWriteExt<Half> {
 public:
  template <io::ConstBuffer B>
  auto write(B&& buf) const noexcept {
    return stream().write(std::forward<B>(buf));
  }
  auto write_vectored(std::span<const io::IoSlice> slices) const noexcept {
    return stream().write_vectored(slices);
  }
  auto flush() const noexcept { return stream().flush(); }
  auto shutdown() const noexcept { return stream().shutdown(); }
  template <io::ConstBuffer B>
  std::optional<std::size_t> try_write(B&& buf) const {
    return stream().try_write(std::forward<B>(buf));
  }
  auto writable() const noexcept { return stream().writable(); }
  auto peer_addr() const { return stream().peer_addr(); }
  auto local_addr() const { return stream().local_addr(); }

 private:
  const Stream& stream() const noexcept { return static_cast<const Half&>(*this).stream(); }
};

/// The read half of Stream::split: an io::AsyncRead borrowing the stream.
template <class Stream>
class BorrowedReadHalf : public HalfReadOps<BorrowedReadHalf<Stream>, Stream> {
 public:
  explicit BorrowedReadHalf(Stream& stream) noexcept : stream_(&stream) {}

 private:
  friend class HalfReadOps<BorrowedReadHalf, Stream>;
  const Stream& stream() const noexcept { return *stream_; }
  Stream* stream_;
};

/// The write half of Stream::split: an io::AsyncWrite borrowing the stream.
template <class Stream>
class BorrowedWriteHalf : public HalfWriteOps<BorrowedWriteHalf<Stream>, Stream> {
 public:
  explicit BorrowedWriteHalf(Stream& stream) noexcept : stream_(&stream) {}

 private:
  friend class HalfWriteOps<BorrowedWriteHalf, Stream>;
  const Stream& stream() const noexcept { return *stream_; }
  Stream* stream_;
};

struct SplitAccess;
template <class Stream>
class OwnedWriteHalf;

/// The read half of Stream::into_split: shares the stream with its OwnedWriteHalf.
template <class Stream>
class OwnedReadHalf : public HalfReadOps<OwnedReadHalf<Stream>, Stream> {
 public:
  /// True when `write` came from the same into_split.
  bool is_pair_of(const OwnedWriteHalf<Stream>& write) const noexcept {
    return stream_ && stream_ == write.stream_;
  }

 private:
  friend struct SplitAccess;
  friend class HalfReadOps<OwnedReadHalf, Stream>;
  explicit OwnedReadHalf(std::shared_ptr<Stream> s) noexcept : stream_(std::move(s)) {}
  const Stream& stream() const noexcept { return *stream_; }
  std::shared_ptr<Stream> stream_;
};

/// The write half of Stream::into_split. Destroying it shuts the write side down (the peer
/// reads end of stream) even while the read half lives, unless forget() was called.
template <class Stream>
class OwnedWriteHalf : public HalfWriteOps<OwnedWriteHalf<Stream>, Stream> {
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
  friend struct SplitAccess;
  friend class OwnedReadHalf<Stream>;
  friend class HalfWriteOps<OwnedWriteHalf, Stream>;
  explicit OwnedWriteHalf(std::shared_ptr<Stream> s) noexcept : stream_(std::move(s)) {}
  const Stream& stream() const noexcept { return *stream_; }
  void shutdown_on_drop() noexcept {
    // A failure (the connection is already gone) has no one to report to.
    if (stream_ && shutdown_on_drop_) ::shutdown(stream_->as_raw_fd(), SHUT_WR);
    shutdown_on_drop_ = false;
  }
  std::shared_ptr<Stream> stream_;
  bool shutdown_on_drop_ = true;
};

/// reunite's error: the halves were not from the same stream; both are given back.
template <class Stream>
struct ReuniteError {
  OwnedReadHalf<Stream> read;
  OwnedWriteHalf<Stream> write;
};

/// Makes and unmakes owned halves (their constructors are private).
struct SplitAccess {
  template <class Stream>
  static std::pair<OwnedReadHalf<Stream>, OwnedWriteHalf<Stream>> into_split(Stream&& stream) {
    auto shared = std::make_shared<Stream>(std::move(stream));
    return {OwnedReadHalf<Stream>(shared), OwnedWriteHalf<Stream>(shared)};
  }
  template <class Stream>
  static Result<Stream, ReuniteError<Stream>> reunite(OwnedReadHalf<Stream> read,
                                                      OwnedWriteHalf<Stream> write) {
    if (!read.is_pair_of(write))
      return Err(ReuniteError<Stream>{std::move(read), std::move(write)});
    write.forget();
    std::shared_ptr<Stream> shared = std::move(read.stream_);
    write.stream_.reset();
    // Both halves are gone: this is the only reference left.
    return Stream(std::move(*shared));
  }
};

}  // namespace tokio::detail
