#include "tokio/time/pause.hpp"

#include <stdexcept>
#include <string>

#include "runtime/time/driver.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/yield_now.hpp"

namespace tokio::detail {
TimeDriver& current_time_driver(const char* what);
}

namespace tokio::time {

namespace {
detail::Clock& paused_capable_clock(const char* what) {
  auto& runtime = detail::current_runtime(what);
  if (runtime.flavor() != runtime::RuntimeFlavor::CurrentThread)
    throw std::logic_error(std::string(what) +
                           ": the paused clock needs the current_thread runtime (build it with "
                           "Builder::new_current_thread())");
  return detail::current_time_driver(what).clock();
}
}  // namespace

Instant Instant::now() noexcept {
  if (auto* runtime = detail::tl_runtime) {
    if (auto* driver = runtime->time_driver()) return driver->clock().now();
  }
  return Instant(Clock::now());
}

void pause() {
  auto& clock = paused_capable_clock("tokio::time::pause");
  if (clock.is_paused()) throw std::logic_error("tokio::time::pause: the clock is already paused");
  clock.pause();
}

void resume() {
  auto& clock = paused_capable_clock("tokio::time::resume");
  if (!clock.is_paused()) throw std::logic_error("tokio::time::resume: the clock is not paused");
  clock.resume();
}

Task<void> advance(Duration duration) {
  auto& clock = paused_capable_clock("tokio::time::advance");
  if (!clock.is_paused()) throw std::logic_error("tokio::time::advance: the clock is not paused");
  clock.advance(duration);
  detail::current_time_driver("tokio::time::advance").process();
  co_await task::yield_now();
}

}  // namespace tokio::time
