// tokio::fs::Metadata, FileType, Permissions: what stat(2) says about a file.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>

namespace tokio::fs {

/// The type of a file (from its mode bits).
class FileType {
 public:
  explicit FileType(mode_t mode) noexcept : mode_(mode & S_IFMT) {}
  bool is_dir() const noexcept { return S_ISDIR(mode_); }
  bool is_file() const noexcept { return S_ISREG(mode_); }
  bool is_symlink() const noexcept { return S_ISLNK(mode_); }
  bool is_fifo() const noexcept { return S_ISFIFO(mode_); }
  bool is_socket() const noexcept { return S_ISSOCK(mode_); }
  bool is_block_device() const noexcept { return S_ISBLK(mode_); }
  bool is_char_device() const noexcept { return S_ISCHR(mode_); }
  friend bool operator==(FileType, FileType) noexcept = default;

 private:
  mode_t mode_;
};

/// A file's permission bits.
class Permissions {
 public:
  /// From mode bits, e.g. `Permissions::from_mode(0644)`.
  static Permissions from_mode(mode_t mode) noexcept { return Permissions(mode & 07777); }
  mode_t mode() const noexcept { return mode_; }
  void set_mode(mode_t mode) noexcept { mode_ = mode & 07777; }
  /// True when nobody may write (no write bit set), as Rust defines it.
  bool readonly() const noexcept { return (mode_ & 0222) == 0; }
  /// Clears (or sets, for everyone who may read) the write bits.
  void set_readonly(bool readonly) noexcept {
    if (readonly)
      mode_ &= ~mode_t{0222};
    else
      mode_ |= (mode_ & 0444) >> 1;
  }
  friend bool operator==(Permissions, Permissions) noexcept = default;

 private:
  explicit Permissions(mode_t mode) noexcept : mode_(mode) {}
  mode_t mode_;
};

/// What stat (or lstat, for symlink_metadata) reported.
class Metadata {
 public:
  explicit Metadata(const struct stat& st) noexcept : st_(st) {}

  FileType file_type() const noexcept { return FileType(st_.st_mode); }
  bool is_dir() const noexcept { return file_type().is_dir(); }
  bool is_file() const noexcept { return file_type().is_file(); }
  bool is_symlink() const noexcept { return file_type().is_symlink(); }
  /// The size in bytes.
  std::uint64_t len() const noexcept { return static_cast<std::uint64_t>(st_.st_size); }
  Permissions permissions() const noexcept { return Permissions::from_mode(st_.st_mode); }
  std::chrono::system_clock::time_point modified() const noexcept { return at(st_.st_mtim); }
  std::chrono::system_clock::time_point accessed() const noexcept { return at(st_.st_atim); }
  /// The last status change (ctime; Linux's stat has no creation time).
  std::chrono::system_clock::time_point changed() const noexcept { return at(st_.st_ctim); }
  // The Unix fields (Rust's MetadataExt).
  dev_t dev() const noexcept { return st_.st_dev; }
  ino_t ino() const noexcept { return st_.st_ino; }
  mode_t mode() const noexcept { return st_.st_mode; }
  nlink_t nlink() const noexcept { return st_.st_nlink; }
  uid_t uid() const noexcept { return st_.st_uid; }
  gid_t gid() const noexcept { return st_.st_gid; }
  const struct stat& raw() const noexcept { return st_; }

 private:
  static std::chrono::system_clock::time_point at(const timespec& ts) noexcept {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
  }
  struct stat st_;
};

}  // namespace tokio::fs
