// Execution context of a running task: which coroutine to resume when the task is polled.
//
// A spawned task owns one root Context. `co_await` of a child Task stays in the same Context
// (the child's frame chains to its parent by symmetric transfer). A leaf awaitable that suspends
// records itself (`leaf`) and the awaiting coroutine (`resume_point`) in the current Context and
// registers a Waker for `task`. When the task is polled again the leaf is asked whether it is
// ready; only then is `resume_point` resumed. Spurious polls are therefore harmless, which is
// what lets join/select poll every branch whenever the task is woken, as Tokio's macros do.
//
// A combinator (join, select, try_join, timeout, unconstrained) gives each child its own Context
// and suspends the parent as its pending leaf; polling the parent then polls the children.
//
// Thread rule: a Context is only touched by the thread that currently runs its task (the task's
// RUNNING bit makes that thread unique), so none of these fields is atomic.
#pragma once

#include <coroutine>

namespace tokio::detail {

struct Header;

/// What a suspended coroutine of a context waits on: a leaf awaitable, or a combinator (whose
/// children run in contexts of their own). `poll_ready` runs on the task's thread, while the
/// task is polled, with the waiting context current; it returns true when the awaited event
/// happened (then the awaiting coroutine is resumed), or re-registers its waker (a combinator:
/// polls its children) and returns false. A leaf's poll never throws; a combinator's may, and
/// the exception fails the task.
struct Leaf {
  virtual bool poll_ready() = 0;

 protected:
  ~Leaf() = default;
};

/// A combinator (join, select, try_join, timeout, unconstrained): a Leaf whose poll_ready
/// polls the child contexts it owns, true once it is done.
struct Combinator : Leaf {
 protected:
  ~Combinator() = default;
};

struct Context {
  Header* task = nullptr;  // the task whose waker leaves register
  // What to resume when the pending leaf is ready (or at once, with no leaf); taken when
  // resumed, so it is set only while something of this context is runnable or waits on a leaf.
  std::coroutine_handle<> resume_point{};
  Leaf* leaf = nullptr;  // pending leaf or combinator, or null when resume_point is runnable
  // The next coroutine poll_context's loop resumes. Awaiting a child Task and finishing a
  // child hand control over through this slot instead of resuming directly, so the stack stays
  // flat for any depth of awaits and any length of loop, with no reliance on the compiler
  // turning symmetric transfer into a tail call (GCC 12 does not at -O0/-O1 or under the
  // sanitizers).
  std::coroutine_handle<> transfer{};
};

/// The context being polled on this thread, or null outside any task.
extern constinit thread_local Context* tl_current_context;

/// The current context; throws std::logic_error naming `what` when called outside a task.
Context& current_context(const char* what);

/// Polls `ctx` once on this thread: resumes its resume point if no leaf is pending or the
/// pending leaf (or combinator) is ready. A context with neither (its coroutine
/// suspended on something that will resume it by other means) is left alone.
void poll_context(Context& ctx);

/// Resumes `next`, then every coroutine it hands control to through `ctx.transfer`, until one
/// suspends without handing over. The caller has made `ctx` the current context.
void run_trampoline(Context& ctx, std::coroutine_handle<> next);

/// Resumes `next` (a coroutine of `ctx` that waits on no leaf) with `ctx` current, then
/// whatever it hands control to, as poll_context does once the leaf is ready; restores the
/// current context after. Out of line, as poll_context, so that no code compiled into a
/// coroutine keeps this thread-local's address across a suspension.
void run_in_context(Context& ctx, std::coroutine_handle<> next) noexcept;

/// Hands control to `next`: through the running context's trampoline when there is one (the
/// returned no-op coroutine then unwinds to it), else by symmetric transfer.
inline std::coroutine_handle<> transfer_to(std::coroutine_handle<> next) noexcept {
  if (Context* ctx = tl_current_context) {
    ctx->transfer = next;
    return std::noop_coroutine();
  }
  return next;
}

/// Records that `leaf` suspends the coroutine `awaiting` in `ctx`.
inline void suspend_leaf(Context& ctx, Leaf* leaf, std::coroutine_handle<> awaiting) noexcept {
  ctx.leaf = leaf;
  ctx.resume_point = awaiting;
}

}  // namespace tokio::detail
