#include "runtime/time/wheel.hpp"

#include <bit>

namespace tokio::detail {

unsigned TimerWheel::level_for(std::uint64_t elapsed, std::uint64_t deadline) noexcept {
  constexpr std::uint64_t kSlotMask = kSlots - 1;
  // The highest bit in which `deadline` differs from `elapsed` picks the level; the slot mask
  // keeps level 0 for deadlines within the current 64-tick window.
  std::uint64_t masked = (elapsed ^ deadline) | kSlotMask;
  if (masked > kMaxDuration) masked = kMaxDuration;
  const unsigned significant = 63 - static_cast<unsigned>(std::countl_zero(masked));
  return significant / 6;
}

void TimerWheel::link(TimerEntry* entry) noexcept {
  // A deadline beyond the wheel's range is filed at the farthest slot; when that slot comes up
  // the entry is simply linked again (poll never fires an entry before its deadline).
  const std::uint64_t target =
      entry->deadline - elapsed_ > kMaxDuration ? elapsed_ + kMaxDuration : entry->deadline;
  const unsigned level = level_for(elapsed_, target);
  const unsigned slot = static_cast<unsigned>((target >> (6 * level)) % kSlots);
  entry->level = static_cast<std::uint8_t>(level);
  entry->slot = static_cast<std::uint8_t>(slot);
  levels_[level].slots[slot].push_back(*entry);
  levels_[level].occupied |= std::uint64_t{1} << slot;
}

bool TimerWheel::insert(TimerEntry* entry) noexcept {
  if (entry->deadline <= elapsed_) return false;
  link(entry);
  ++count_;
  return true;
}

void TimerWheel::remove(TimerEntry* entry) noexcept {
  Slot::remove(*entry);
  if (entry->level < kLevels) {
    Level& level = levels_[entry->level];
    if (level.slots[entry->slot].empty()) level.occupied &= ~(std::uint64_t{1} << entry->slot);
  }
  --count_;
}

std::optional<std::uint64_t> TimerWheel::next_in_level(unsigned level) const noexcept {
  const std::uint64_t occupied = levels_[level].occupied;
  if (occupied == 0) return std::nullopt;
  const std::uint64_t span = slot_span(level);
  const std::uint64_t level_span = span * kSlots;
  const unsigned now_slot = static_cast<unsigned>((elapsed_ / span) % kSlots);
  const unsigned distance = static_cast<unsigned>(std::countr_zero(std::rotr(occupied, now_slot)));
  const unsigned slot = (now_slot + distance) % kSlots;
  std::uint64_t deadline = (elapsed_ & ~(level_span - 1)) + slot * span;
  // A slot at or behind the current one belongs to the next turn of this level (the slot that
  // contains `elapsed_` is never used above level 0: such deadlines go to a lower level).
  if (deadline <= elapsed_) deadline += level_span;
  return deadline;
}

std::optional<std::uint64_t> TimerWheel::next_expiration() const noexcept {
  if (!due_.empty()) return elapsed_;  // a poll is handing out expired entries
  for (unsigned level = 0; level < kLevels; ++level) {
    if (auto deadline = next_in_level(level)) return deadline;
  }
  return std::nullopt;
}

TimerEntry* TimerWheel::poll(std::uint64_t now) noexcept {
  for (;;) {
    if (TimerEntry* entry = due_.pop_front()) {
      --count_;
      return entry;
    }
    // Find the earliest occupied slot over all levels.
    unsigned level = kLevels;
    std::uint64_t deadline = 0;
    for (unsigned l = 0; l < kLevels; ++l) {
      if (auto d = next_in_level(l)) {
        level = l;
        deadline = *d;
        break;
      }
    }
    if (level == kLevels || deadline > now) break;
    const unsigned slot = static_cast<unsigned>((deadline >> (6 * level)) % kSlots);
    Slot expired;
    expired.splice_back(levels_[level].slots[slot]);
    levels_[level].occupied &= ~(std::uint64_t{1} << slot);
    if (deadline > elapsed_) elapsed_ = deadline;
    while (TimerEntry* entry = expired.pop_front()) {
      if (entry->deadline > elapsed_) {
        link(entry);  // cascade to a lower level
      } else {
        entry->level = kLevels;
        due_.push_back(*entry);
      }
    }
  }
  if (now > elapsed_) elapsed_ = now;
  return nullptr;
}

}  // namespace tokio::detail
