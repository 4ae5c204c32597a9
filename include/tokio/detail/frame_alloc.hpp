// Per-thread size-class pools for coroutine frames and task cells.
//
// Every coroutine frame (through the promise's operator new) and every spawned task's cell is
// carved from here, so steady-state spawn and await take nothing from malloc. Blocks of 64 bytes
// or more start on a cache line and cover whole lines, so that the tasks that different workers
// run never write the same line. Each thread owns its free lists outright (no atomics, no
// locks); a block freed on another thread than the one that allocated it simply joins the
// freeing thread's list, and surplus goes to a shared depot. Memory is kept for reuse, not
// returned to the system (the pool grows to the peak of frames alive at once). Under
// AddressSanitizer the pool is bypassed so that use-after-free of a frame is still caught.
#pragma once

#include <cstddef>

namespace tokio::detail {

/// Allocates `size` bytes (aligned to __STDCPP_DEFAULT_NEW_ALIGNMENT__). Throws std::bad_alloc.
void* frame_alloc(std::size_t size);

/// Returns a block obtained from frame_alloc with the same `size`.
void frame_free(void* block, std::size_t size) noexcept;

}  // namespace tokio::detail
