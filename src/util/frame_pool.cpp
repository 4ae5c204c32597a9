// Per-thread size-class free lists for coroutine frames and task cells (see frame_alloc.hpp).
//
// Blocks are carved from 64 KiB slabs, aligned to a cache line, so that they carry no malloc
// header. Classes are 16, 32, 48 and 64 bytes, then multiples of 64 up to 4 KiB; larger blocks
// go straight to operator new. A block of 64 bytes or more therefore starts on a cache line and
// covers whole lines: the cell and frames of one task never share a line with another task's.
// That matters: two workers running neighbouring tasks wrote the same lines (the state word of
// one task's cell beside the tail of another's frame), which halved yield_many at two workers
// when blocks were packed at 16-byte steps from malloc. Line-sized blocks without malloc's
// header cost an idle task what 16-byte classes from malloc did (bench idle_task_bytes;
// docs/architecture.md, "Known limits", has the breakdown).
//
// Each thread owns its free lists and its current slab of each class outright (no atomics, no
// locks on the common path). With work stealing a frame is often freed on another thread than
// the one that allocated it, so blocks drift from spawning threads to running threads. To keep
// steady-state spawning free of malloc anyway, a thread whose list grows past kMaxCached hands
// a batch of kBatch blocks to a global depot, and a thread whose list is empty takes a batch
// from the depot before it carves new blocks. The depot (one mutex) is touched once per kBatch
// allocations at most. A thread that exits gives its lists and the uncarved rest of its slabs
// to the depot.
//
// Memory is kept, not returned: a block, once carved, is only ever reused (slabs cannot be
// given back while any of their blocks may be in use). The pool's size is thus the peak of
// frames and cells alive at once. Pages of a slab become resident only as blocks are carved.
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

constexpr std::size_t kLine = 64;
constexpr std::size_t kSmall = 4;     // classes 0..3: 16, 32, 48, 64 bytes
constexpr std::size_t kClasses = 67;  // then 128, 192, ... 4096
constexpr std::size_t kMaxPooled = 4096;
constexpr std::size_t kSlabBytes = 64 * 1024;
constexpr std::uint32_t kBatch = 64;
constexpr std::uint32_t kMaxCached = 4 * kBatch;

constexpr std::size_t class_of(std::size_t size) noexcept {
  if (size <= kLine) return size == 0 ? 0 : (size - 1) / 16;
  return kSmall - 2 + (size + kLine - 1) / kLine;
}
constexpr std::size_t block_size(std::size_t cls) noexcept {
  return cls < kSmall ? (cls + 1) * 16 : (cls + 2 - kSmall) * kLine;
}
static_assert(class_of(1) == 0 && block_size(0) == 16 && class_of(64) == 3 && block_size(3) == 64);
static_assert(class_of(65) == 4 && block_size(4) == 128 && class_of(128) == 4);
static_assert(class_of(129) == 5 && block_size(5) == 192);
static_assert(class_of(kMaxPooled) == kClasses - 1 && block_size(kClasses - 1) == kMaxPooled);

struct FreeBlock {
  FreeBlock* next;
  FreeBlock* next_batch;  // used only by the first block of a batch parked in the depot
};

// The uncarved rest of a slab, parked in the depot by a thread that exited; the header lives
// in the region's first block.
struct Region {
  Region* next;
  std::size_t bytes;
};

// Batches of blocks (kBatch, or fewer from an exiting thread) and slab remainders, per class,
// shared by all threads. Guarded by `mutex`.
struct Depot {
  // A plain std::mutex, not the sync seam's: the allocator is not under model check (a
  // thread-local refill would make the checker's schedules differ between iterations).
  std::mutex mutex;
  FreeBlock* batches[kClasses] = {};
  Region* regions[kClasses] = {};

  void put(std::size_t cls, FreeBlock* batch) {
    std::lock_guard lock(mutex);
    batch->next_batch = batches[cls];
    batches[cls] = batch;
  }
  FreeBlock* take(std::size_t cls) {
    std::lock_guard lock(mutex);
    FreeBlock* batch = batches[cls];
    if (batch) batches[cls] = batch->next_batch;
    return batch;
  }
  void put_region(std::size_t cls, char* begin, std::size_t bytes) {
    std::lock_guard lock(mutex);
    regions[cls] = ::new (begin) Region{regions[cls], bytes};
  }
  // The bytes of a parked region (its start in `begin`), or 0 when there is none.
  std::size_t take_region(std::size_t cls, char*& begin) {
    std::lock_guard lock(mutex);
    Region* region = regions[cls];
    if (!region) return 0;
    regions[cls] = region->next;
    begin = reinterpret_cast<char*>(region);
    return region->bytes;
  }
};

