#include "tokio/fs/read_dir.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <cstring>
#include <deque>
#include <mutex>

#include "fs/blocking.hpp"

namespace tokio::fs {

// The open directory and the entries read ahead. A blocking read holds `mutex` while it calls
// readdir; the task takes entries under it. The state lives as long as the ReadDir or a read
// in flight (shared_ptr), so a cancelled next_entry leaves nothing dangling.
struct ReadDir::State {
  std::filesystem::path path;
  std::mutex mutex;
  DIR* dir = nullptr;
  std::deque<DirEntry> ready;  // guarded by mutex
  bool done = false;           // guarded by mutex

  ~State() {
    if (dir) ::closedir(dir);
  }
};

namespace {

constexpr std::size_t kBatch = 32;  // entries per trip to the blocking pool, as Tokio

std::shared_ptr<ReadDir::State> open_dir(std::filesystem::path path) {
  auto state = std::make_shared<ReadDir::State>();
  state->dir = ::opendir(path.c_str());
  if (!state->dir) detail::fs_fail("read_dir", path.string());
  state->path = std::move(path);
  return state;
}

// Reads up to kBatch more entries; returns nothing (the task looks at the state).
void read_batch(std::shared_ptr<ReadDir::State> state) {
  std::lock_guard lock(state->mutex);
  for (std::size_t n = 0; n < kBatch && !state->done;) {
    errno = 0;
    const dirent* e = ::readdir(state->dir);
    if (!e) {
      if (errno != 0) detail::fs_fail("read_dir", state->path.string());
      state->done = true;
      break;
    }
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    state->ready.emplace_back(state->path, e->d_name, e->d_type, e->d_ino);
    ++n;
  }
}

Metadata lstat_entry(std::filesystem::path path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) detail::fs_fail("DirEntry::metadata", path.string());
  return Metadata(st);
}

}  // namespace

Task<ReadDir> read_dir(std::filesystem::path path) {
  co_return ReadDir(co_await detail::fs_blocking(open_dir, std::move(path)));
}

ReadDir::~ReadDir() = default;

Task<std::optional<DirEntry>> ReadDir::next_entry() {
  std::shared_ptr<State> state = state_;
  if (!state) throw std::logic_error("tokio::fs::ReadDir::next_entry: used after being moved from");
  for (;;) {
    {
      std::lock_guard lock(state->mutex);
      if (!state->ready.empty()) {
        DirEntry entry = std::move(state->ready.front());
        state->ready.pop_front();
        co_return entry;
      }
      if (state->done) co_return std::nullopt;
    }
    co_await detail::fs_blocking(read_batch, state);
  }
}

Task<Metadata> DirEntry::metadata() const {
  return detail::fs_blocking(lstat_entry, path_);
}

namespace {
Task<FileType> type_of(std::filesystem::path path, unsigned char d_type) {
  switch (d_type) {
    case DT_DIR:
      co_return FileType(S_IFDIR);
    case DT_REG:
      co_return FileType(S_IFREG);
    case DT_LNK:
      co_return FileType(S_IFLNK);
    case DT_FIFO:
      co_return FileType(S_IFIFO);
    case DT_SOCK:
      co_return FileType(S_IFSOCK);
    case DT_BLK:
      co_return FileType(S_IFBLK);
    case DT_CHR:
      co_return FileType(S_IFCHR);
    default:
      break;
  }
  Metadata m = co_await detail::fs_blocking(lstat_entry, std::move(path));
  co_return m.file_type();
}
}  // namespace

Task<FileType> DirEntry::file_type() const {
  return type_of(path_, d_type_);
}

}  // namespace tokio::fs
