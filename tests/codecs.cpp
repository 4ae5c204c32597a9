// The codecs' decode and encode on buffers (after tokio-util's codecs.rs).
#include <gtest/gtest.h>

#include <string>

#include "tokio/util/codec.hpp"

namespace {

using tokio::bytes::Bytes;
using tokio::bytes::BytesMut;
using namespace tokio::util::codec;

TEST(Codecs, LinesDecoding) {
  LinesCodec codec;
  BytesMut buf("line 1\nline 2\r\nline 3\n\r\n\r");
  EXPECT_EQ(codec.decode(buf), "line 1");
  EXPECT_EQ(codec.decode(buf), "line 2");
  EXPECT_EQ(codec.decode(buf), "line 3");
  EXPECT_EQ(codec.decode(buf), "");
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  EXPECT_EQ(codec.decode_eof(buf), std::nullopt);  // a lone "\r" is no line
  buf.clear();
  buf.extend_from_slice("k");
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  buf.extend_from_slice("\n");
  EXPECT_EQ(codec.decode(buf), "k");
  buf.extend_from_slice("last without newline");
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  EXPECT_EQ(codec.decode_eof(buf), "last without newline");
  EXPECT_TRUE(buf.empty());
}

// An over-long line is reported once; the codec skips the rest of it and goes on.
TEST(Codecs, LinesMaxLengthResynchronises) {
  auto codec = LinesCodec::new_with_max_length(6);
  BytesMut buf("short\n");
  EXPECT_EQ(codec.decode(buf), "short");
  buf.extend_from_slice("far too long");
  EXPECT_THROW((void)codec.decode(buf), LinesCodecError);
  buf.extend_from_slice(" still the same line");
  EXPECT_EQ(codec.decode(buf), std::nullopt);  // discarding: what was read of it is dropped
  EXPECT_TRUE(buf.empty());
  buf.extend_from_slice("\nnext\n");
  EXPECT_EQ(codec.decode(buf), "next");
  // Exactly max_length is fine, even split over several reads.
  buf.extend_from_slice("123");
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  buf.extend_from_slice("456\n");
  EXPECT_EQ(codec.decode(buf), "123456");
}

TEST(Codecs, LinesRejectsInvalidUtf8AndSkipsIt) {
  LinesCodec codec;
  BytesMut buf("ok\n\xff\xfe\nafter\n");
  EXPECT_EQ(codec.decode(buf), "ok");
  try {
    (void)codec.decode(buf);
    ADD_FAILURE() << "invalid UTF-8 accepted";
  } catch (const LinesCodecError& e) {
    EXPECT_EQ(e.kind(), LinesCodecError::Kind::InvalidUtf8);
  }
  EXPECT_EQ(codec.decode(buf), "after");
  BytesMut utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\n");
  EXPECT_EQ(codec.decode(utf8), "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
  BytesMut overlong("\xc0\xaf\n");
  EXPECT_THROW((void)codec.decode(overlong), LinesCodecError);
  BytesMut surrogate("\xed\xa0\x80\n");
  EXPECT_THROW((void)codec.decode(surrogate), LinesCodecError);
}

TEST(Codecs, LinesEncoding) {
  LinesCodec codec;
  BytesMut buf;
  codec.encode("line 1", buf);
  codec.encode("line 2", buf);
  EXPECT_EQ(buf, "line 1\nline 2\n");
}

TEST(Codecs, AnyDelimiter) {
  AnyDelimiterCodec codec(",;\n", ";");
  BytesMut buf("chunk 1,chunk 2;chunk 3\n\r");
  EXPECT_EQ(codec.decode(buf), Bytes::from_static("chunk 1"));
  EXPECT_EQ(codec.decode(buf), Bytes::from_static("chunk 2"));
  EXPECT_EQ(codec.decode(buf), Bytes::from_static("chunk 3"));
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  EXPECT_EQ(codec.decode_eof(buf), Bytes::from_static("\r"));
  BytesMut out;
  codec.encode("a", out);
  codec.encode(Bytes::from_static("b"), out);
  EXPECT_EQ(out, "a;b;");
  auto limited = AnyDelimiterCodec::new_with_max_length(",", ",", 3);
  BytesMut big("toolong,ok,");
  EXPECT_THROW((void)limited.decode(big), AnyDelimiterCodecError);
  EXPECT_EQ(limited.decode(big), Bytes::from_static("ok"));
}

TEST(Codecs, BytesCodecPassesBytesThrough) {
  BytesCodec codec;
  BytesMut buf("abc");
  auto frame = codec.decode(buf);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, "abc");
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  BytesMut out;
  codec.encode(Bytes::from_static("xy"), out);
  codec.encode(std::string_view("z"), out);
  EXPECT_EQ(out, "xyz");
}

// With nothing after the last frame, decode_eof's default (for codecs without one) accepts the
// end; with bytes left over it is an error.
TEST(Codecs, DefaultDecodeEofRefusesLeftovers) {
  LengthDelimitedCodec codec;
  BytesMut empty;
  EXPECT_EQ(decode_eof(codec, empty), std::nullopt);
  BytesMut partial(std::string_view("\0\0", 2));
  EXPECT_THROW((void)decode_eof(codec, partial), CodecError);
}

}  // namespace
