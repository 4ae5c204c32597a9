// tokio::fs::File and OpenOptions (after Tokio's fs_file.rs and fs_open_options.rs).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>
#include <system_error>

#include "support/temp_dir.hpp"
#include "tokio/fs.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"

namespace {

namespace fs = tokio::fs;
using tokio::io::SeekFrom;
using tokio::testing::TempDir;

static_assert(tokio::io::AsyncRead<fs::File> && tokio::io::AsyncWrite<fs::File> &&
              tokio::io::AsyncSeek<fs::File>);

TOKIO_TEST_ALL_FLAVORS(FsFile, WriteThenReadBack) {
  TempDir tmp;
  {
    auto file = co_await fs::File::create(tmp / "f");
    co_await file.write_all(std::string_view("hello "));
    co_await file.write_all(std::string_view("world"));
    co_await file.flush();
  }
  auto file = co_await fs::File::open(tmp / "f");
  std::string text;
  co_await file.read_to_string(text);
  EXPECT_EQ(text, "hello world");
}

TOKIO_TEST(FsFile, LargeWriteInChunks) {
  TempDir tmp;
  std::string data(5 * 1024 * 1024 + 7, '\0');
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>(i * 131);
  auto file = co_await fs::File::create(tmp / "big");
  file.set_max_buf_size(64 * 1024);
  co_await file.write_all(data);
  co_await file.sync_all();
  EXPECT_EQ((co_await file.metadata()).len(), data.size());
  EXPECT_EQ(co_await fs::read_to_string(tmp / "big"), data);
}

TOKIO_TEST(FsFile, SeekAccountsForReadAhead) {
  TempDir tmp;
  co_await fs::write(tmp / "f", std::string("0123456789"));
  auto file = co_await fs::File::options().read(true).write(true).open(tmp / "f");
  std::array<char, 3> three{};
  co_await file.read_exact(three);  // the File read more than 3 bytes ahead
  EXPECT_EQ(std::string(three.data(), 3), "012");
  EXPECT_EQ(co_await file.stream_position(), 3u);
  EXPECT_EQ(co_await file.seek(SeekFrom::current(2)), 5u);
  co_await file.read_exact(three);
  EXPECT_EQ(std::string(three.data(), 3), "567");
  EXPECT_EQ(co_await file.seek(SeekFrom::end(-1)), 9u);
  co_await file.rewind();
  co_await file.read_exact(three);
  co_await file.write_all(std::string_view("ab"));  // lands after what was read: at 3
  co_await file.flush();
  EXPECT_EQ(co_await fs::read_to_string(tmp / "f"), "012ab56789");
}

TOKIO_TEST(FsFile, AWriteErrorSurfacesAtFlush) {
  auto full = co_await fs::OpenOptions().write(true).open("/dev/full");
  EXPECT_EQ(co_await full.write(std::string_view("x")), 1u);  // accepted into the buffer
  try {
    co_await full.flush();
    ADD_FAILURE() << "flush to /dev/full succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_space_on_device);
    EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
  }
  co_await full.flush();  // the error was reported once
}

TOKIO_TEST_ALL_FLAVORS(FsFile, CancelledReadLosesNothing) {
  TempDir tmp;
  co_await fs::write(tmp / "f", std::string("abcdef"));
  auto file = co_await fs::File::open(tmp / "f");
  std::array<char, 4> buf{};
  // The blocking read may finish before the other branch is polled (then the read wins), or
  // be dropped while it runs: either way no byte may be lost.
  auto first = co_await tokio::select_biased(file.read(buf), tokio::future::ready(0));
  std::string text;
  if (first.index() == 0) text.assign(buf.data(), std::get<0>(first));
  co_await file.read_to_string(text);
  EXPECT_EQ(text, "abcdef");
}

TOKIO_TEST(FsFile, OpenOptionsFlags) {
  TempDir tmp;
  EXPECT_THROW(co_await fs::File::open(tmp / "missing"), std::system_error);
  {
    auto f = co_await fs::File::create_new(tmp / "n");
    co_await f.write_all(std::string_view("1"));
    co_await f.flush();
  }
  try {
    (void)co_await fs::File::create_new(tmp / "n");
    ADD_FAILURE() << "create_new opened an existing file";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::file_exists);
  }
  {
    auto f = co_await fs::OpenOptions().append(true).open(tmp / "n");
    co_await f.write_all(std::string_view("2"));
    co_await f.flush();
  }
  EXPECT_EQ(co_await fs::read_to_string(tmp / "n"), "12");
  {
    auto f = co_await fs::OpenOptions().write(true).truncate(true).open(tmp / "n");
    co_await f.flush();
  }
  EXPECT_EQ(co_await fs::read_to_string(tmp / "n"), "");
  // create without write cannot work.
  try {
    (void)co_await fs::OpenOptions().read(true).create(true).open(tmp / "c");
    ADD_FAILURE() << "create without write was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::invalid_argument);
  }
  auto made = co_await fs::OpenOptions().write(true).create(true).mode(0600).open(tmp / "m");
  EXPECT_EQ((co_await made.metadata()).permissions().mode(), 0600u);
}

TOKIO_TEST(FsFile, SetLenCloneAndStd) {
  TempDir tmp;
  auto file = co_await fs::File::options().read(true).write(true).create(true).open(tmp / "f");
  co_await file.write_all(std::string_view("abcdef"));
  co_await file.set_len(3);
  EXPECT_EQ(co_await fs::read_to_string(tmp / "f"), "abc");
  co_await file.set_len(5);
  EXPECT_EQ((co_await fs::metadata(tmp / "f")).len(), 5u);
  auto clone = co_await file.try_clone();
  co_await clone.rewind();  // one position for both: the same open file description
  EXPECT_EQ(co_await file.stream_position(), 0u);
  co_await file.set_permissions(fs::Permissions::from_mode(0640));
  EXPECT_EQ((co_await fs::metadata(tmp / "f")).permissions().mode(), 0640u);
  co_await file.sync_data();
  const int fd = co_await std::move(file).into_std();
  EXPECT_GE(fd, 0);
  char c = 0;
  EXPECT_EQ(::read(fd, &c, 1), 1);
  EXPECT_EQ(c, 'a');
  auto back = fs::File::from_std(fd);
  std::string rest;
  co_await back.read_to_string(rest);
  EXPECT_EQ(rest, std::string("bc\0\0", 4));
}

}  // namespace
