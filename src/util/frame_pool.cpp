// Per-thread size-class free lists for coroutine frames and task cells (see frame_alloc.hpp).
//
// Classes are 16 bytes apart (malloc's own granule) up to 4 KiB; larger blocks go straight to
// operator new. Class k holds requests of (16k-8, 16k+8] bytes in blocks of 16k+8: glibc's
// malloc puts an 8-byte size word in front of each chunk and rounds the chunk to 16, so a
// block of 16k+8 fills its chunk exactly, and a request costs what a plain malloc of it costs.
// (Classes at multiples of 16 cost 16 bytes more per block for half the sizes: a 136-byte cell
// took a 144 block in a 160 chunk.) A finer granule than the frames' 64 keeps an idle task's
// cell and frames at their own size: with 64-byte classes an idle task cost 448 bytes in all
// (bench idle_task_bytes; docs/architecture.md, "Known limits", has the breakdown).
// Each thread owns its free lists outright (no atomics, no locks on the common path). With work
// stealing a frame is often freed on another thread than the one that allocated it, so blocks
// drift from spawning threads to running threads. To keep steady-state spawning free of malloc
// anyway, a thread whose list grows past kMaxCached hands a batch of kBatch blocks to a global
// depot, and a thread whose list is empty takes a batch from the depot before it calls malloc.
// The depot (one mutex) is touched once per kBatch allocations at most. It is bounded too
// (kMaxDepotBatches per class); beyond that blocks go back to the system.
#include <cstdint>
#include <cstdlib>
#include <mutex>
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
#if TOKIO_FRAME_POOL
namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = 256;  // up to 4 KiB
constexpr std::uint32_t kBatch = 64;
constexpr std::uint32_t kMaxCached = 4 * kBatch;
constexpr std::uint32_t kMaxDepotBatches = 256;

// The class of a request, and the size of its blocks (see the top of the file). Requests under
// 16 bytes share class 1: a free block must hold a FreeBlock.
constexpr std::size_t class_of(std::size_t size) noexcept {
  return ((size < kGranule ? kGranule : size) + kGranule / 2 - 1) / kGranule;
}
constexpr std::size_t block_size(std::size_t cls) noexcept {
  return cls * kGranule + kGranule / 2;
}
static_assert(class_of(136) == 8 && block_size(8) == 136 && class_of(137) == 9);
static_assert(class_of(1) == 1 && block_size(1) >= 16 && class_of(4088) == kClasses - 1);

struct FreeBlock {
  FreeBlock* next;
  FreeBlock* next_batch;  // used only by the first block of a batch parked in the depot
};

// Batches of exactly kBatch blocks, per class, shared by all threads. Guarded by `mutex`.
struct Depot {
  // A plain std::mutex, not the sync seam's: the allocator is not under model check (a
  // thread-local refill would make the checker's schedules differ between iterations).
  std::mutex mutex;
  FreeBlock* batches[kClasses] = {};
  std::uint32_t counts[kClasses] = {};

  bool put(std::size_t cls, FreeBlock* batch) {
    std::lock_guard lock(mutex);
    if (counts[cls] >= kMaxDepotBatches) return false;
    batch->next_batch = batches[cls];
    batches[cls] = batch;
    ++counts[cls];
    return true;
  }
  FreeBlock* take(std::size_t cls) {
    std::lock_guard lock(mutex);
    FreeBlock* batch = batches[cls];
    if (batch) {
      batches[cls] = batch->next_batch;
      --counts[cls];
    }
    return batch;
  }
};

Depot& depot() {
  static Depot* instance = new Depot;  // never destroyed: threads may free during exit
  return *instance;
}

void free_chain(FreeBlock* block) {
  while (block) {
    FreeBlock* next = block->next;
    ::operator delete(block);
    block = next;
  }
}

struct ThreadPool {
  FreeBlock* heads[kClasses] = {};
  std::uint32_t counts[kClasses] = {};

  // Moves kBatch blocks from the front of the list to the depot (or the system).
  void spill(std::size_t cls) {
    FreeBlock* first = heads[cls];
    FreeBlock* last = first;
    for (std::uint32_t i = 1; i < kBatch; ++i)
      last = last->next;
    heads[cls] = last->next;
    counts[cls] -= kBatch;
    last->next = nullptr;
    if (!depot().put(cls, first)) free_chain(first);
  }

  ~ThreadPool() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (counts[c] >= kBatch)
        spill(c);
      free_chain(heads[c]);
    }
  }
};

// The calling thread's pool: a plain constinit pointer (no TLS guard on the hot path), set on
// first use. `tl_pool_dead` is set when the thread's pool is destroyed during thread exit:
// frames freed by later thread_local destructors then go straight to the system.
constinit thread_local ThreadPool* tl_pool = nullptr;
constinit thread_local bool tl_pool_dead = false;

struct PoolOwner {
  ThreadPool pool;
  PoolOwner() noexcept { tl_pool = &pool; }
  ~PoolOwner() {
    tl_pool = nullptr;
    tl_pool_dead = true;
  }
};

[[gnu::noinline]] ThreadPool* create_thread_pool() noexcept {
  if (tl_pool_dead) return nullptr;
  thread_local PoolOwner owner;
  return &owner.pool;
}

inline ThreadPool* this_thread_pool() noexcept {
  if (ThreadPool* p = tl_pool) [[likely]]
    return p;
  return create_thread_pool();
}

}  // namespace
#endif  // TOKIO_FRAME_POOL

void* frame_alloc(std::size_t size) {
#if TOKIO_FRAME_POOL
  const std::size_t cls = class_of(size);
  if (cls < kClasses) {
    if (ThreadPool* p = this_thread_pool()) [[likely]] {
      FreeBlock* block = p->heads[cls];
      if (!block) [[unlikely]] {
        block = depot().take(cls);
        if (!block) return ::operator new(block_size(cls));
        p->counts[cls] = kBatch;
      }
      p->heads[cls] = block->next;
      --p->counts[cls];
      return block;
    }
    return ::operator new(block_size(cls));
  }
#endif
  return ::operator new(size);
}

void frame_free(void* block, std::size_t size) noexcept {
#if TOKIO_FRAME_POOL
  const std::size_t cls = class_of(size);
  if (cls < kClasses) {
    if (ThreadPool* p = this_thread_pool()) [[likely]] {
      auto* free_block = static_cast<FreeBlock*>(block);
      free_block->next = p->heads[cls];
      p->heads[cls] = free_block;
      if (++p->counts[cls] > kMaxCached) [[unlikely]]
        p->spill(cls);
      return;
    }
  }
#endif
  ::operator delete(block);
  (void)size;
}

}  // namespace tokio::detail
