// The tokio::fs free functions (see tokio/fs/ops.hpp): each a blocking function run through
// spawn_blocking(fn, args...), which keeps copies of the arguments in the job.
#include "tokio/fs/ops.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "fs/blocking.hpp"

namespace tokio::fs {

namespace {

using detail::fs_fail;

class FdGuard {
 public:
  explicit FdGuard(int fd) noexcept : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

int open_or_fail(const char* function, const Path& path, int flags, mode_t mode = 0666) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) fs_fail(function, path.string());
  return fd;
}

template <class Buffer>
Buffer read_whole(const char* function, const Path& path) {
  FdGuard fd(open_or_fail(function, path, O_RDONLY));
  Buffer out;
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    out.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      fs_fail(function, path.string());
    }
    if (n == 0) break;
    const auto* bytes = reinterpret_cast<const typename Buffer::value_type*>(chunk);
    out.insert(out.end(), bytes, bytes + n);
  }
  return out;
}

void write_whole(const char* function, const Path& path, const void* data, std::size_t len) {
  FdGuard fd(open_or_fail(function, path, O_WRONLY | O_CREAT | O_TRUNC));
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = ::write(fd.get(), p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      fs_fail(function, path.string());
    }
    p += n;
    len -= static_cast<std::size_t>(n);
  }
}

std::vector<std::byte> read_bytes(Path path) {
  return read_whole<std::vector<std::byte>>("read", path);
}
std::string read_string(Path path) {
  return read_whole<std::string>("read_to_string", path);
}
void write_string(Path path, std::string contents) {
  write_whole("write", path, contents.data(), contents.size());
}
void write_bytes(Path path, std::vector<std::byte> contents) {
  write_whole("write", path, contents.data(), contents.size());
}

std::uint64_t copy_file(Path from, Path to) {
  FdGuard in(open_or_fail("copy", from, O_RDONLY));
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) fs_fail("copy", from.string());
  // As std::fs::copy: only regular files (or symlinks to them) are copied.
  if (!S_ISREG(st.st_mode))
    fs_fail("copy (the source is not a regular file)", from.string(), EINVAL);
  // Not truncated on open: copying a file onto itself (or a hard link of it) must not empty it.
  FdGuard out(open_or_fail("copy", to, O_WRONLY | O_CREAT, st.st_mode & 07777));
  struct stat out_st {};
  if (::fstat(out.get(), &out_st) != 0) fs_fail("copy", to.string());
  if (out_st.st_dev == st.st_dev && out_st.st_ino == st.st_ino)
    fs_fail("copy (source and destination are the same file)", to.string(), EINVAL);
  if (::ftruncate(out.get(), 0) != 0) fs_fail("copy", to.string());
  // The permissions of an existing destination are replaced too (open's mode only applies to
  // a file it creates).
  if (::fchmod(out.get(), st.st_mode & 07777) != 0) fs_fail("copy", to.string());
  std::uint64_t total = 0;
  for (;;) {
    // copy_file_range lets the kernel (or the file system: reflinks) do the copy.
    const ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) break;
      fs_fail("copy", from.string() + "' to '" + to.string());
    }
    if (n == 0) return total;
    total += static_cast<std::uint64_t>(n);
  }
  char chunk[64 * 1024];  // the fallback: plain reads and writes
  for (;;) {
    const ssize_t n = ::read(in.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      fs_fail("copy", from.string());
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out.get(), chunk + done, static_cast<std::size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        fs_fail("copy", to.string());
      }
      done += w;
    }
    total += static_cast<std::uint64_t>(n);
  }
  return total;
}

