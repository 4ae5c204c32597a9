// Thread-local execution state: the context being polled, the coop budget, the runtime entered.
#include <stdexcept>
#include <string>
#include <utility>

#include "runtime/enter.hpp"
#include "runtime/task/state.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/id.hpp"

namespace tokio::detail {

constinit thread_local Context* tl_current_context = nullptr;
constinit thread_local Budget tl_budget{};
constinit thread_local bool tl_yield_requested = false;
constinit thread_local RuntimeInner* tl_runtime = nullptr;
constinit thread_local bool tl_driving = false;

Context& current_context(const char* what) {
  if (Context* ctx = tl_current_context) [[likely]]
    return *ctx;
  throw std::logic_error(std::string(what) +
                         " outside of a tokio task: await it inside a Task that is spawned or "
                         "passed to Runtime::block_on");
}

RuntimeInner& current_runtime(const char* what) {
  if (RuntimeInner* rt = tl_runtime) [[likely]]
    return *rt;
  throw std::logic_error(std::string(what) +
                         " called outside of a tokio runtime: call it from a task or from "
                         "inside Runtime::block_on, or use Runtime::spawn / Handle::spawn");
}

void run_trampoline(Context& ctx, std::coroutine_handle<> next) {
  // Each resume runs until the coroutine suspends; if it handed control to another coroutine
  // of this context (awaiting or finishing a child), resume that one next.
  do {
    next.resume();
    next = std::exchange(ctx.transfer, {});
  } while (next);
}

void run_in_context(Context& ctx, std::coroutine_handle<> next) noexcept {
  Context* saved = std::exchange(tl_current_context, &ctx);
  run_trampoline(ctx, next);
  tl_current_context = saved;
}

void poll_context(Context& ctx) {
  // The context is current while its leaf is polled (so that it can re-register its waker, and
  // a combinator's children run nested in it) and while its coroutines run; restored however
  // this returns (a combinator's poll may throw).
  struct MakeCurrent {
    Context* saved;
    ~MakeCurrent() { tl_current_context = saved; }
  } current{std::exchange(tl_current_context, &ctx)};
  if (ctx.leaf) {
    if (!ctx.leaf->poll_ready()) return;
    ctx.leaf = nullptr;
  }
  // Taken, not read: a coroutine that suspends on something that is not a leaf of this
  // runtime leaves no resume point behind, so no later poll can resume it by mistake.
  if (auto next = std::exchange(ctx.resume_point, {})) run_trampoline(ctx, next);
}

}  // namespace tokio::detail

namespace tokio::task {

std::optional<Id> try_id() noexcept {
  auto* ctx = detail::tl_current_context;
  if (!ctx || !ctx->task || ctx->task->id == 0) return std::nullopt;  // 0: a block_on body
  return Id(ctx->task->id);
}

Id id() {
  if (auto found = try_id()) return *found;
  throw std::logic_error(
      "tokio::task::id() called outside of a spawned task: use task::try_id() to probe");
}

}  // namespace tokio::task
