// The model scenarios run the Parker without a driver (condition-variable mode). Its calls into
// the epoll driver are linked to these, which must never run.
#include <cstdio>
#include <cstdlib>

#include "runtime/driver.hpp"

namespace tokio::detail {

void Driver::park(std::optional<std::chrono::nanoseconds>) noexcept {
  std::fprintf(stderr, "model_tests: Driver::park reached; scenarios run parkers without one\n");
  std::abort();
}

void Driver::unpark() noexcept {
  std::fprintf(stderr, "model_tests: Driver::unpark reached; scenarios run parkers without one\n");
  std::abort();
}

}  // namespace tokio::detail
