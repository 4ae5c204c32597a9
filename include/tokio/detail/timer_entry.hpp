// TimerEntry: one pending timer, intrusive in the awaiting Sleep (no allocation per sleep).
//
// All fields are guarded by the time driver's lock (TimeDriver::mutex_), except `fired`, which
// the Sleep may read without it (acquire) to see that the driver has finished with the entry.
#pragma once

#include <atomic>
#include <cstdint>

#include "tokio/detail/waker.hpp"

namespace tokio::detail {

struct TimerEntry {
  std::uint64_t deadline = 0;  // in driver ticks (milliseconds since the driver's start)
  TimerEntry* prev = nullptr;
  TimerEntry* next = nullptr;
  std::uint8_t level = 0;
  std::uint8_t slot = 0;
  bool registered = false;         // linked in the wheel
  std::atomic<bool> fired{false};  // the deadline passed and the waker was taken
  Waker waker;
};

}  // namespace tokio::detail
