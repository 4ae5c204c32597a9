// A temporary directory with a unique name under std::filesystem::temp_directory_path(),
// removed with its contents when the TempDir is destroyed. For tests that bind socket files.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace tokio::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "tokio-test") {
    static std::atomic<unsigned> counter{0};
    // Short names: a socket path must fit in 107 bytes.
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const noexcept { return path_; }
  /// `name` inside the directory.
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace tokio::testing