Depot& depot() {
  static Depot* instance = new Depot;  // never destroyed: threads may free during exit
  return *instance;
}

// A fresh block of `cls` carved from the slab region [*bump, *bump + *left), refilled from the
// depot's parked regions or a new slab when it is used up.
void* carve(std::size_t cls, char*& bump, std::size_t& left) {
  const std::size_t size = block_size(cls);
  if (left < size) {
    left = depot().take_region(cls, bump);
    if (left < size) {
      bump = static_cast<char*>(::operator new(kSlabBytes, std::align_val_t(kLine)));
      left = kSlabBytes - kSlabBytes % size;
    }
  }
  void* block = bump;
  bump += size;
  left -= size;
  return block;
}

struct ThreadPool {
  FreeBlock* heads[kClasses] = {};
  std::uint32_t counts[kClasses] = {};
  char* bump[kClasses] = {};
  std::size_t left[kClasses] = {};

  // Moves kBatch blocks from the front of the list to the depot.
  void spill(std::size_t cls) {
    FreeBlock* first = heads[cls];
    FreeBlock* last = first;
    for (std::uint32_t i = 1; i < kBatch; ++i)
      last = last->next;
    heads[cls] = last->next;
    counts[cls] -= kBatch;
    last->next = nullptr;
    depot().put(cls, first);
  }

  // The list is empty: a batch from the depot, else a block carved from a slab.
  void* refill(std::size_t cls) {
    if (FreeBlock* batch = depot().take(cls)) {
      std::uint32_t n = 0;
      for (FreeBlock* b = batch; b; b = b->next)
        ++n;
      heads[cls] = batch->next;
      counts[cls] = n - 1;
      return batch;
    }
    return carve(cls, bump[cls], left[cls]);
  }

  ~ThreadPool() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      if (heads[c]) depot().put(c, heads[c]);
      if (left[c] >= block_size(c)) depot().put_region(c, bump[c], left[c]);
    }
  }
};

// The calling thread's pool: a plain constinit pointer (no TLS guard on the hot path), set on
// first use. `tl_pool_dead` is set when the thread's pool is destroyed during thread exit:
// frames allocated or freed by later thread_local destructors then go through the depot.
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

// After the thread's pool is gone: one block at a time through the depot.
void* allocate_without_pool(std::size_t cls) {
  if (FreeBlock* batch = depot().take(cls)) {
    if (batch->next) depot().put(cls, batch->next);
    return batch;
  }
  char* bump = nullptr;
  std::size_t left = 0;
  void* block = carve(cls, bump, left);
  if (left >= block_size(cls)) depot().put_region(cls, bump, left);
  return block;
}

}  // namespace
#endif  // TOKIO_FRAME_POOL

void* frame_alloc(std::size_t size) {
#if TOKIO_FRAME_POOL
  if (size <= kMaxPooled) {
    const std::size_t cls = class_of(size);
    if (ThreadPool* p = this_thread_pool()) [[likely]] {
      FreeBlock* block = p->heads[cls];
      if (!block) [[unlikely]]
        return p->refill(cls);
      p->heads[cls] = block->next;
      --p->counts[cls];
      return block;
    }
    return allocate_without_pool(cls);
  }
#endif
  return ::operator new(size);
}

void frame_free(void* block, std::size_t size) noexcept {
#if TOKIO_FRAME_POOL
  if (size <= kMaxPooled) {
    const std::size_t cls = class_of(size);
    auto* free_block = static_cast<FreeBlock*>(block);
    if (ThreadPool* p = this_thread_pool()) [[likely]] {
      free_block->next = p->heads[cls];
      p->heads[cls] = free_block;
      if (++p->counts[cls] > kMaxCached) [[unlikely]]
        p->spill(cls);
      return;
    }
    free_block->next = nullptr;
    depot().put(cls, free_block);
    return;
  }
#endif
  ::operator delete(block);
  (void)size;
}

}  // namespace tokio::detail
