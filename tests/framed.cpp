// FramedRead, FramedWrite and Framed over in-memory pipes (after tokio-util's framed.rs,
// framed_read.rs and framed_write.rs).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokio/io/util.hpp"
#include "tokio/stream.hpp"
#include "tokio/test.hpp"
#include "tokio/tokio.hpp"
#include "tokio/util/codec.hpp"

namespace {

using tokio::bytes::Bytes;
using tokio::bytes::BytesMut;
using namespace tokio::util::codec;
using Lines = std::vector<std::string>;

TOKIO_TEST_ALL_FLAVORS(Framed, ReadLinesUntilTheEnd) {
  auto [a, b] = tokio::io::duplex(16);  // small: lines arrive in pieces
  auto writer = tokio::spawn([](tokio::io::DuplexStream w) -> tokio::Task<void> {
    co_await w.write_all(std::string_view("first\nsecond line\r\nthird"));
  }(std::move(a)));
  FramedRead lines(std::move(b), LinesCodec());
  auto got = co_await tokio::stream::collect<Lines>(std::move(lines));
  EXPECT_EQ(got, (Lines{"first", "second line", "third"}));
  co_await writer;
}

TOKIO_TEST_ALL_FLAVORS(Framed, WriteThenReadLengthDelimited) {
  auto [a, b] = tokio::io::duplex(64);
  FramedWrite out(std::move(a), LengthDelimitedCodec());
  FramedRead in(std::move(b), LengthDelimitedCodec());
  auto writer = tokio::spawn(
      [](FramedWrite<tokio::io::DuplexStream, LengthDelimitedCodec> out) -> tokio::Task<void> {
        for (int i = 0; i < 100; ++i)
          co_await out.feed(std::string(static_cast<std::size_t>(i), 'x'));
        co_await out.close();
      }(std::move(out)));
  std::size_t frames = 0;
  while (auto frame = co_await in.next()) {
    EXPECT_EQ(frame->size(), frames);
    ++frames;
  }
  EXPECT_EQ(frames, 100u);
  co_await writer;
}

// An echo over Framed<LinesCodec>: next() and send() on one object.
TOKIO_TEST_ALL_FLAVORS(Framed, EchoesLines) {
  auto [client_io, server_io] = tokio::io::duplex(1024);
  auto server = tokio::spawn([](tokio::io::DuplexStream io) -> tokio::Task<void> {
    Framed framed(std::move(io), LinesCodec::new_with_max_length(64));
    while (auto line = co_await framed.next())
      co_await framed.send("echo: " + *line);
  }(std::move(server_io)));
  Framed client(std::move(client_io), LinesCodec());
  co_await client.send(std::string_view("hello"));
  EXPECT_EQ(co_await client.next(), "echo: hello");
  co_await client.send(std::string_view("bye"));
  EXPECT_EQ(co_await client.next(), "echo: bye");
  co_await client.close();
  EXPECT_EQ(co_await client.next(), std::nullopt);
  co_await server;
}

// A hostile peer sends one endless line: the reader's buffer stays bounded, the error is
// reported once, and the next line gets through.
TOKIO_TEST(Framed, OverlongLineIsBoundedAndSkipped) {
  auto [a, b] = tokio::io::duplex(4096);
  auto attacker = tokio::spawn([](tokio::io::DuplexStream w) -> tokio::Task<void> {
    const std::string junk(4096, 'A');
    for (int i = 0; i < 256; ++i)  // 1 MiB without a newline
      co_await w.write_all(std::string_view(junk));
    co_await w.write_all(std::string_view("\nfine\n"));
  }(std::move(a)));
  FramedRead lines(std::move(b), LinesCodec::new_with_max_length(1000));
  int errors = 0;
  std::optional<std::string> line;
  for (;;) {
    try {
      line = co_await lines.next();
      break;
    } catch (const LinesCodecError& e) {
      EXPECT_EQ(e.kind(), LinesCodecError::Kind::MaxLineLengthExceeded);
      ++errors;
    }
    EXPECT_LT(lines.read_buffer().capacity(), 64u * 1024);
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(line, "fine");
  co_await attacker;
}

// Bytes left at the end that make no whole frame are an error, not a silent loss.
TOKIO_TEST(Framed, TruncatedFrameAtTheEndIsAnError) {
  auto [a, b] = tokio::io::duplex(64);
  co_await a.write_all(
      std::string_view("\0\0\0\x09"
                       "abc",
                       7));
  { auto closed = std::move(a); }
  FramedRead frames(std::move(b), LengthDelimitedCodec());
  EXPECT_THROW((void)co_await frames.next(), CodecError);
}

// next() is cancel-safe: a half-read frame survives a lost select.
TOKIO_TEST(Framed, NextIsCancelSafe) {
  auto [a, b] = tokio::io::duplex(64);
  FramedRead lines(std::move(b), LinesCodec());
  co_await a.write_all(std::string_view("par"));
  auto lost = co_await tokio::select_biased(lines.next(), tokio::task::yield_now());
  EXPECT_EQ(lost.index(), 1u);
  co_await a.write_all(std::string_view("tial\n"));
  EXPECT_EQ(co_await lines.next(), "partial");
}

TOKIO_TEST(Framed, BytesCodecStreamsChunks) {
  auto [a, b] = tokio::io::duplex(64);
  FramedWrite out(std::move(a), BytesCodec());
  co_await out.send(Bytes::from_static("raw bytes"));
  co_await out.close();
  FramedRead in(std::move(b), BytesCodec());
  std::string all;
  while (auto chunk = co_await in.next())
    all += chunk->view();
  EXPECT_EQ(all, "raw bytes");
}

}  // namespace
