#include "runtime/scheduler/multi_thread/idle.hpp"

#include <algorithm>

namespace tokio::detail {

Idle::Idle(std::size_t num_workers)
    : state_(static_cast<std::uint32_t>(num_workers) * kUnparkedOne), num_workers_(num_workers) {
  sleepers_.reserve(num_workers);
}

bool Idle::notify_should_wakeup() const noexcept {
  const auto s = state_.load(std::memory_order_seq_cst);
  return (s & kSearchMask) == 0 && (s >> 16) < num_workers_;
}

std::optional<std::size_t> Idle::worker_to_notify() {
  if (!notify_should_wakeup()) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (!notify_should_wakeup() || sleepers_.empty()) return std::nullopt;
  state_.fetch_add(kUnparkedOne + 1, std::memory_order_seq_cst);
  const auto worker = sleepers_.back();
  sleepers_.pop_back();
  return worker;
}

bool Idle::transition_worker_to_parked(std::size_t worker, bool is_searching) {
  std::lock_guard lock(mutex_);
  const std::uint32_t dec = kUnparkedOne + (is_searching ? 1 : 0);
  const auto prev = state_.fetch_sub(dec, std::memory_order_seq_cst);
  sleepers_.push_back(worker);
  return (prev & kSearchMask) == (is_searching ? 1u : 0u);
}

void Idle::order_after_queued_work() {
  // An RMW, not a load: it reads the last value in state_'s modification order. If a parking
  // worker's fetch_sub comes later in that order, it reads from this one (a release sequence)
  // and so sees the work queued before it; if earlier, this one and notify's loads see it.
  state_.fetch_add(0, std::memory_order_seq_cst);
}

bool Idle::transition_worker_to_searching() {
  const auto s = state_.load(std::memory_order_seq_cst);
  if (2 * (s & kSearchMask) >= num_workers_) return false;
  state_.fetch_add(1, std::memory_order_seq_cst);
  return true;
}

bool Idle::transition_worker_from_searching() {
  const auto prev = state_.fetch_sub(1, std::memory_order_seq_cst);
  return (prev & kSearchMask) == 1;
}

bool Idle::unpark_worker_by_id(std::size_t worker) {
  std::lock_guard lock(mutex_);
  auto it = std::find(sleepers_.begin(), sleepers_.end(), worker);
  if (it == sleepers_.end()) return false;
  sleepers_.erase(it);
  state_.fetch_add(kUnparkedOne, std::memory_order_seq_cst);
  return true;
}

bool Idle::is_parked(std::size_t worker) {
  std::lock_guard lock(mutex_);
  return std::find(sleepers_.begin(), sleepers_.end(), worker) != sleepers_.end();
}

}  // namespace tokio::detail
