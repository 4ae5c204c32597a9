// tokio::bytes::Bytes and BytesMut (after the bytes crate's test_bytes.rs).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tokio/bytes.hpp"

namespace {

using tokio::bytes::Bytes;
using tokio::bytes::BytesMut;

TEST(Bytes, StaticCopySliceSplit) {
  Bytes s = Bytes::from_static("hello world");
  EXPECT_EQ(s, "hello world");
  Bytes copy = s;  // shares
  EXPECT_EQ(copy.data(), s.data());
  EXPECT_EQ(s.slice(6, 11), "world");
  Bytes head = s.split_to(5);
  EXPECT_EQ(head, "hello");
  EXPECT_EQ(s, " world");
  Bytes tail = s.split_off(1);
  EXPECT_EQ(s, " ");
  EXPECT_EQ(tail, "world");
  tail.advance(2);
  EXPECT_EQ(tail, "rld");
  tail.truncate(1);
  EXPECT_EQ(tail, "r");
  EXPECT_THROW((void)tail.slice(0, 2), std::out_of_range);
  EXPECT_THROW(tail.advance(5), std::out_of_range);
  Bytes owned = Bytes::copy_from(std::string("abc"));
  EXPECT_NE(owned.data(), nullptr);
  EXPECT_EQ(owned, "abc");
  EXPECT_TRUE(Bytes().empty());
}

TEST(BytesMut, GrowsAndAppends) {
  BytesMut b;
  EXPECT_EQ(b.capacity(), 0u);
  b.extend_from_slice("abc");
  b.push_back(std::byte{'d'});
  EXPECT_EQ(b, "abcd");
  b.reserve(1000);
  EXPECT_GE(b.capacity() - b.size(), 1000u);
  EXPECT_EQ(b, "abcd");
  auto spare = b.spare_capacity();
  spare[0] = std::byte{'e'};
  b.commit(1);
  EXPECT_EQ(b, "abcde");
  EXPECT_THROW(b.commit(b.capacity()), std::out_of_range);
  b.resize(7, std::byte{'!'});
  EXPECT_EQ(b, "abcde!!");
  b.truncate(2);
  EXPECT_EQ(b, "ab");
  BytesMut copy = b;  // a deep copy
  copy.extend_from_slice("x");
  EXPECT_EQ(b, "ab");
  EXPECT_EQ(copy, "abx");
}

// Splitting shares the storage: no byte is copied, and each piece owns its own region.
TEST(BytesMut, SplitsWithoutCopying) {
  BytesMut b = BytesMut::with_capacity(64);
  b.extend_from_slice("frame1frame2rest");
  const std::byte* start = b.data();
  BytesMut first = b.split_to(6);
  EXPECT_EQ(first.data(), start);
  EXPECT_EQ(first, "frame1");
  Bytes second = b.split_to(6).freeze();
  EXPECT_EQ(second.data(), start + 6);
  EXPECT_EQ(second, "frame2");
  EXPECT_EQ(b, "rest");
  // Writing into b's spare capacity does not touch the frames split off before.
  b.extend_from_slice("more");
  EXPECT_EQ(b, "restmore");
  EXPECT_EQ(first, "frame1");
  EXPECT_EQ(second, "frame2");
  BytesMut tail = b.split_off(4);
  EXPECT_EQ(b, "rest");
  EXPECT_EQ(tail, "more");
  BytesMut all = tail.split();
  EXPECT_EQ(all, "more");
  EXPECT_TRUE(tail.empty());
  b.advance(2);
  EXPECT_EQ(b, "st");
}

// reserve reuses the storage once nothing else uses it (the bytes move to its front).
TEST(BytesMut, ReserveReusesFreedStorage) {
  BytesMut b = BytesMut::with_capacity(64);
  const std::byte* start = b.data();
  b.extend_from_slice(std::string(60, 'x'));
  { BytesMut gone = b.split_to(50); }  // dropped: its region is free again
  b.reserve(40);
  EXPECT_EQ(b.data(), start);  // compacted in place
  EXPECT_EQ(b, std::string(10, 'x'));
  Bytes kept = b.split_to(5).freeze();  // alive: the storage is shared now
  b.reserve(100);
  EXPECT_NE(b.data(), start);  // grew into new storage
  EXPECT_EQ(kept, "xxxxx");
  EXPECT_EQ(b, "xxxxx");
}

// Pieces of one storage used and dropped on different threads (TSan checks the count).
TEST(Bytes, SharedAcrossThreads) {
  BytesMut b;
  b.extend_from_slice(std::string(4096, 'q'));
  Bytes whole = b.split().freeze();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([whole] {
      for (int i = 0; i < 1000; ++i) {
        Bytes piece = whole.slice(static_cast<std::size_t>(i), static_cast<std::size_t>(i) + 16);
        ASSERT_EQ(piece.view(), std::string(16, 'q'));
      }
    });
  for (auto& t : threads)
    t.join();
}

}  // namespace
