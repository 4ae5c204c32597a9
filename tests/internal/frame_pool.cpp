// White-box tests of the frame pool (src/util/frame_pool.cpp): blocks of a line or more are
// line-aligned, blocks are reused, and threads that exit hand their blocks on.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "tokio/detail/frame_alloc.hpp"

namespace tokio::detail {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooled = false;  // ASan: every block comes from operator new
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPooled = false;
#else
constexpr bool kPooled = true;
#endif
#else
constexpr bool kPooled = true;
#endif

bool line_aligned(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

TEST(FramePool, BlocksOfALineOrMoreStartOnALineAndDoNotOverlap) {
  if (!kPooled) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  std::vector<void*> blocks;
  for (std::size_t size : {65u, 112u, 120u, 128u, 129u, 500u, 4096u})
    for (int i = 0; i < 100; ++i) {
      void* p = frame_alloc(size);
      EXPECT_TRUE(line_aligned(p)) << "size " << size;
      std::memset(p, 0xab, size);  // the whole block is usable
      frame_free(p, size);
      blocks.push_back(frame_alloc(size));
      std::memset(blocks.back(), 0xcd, size);
    }
  std::set<void*> distinct(blocks.begin(), blocks.end());
  EXPECT_EQ(distinct.size(), blocks.size());
  std::size_t i = 0;
  for (std::size_t size : {65u, 112u, 120u, 128u, 129u, 500u, 4096u})
    for (int n = 0; n < 100; ++n)
      frame_free(blocks[i++], size);
}

TEST(FramePool, AFreedBlockIsReusedByTheSameClass) {
  if (!kPooled) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  void* first = frame_alloc(100);
  frame_free(first, 100);
  void* second = frame_alloc(120);  // same 128-byte class
  EXPECT_EQ(first, second);
  frame_free(second, 120);
}

TEST(FramePool, SmallAndLargeRequestsWork) {
  for (std::size_t size : {1u, 15u, 16u, 17u, 48u, 64u, 4097u, 100000u}) {
    void* p = frame_alloc(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u) << "size " << size;
    std::memset(p, 0x5a, size);
    frame_free(p, size);
  }
}

TEST(FramePool, BlocksOutliveTheThreadThatAllocatedThem) {
  // A thread allocates many blocks, frees half, and exits: its lists and slab rest go to the
  // depot; the other half is freed here, and everything is usable again from other threads.
  std::vector<void*> kept;
  std::thread([&] {
    std::vector<void*> all;
    for (int i = 0; i < 1000; ++i)
      all.push_back(frame_alloc(200));
    for (int i = 0; i < 1000; ++i) {
      if (i % 2)
        frame_free(all[i], 200);
      else
        kept.push_back(all[i]);
    }
  }).join();
  for (void* p : kept)
    frame_free(p, 200);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      std::vector<void*> mine;
      for (int i = 0; i < 2000; ++i) {
        mine.push_back(frame_alloc(200));
        std::memset(mine.back(), i & 0xff, 200);
      }
      for (void* p : mine)
        frame_free(p, 200);
    });
  for (auto& t : threads)
    t.join();
}

}  // namespace
}  // namespace tokio::detail
