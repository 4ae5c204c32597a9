// Waker: the handle a leaf awaitable keeps so that whoever completes the wait can reschedule the
// waiting task. As in Rust's RawWaker it is a data pointer plus a vtable, so that a task
// (the common case) and other wake targets (a JoinSet entry, a block_on thread) share one type.
//
// Ownership: a Waker owns one reference on its target; copying clones the reference, and
// destruction drops it. `wake()` consumes the Waker; `wake_by_ref()` keeps it. Waking never
// resumes a coroutine on the waker's thread: it only schedules.
#pragma once

#include <utility>

namespace tokio::detail {

struct WakerVTable {
  void* (*clone)(void* data) noexcept;
  void (*wake)(void* data) noexcept;         // wake and drop the reference
  void (*wake_by_ref)(void* data) noexcept;  // wake, keep the reference
  void (*drop)(void* data) noexcept;
};

class Waker {
 public:
  Waker() noexcept = default;
  Waker(void* data, const WakerVTable* vtable) noexcept : data_(data), vtable_(vtable) {}
  Waker(const Waker& other) noexcept
      : data_(other.vtable_ ? other.vtable_->clone(other.data_) : nullptr),
        vtable_(other.vtable_) {}
  Waker(Waker&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        vtable_(std::exchange(other.vtable_, nullptr)) {}
  Waker& operator=(Waker other) noexcept {
    std::swap(data_, other.data_);
    std::swap(vtable_, other.vtable_);
    return *this;
  }
  ~Waker() {
    if (vtable_) vtable_->drop(data_);
  }

  /// Wakes the target and releases this Waker's reference; the Waker is empty afterwards.
  void wake() noexcept {
    if (!vtable_) return;
    auto* vt = std::exchange(vtable_, nullptr);
    vt->wake(std::exchange(data_, nullptr));
  }
  /// Wakes the target, keeping the reference.
  void wake_by_ref() const noexcept {
    if (vtable_) vtable_->wake_by_ref(data_);
  }
  /// True when waking either would wake the same target.
  bool will_wake(const Waker& other) const noexcept {
    return data_ == other.data_ && vtable_ == other.vtable_;
  }
  explicit operator bool() const noexcept { return vtable_ != nullptr; }

 private:
  void* data_ = nullptr;
  const WakerVTable* vtable_ = nullptr;
};

}  // namespace tokio::detail
