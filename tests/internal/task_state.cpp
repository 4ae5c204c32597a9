// White-box tests of the task state word's transitions.
#include "runtime/task/state.hpp"

#include <gtest/gtest.h>

namespace tokio::detail {
namespace {

constexpr TaskVTable kNoopVTable{[](Header*) { return true; }, [](Header*) noexcept {},
                                 [](Header*) noexcept { return std::exception_ptr(); },
                                 [](Header*) noexcept {}};

using namespace state;

std::uint64_t refs(const Header& h) {
  return ref_count(h.state.load());
}

TEST(TaskState, RunThenIdleDropsTheNotificationReference) {
  Header h(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 3 * REF_ONE);
  EXPECT_EQ(to_running(&h), ToRunning::Success);
  EXPECT_TRUE(h.state.load() & RUNNING);
  EXPECT_FALSE(h.state.load() & NOTIFIED);
  EXPECT_EQ(to_idle(&h), ToIdle::Ok);
  EXPECT_FALSE(h.state.load() & RUNNING);
  EXPECT_EQ(refs(h), 2u);
}

TEST(TaskState, WakeWhileRunningIsDeferredToIdle) {
  Header h(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 3 * REF_ONE);
  ASSERT_EQ(to_running(&h), ToRunning::Success);
  EXPECT_EQ(to_notified_by_ref(&h), ToNotified::DoNothing);  // running: only marks NOTIFIED
  EXPECT_EQ(refs(h), 3u);
  EXPECT_EQ(to_idle(&h), ToIdle::OkNotified);  // the notification reference is passed on
  EXPECT_EQ(refs(h), 3u);
  EXPECT_TRUE(h.state.load() & NOTIFIED);
}

TEST(TaskState, WakeIdleSubmitsOnceWithAReference) {
  Header h(&kNoopVTable, JOIN_INTEREST | 2 * REF_ONE);
  EXPECT_EQ(to_notified_by_ref(&h), ToNotified::Submit);
  EXPECT_EQ(refs(h), 3u);
  EXPECT_EQ(to_notified_by_ref(&h), ToNotified::DoNothing);  // already notified
  EXPECT_EQ(refs(h), 3u);
}

TEST(TaskState, WakeByValueTransfersTheReference) {
  Header h(&kNoopVTable, JOIN_INTEREST | 3 * REF_ONE);  // one of them is the waker's
  EXPECT_EQ(to_notified_by_val(&h), ToNotified::Submit);
  EXPECT_EQ(refs(h), 3u);
  EXPECT_EQ(to_notified_by_val(&h), ToNotified::DoNothing);  // already notified: drops it
  EXPECT_EQ(refs(h), 2u);
}

TEST(TaskState, WakeAfterCompleteDoesNothing) {
  Header h(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 2 * REF_ONE);
  ASSERT_EQ(to_running(&h), ToRunning::Success);
  to_complete(&h);
  EXPECT_TRUE(h.state.load() & COMPLETE);
  EXPECT_EQ(to_notified_by_ref(&h), ToNotified::DoNothing);
  EXPECT_FALSE(to_notified_and_cancel(&h));
}

TEST(TaskState, AbortIdleSubmitsAndRunSeesCancelled) {
  Header h(&kNoopVTable, JOIN_INTEREST | 2 * REF_ONE);
  EXPECT_TRUE(to_notified_and_cancel(&h));
  EXPECT_EQ(refs(h), 3u);
  EXPECT_FALSE(to_notified_and_cancel(&h));  // second abort: nothing more
  EXPECT_EQ(to_running(&h), ToRunning::Cancelled);
}

TEST(TaskState, AbortRunningIsSeenAtIdle) {
  Header h(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 3 * REF_ONE);
  ASSERT_EQ(to_running(&h), ToRunning::Success);
  EXPECT_FALSE(to_notified_and_cancel(&h));  // the runner cancels, nobody submits
  EXPECT_EQ(to_idle(&h), ToIdle::Cancelled);
}

TEST(TaskState, AbortQueuedOnlyMarks) {
  Header h(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 3 * REF_ONE);
  EXPECT_FALSE(to_notified_and_cancel(&h));
  EXPECT_EQ(refs(h), 3u);
  EXPECT_EQ(to_running(&h), ToRunning::Cancelled);
}

TEST(TaskState, ShutdownTakesIdleTasksOnly) {
  Header idle(&kNoopVTable, JOIN_INTEREST | 2 * REF_ONE);
  EXPECT_TRUE(to_shutdown(&idle));
  EXPECT_TRUE(idle.state.load() & RUNNING);
  Header running(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 2 * REF_ONE);
  ASSERT_EQ(to_running(&running), ToRunning::Success);
  EXPECT_FALSE(to_shutdown(&running));
  EXPECT_EQ(to_idle(&running), ToIdle::Cancelled);
}

TEST(TaskState, RunFailsWhenAlreadyRunning) {
  Header h(&kNoopVTable, NOTIFIED | JOIN_INTEREST | 2 * REF_ONE);
  ASSERT_TRUE(to_shutdown(&h));  // shutdown took it while a notification was queued
  EXPECT_EQ(to_running(&h), ToRunning::Failed);
}

TEST(TaskState, LastReferenceFreesOnIdle) {
  Header h(&kNoopVTable, NOTIFIED | REF_ONE);
  ASSERT_EQ(to_running(&h), ToRunning::Success);
  EXPECT_EQ(to_idle(&h), ToIdle::OkDealloc);
}

}  // namespace
}  // namespace tokio::detail
