// Per-thread size-class free lists for coroutine frames and task cells (see frame_alloc.hpp).
//
// Classes are multiples of 64 bytes up to 4 KiB; larger blocks go straight to operator new.
// Each thread's lists are plain singly linked stacks owned by that thread. A list holds at most
// kMaxCached blocks; beyond that frees go back to the system, which bounds the memory a thread
// can hoard when frames allocated elsewhere are freed on it.
#include <cstdint>
#include <cstdlib>
#include <new>

#include "tokio/detail/frame_alloc.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TOKIO_FRAME_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TOKIO_FRAME_POOL 0
#endif
#endif
#ifndef TOKIO_FRAME_POOL
#define TOKIO_FRAME_POOL 1
#endif

namespace tokio::detail {
namespace {

constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 64;  // up to 4 KiB
constexpr std::uint32_t kMaxCached = 1024;

struct FreeBlock {
  FreeBlock* next;
};

struct ThreadPool {
  FreeBlock* heads[kClasses] = {};
  std::uint32_t counts[kClasses] = {};

  ~ThreadPool() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (FreeBlock* block = heads[c]) {
        heads[c] = block->next;
        ::operator delete(block);
      }
    }
  }
};

// `tl_pool_state`: 0 = not created yet, 1 = live, 2 = destroyed (thread exiting: frames freed by
// later thread_local destructors go straight to the system).
constinit thread_local int tl_pool_state = 0;

struct PoolOwner {
  ThreadPool pool;
  PoolOwner() noexcept { tl_pool_state = 1; }
  ~PoolOwner() { tl_pool_state = 2; }
};

ThreadPool* this_thread_pool() noexcept {
  if (tl_pool_state == 2) [[unlikely]]
    return nullptr;
  thread_local PoolOwner owner;
  return &owner.pool;
}

}  // namespace

void* frame_alloc(std::size_t size) {
#if TOKIO_FRAME_POOL
  const std::size_t cls = (size - 1) / kGranule;
  if (cls < kClasses) {
    if (ThreadPool* p = this_thread_pool()) {
      if (FreeBlock* block = p->heads[cls]) {
        p->heads[cls] = block->next;
        --p->counts[cls];
        return block;
      }
      return ::operator new((cls + 1) * kGranule);
    }
  }
#endif
  return ::operator new(size);
}

void frame_free(void* block, std::size_t size) noexcept {
#if TOKIO_FRAME_POOL
  const std::size_t cls = (size - 1) / kGranule;
  if (cls < kClasses) {
    if (ThreadPool* p = this_thread_pool(); p && p->counts[cls] < kMaxCached) {
      auto* free_block = static_cast<FreeBlock*>(block);
      free_block->next = p->heads[cls];
      p->heads[cls] = free_block;
      ++p->counts[cls];
      return;
    }
  }
#endif
  ::operator delete(block);
  (void)size;
}

}  // namespace tokio::detail
