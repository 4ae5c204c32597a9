// TaskTracker: see tokio/util/task/task_tracker.hpp.
//
// state packs the count of live tokens (shifted left one bit) and the closed flag (bit 0) in
// one atomic word, so that "closed and empty" is one value that either a closing call or the
// last token's release observes exactly once. That one notifies the waiters; wait() builds its
// Notified before it reads the state, so a notification after the read reaches it.
#include "tokio/util/task/task_tracker.hpp"

#include <atomic>

namespace tokio::detail {

struct TrackerState {
  std::atomic<std::size_t> state{0};
  tokio::sync::Notify idle;  // notify_waiters when the state becomes closed and empty
};

}  // namespace tokio::detail

namespace tokio::util::task {

using detail::TrackerState;

TaskTrackerToken::TaskTrackerToken(std::shared_ptr<TrackerState> state) noexcept
    : state_(std::move(state)) {
  state_->state.fetch_add(2, std::memory_order_relaxed);  // (only ever decreased by a token)
}

TaskTrackerToken& TaskTrackerToken::operator=(TaskTrackerToken&& other) noexcept {
  if (this != &other) {
    TaskTrackerToken old(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

TaskTrackerToken::~TaskTrackerToken() {
  if (!state_) return;
  // acq_rel: a waiter that sees the count at zero sees all that the tasks did.
  if (state_->state.fetch_sub(2, std::memory_order_acq_rel) == 3) state_->idle.notify_waiters();
}

TaskTracker::TaskTracker() : state_(std::make_shared<TrackerState>()) {}

bool TaskTracker::close() const noexcept {
  const std::size_t prev = state_->state.fetch_or(1, std::memory_order_acq_rel);
  if (prev & 1) return false;
  if (prev == 0) state_->idle.notify_waiters();  // empty already: now closed and empty
  return true;
}

bool TaskTracker::reopen() const noexcept {
  return (state_->state.fetch_and(~std::size_t{1}, std::memory_order_acq_rel) & 1) != 0;
}

bool TaskTracker::is_closed() const noexcept {
  return (state_->state.load(std::memory_order_acquire) & 1) != 0;
}

std::size_t TaskTracker::len() const noexcept {
  return state_->state.load(std::memory_order_acquire) >> 1;
}

namespace {
// A free coroutine holding the state: the Task may outlive the TaskTracker it came from.
Task<void> wait_until_idle(std::shared_ptr<TrackerState> state) {
  for (;;) {
    auto idle = state->idle.notified();
    if (state->state.load(std::memory_order_acquire) == 1) co_return;  // closed, no task
    co_await std::move(idle);
  }
}
}  // namespace

Task<void> TaskTracker::wait() const {
  return wait_until_idle(state_);
}

}  // namespace tokio::util::task
