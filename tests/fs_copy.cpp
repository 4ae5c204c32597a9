// tokio::fs::copy (after Tokio's fs_copy.rs).
#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "support/temp_dir.hpp"
#include "tokio/fs.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace fs = tokio::fs;
using tokio::testing::TempDir;

TOKIO_TEST_ALL_FLAVORS(FsCopy, CopiesContentsAndPermissions) {
  TempDir tmp;
  std::string big(1 << 20, 'z');
  big[12345] = 'a';
  co_await fs::write(tmp / "src", big);
  co_await fs::set_permissions(tmp / "src", fs::Permissions::from_mode(0640));
  EXPECT_EQ(co_await fs::copy(tmp / "src", tmp / "dst"), big.size());
  EXPECT_EQ(co_await fs::read_to_string(tmp / "dst"), big);
  EXPECT_EQ((co_await fs::metadata(tmp / "dst")).permissions().mode(), 0640u);
}

TOKIO_TEST(FsCopy, EmptyFile) {
  TempDir tmp;
  co_await fs::write(tmp / "src", std::string());
  EXPECT_EQ(co_await fs::copy(tmp / "src", tmp / "dst"), 0u);
  EXPECT_EQ(co_await fs::read_to_string(tmp / "dst"), "");
}

// A longer destination is truncated, and its permissions are replaced by the source's.
TOKIO_TEST(FsCopy, ReplacesAnExistingDestination) {
  TempDir tmp;
  co_await fs::write(tmp / "src", std::string("short"));
  co_await fs::set_permissions(tmp / "src", fs::Permissions::from_mode(0600));
  co_await fs::write(tmp / "dst", std::string("a much longer old content"));
  co_await fs::set_permissions(tmp / "dst", fs::Permissions::from_mode(0644));
  EXPECT_EQ(co_await fs::copy(tmp / "src", tmp / "dst"), 5u);
  EXPECT_EQ(co_await fs::read_to_string(tmp / "dst"), "short");
  EXPECT_EQ((co_await fs::metadata(tmp / "dst")).permissions().mode(), 0600u);
}

// Copying a file onto itself (by its name or through a hard link) is refused and loses nothing.
TOKIO_TEST(FsCopy, OntoItselfIsRefusedAndLosesNothing) {
  TempDir tmp;
  co_await fs::write(tmp / "file", std::string("keep me"));
  co_await fs::hard_link(tmp / "file", tmp / "link");
  for (const char* target : {"file", "link"}) {
    try {
      (void)co_await fs::copy(tmp / "file", tmp / target);
      ADD_FAILURE() << "copied a file onto itself";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), std::errc::invalid_argument);
      EXPECT_NE(std::string(e.what()).find("same file"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(co_await fs::read_to_string(tmp / "file"), "keep me");
}

TOKIO_TEST(FsCopy, ErrorsNameThePath) {
  TempDir tmp;
  try {
    (void)co_await fs::copy(tmp / "missing", tmp / "dst");
    ADD_FAILURE() << "copied a missing file";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find((tmp / "missing").string()), std::string::npos)
        << e.what();
  }
  co_await fs::create_dir(tmp / "dir");
  try {
    (void)co_await fs::copy(tmp / "dir", tmp / "dst");
    ADD_FAILURE() << "copied a directory";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  co_await fs::write(tmp / "src", std::string("x"));
  try {
    (void)co_await fs::copy(tmp / "src", tmp / "no" / "such" / "dir");
    ADD_FAILURE() << "copied into a missing directory";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find((tmp / "no").string()), std::string::npos) << e.what();
  }
}

}  // namespace
