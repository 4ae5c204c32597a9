// tokio::fs directory operations and whole-file helpers (after Tokio's fs_dir.rs and fs.rs).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <system_error>
#include <vector>

#include "support/temp_dir.hpp"
#include "tokio/fs.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace fs = tokio::fs;
using tokio::testing::TempDir;

TOKIO_TEST_ALL_FLAVORS(FsDir, CreateAndRemoveDir) {
  TempDir tmp;
  const auto dir = tmp / "foo";
  co_await fs::create_dir(dir);
  EXPECT_TRUE(co_await fs::try_exists(dir));
  EXPECT_TRUE((co_await fs::metadata(dir)).is_dir());
  try {
    co_await fs::create_dir(dir);
    ADD_FAILURE() << "created a directory twice";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::file_exists);
    EXPECT_NE(std::string(e.what()).find(dir.string()), std::string::npos) << e.what();
  }
  co_await fs::remove_dir(dir);
  EXPECT_FALSE(co_await fs::try_exists(dir));
}

TOKIO_TEST(FsDir, CreateDirAllAndBuilder) {
  TempDir tmp;
  co_await fs::create_dir_all(tmp / "a" / "b" / "c");
  co_await fs::create_dir_all(tmp / "a" / "b" / "c");  // exists: fine
  EXPECT_TRUE((co_await fs::metadata(tmp / "a" / "b" / "c")).is_dir());
  co_await fs::DirBuilder().recursive(true).mode(0700).create(tmp / "x" / "y");
  EXPECT_EQ((co_await fs::metadata(tmp / "x" / "y")).permissions().mode() & 0777, 0700u);
  EXPECT_THROW(co_await fs::DirBuilder().create(tmp / "p" / "q"), std::system_error);
  co_await fs::write(tmp / "file", std::string("x"));
  EXPECT_THROW(co_await fs::create_dir_all(tmp / "file"), std::system_error);
}

TOKIO_TEST(FsDir, RemoveDirAll) {
  TempDir tmp;
  co_await fs::create_dir_all(tmp / "top" / "sub");
  co_await fs::write(tmp / "top" / "sub" / "f", std::string("data"));
  co_await fs::symlink(tmp.path(), tmp / "top" / "link-out");  // removed, not followed
  co_await fs::remove_dir_all(tmp / "top");
  EXPECT_FALSE(co_await fs::try_exists(tmp / "top"));
  EXPECT_TRUE(co_await fs::try_exists(tmp.path()));
  EXPECT_THROW(co_await fs::remove_dir(tmp / "top"), std::system_error);
}

TOKIO_TEST_ALL_FLAVORS(FsDir, ReadDirListsEveryEntry) {
  TempDir tmp;
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i) {  // more than one batch
    expected.push_back("f" + std::to_string(i));
    co_await fs::write(tmp / expected.back(), std::string("x"));
  }
  co_await fs::create_dir(tmp / "subdir");
  expected.push_back("subdir");
  auto dir = co_await fs::read_dir(tmp.path());
  std::vector<std::string> seen;
  for (;;) {
    auto entry = co_await dir.next_entry();
    if (!entry) break;
    seen.push_back(entry->file_name());
    EXPECT_EQ(entry->path(), tmp / entry->file_name());
    const auto type = co_await entry->file_type();
    EXPECT_EQ(type.is_dir(), entry->file_name() == "subdir");
    EXPECT_EQ((co_await entry->metadata()).is_file(), entry->file_name() != "subdir");
  }
  std::sort(seen.begin(), seen.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
  EXPECT_FALSE(co_await dir.next_entry());  // stays at the end
}

TOKIO_TEST(FsDir, ReadDirOfAMissingDirectoryNamesIt) {
  try {
    (void)co_await fs::read_dir("/no/such/dir");
    ADD_FAILURE() << "listed a missing directory";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find("/no/such/dir"), std::string::npos) << e.what();
  }
}

TOKIO_TEST_ALL_FLAVORS(FsDir, WriteReadRenameRemove) {
  TempDir tmp;
  co_await fs::write(tmp / "a", std::string("hello"));
  EXPECT_EQ(co_await fs::read_to_string(tmp / "a"), "hello");
  std::vector<std::byte> bytes = co_await fs::read(tmp / "a");
  EXPECT_EQ(bytes.size(), 5u);
  std::vector<std::byte> three(3);  // not a braced list inside co_await: GCC 12 rejects it
  three[0] = std::byte{1};
  three[2] = std::byte{2};
  co_await fs::write(tmp / "a", std::move(three));
  EXPECT_EQ(co_await fs::read_to_string(tmp / "a"), std::string("\x01\x00\x02", 3));
  co_await fs::rename(tmp / "a", tmp / "b");
  EXPECT_FALSE(co_await fs::try_exists(tmp / "a"));
  EXPECT_EQ((co_await fs::metadata(tmp / "b")).len(), 3u);
  co_await fs::remove_file(tmp / "b");
  try {
    (void)co_await fs::read_to_string(tmp / "b");
    ADD_FAILURE() << "read a removed file";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find("read_to_string"), std::string::npos) << e.what();
  }
}

TOKIO_TEST(FsDir, PermissionsReadonly) {
  auto p = fs::Permissions::from_mode(0644);
  EXPECT_FALSE(p.readonly());
  p.set_readonly(true);
  EXPECT_EQ(p.mode(), 0444u);
  EXPECT_TRUE(p.readonly());
  p.set_readonly(false);
  EXPECT_EQ(p.mode(), 0666u);
  co_return;
}

}  // namespace
