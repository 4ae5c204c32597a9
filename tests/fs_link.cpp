// tokio::fs links: hard_link, symlink, read_link, symlink_metadata (after Tokio's fs_link.rs).
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

TOKIO_TEST_ALL_FLAVORS(FsLink, HardLink) {
  TempDir tmp;
  co_await fs::write(tmp / "original", std::string("data"));
  co_await fs::hard_link(tmp / "original", tmp / "hard");
  EXPECT_EQ(co_await fs::read_to_string(tmp / "hard"), "data");
  EXPECT_EQ((co_await fs::metadata(tmp / "original")).nlink(), 2u);
  co_await fs::remove_file(tmp / "original");
  EXPECT_EQ(co_await fs::read_to_string(tmp / "hard"), "data");  // the data outlives a name
  try {
    co_await fs::hard_link(tmp / "hard", tmp / "hard");
    ADD_FAILURE() << "linked over an existing name";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::file_exists);
    EXPECT_NE(std::string(e.what()).find("hard_link"), std::string::npos) << e.what();
  }
}

TOKIO_TEST_ALL_FLAVORS(FsLink, SymbolicLink) {
  TempDir tmp;
  co_await fs::write(tmp / "original", std::string("data"));
  co_await fs::symlink(tmp / "original", tmp / "soft");
  EXPECT_EQ(co_await fs::read_to_string(tmp / "soft"), "data");
  EXPECT_EQ(co_await fs::read_link(tmp / "soft"), tmp / "original");
  EXPECT_TRUE((co_await fs::symlink_metadata(tmp / "soft")).is_symlink());
  EXPECT_TRUE((co_await fs::metadata(tmp / "soft")).is_file());
  EXPECT_EQ(co_await fs::canonicalize(tmp / "soft"), co_await fs::canonicalize(tmp / "original"));
  EXPECT_THROW(co_await fs::read_link(tmp / "original"), std::system_error);  // not a link
  EXPECT_THROW(co_await fs::canonicalize(tmp / "nope"), std::system_error);
}

// A relative target is kept as written, and a dangling link is a link to nothing.
TOKIO_TEST(FsLink, RelativeAndDanglingSymlinks) {
  TempDir tmp;
  co_await fs::symlink("missing-target", tmp / "dangling");
  EXPECT_EQ(co_await fs::read_link(tmp / "dangling"), fs::Path("missing-target"));
  EXPECT_TRUE((co_await fs::symlink_metadata(tmp / "dangling")).is_symlink());
  EXPECT_FALSE(co_await fs::try_exists(tmp / "dangling"));
  EXPECT_THROW(co_await fs::metadata(tmp / "dangling"), std::system_error);
  co_await fs::write(tmp / "missing-target", std::string("now here"));
  EXPECT_TRUE(co_await fs::try_exists(tmp / "dangling"));
  EXPECT_EQ(co_await fs::read_to_string(tmp / "dangling"), "now here");
  co_await fs::remove_file(tmp / "dangling");  // removes the link, not its target
  EXPECT_TRUE(co_await fs::try_exists(tmp / "missing-target"));
}

}  // namespace
