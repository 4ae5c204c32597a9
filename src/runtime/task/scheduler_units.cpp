// Scheduler units: what keeps a scheduler alive while tasks bound to it exist (see Scheduler in
// tokio/detail/header.hpp), with a per-thread stock so that driving threads take and return
// units without touching the shared count.
#include <atomic>
#include <cstdint>

#include "tokio/detail/header.hpp"

namespace tokio::detail {

namespace {

// How many units a driving thread takes from the shared count at once. It gives a batch back
// when it holds two, so a thread that spawns and frees tasks at the same rate touches the
// shared count about once per kBatch tasks.
constexpr std::int64_t kBatch = 64;

struct UnitCache {
  Scheduler* owner = nullptr;
  std::int64_t units = 0;  // counted in owner->units_, held by this thread
};
// Touched only by its thread. While `owner` is set this thread holds `units` units of it, and
// the owner outlives the binding (the thread drives it: it holds the owner's shared_ptr).
constinit thread_local UnitCache tl_units{};

}  // namespace

void Scheduler::retain_unit() noexcept {
  UnitCache& cache = tl_units;
  if (cache.owner == this) {
    if (cache.units == 0) {
      units_.fetch_add(kBatch, std::memory_order_relaxed);
      cache.units = kBatch;
    }
    --cache.units;
    return;
  }
  units_.fetch_add(1, std::memory_order_relaxed);
}

void Scheduler::release_unit() noexcept {
  UnitCache& cache = tl_units;
  if (cache.owner == this) {
    if (++cache.units < 2 * kBatch) return;
    // This thread still holds kBatch units afterwards, so the count cannot reach zero here.
    cache.units -= kBatch;
    units_.fetch_sub(kBatch, std::memory_order_acq_rel);
    return;
  }
  if (units_.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy();
}

void bind_unit_cache(Scheduler* scheduler) noexcept {
  flush_unit_cache();
  tl_units.owner = scheduler;
}

void flush_unit_cache() noexcept {
  UnitCache& cache = tl_units;
  Scheduler* owner = cache.owner;
  const std::int64_t held = cache.units;
  cache = UnitCache{};
  if (owner && held && owner->units_.fetch_sub(held, std::memory_order_acq_rel) == held)
    owner->destroy();
}

}  // namespace tokio::detail
