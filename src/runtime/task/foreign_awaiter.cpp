// The proxy coroutine of ForeignAwaiter and the non-template half of it; the design note and
// the thread rules are in tokio/detail/foreign_awaiter.hpp.
#include "tokio/detail/foreign_awaiter.hpp"

#include <exception>

#include "tokio/detail/frame_alloc.hpp"
#include "tokio/detail/header.hpp"

namespace tokio::detail {

namespace {

// A coroutine that does nothing but tell its owner, each time it is resumed, that the foreign
// awaiter is done. It never finishes; its owner destroys it.
struct ResumeProxy {
  struct promise_type {
    static void* operator new(std::size_t size) { return frame_alloc(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { frame_free(frame, size); }
    ResumeProxy get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  std::coroutine_handle<promise_type> handle;
};

// The signal is sent from await_suspend: the proxy is already suspended then, so once
// on_resumed has published `fired_`, the owner may destroy the proxy's frame while this
// thread is still returning from here.
struct Signal {
  ForeignWaitBase* owner;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept { owner->on_resumed(); }
  void await_resume() const noexcept {}
};

ResumeProxy resume_proxy(ForeignWaitBase* owner) {
  for (;;)
    co_await Signal{owner};  // a second resumption (a misbehaving awaiter) is harmless
}

}  // namespace

ForeignWaitBase::~ForeignWaitBase() {
  if (proxy_) proxy_.destroy();
}

void ForeignWaitBase::on_resumed() noexcept {
  if (tl_current_context == &sub_) {
    // Resumed inline while this task runs the foreign awaiter's coroutine in sub_: the task is
    // awake and checks fired_ when run_in_sub returns.
    fired_.store(true, std::memory_order_relaxed);
    return;
  }
  Waker waker = waker_;  // our own reference: the store below may free *this
  fired_.store(true, std::memory_order_release);  // pairs with the acquire in poll_ready
  waker.wake();
}

Context* ForeignWaitBase::begin_suspend() {
  Context* saved = tl_current_context;
  parent_ = &current_context("awaiting a foreign awaitable");
  sub_.task = parent_->task;
  if (!proxy_) proxy_ = resume_proxy(this).handle;
  if (!waker_) waker_ = task_waker(parent_->task);
  tl_current_context = &sub_;
  return saved;
}

void ForeignWaitBase::run_in_sub(std::coroutine_handle<> next) {
  run_trampoline(sub_, next);
}

void ForeignWaitBase::end_suspend(Context* saved) noexcept {
  tl_current_context = saved;
}

bool ForeignWaitBase::finish_suspend(bool suspended, std::coroutine_handle<> awaiting) noexcept {
  if (!suspended || fired_.load(std::memory_order_acquire)) return false;
  suspend_leaf(*parent_, this, awaiting);
  return true;
}

bool ForeignWaitBase::poll_ready() noexcept {
  if (fired_.load(std::memory_order_acquire)) return true;
  try {
    poll_context(sub_);  // a coroutine the foreign awaiter started, if it waits on us
  } catch (...) {
    error_ = std::current_exception();
    return true;
  }
  return fired_.load(std::memory_order_acquire);
}

void ForeignWaitBase::rethrow_if_failed() {
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

}  // namespace tokio::detail
