// Hierarchical timing wheel: 6 levels x 64 slots, 1 tick (1 ms) resolution, about 2 years of
// range (after Tokio's runtime/time/wheel). Level L's slots span 64^L ticks each; an entry lives
// in the lowest level whose span separates its deadline from the current time, and cascades
// down as time reaches its slot. Insert and remove are O(1); finding the next expiration scans
// at most 6 occupancy bitmaps. Each slot is an IntrusiveList of the entries themselves.
//
// poll() hands out due entries one at a time: an expired slot's due entries move to `due_`
// (still linked, so still removable) and are unlinked as they are handed out. The driver can
// therefore drop its lock between batches of wake-ups while a Sleep whose entry is still
// waiting in `due_` is destroyed: its remove() takes the entry out of `due_`.
//
// Not thread-safe: the time driver guards it with its lock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/timer_entry.hpp"

namespace tokio::detail {

class TimerWheel {
 public:
  static constexpr unsigned kLevels = 6;
  static constexpr unsigned kSlots = 64;
  /// The wheel's range in ticks; later deadlines are re-filed each time they come into view.
  static constexpr std::uint64_t kMaxDuration = (std::uint64_t{1} << (6 * kLevels)) - 1;

  /// Ticks processed so far: every deadline at or before this has fired.
  std::uint64_t elapsed() const noexcept { return elapsed_; }

  /// Links `entry` (deadline in ticks). False when the deadline is not after elapsed(): the
  /// entry is due now and is not linked.
  bool insert(TimerEntry* entry) noexcept;
  /// Unlinks a linked entry.
  void remove(TimerEntry* entry) noexcept;
  /// The earliest tick at which poll() may have something to fire, if any entry is linked.
  std::optional<std::uint64_t> next_expiration() const noexcept;
  /// Advances towards `now` and returns the next due entry, unlinked, or null once none is due
  /// (then elapsed() is `now`). Entries come in time order of their slots, and in insertion
  /// order within a slot. Entries may be inserted and removed between calls.
  TimerEntry* poll(std::uint64_t now) noexcept;
  bool is_empty() const noexcept { return count_ == 0; }

 private:
  using Slot = IntrusiveList<TimerEntry>;
  struct Level {
    std::uint64_t occupied = 0;  // bit s: slots[s] is not empty
    std::array<Slot, kSlots> slots;
  };
  static unsigned level_for(std::uint64_t elapsed, std::uint64_t deadline) noexcept;
  static std::uint64_t slot_span(unsigned level) noexcept {
    return std::uint64_t{1} << (6 * level);
  }
  // The first occupied slot of `level` at or after `elapsed`, as the tick its span starts at.
  std::optional<std::uint64_t> next_in_level(unsigned level) const noexcept;
  void link(TimerEntry* entry) noexcept;

  std::uint64_t elapsed_ = 0;
  std::uint64_t count_ = 0;  // linked entries, `due_` included
  std::array<Level, kLevels> levels_;
  Slot due_;  // expired entries not yet handed out by poll (their level is kLevels)
};

}  // namespace tokio::detail
