#include "runtime/time/driver.hpp"

#include "tokio/detail/wake_list.hpp"

namespace tokio::detail {

TimeDriver::TimeDriver(bool start_paused, Park& below) noexcept
    : clock_(start_paused), start_(clock_.now()), below_(below) {}

void TimeDriver::park(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  below_.park(park_timeout(timeout));
  parked_until_.store(kNotParked, std::memory_order_release);
}

std::uint64_t TimeDriver::deadline_tick(time::Instant deadline) const noexcept {
  if (deadline <= start_) return 0;
  const auto since = deadline.duration_since(start_);
  const auto ticks = std::chrono::ceil<std::chrono::milliseconds>(since).count();
  return static_cast<std::uint64_t>(ticks);
}

std::uint64_t TimeDriver::now_tick(time::Instant now) const noexcept {
  if (now <= start_) return 0;
  return static_cast<std::uint64_t>(
      std::chrono::floor<std::chrono::milliseconds>(now.duration_since(start_)).count());
}

time::Instant TimeDriver::tick_instant(std::uint64_t tick) const noexcept {
  return start_ + std::chrono::milliseconds(tick);
}

bool TimeDriver::arm(TimerEntry& entry, time::Instant deadline, Waker waker) {
  const std::uint64_t tick = deadline_tick(deadline);
  bool wake_driver = false;
  {
    std::lock_guard lock(mutex_);
    entry.deadline = tick;
    entry.fired.store(false, std::memory_order_relaxed);
    if (!wheel_.insert(&entry)) return false;
    entry.waker = std::move(waker);
    armed_.fetch_add(1, std::memory_order_release);
    wake_driver = entry.deadline < parked_until_.load(std::memory_order_acquire);
  }
  // The parked thread sleeps past this deadline: wake it so that it re-computes its timeout.
  if (wake_driver) below_.unpark();
  return true;
}

bool TimeDriver::rearm(TimerEntry& entry, time::Instant deadline) {
  const std::uint64_t tick = deadline_tick(deadline);
  bool wake_driver = false;
  Waker due;
  {
    std::lock_guard lock(mutex_);
    if (entry.is_linked()) {
      wheel_.remove(&entry);
      armed_.fetch_sub(1, std::memory_order_release);
    }
    entry.deadline = tick;
    entry.fired.store(false, std::memory_order_relaxed);
    if (!wheel_.insert(&entry)) {
      due = std::move(entry.waker);
      entry.fired.store(true, std::memory_order_release);
    } else {
      armed_.fetch_add(1, std::memory_order_release);
      wake_driver = entry.deadline < parked_until_.load(std::memory_order_acquire);
    }
  }
  if (due) {
    due.wake();
    return false;
  }
  if (wake_driver) below_.unpark();
  return true;
}

void TimeDriver::set_waker(TimerEntry& entry, Waker waker) noexcept {
  {
    std::lock_guard lock(mutex_);
    if (entry.is_linked()) std::swap(entry.waker, waker);
  }
  // `waker` (now the old one, or the unused new one) is dropped outside the lock.
}

void TimeDriver::disarm(TimerEntry& entry) noexcept {
  Waker dropped;
  {
    std::lock_guard lock(mutex_);
    if (!entry.is_linked()) return;
    wheel_.remove(&entry);
    armed_.fetch_sub(1, std::memory_order_release);
    dropped = std::move(entry.waker);
  }
}

std::optional<time::Duration> TimeDriver::park_timeout(
    std::optional<time::Duration> wanted) noexcept {
  std::lock_guard lock(mutex_);
  const auto next = wheel_.next_expiration();
  if (!next) {
    parked_until_.store(kParkedForever, std::memory_order_release);
    return wanted;
  }
  parked_until_.store(*next, std::memory_order_release);
  const auto until = tick_instant(*next).duration_since(clock_.now());
  if (clock_.is_paused()) return wanted;  // a paused clock is advanced by the runtime, not slept
  if (!wanted || until < *wanted) return until;
  return wanted;
}

std::optional<time::Instant> TimeDriver::next_deadline() noexcept {
  std::lock_guard lock(mutex_);
  const auto next = wheel_.next_expiration();
  if (!next) return std::nullopt;
  return tick_instant(*next);
}

std::size_t TimeDriver::process() noexcept {
  if (!has_timers()) return 0;
  std::size_t fired = 0;
  WakeList wake;
  std::unique_lock lock(mutex_);
  const std::uint64_t now = now_tick(clock_.now());
  // The wheel hands out one due entry at a time and keeps the rest linked, so the lock can be
  // dropped between batches (flush) while Sleeps are destroyed or re-armed.
  while (TimerEntry* entry = wheel_.poll(now)) {
    wake.push(std::move(entry->waker));
    armed_.fetch_sub(1, std::memory_order_relaxed);
    entry->fired.store(true, std::memory_order_release);  // last touch: the Sleep may go now
    ++fired;
    wake.flush_if_full(lock);
  }
  lock.unlock();
  wake.wake_all();
  return fired;
}

}  // namespace tokio::detail
