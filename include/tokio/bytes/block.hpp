// The shared storage under Bytes and BytesMut: one heap block with a reference count, whose
// disjoint regions several BytesMut may own and any number of Bytes may view.
#pragma once

#include <atomic>
#include <cstddef>

namespace tokio::bytes::detail {

struct Block {
  std::atomic<std::size_t> refs;  // relaxed increments; acq_rel decrement frees (as shared_ptr)
  std::size_t capacity;

  std::byte* data() noexcept { return reinterpret_cast<std::byte*>(this + 1); }

  /// A block of `capacity` bytes with one reference. Throws std::bad_alloc.
  static Block* allocate(std::size_t capacity);
  static void retain(Block* block) noexcept {
    if (block) block->refs.fetch_add(1, std::memory_order_relaxed);
  }
  static void release(Block* block) noexcept;
  /// True when the caller holds the only reference (acquire: what the last other holder wrote
  /// into the block is visible).
  bool unique() const noexcept { return refs.load(std::memory_order_acquire) == 1; }
};

}  // namespace tokio::bytes::detail
