// The examples' self-tests check that hostile input leaves the process's memory bounded: how
// much resident memory grew while it was fed.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <fstream>

namespace examples {

// The check needs a plain build: ASan keeps freed memory in quarantine and TSan shadows every
// byte, so resident memory says nothing about growth under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kCheckMemory = false;
#else
inline constexpr bool kCheckMemory = true;
#endif

// Resident memory of this process, in bytes.
inline std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// How much resident memory grew since `before` (0 if it shrank).
inline std::size_t grown_since(std::size_t before) {
  const std::size_t now = resident_bytes();
  return now - std::min(before, now);
}

// What the self-tests print after a growth figure.
inline const char* memory_note() {
  return kCheckMemory ? "" : " (not checked: sanitizer build)";
}

}  // namespace examples