void rename_path(Path from, Path to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    fs_fail("rename", from.string() + "' to '" + to.string());
}
void remove_file_path(Path path) {
  if (::unlink(path.c_str()) != 0) fs_fail("remove_file", path.string());
}
void remove_dir_path(Path path) {
  if (::rmdir(path.c_str()) != 0) fs_fail("remove_dir", path.string());
}
void remove_dir_all_path(Path path) {
  std::error_code ec;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) fs_fail("remove_dir_all", path.string());
  if (!S_ISDIR(st.st_mode)) fs_fail("remove_dir_all", path.string(), ENOTDIR);
  std::filesystem::remove_all(path, ec);
  if (ec) fs_fail("remove_dir_all", path.string(), ec.value());
}
void create_dir_path(Path path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0) fs_fail("create_dir", path.string());
}
void create_dir_all_path(Path path, mode_t mode) {
  if (path.empty()) return;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    fs_fail("create_dir_all", path.string(), EEXIST);
  }
  if (path.has_relative_path() && path.has_parent_path() && path.parent_path() != path)
    create_dir_all_path(path.parent_path(), mode);
  // Another thread or process may have made it meanwhile: that is success too.
  if (::mkdir(path.c_str(), mode) != 0 &&
      !(errno == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
    fs_fail("create_dir_all", path.string());
}
void create_dir_default(Path path) {
  create_dir_path(std::move(path), 0777);
}
void create_dir_all_default(Path path) {
  create_dir_all_path(std::move(path), 0777);
}
Metadata stat_path(Path path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fs_fail("metadata", path.string());
  return Metadata(st);
}
Metadata lstat_path(Path path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) fs_fail("symlink_metadata", path.string());
  return Metadata(st);
}
Path canonical_path(Path path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                       &std::free);
  if (!resolved) fs_fail("canonicalize", path.string());
  return Path(resolved.get());
}
Path read_link_path(Path path) {
  std::string buf(256, '\0');
  for (;;) {
    const ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) fs_fail("read_link", path.string());
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      return Path(buf);
    }
    buf.resize(buf.size() * 2);
  }
}
void hard_link_path(Path original, Path link) {
  if (::link(original.c_str(), link.c_str()) != 0)
    fs_fail("hard_link", original.string() + "' to '" + link.string());
}
void symlink_path(Path original, Path link) {
  if (::symlink(original.c_str(), link.c_str()) != 0)
    fs_fail("symlink", link.string() + "' -> '" + original.string());
}
void chmod_path(Path path, Permissions permissions) {
  if (::chmod(path.c_str(), permissions.mode()) != 0) fs_fail("set_permissions", path.string());
}
bool exists_path(Path path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  fs_fail("try_exists", path.string());
}

}  // namespace

// Each is a coroutine, so that nothing runs until it is awaited (as Tokio's async fns).
Task<std::vector<std::byte>> read(Path path) {
  co_return co_await detail::fs_blocking(read_bytes, std::move(path));
}
Task<std::string> read_to_string(Path path) {
  co_return co_await detail::fs_blocking(read_string, std::move(path));
}
Task<void> write(Path path, std::string contents) {
  co_await detail::fs_blocking(write_string, std::move(path), std::move(contents));
}
Task<void> write(Path path, std::vector<std::byte> contents) {
  co_await detail::fs_blocking(write_bytes, std::move(path), std::move(contents));
}
Task<std::uint64_t> copy(Path from, Path to) {
  co_return co_await detail::fs_blocking(copy_file, std::move(from), std::move(to));
}
Task<void> rename(Path from, Path to) {
  co_await detail::fs_blocking(rename_path, std::move(from), std::move(to));
}
Task<void> remove_file(Path path) {
  co_await detail::fs_blocking(remove_file_path, std::move(path));
}
Task<void> remove_dir(Path path) {
  co_await detail::fs_blocking(remove_dir_path, std::move(path));
}
Task<void> remove_dir_all(Path path) {
  co_await detail::fs_blocking(remove_dir_all_path, std::move(path));
}
Task<void> create_dir(Path path) {
  co_await detail::fs_blocking(create_dir_default, std::move(path));
}
Task<void> create_dir_all(Path path) {
  co_await detail::fs_blocking(create_dir_all_default, std::move(path));
}
Task<Metadata> metadata(Path path) {
  co_return co_await detail::fs_blocking(stat_path, std::move(path));
}
Task<Metadata> symlink_metadata(Path path) {
  co_return co_await detail::fs_blocking(lstat_path, std::move(path));
}
Task<Path> canonicalize(Path path) {
  co_return co_await detail::fs_blocking(canonical_path, std::move(path));
}
Task<Path> read_link(Path path) {
  co_return co_await detail::fs_blocking(read_link_path, std::move(path));
}
Task<void> hard_link(Path original, Path link) {
  co_await detail::fs_blocking(hard_link_path, std::move(original), std::move(link));
}
Task<void> symlink(Path original, Path link) {
  co_await detail::fs_blocking(symlink_path, std::move(original), std::move(link));
}
Task<void> set_permissions(Path path, Permissions permissions) {
  co_await detail::fs_blocking(chmod_path, std::move(path), permissions);
}
Task<bool> try_exists(Path path) {
  co_return co_await detail::fs_blocking(exists_path, std::move(path));
}

namespace {
// Takes the options by value: the DirBuilder may be gone by the time this runs.
Task<void> create_with(Path path, bool recursive, mode_t mode) {
  if (recursive)
    co_await detail::fs_blocking(create_dir_all_path, std::move(path), mode);
  else
    co_await detail::fs_blocking(create_dir_path, std::move(path), mode);
}
}  // namespace

Task<void> DirBuilder::create(Path path) const {
  return create_with(std::move(path), recursive_, mode_);
}

}  // namespace tokio::fs
