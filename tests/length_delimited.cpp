// LengthDelimitedCodec and its builder (after tokio-util's length_delimited.rs).
#include <gtest/gtest.h>

#include <string>

#include "tokio/util/codec.hpp"

namespace {

using tokio::bytes::BytesMut;
using namespace tokio::util::codec;

BytesMut raw(std::string_view bytes) {
  return BytesMut(bytes);
}

TEST(LengthDelimited, DecodesBigEndianFramesAcrossReads) {
  LengthDelimitedCodec codec;
  BytesMut buf = raw(std::string_view("\0\0\0\x05hello\0\0\0\x03", 13));
  EXPECT_EQ(codec.decode(buf), "hello");
  EXPECT_EQ(codec.decode(buf), std::nullopt);  // the header is read, two bytes missing
  buf.extend_from_slice("ab");
  EXPECT_EQ(codec.decode(buf), std::nullopt);
  buf.extend_from_slice("c");
  EXPECT_EQ(codec.decode(buf), "abc");
  BytesMut empty_frame = raw(std::string_view("\0\0\0\0", 4));
  EXPECT_EQ(codec.decode(empty_frame), "");
}

TEST(LengthDelimited, EncodesTheLengthThenTheFrame) {
  LengthDelimitedCodec codec;
  BytesMut out;
  codec.encode(std::string_view("hi"), out);
  EXPECT_EQ(out, std::string_view("\0\0\0\x02hi", 6));
  auto le = LengthDelimitedCodec::builder().length_field_length(2).little_endian().new_codec();
  BytesMut out_le;
  le.encode(std::string_view("abc"), out_le);
  EXPECT_EQ(out_le, std::string_view("\x03\0abc", 5));
  BytesMut back(out_le);
  EXPECT_EQ(le.decode(back), "abc");
}

// A hostile header cannot make the reader allocate: it is refused as soon as it is read.
TEST(LengthDelimited, OversizedFramesAreRefused) {
  auto codec = LengthDelimitedCodec::builder().max_frame_length(16).new_codec();
  BytesMut buf = raw(std::string_view("\x7f\xff\xff\xff", 4));
  EXPECT_THROW((void)codec.decode(buf), LengthDelimitedCodecError);
  EXPECT_LT(buf.capacity(), 1024u);
  BytesMut out;
  EXPECT_THROW(codec.encode(std::string(17, 'x'), out), LengthDelimitedCodecError);
  EXPECT_TRUE(out.empty());
  auto one_byte = LengthDelimitedCodec::builder().length_field_length(1).new_codec();
  EXPECT_THROW(one_byte.encode(std::string(256, 'x'), out), LengthDelimitedCodecError);
  EXPECT_THROW(LengthDelimitedCodec::builder().length_field_length(9), std::invalid_argument);
  EXPECT_THROW(LengthDelimitedCodec::builder().length_field_length(0), std::invalid_argument);
}

// A header with a prefix before the length, a length that counts the header too
// (adjustment -4), and num_skip keeping part of the header in the frame.
TEST(LengthDelimited, OffsetAdjustmentAndSkip) {
  auto codec = LengthDelimitedCodec::builder()
                   .length_field_offset(1)
                   .length_field_length(2)
                   .length_adjustment(-3)
                   .num_skip(1)
                   .new_codec();
  // tag 0xCA, length 0x0005 = 3 header bytes + 2 payload bytes; the frame keeps the length.
  BytesMut buf = raw(std::string_view("\xca\0\x05hi", 5));
  auto frame = codec.decode(buf);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, std::string_view("\0\x05", 2));  // (length + adjustment) = 2 bytes after skip
  auto negative = LengthDelimitedCodec::builder().length_adjustment(-10).new_codec();
  BytesMut small = raw(std::string_view("\0\0\0\x02xx", 6));
  EXPECT_THROW((void)negative.decode(small), LengthDelimitedCodecError);
}

TEST(LengthDelimited, EightByteAndNativeFields) {
  auto codec = LengthDelimitedCodec::builder().length_field_length(8).native_endian().new_codec();
  BytesMut buf;
  codec.encode(std::string_view("payload"), buf);
  EXPECT_EQ(buf.size(), 8u + 7u);
  EXPECT_EQ(codec.decode(buf), "payload");
}

}  // namespace
