// fs::File (see tokio/fs/file.hpp): Tokio's buffering scheme. While a blocking job runs it
// owns the buffer (moved into the job, moved back with its result); the File holds the job's
// JoinHandle and every operation first waits for it (complete_inflight), so one job at a time
// touches the descriptor's position.
#include "tokio/fs/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <system_error>

#include "fs/blocking.hpp"

namespace tokio::fs {

struct File::Shared {
  Shared(int fd, std::string path) noexcept : fd(fd), path(std::move(path)) {}
  Shared(const Shared&) = delete;
  int fd;
  std::string path;  // for error messages
  ~Shared() {
    if (fd >= 0) ::close(fd);
  }
};

struct File::OpResult {
  enum class Op { Read, Write, Seek } op;
  std::vector<std::byte> buf;
  int error = 0;          // errno of a failed call
  std::uint64_t pos = 0;  // Seek: the new position
};

namespace {

using Shared = File::Shared;
using OpResult = File::OpResult;

// Fills `buf` (sized by the caller) with what one read(2) gives.
OpResult blocking_read(std::shared_ptr<Shared> shared, std::vector<std::byte> buf) {
  OpResult r{OpResult::Op::Read, std::move(buf)};
  ssize_t n;
  do {
    n = ::read(shared->fd, r.buf.data(), r.buf.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.error = errno;
    n = 0;
  }
  r.buf.resize(static_cast<std::size_t>(n));
  return r;
}

// Seeks back over `unread` read-ahead bytes first (so the write lands where the caller is),
// then writes all of `buf`.
OpResult blocking_write(std::shared_ptr<Shared> shared, std::vector<std::byte> buf,
                        std::int64_t unread) {
  OpResult r{OpResult::Op::Write, std::move(buf)};
  if (unread > 0 && ::lseek(shared->fd, -unread, SEEK_CUR) < 0) {
    r.error = errno;
  } else {
    std::size_t done = 0;
    while (done < r.buf.size()) {
      const ssize_t n = ::write(shared->fd, r.buf.data() + done, r.buf.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        r.error = errno;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
  }
  r.buf.clear();
  return r;
}

OpResult blocking_seek(std::shared_ptr<Shared> shared, std::vector<std::byte> buf, int whence,
                       std::int64_t offset) {
  OpResult r{OpResult::Op::Seek, std::move(buf)};
  const off_t pos = ::lseek(shared->fd, offset, whence);
  if (pos < 0)
    r.error = errno;
  else
    r.pos = static_cast<std::uint64_t>(pos);
  return r;
}

[[noreturn]] void fail(const char* op, const Shared& shared, int err) {
  detail::fs_fail(op, shared.path, err);
}

int open_flags(bool read, bool write, bool append, bool truncate, bool create, bool create_new) {
  int access;
  if (read && !(write || append))
    access = O_RDONLY;
  else if (!read && (write || append))
    access = O_WRONLY;
  else if (read && (write || append))
    access = O_RDWR;
  else
    return -1;
  if ((truncate || create || create_new) && !(write || append)) return -1;
  if (truncate && append) return -1;  // as Rust: contradictory
  int flags = access | O_CLOEXEC;
  if (append) flags |= O_APPEND;
  if (truncate) flags |= O_TRUNC;
  if (create_new)
    flags |= O_CREAT | O_EXCL;
  else if (create)
    flags |= O_CREAT;
  return flags;
}

std::shared_ptr<Shared> blocking_open(std::filesystem::path path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) detail::fs_fail("File::open", path.string());
  return std::make_shared<Shared>(fd, path.string());
}

}  // namespace

Task<File> File::open_with(std::filesystem::path path, int flags, mode_t mode) {
  if (flags < 0)
    detail::fs_fail("OpenOptions::open", path.string(), EINVAL);  // a combination that cannot work
  co_return File(co_await detail::fs_blocking(blocking_open, std::move(path), flags, mode));
}

Task<File> OpenOptions::open(std::filesystem::path path) const {
  int flags = open_flags(read_, write_, append_, truncate_, create_, create_new_);
  if (flags >= 0) flags |= custom_flags_ & ~O_ACCMODE;
  return File::open_with(std::move(path), flags, mode_);
}

Task<File> File::open(std::filesystem::path path) {
  return OpenOptions().read(true).open(std::move(path));
}
Task<File> File::create(std::filesystem::path path) {
  return OpenOptions().write(true).create(true).truncate(true).open(std::move(path));
}
Task<File> File::create_new(std::filesystem::path path) {
  return OpenOptions().read(true).write(true).create_new(true).open(std::move(path));
}

File File::from_std(int fd, std::filesystem::path path) {
  if (fd < 0) throw std::invalid_argument("tokio::fs::File::from_std: not a descriptor");
  return File(
      std::make_shared<Shared>(fd, path.empty() ? "fd " + std::to_string(fd) : path.string()));
}

File::File(std::shared_ptr<Shared> shared) noexcept : shared_(std::move(shared)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
// A job in flight keeps the descriptor (Shared) alive and finishes on its own.
File::~File() = default;

static Shared& checked(const std::shared_ptr<Shared>& shared) {
  if (!shared) throw std::logic_error("tokio::fs::File: used after being moved from");
  return *shared;
}

Task<void> File::complete_inflight() {
  checked(shared_);
  if (!inflight_) co_return;
  // Awaited in place: if this is cancelled, the next operation waits for the same job.
  OpResult r = co_await *inflight_;
  inflight_.reset();
  buf_ = std::move(r.buf);  // a read whose caller went away: its bytes are the next read's
  buf_pos_ = 0;
  if (r.op == OpResult::Op::Write && r.error != 0 && last_write_error_ == 0)
    last_write_error_ = r.error;
}

void File::throw_last_write_error() {
  if (const int err = std::exchange(last_write_error_, 0); err != 0)
    fail("File::write", *shared_, err);
}

Task<std::size_t> File::read_bytes(std::span<std::byte> dst) {
  co_await complete_inflight();
  if (dst.empty()) co_return 0;
  if (buf_pos_ == buf_.size()) {
    std::vector<std::byte> buf = std::move(buf_);
    buf.resize(std::min(dst.size(), max_buf_size_));
    buf_.clear();
    buf_pos_ = 0;
    inflight_ = std::make_unique<task::JoinHandle<OpResult>>(
        task::spawn_blocking(blocking_read, shared_, std::move(buf)));
    OpResult r = co_await *inflight_;
    inflight_.reset();
    buf_ = std::move(r.buf);
    buf_pos_ = 0;
    if (r.error != 0) {
      buf_.clear();
      fail("File::read", *shared_, r.error);
    }
  }
  const std::size_t n = std::min(dst.size(), buf_.size() - buf_pos_);
  std::memcpy(dst.data(), buf_.data() + buf_pos_, n);
  buf_pos_ += n;
  co_return n;
}

Task<std::size_t> File::write_bytes(std::span<const std::byte> src) {
  co_await complete_inflight();
  throw_last_write_error();
  if (src.empty()) co_return 0;
  const auto unread = static_cast<std::int64_t>(buf_.size() - buf_pos_);
  const std::size_t n = std::min(src.size(), max_buf_size_);
  std::vector<std::byte> buf = std::move(buf_);
  buf.assign(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(n));
  buf_.clear();
  buf_pos_ = 0;
  // Not awaited: the bytes are accepted; the next operation waits for the write.
  inflight_ = std::make_unique<task::JoinHandle<OpResult>>(
      task::spawn_blocking(blocking_write, shared_, std::move(buf), unread));
  co_return n;
}

Task<void> File::flush() {
  co_await complete_inflight();
  throw_last_write_error();
}

Task<std::uint64_t> File::seek(io::SeekFrom pos) {
  co_await complete_inflight();
  throw_last_write_error();
  std::int64_t offset = pos.offset;
  int whence = SEEK_SET;
  if (pos.whence == io::SeekFrom::Whence::Current) {
    // The descriptor is ahead of the caller by the bytes read ahead.
    offset -= static_cast<std::int64_t>(buf_.size() - buf_pos_);
    whence = SEEK_CUR;
  } else if (pos.whence == io::SeekFrom::Whence::End) {
    whence = SEEK_END;
  }
  buf_.clear();
  buf_pos_ = 0;
  inflight_ = std::make_unique<task::JoinHandle<OpResult>>(
      task::spawn_blocking(blocking_seek, shared_, std::vector<std::byte>(), whence, offset));
  OpResult r = co_await *inflight_;
  inflight_.reset();
  buf_ = std::move(r.buf);
  if (r.error != 0) fail("File::seek", *shared_, r.error);
  co_return r.pos;
}

Task<void> File::rewind() {
  co_await seek(io::SeekFrom::start(0));
}

Task<std::uint64_t> File::stream_position() {
  co_return co_await seek(io::SeekFrom::current(0));
}

namespace {
void blocking_set_len(std::shared_ptr<Shared> shared, std::uint64_t size) {
  if (::ftruncate(shared->fd, static_cast<off_t>(size)) != 0) fail("File::set_len", *shared, errno);
}
void blocking_sync(std::shared_ptr<Shared> shared, bool data_only) {
  if ((data_only ? ::fdatasync(shared->fd) : ::fsync(shared->fd)) != 0)
    fail(data_only ? "File::sync_data" : "File::sync_all", *shared, errno);
}
Metadata blocking_fstat(std::shared_ptr<Shared> shared) {
  struct stat st {};
  if (::fstat(shared->fd, &st) != 0) fail("File::metadata", *shared, errno);
  return Metadata(st);
}
void blocking_fchmod(std::shared_ptr<Shared> shared, Permissions permissions) {
  if (::fchmod(shared->fd, permissions.mode()) != 0) fail("File::set_permissions", *shared, errno);
}
std::shared_ptr<Shared> blocking_dup(std::shared_ptr<Shared> shared) {
  const int fd = ::fcntl(shared->fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) fail("File::try_clone", *shared, errno);
  return std::make_shared<Shared>(fd, shared->path);
}
// Moves the descriptor back over the read-ahead bytes, so it is where the caller is.
void blocking_unread(std::shared_ptr<Shared> shared, std::int64_t unread, const char* op) {
  if (::lseek(shared->fd, -unread, SEEK_CUR) < 0) fail(op, *shared, errno);
}
}  // namespace

Task<void> File::discard_read_ahead(const char* op) {
  const auto unread = static_cast<std::int64_t>(buf_.size() - buf_pos_);
  buf_.clear();
  buf_pos_ = 0;
  if (unread > 0) co_await detail::fs_blocking(blocking_unread, shared_, unread, op);
}

Task<void> File::set_len(std::uint64_t size) {
  co_await flush();
  co_await discard_read_ahead("File::set_len");  // stale once the length changes
  co_await detail::fs_blocking(blocking_set_len, shared_, size);
}

Task<void> File::sync_all() {
  co_await flush();
  co_await detail::fs_blocking(blocking_sync, shared_, false);
}

Task<void> File::sync_data() {
  co_await flush();
  co_await detail::fs_blocking(blocking_sync, shared_, true);
}

Task<Metadata> File::metadata() {
  co_await complete_inflight();
  co_return co_await detail::fs_blocking(blocking_fstat, shared_);
}

Task<void> File::set_permissions(Permissions permissions) {
  co_await complete_inflight();
  co_await detail::fs_blocking(blocking_fchmod, shared_, permissions);
}

Task<File> File::try_clone() {
  co_await flush();
  co_return File(co_await detail::fs_blocking(blocking_dup, shared_));
}

Task<int> File::into_std() && {
  co_await flush();
  co_await discard_read_ahead("File::into_std");
  const int fd = std::exchange(shared_->fd, -1);
  shared_.reset();
  co_return fd;
}

}  // namespace tokio::fs
