// tokio::fs free functions: whole-file reads and writes, and directory and link operations.
//
// Every function runs its system calls on the blocking pool, as Tokio's do: Linux offers no
// readiness for regular files, and io_uring is not used yet (see File and
// docs/architecture.md, "How io_uring will fit"). Nothing happens until the returned Task is
// awaited. Errors are std::system_error whose code is the OS error (no_such_file_or_directory,
// permission_denied, file_exists...) and whose message names the function and the path(s).
// Cancel safety: dropping the Task after it started does not stop the operation, which runs
// to its end on the blocking pool (its result is then lost), as in Tokio.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tokio/fs/metadata.hpp"
#include "tokio/task/task.hpp"

namespace tokio::fs {

using Path = std::filesystem::path;

/// The whole file as bytes.
Task<std::vector<std::byte>> read(Path path);
/// The whole file as a string (bytes, not checked to be UTF-8).
Task<std::string> read_to_string(Path path);
/// Creates or truncates `path` and writes `contents` to it.
Task<void> write(Path path, std::string contents);
Task<void> write(Path path, std::vector<std::byte> contents);
/// Copies the contents and permission bits of `from` to `to` (created or truncated); gives the
/// number of bytes copied. Errors: `from` missing, not a regular file (EINVAL), or the same
/// file as `to` (EINVAL, and nothing is truncated); `to` not writable.
Task<std::uint64_t> copy(Path from, Path to);
/// Renames `from` to `to`, replacing `to` if it exists (rename(2)).
Task<void> rename(Path from, Path to);
/// Removes a file (or a symlink).
Task<void> remove_file(Path path);
/// Removes an empty directory.
Task<void> remove_dir(Path path);
/// Removes a directory and everything in it (symlinks are removed, not followed).
Task<void> remove_dir_all(Path path);
/// Creates a directory; its parent must exist (file_exists if it is already there).
Task<void> create_dir(Path path);
/// Creates a directory and every missing parent; succeeds if it exists already.
Task<void> create_dir_all(Path path);
/// stat(2): follows symlinks.
Task<Metadata> metadata(Path path);
/// lstat(2): about a symlink itself.
Task<Metadata> symlink_metadata(Path path);
/// The absolute path with every symlink, `.` and `..` resolved; the path must exist.
Task<Path> canonicalize(Path path);
/// Where a symlink points.
Task<Path> read_link(Path path);
/// Creates a hard link `link` to `original`.
Task<void> hard_link(Path original, Path link);
/// Creates a symlink `link` pointing at `original` (Tokio's unix `symlink`).
Task<void> symlink(Path original, Path link);
/// chmod(2).
Task<void> set_permissions(Path path, Permissions permissions);
/// True if `path` exists, false if it does not; other errors (permission_denied on a parent)
/// throw.
Task<bool> try_exists(Path path);

/// Builds directories with options (Tokio's DirBuilder).
///
/// Example: `co_await fs::DirBuilder().recursive(true).mode(0700).create("a/b/c");`
class DirBuilder {
 public:
  /// Also create missing parents, and succeed if the directory exists.
  DirBuilder& recursive(bool recursive) noexcept {
    recursive_ = recursive;
    return *this;
  }
  /// The permission bits of the directories created (before the umask); default 0777.
  DirBuilder& mode(mode_t mode) noexcept {
    mode_ = mode;
    return *this;
  }
  Task<void> create(Path path) const;

 private:
  bool recursive_ = false;
  mode_t mode_ = 0777;
};

}  // namespace tokio::fs
