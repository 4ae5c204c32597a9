// Idle: which workers are parked and how many are searching for work (after Tokio's idle.rs).
//
// state_ packs num_unparked (high 16 bits) and num_searching (low 16 bits). Reads that decide
// whether to wake a worker and the updates around parking are seq_cst: a worker that parks
// re-checks the queues after publishing "parked", and a scheduler that queues work checks
// "anyone searching or parked?" after publishing the task; seq_cst on both sides guarantees
// that at least one of them sees the other (no lost wake-up).
// sleepers_ (the parked worker indices) is guarded by mutex_.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tokio/detail/sync_seam.hpp"

namespace tokio::detail {

class Idle {
 public:
  explicit Idle(std::size_t num_workers);

  /// The worker to wake for newly queued work, already counted as unparked and searching;
  /// nullopt when a searcher exists or nobody is parked.
  std::optional<std::size_t> worker_to_notify();
  /// Counts `worker` as parked. Returns true when no worker is left searching (it was the
  /// last searcher, or there was none): nobody else would then find work queued in the
  /// meantime, so the caller must look for it and wake a worker for it. Its seq_cst RMW
  /// orders those reads after order_after_queued_work of any worker that it reads from.
  bool transition_worker_to_parked(std::size_t worker, bool is_searching);
  /// Called after queueing work that its worker will not run soon, before worker_to_notify:
  /// either a worker parking concurrently sees that work, or the notification sees it parked.
  /// (A plain load would not do: a store to a queue then a load of state_ may be reordered.)
  void order_after_queued_work();
  /// Lets a worker start searching; false when half the workers already search.
  bool transition_worker_to_searching();
  /// A searcher found work; true when it was the last searcher.
  bool transition_worker_from_searching();
  /// Removes `worker` from the sleepers if present (it woke on its own); true if it was there.
  bool unpark_worker_by_id(std::size_t worker);
  bool is_parked(std::size_t worker);

 private:
  static constexpr std::uint32_t kUnparkedOne = 1u << 16;
  static constexpr std::uint32_t kSearchMask = kUnparkedOne - 1;
  bool notify_should_wakeup() const noexcept;

  seam::atomic<std::uint32_t> state_;
  seam::mutex mutex_;
  std::vector<std::size_t> sleepers_;
  std::size_t num_workers_;
};

}  // namespace tokio::detail
