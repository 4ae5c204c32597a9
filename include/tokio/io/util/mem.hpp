// tokio::io::duplex / DuplexStream and simplex / SimplexStream: in-memory byte pipes (Tokio's
// io/util/mem.rs), for tests and for connecting two parts of a program with stream APIs.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "tokio/detail/sync_seam.hpp"
#include "tokio/io/io_slice.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/io/util/halves.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

// One direction of a duplex: a byte queue of at most max_ bytes with one "closed" flag.
//
// Invariants (all fields but the two Notify objects are guarded by mutex_):
//   head_ <= buf_.size(); the queued bytes are buf_[head_ ..]; their count is <= max_.
//   closed_ only goes false -> true. Once closed, writes fail with broken_pipe and reads drain
//   the queue, then give 0 (EOF).
// Waiting: a reader waits on readable_, a writer on writable_, with Notify's enable() pattern:
// the Notified is registered before the state is checked under mutex_, and every state change
// (bytes added, bytes removed, closed) is followed by notify_waiters() after mutex_ is
// released, so a change that happens after the check wakes the waiter. Several readers (or
// writers) at once are allowed; all are woken and recheck.
class MemPipe {
 public:
  explicit MemPipe(std::size_t max_buf_size) noexcept : max_(max_buf_size) {}
  MemPipe(const MemPipe&) = delete;
  MemPipe& operator=(const MemPipe&) = delete;

  Task<std::size_t> read(std::span<std::byte> buf);
  Task<std::size_t> write(std::span<const std::byte> buf);
  Task<std::size_t> write_vectored(std::span<const io::IoSlice> slices);
  // Sets closed_ and wakes both sides. Idempotent.
  void close() noexcept;

 private:
  enum class Outcome { Done, Closed, Wait };
  Outcome try_read(std::span<std::byte> buf, std::size_t& n);
  Outcome try_write(std::span<const io::IoSlice> slices, std::size_t& n);
  Task<std::size_t> write_slices(std::span<const io::IoSlice> slices);

  detail::seam::mutex mutex_;
  std::vector<std::byte> buf_;
  std::size_t head_ = 0;
  std::size_t max_;
  bool closed_ = false;
  sync::Notify readable_;  // notified when bytes are added or the pipe closes
  sync::Notify writable_;  // notified when bytes are removed or the pipe closes
};

}  // namespace tokio::detail

namespace tokio::io {

/// One end of an in-memory, bidirectional byte pipe made by duplex(). What one end writes, the
/// other reads, in order. Each direction holds up to max_buf_size bytes: read waits for bytes,
/// write waits for room and takes as many bytes as fit.
///
/// Closing: destroying an end closes both directions: the other end reads what is left, then
/// EOF (0), and its writes fail. shutdown() closes only this end's write direction: the other
/// end reads EOF once it has read everything, and this end's later writes fail; the other
/// direction keeps working.
///
/// Errors: write (and write_vectored) throws std::system_error with std::errc::broken_pipe
/// when its direction is closed (see above). read never fails.
/// Cancel safety: read and write are cancel-safe: a cancelled call moved no bytes.
/// Thread safety: the two ends may be used from different threads, and one read and one
/// write on the same end may run at once (from two tasks, e.g. after split()). Reads and
/// writes take the cooperative budget, like every leaf operation. Never blocks a thread.
class DuplexStream : public AsyncReadExt<DuplexStream>, public AsyncWriteExt<DuplexStream> {
 public:
  DuplexStream(DuplexStream&& other) noexcept = default;
  DuplexStream& operator=(DuplexStream&& other) noexcept;
  ~DuplexStream();

  /// AsyncRead: waits for bytes from the other end; gives how many it copied, 0 at EOF.
  [[nodiscard]] Task<std::size_t> read(std::span<std::byte> buf);
  /// AsyncWrite: waits for room, then queues as many bytes as fit; gives how many.
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf);
  /// AsyncWriteVectored: as write, taking bytes from the slices in order.
  [[nodiscard]] Task<std::size_t> write_vectored(std::span<const IoSlice> slices);
  /// Does nothing (nothing is buffered beyond what the other end can read).
  [[nodiscard]] Task<void> flush();
  /// Closes this end's write direction (see the class comment).
  [[nodiscard]] Task<void> shutdown();

 private:
  friend std::pair<DuplexStream, DuplexStream> duplex(std::size_t max_buf_size);
  DuplexStream(std::shared_ptr<detail::MemPipe> read,
               std::shared_ptr<detail::MemPipe> write) noexcept
      : read_(std::move(read)), write_(std::move(write)) {}
  void close() noexcept;
  detail::MemPipe& read_pipe() const;
  detail::MemPipe& write_pipe() const;

  std::shared_ptr<detail::MemPipe> read_;   // written by the other end
  std::shared_ptr<detail::MemPipe> write_;  // read by the other end
};

/// A pair of connected DuplexStreams, each direction holding up to `max_buf_size` bytes
/// (at least 1: std::invalid_argument otherwise).
std::pair<DuplexStream, DuplexStream> duplex(std::size_t max_buf_size);

/// A unidirectional in-memory pipe in one object: what is written to it can be read back
/// from it, up to max_buf_size bytes queued. Usually used through simplex(), which splits it
/// into a read half and a write half.
///
/// shutdown() (or destroying the SimplexStream) closes it: reads drain what is queued, then
/// give EOF; later writes fail with std::errc::broken_pipe.
/// Cancel safety and thread safety: as DuplexStream.
class SimplexStream : public AsyncReadExt<SimplexStream>, public AsyncWriteExt<SimplexStream> {
 public:
  /// A SimplexStream holding up to `max_buf_size` bytes (at least 1).
  explicit SimplexStream(std::size_t max_buf_size);
  /// Tokio's name for the constructor.
  static SimplexStream new_unsplit(std::size_t max_buf_size) { return SimplexStream(max_buf_size); }
  SimplexStream(SimplexStream&&) noexcept = default;
  SimplexStream& operator=(SimplexStream&& other) noexcept;
  ~SimplexStream();

  [[nodiscard]] Task<std::size_t> read(std::span<std::byte> buf);
  [[nodiscard]] Task<std::size_t> write(std::span<const std::byte> buf);
  [[nodiscard]] Task<std::size_t> write_vectored(std::span<const IoSlice> slices);
  [[nodiscard]] Task<void> flush();
  [[nodiscard]] Task<void> shutdown();

 private:
  detail::MemPipe& pipe() const;
  std::shared_ptr<detail::MemPipe> pipe_;
};

/// A SimplexStream of `max_buf_size` bytes split into its read half and its write half.
/// Shut the write half down to give the reader EOF (dropping it alone does not, as in Tokio,
/// since the halves share the stream).
std::pair<ReadHalf<SimplexStream>, WriteHalf<SimplexStream>> simplex(std::size_t max_buf_size);

}  // namespace tokio::io
