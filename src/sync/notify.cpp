#include "tokio/sync/notify.hpp"

#include <utility>

#include "tokio/detail/wake_list.hpp"

namespace tokio::sync {

Notified::Notified(Notify& notify) noexcept
    : notify_(notify), generation_(notify.generation_.load(std::memory_order_acquire)) {}

Notified::Notified(Notified&& other) noexcept
    : LeafOp<Notified>(other),
      ListLinks<Notified>(std::move(other)),  // asserts that `other` is not queued
      notify_(other.notify_),
      generation_(other.generation_),
      // Not queued, so no notifier touches these: no lock needed. A pending forward of
      // notify_one's choice moves too.
      notified_one_(std::exchange(other.notified_one_, false)),
      done_(other.done_),
      consumed_(other.consumed_) {}

Notified::~Notified() {
  bool forward = false;
  {
    std::lock_guard lock(notify_.mutex_);
    if (is_linked()) notify_.waiters_.remove(*this);
    forward = notified_one_ && !consumed_;
  }
  // Chosen by notify_one but never completed: pass the notification on.
  if (forward) notify_.notify_one();
}

bool Notified::poll(detail::Header* task) {
  std::lock_guard lock(notify_.mutex_);
  if (done_) return true;
  if (notify_.generation_.load(std::memory_order_relaxed) != generation_) {
    if (is_linked()) notify_.waiters_.remove(*this);
    done_ = true;
    return true;
  }
  if (!is_linked()) {
    if (notify_.permit_) {
      notify_.permit_ = false;
      notified_one_ = true;
      done_ = true;
      return true;
    }
    notify_.waiters_.push_back(*this);
  }
  if (task && waker_task_ != task) {
    waker_ = detail::task_waker(task);
    waker_task_ = task;
  }
  return false;
}

bool Notified::enable() {
  return poll(nullptr);
}

void Notify::notify_one() noexcept {
  detail::Waker waker;
  {
    std::lock_guard lock(mutex_);
    Notified* w = waiters_.pop_front();
    if (!w) {
      permit_ = true;
      return;
    }
    w->notified_one_ = true;
    w->done_ = true;
    waker = std::move(w->waker_);
  }
  waker.wake();
}

void Notify::notify_waiters() noexcept {
  detail::WakeList wake;
  std::unique_lock lock(mutex_);
  // Every Notified created or queued before this point completes: those created earlier see
  // the new generation when polled; those queued are woken here. Queued ones still waiting
  // for their batch also see the new generation if they are polled first.
  generation_.fetch_add(1, std::memory_order_acq_rel);
  wake.drain(waiters_, lock, [](Notified& w) {
    w.done_ = true;
    return std::move(w.waker_);
  });
}

}  // namespace tokio::sync
