// tokio::fs::read_dir, ReadDir, DirEntry: listing a directory.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tokio/fs/metadata.hpp"
#include "tokio/task/task.hpp"

namespace tokio::fs {

/// One entry of a directory listing.
class DirEntry {
 public:
  DirEntry(std::filesystem::path dir, std::string name, unsigned char d_type, ino_t ino)
      : path_(std::move(dir) / name), name_(std::move(name)), d_type_(d_type), ino_(ino) {}

  /// The directory's path joined with file_name().
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The entry's name (no directory part).
  const std::string& file_name() const noexcept { return name_; }
  /// The inode number the directory listed.
  ino_t ino() const noexcept { return ino_; }
  /// The entry's metadata, not following a symlink (as Rust's DirEntry::metadata).
  Task<Metadata> metadata() const;
  /// The entry's type: from the listing when the file system reports it, else from lstat.
  Task<FileType> file_type() const;

 private:
  std::filesystem::path path_;
  std::string name_;
  unsigned char d_type_;  // DT_* from readdir; DT_UNKNOWN when the file system did not say
  ino_t ino_;
};

/// A directory being listed, from read_dir. Entries come in batches read on the blocking pool;
/// "." and ".." are skipped.
class ReadDir {
 public:
  ReadDir(ReadDir&&) noexcept = default;
  ReadDir& operator=(ReadDir&&) noexcept = default;
  ~ReadDir();

  /// The next entry, or empty at the end. Errors: std::system_error naming the directory.
  /// Cancel-safe: an entry read by a cancelled call is given by the next one.
  Task<std::optional<DirEntry>> next_entry();

  struct State;  // shared with the blocking reads

 private:
  friend Task<ReadDir> read_dir(std::filesystem::path path);
  explicit ReadDir(std::shared_ptr<State> state) noexcept : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

/// Opens `path` for listing. Errors: std::system_error naming it.
///
/// Example:
/// ```
/// auto dir = co_await tokio::fs::read_dir("/etc");
/// for (;;) {
///   auto entry = co_await dir.next_entry();
///   if (!entry) break;
///   std::puts(entry->file_name().c_str());
/// }
/// ```
Task<ReadDir> read_dir(std::filesystem::path path);

}  // namespace tokio::fs
