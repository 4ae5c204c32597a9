// tokio::fs::File and OpenOptions.
//
// Why not io_uring yet: Linux reports regular files as always ready, so epoll cannot drive
// them; every operation is a blocking system call run on the blocking pool, as Tokio does.
// io_uring would submit reads and writes that own their buffer and complete without a pool
// thread; the driver layers are built for that backend to come (docs/architecture.md, "How
// io_uring will fit"), and File's buffer, which a blocking job already owns while it runs, is
// the owned buffer such an operation needs.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "tokio/fs/metadata.hpp"
#include "tokio/io/async_seek.hpp"
#include "tokio/io/buffer.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/task.hpp"

namespace tokio::fs {

class File;

/// How to open a file (Rust's OpenOptions with the Unix extensions).
///
/// Example:
/// ```
/// auto log = co_await tokio::fs::OpenOptions().append(true).create(true).open("app.log");
/// ```
class OpenOptions {
 public:
  OpenOptions& read(bool v) noexcept { return set(read_, v); }
  OpenOptions& write(bool v) noexcept { return set(write_, v); }
  /// Every write goes to the end (implies write).
  OpenOptions& append(bool v) noexcept { return set(append_, v); }
  /// Cut the file to length 0 on opening (needs write).
  OpenOptions& truncate(bool v) noexcept { return set(truncate_, v); }
  /// Create the file if it does not exist (needs write or append).
  OpenOptions& create(bool v) noexcept { return set(create_, v); }
  /// Create the file, failing with file_exists if it is there (needs write or append).
  OpenOptions& create_new(bool v) noexcept { return set(create_new_, v); }
  /// The permission bits of a created file (before the umask); default 0666.
  OpenOptions& mode(mode_t mode) noexcept {
    mode_ = mode;
    return *this;
  }
  /// Extra open(2) flags (O_NOFOLLOW, O_DIRECT...); the access mode bits are ignored.
  OpenOptions& custom_flags(int flags) noexcept {
    custom_flags_ = flags;
    return *this;
  }
  /// Opens `path`. Errors: std::system_error naming the path (invalid_argument for a
  /// combination that cannot work, such as create without write).
  Task<File> open(std::filesystem::path path) const;

 private:
  OpenOptions& set(bool& field, bool v) noexcept {
    field = v;
    return *this;
  }
  bool read_ = false, write_ = false, append_ = false, truncate_ = false, create_ = false,
       create_new_ = false;
  mode_t mode_ = 0666;
  int custom_flags_ = 0;
};

/// An open file, read and written through the blocking pool, buffered as Tokio's File is.
///
/// - write copies the bytes into the File's buffer (up to max_buf_size at a time), starts the
///   blocking write and returns at once: the bytes are accepted, not yet written. flush (and
///   every later operation) waits for that write; an error it met is thrown by the next write
///   or flush. Flush before dropping a File, or the last write's error is lost (the write
///   itself still completes).
/// - read reads up to min(buf size, max_buf_size) on the blocking pool, then copies.
/// - Cancel safety: a read whose awaitable is dropped keeps running; its bytes are given by
///   the next read, so none is lost. A write is complete once it returns.
///
/// A File is an io::AsyncRead, io::AsyncWrite and io::AsyncSeek, with the io utilities as
/// members (read_to_end, write_all...). One operation at a time (Rust's &mut self).
///
/// Errors: std::system_error naming the path.
///
/// Example:
/// ```
/// auto file = co_await tokio::fs::File::create("out.txt");
/// co_await file.write_all(std::string_view("hello\n"));
/// co_await file.flush();
/// ```
class File : public io::AsyncReadExt<File>, public io::AsyncWriteExt<File> {
 public:
  /// Opens for reading.
  static Task<File> open(std::filesystem::path path);
  /// Opens for writing, created or truncated.
  static Task<File> create(std::filesystem::path path);
  /// Opens for reading and writing, failing if the file exists.
  static Task<File> create_new(std::filesystem::path path);
  static OpenOptions options() noexcept { return OpenOptions(); }
  /// Takes an open descriptor (blocking mode is fine: every call runs on the blocking pool).
  static File from_std(int fd, std::filesystem::path path = {});

  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  /// See the class comment for buffering and cancel safety.
  template <io::MutableBuffer B>
  Task<std::size_t> read(B&& buf) {
    return read_bytes(io::as_mutable_bytes(buf));
  }
  template <io::ConstBuffer B>
  Task<std::size_t> write(B&& buf) {
    return write_bytes(io::as_const_bytes(buf));
  }
  /// Waits for the write in flight; throws the error of a failed write.
  Task<void> flush();
  /// Same as flush (a file has no write side to close).
  Task<void> shutdown() { return flush(); }

  /// Moves the position; gives the new position from the start. Bytes read ahead are
  /// accounted for (SeekFrom::current is relative to what the caller has read).
  Task<std::uint64_t> seek(io::SeekFrom pos);
  /// seek(SeekFrom::start(0)).
  Task<void> rewind();
  /// The position as the caller sees it.
  Task<std::uint64_t> stream_position();

  /// Truncates or extends the file to `size` bytes (after the write in flight).
  Task<void> set_len(std::uint64_t size);
  /// Flushes, then fsync(2): data and metadata on the device.
  Task<void> sync_all();
  /// Flushes, then fdatasync(2).
  Task<void> sync_data();
  Task<Metadata> metadata();
  Task<void> set_permissions(Permissions permissions);
  /// A second File for the same open file description (dup(2)), after the write in flight.
  Task<File> try_clone();
  /// Waits for the operation in flight and gives the descriptor to the caller (its position
  /// is where the caller has read to).
  Task<int> into_std() &&;
  /// The buffer limit per read and write (default 2 MiB, as Tokio).
  void set_max_buf_size(std::size_t size) noexcept { max_buf_size_ = size; }

  struct Shared;  // the descriptor, shared with blocking jobs
  struct OpResult;

 private:
  friend class OpenOptions;
  explicit File(std::shared_ptr<Shared> shared) noexcept;
  // Opens with open(2) `flags` (-1: an invalid combination of options) on the blocking pool.
  static Task<File> open_with(std::filesystem::path path, int flags, mode_t mode);
  Task<std::size_t> read_bytes(std::span<std::byte> dst);
  Task<std::size_t> write_bytes(std::span<const std::byte> src);
  // Waits for the operation in flight (if any) and takes in its result.
  Task<void> complete_inflight();
  void throw_last_write_error();
  // Drops the read-ahead and moves the descriptor back to where the caller has read to.
  Task<void> discard_read_ahead(const char* op);

  std::shared_ptr<Shared> shared_;
  std::vector<std::byte> buf_;  // read-ahead bytes [buf_pos_, size) when idle; empty while busy
  std::size_t buf_pos_ = 0;
  std::unique_ptr<task::JoinHandle<OpResult>> inflight_;  // the blocking job, if one runs
  int last_write_error_ = 0;
  std::size_t max_buf_size_ = 2 * 1024 * 1024;
};

}  // namespace tokio::fs
