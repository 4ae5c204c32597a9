// tokio::test::task::MockTask: see tokio/test/task.hpp.
//
// The mock task is a real task header (so that the library's Wakers work on it unchanged)
// bound to a mock scheduler whose schedule() only records that the task was woken. It follows
// the harness's state protocol (runtime/task/state.hpp):
// - a wake while idle sets NOTIFIED with a reference (the notification) and calls schedule();
//   the notification stays until the next poll, which takes its reference as the runner's;
// - a poll runs with RUNNING set and a runner's reference (the notification's, or one of its
//   own); a wake during the poll only sets NOTIFIED, and to_idle then keeps the reference for
//   the next poll, as a resubmission would;
// - destroying the Spawn marks the task COMPLETE (later wakes do nothing) and drops its own
//   reference and a pending notification's; the header is freed with its last reference (a
//   Waker may outlive the Spawn).
#include "tokio/test/task.hpp"

#include <atomic>

#include "runtime/task/state.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/header.hpp"

namespace tokio::test::task {

namespace {

using tokio::detail::Header;
namespace state = tokio::detail::state;

struct MockHeader final : Header {
  using Header::Header;
  std::atomic<bool> woken{false};
};

class MockScheduler final : public tokio::detail::Scheduler {
 public:
  void schedule(Header* task, bool) noexcept override {
    // Keeps the notification (NOTIFIED and its reference) for the next poll.
    static_cast<MockHeader*>(task)->woken.store(true, std::memory_order_release);
  }
  bool release(Header*) noexcept override { return false; }

 protected:
  void destroy() noexcept override {}  // never: its owner's unit is never given back
};

MockScheduler& mock_scheduler() noexcept {
  static MockScheduler* const scheduler = new MockScheduler();  // lives as long as the process
  return *scheduler;
}

void dealloc_mock(Header* task) noexcept {
  delete static_cast<MockHeader*>(task);
}

// Only dealloc is ever called: the mock scheduler never runs or cancels the task.
bool never_poll(Header*) {
  return false;
}
void never_cancel(Header*) noexcept {}
std::exception_ptr no_output(Header*) noexcept {
  return nullptr;
}
constexpr tokio::detail::TaskVTable kMockVTable{&never_poll, &never_cancel, &no_output,
                                                &dealloc_mock};

}  // namespace

MockTask::MockTask() {
  auto* header = new MockHeader(&kMockVTable, state::REF_ONE);  // the Spawn's reference
  header->scheduler = &mock_scheduler();
  header->scheduler->retain_unit();  // given back when the header is freed
  header_ = header;
}

MockTask::MockTask(MockTask&& other) noexcept
    : header_(std::exchange(other.header_, nullptr)), started_(other.started_) {}

MockTask::~MockTask() {
  if (!header_) return;
  auto cur = header_->state.load(std::memory_order_acquire);
  while (!header_->state.compare_exchange_weak(cur, (cur | state::COMPLETE) & ~state::NOTIFIED,
                                               std::memory_order_acq_rel,
                                               std::memory_order_acquire)) {
  }
  if (cur & state::NOTIFIED) tokio::detail::task_drop_ref(header_);  // the notification's
  tokio::detail::task_drop_ref(header_);                             // the Spawn's
}

bool MockTask::is_woken() const noexcept {
  return static_cast<MockHeader*>(header_)->woken.load(std::memory_order_acquire);
}

std::size_t MockTask::waker_ref_count() const noexcept {
  const auto s = header_->state.load(std::memory_order_acquire);
  std::size_t refs = static_cast<std::size_t>(state::ref_count(s)) - 1;  // less the Spawn's
  if (s & state::NOTIFIED) --refs;                                       // and a notification's
  return refs;
}

bool MockTask::poll_coroutine(std::coroutine_handle<> coroutine) {
  auto* header = static_cast<MockHeader*>(header_);
  // Become the runner, with the notification's reference or one of our own.
  auto cur = header->state.load(std::memory_order_acquire);
  for (;;) {
    auto next = (cur & ~state::NOTIFIED) | state::RUNNING;
    if (!(cur & state::NOTIFIED)) next += state::REF_ONE;
    if (header->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                            std::memory_order_acquire))
      break;
  }
  header->woken.store(false, std::memory_order_relaxed);
  if (!started_) {
    header->root.task = header;
    header->root.resume_point = coroutine;
    started_ = true;
  }
  struct Idle {  // back to idle however the poll ends (it may throw)
    MockHeader* header;
    bool outer_yield = std::exchange(tokio::detail::tl_yield_requested, false);
    ~Idle() {
      // A yield_now during the poll counts as a wake, as a real task is queued again.
      const bool yielded = std::exchange(tokio::detail::tl_yield_requested, outer_yield);
      const auto result = yielded ? state::to_idle_yielded(header) : state::to_idle(header);
      if (result == state::ToIdle::OkNotified) header->woken.store(true, std::memory_order_release);
    }
  } idle{header};
  tokio::detail::poll_context(header->root);
  return coroutine.done();
}

}  // namespace tokio::test::task
