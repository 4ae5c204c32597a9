// TimerEntry: one pending timer, intrusive in the awaiting Sleep (no allocation per sleep).
//
// All fields, and the entry's links, are guarded by the time driver's lock (TimeDriver::mutex_),
// except `fired`, which the Sleep may read without it (acquire) to see that the driver has
// finished with the entry. The entry is linked (is_linked()) while it is in the wheel: in a
// slot, or among the due entries a poll is handing out.
#pragma once

#include <atomic>
#include <cstdint>

#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::detail {

struct TimerEntry : ListLinks<TimerEntry> {
  std::uint64_t deadline = 0;  // in driver ticks (milliseconds since the driver's start)
  std::uint8_t level = 0;      // where it is linked (TimerWheel::kLevels: among the due ones)
  std::uint8_t slot = 0;
  seam::atomic<bool> fired{false};  // the deadline passed and the waker was taken
  Waker waker;
};

}  // namespace tokio::detail
