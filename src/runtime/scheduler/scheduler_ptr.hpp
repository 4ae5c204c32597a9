// make_scheduler: the owner's handle on a scheduler whose lifetime is counted in units (see
// Scheduler in tokio/detail/header.hpp). The last shared_ptr gives back the owner's unit; the
// scheduler itself goes when the last task bound to it is freed too.
#pragma once

#include <memory>
#include <utility>

#include "tokio/detail/header.hpp"

namespace tokio::detail {

template <class T, class... Args>
std::shared_ptr<T> make_scheduler(Args&&... args) {
  return std::shared_ptr<T>(new T(std::forward<Args>(args)...),
                            [](T* scheduler) { scheduler->release_unit(); });
}

}  // namespace tokio::detail
