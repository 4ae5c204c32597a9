// LeafOp: the one base of the library's leaf awaitables (a channel receive, a lock, a sleep, a
// readiness wait, a join...), holding the suspend protocol of context.hpp and coop.hpp that they
// all follow:
//   await_ready    budget left, and the operation is over already (a check, nothing registered);
//   await_suspend  inside a task (else std::logic_error naming the operation); with the budget
//                  spent, suspends as the pending leaf and yields (it is polled again after the
//                  other queued tasks); otherwise polls with the task's waker, and suspends as
//                  the context's pending leaf unless that completed it;
//   poll_ready     the poll when the task runs again (spurious polls are harmless).
//
// The derived class D (CRTP) provides, typically private with `friend LeafOp<D>`:
//   bool poll(Header* task)   one poll: true when the operation is over (its outcome stored for
//                             await_resume). With a task, a false return has registered that
//                             task's waker (replacing another task's: an awaitable may be polled
//                             by a new task after moving into a select). With null (from
//                             await_ready) it only checks: it registers no waker.
//   const char* what() const  names the operation for the outside-of-a-task error;
// and its own await_resume, which calls coop_consume() (a completed operation costs one unit).
// An operation outside the budget (Notify::notified, as in Tokio) hides `cooperative()`.
//
// A poll that throws from poll_ready (registering a waker failed to allocate) leaves the
// operation pending; the next wake polls again. From await_ready/await_suspend it propagates.
//
// Threads: every member runs on the thread that runs the awaiting task (see context.hpp).
#pragma once

#include <coroutine>
#include <utility>

#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"

namespace tokio::detail {

struct Header;

template <class Derived>
class LeafOp : public Leaf {
 public:
  bool await_ready() {
    if (self().cooperative() && !coop_has_budget()) return false;
    return self().poll(nullptr);
  }

  bool await_suspend(std::coroutine_handle<> awaiting) {
    Context& ctx = current_context(self().what());
    if (self().cooperative() && suspend_if_budget_spent(ctx, this, awaiting)) return true;
    if (self().poll(ctx.task)) return false;
    suspend_leaf(ctx, this, awaiting);
    return true;
  }

  /// Whether the operation takes part in the cooperative budget.
  static constexpr bool cooperative() noexcept { return true; }

 protected:
  LeafOp() noexcept = default;
  LeafOp(const LeafOp&) noexcept = default;
  ~LeafOp() = default;

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }

  bool poll_ready() noexcept final {
    if constexpr (noexcept(std::declval<Derived&>().poll(nullptr))) {
      return self().poll(tl_current_context->task);
    } else {
      try {
        return self().poll(tl_current_context->task);
      } catch (...) {
        return false;  // stays pending: see the file comment
      }
    }
  }
};

}  // namespace tokio::detail
