// tokio::util::io: ReaderStream, StreamReader, InspectReader, InspectWriter (after tokio-util's
// io_reader_stream.rs, io_stream_reader.rs, io_inspect.rs).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokio/io/util.hpp"
#include "tokio/stream.hpp"
#include "tokio/stream/wrappers.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util.hpp"

namespace {

using tokio::bytes::Bytes;
namespace uio = tokio::util::io;

TOKIO_TEST_ALL_FLAVORS(IoReaderStream, ChunksOfAReader) {
  auto [a, b] = tokio::io::duplex(64);
  auto writer = tokio::spawn([](tokio::io::DuplexStream w) -> tokio::Task<void> {
    co_await w.write_all(std::string_view("0123456789"));
  }(std::move(a)));
  uio::ReaderStream chunks(std::move(b), 4);  // at most 4 bytes per chunk
  std::string all;
  while (auto chunk = co_await chunks.next()) {
    EXPECT_LE(chunk->size(), 4u);
    all += chunk->view();
  }
  EXPECT_EQ(all, "0123456789");
  EXPECT_EQ(co_await chunks.next(), std::nullopt);
  co_await writer;
}

TOKIO_TEST(IoStreamReader, ReadsAcrossChunks) {
  std::vector<Bytes> parts{Bytes::from_static("hel"), Bytes(), Bytes::from_static("lo wo"),
                           Bytes::from_static("rld")};
  uio::StreamReader reader(tokio::stream::iter(std::move(parts)));
  std::string text;
  co_await tokio::io::read_to_string(reader, text);
  EXPECT_EQ(text, "hello world");
  std::vector<std::string> lines{"a\nb", "c\n", "d"};
  uio::StreamReader line_reader(tokio::stream::iter(std::move(lines)));
  auto got = co_await tokio::stream::collect<std::vector<std::string>>(
      tokio::stream::wrappers::LinesStream(tokio::io::BufReader(std::move(line_reader)).lines()));
  EXPECT_EQ(got, (std::vector<std::string>{"a", "bc", "d"}));
}

TOKIO_TEST(IoInspect, SeesEveryByte) {
  auto [a, b] = tokio::io::duplex(64);
  std::string written, read;
  auto on_write = [&written](std::span<const std::byte> bytes) {
    written.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  auto on_read = [&read](std::span<const std::byte> bytes) {
    read.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  uio::InspectWriter writer(std::move(a), on_write);
  co_await tokio::io::write_all(writer, std::string_view("inspected"));
  co_await writer.shutdown();
  uio::InspectReader reader(std::move(b), on_read);
  std::string sink;
  co_await tokio::io::read_to_string(reader, sink);
  EXPECT_EQ(written, "inspected");
  EXPECT_EQ(read, "inspected");
  EXPECT_EQ(sink, "inspected");
}

}  // namespace
