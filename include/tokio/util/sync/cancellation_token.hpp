// tokio::util::sync::CancellationToken (tokio-util's): a cancellation signal shared by many
// tasks, organised as a tree (cancelling a token cancels its children, never its parent).
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "tokio/detail/awaitable.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {
struct CancelNode;
}

namespace tokio::util::sync {

class CancellationToken;

/// The awaitable of CancellationToken::cancelled(): completes once the token is cancelled (at
/// once if it already is). It keeps the token's state alive, so it may outlive the token it
/// came from (Tokio's `cancelled_owned` and `cancelled` in one). Movable until first awaited.
///
/// Cancel safety: cancel-safe; dropping it unregisters it, and a later cancelled() sees the
/// cancellation all the same.
class [[nodiscard]] WaitForCancellation {
 public:
  using tokio_native_awaiter = void;  // forwards to a Notified (see detail/awaitable.hpp)
  explicit WaitForCancellation(std::shared_ptr<detail::CancelNode> node);
  WaitForCancellation(WaitForCancellation&&) noexcept = default;
  WaitForCancellation& operator=(const WaitForCancellation&) = delete;

  bool await_ready();
  bool await_suspend(std::coroutine_handle<> awaiting) { return notified_.await_suspend(awaiting); }
  void await_resume() noexcept {}

 private:
  // Declared first: notified_ refers to the Notify inside the node, so it must go first.
  std::shared_ptr<detail::CancelNode> node_;
  tokio::sync::Notified notified_;
};

/// Cancels its token when destroyed, unless disarmed (tokio-util's `DropGuard`): ties a
/// token to a scope, so that leaving it any way (return, exception) cancels the work.
class [[nodiscard]] DropGuard {
 public:
  explicit DropGuard(CancellationToken token) noexcept;
  DropGuard(DropGuard&&) noexcept = default;
  DropGuard& operator=(DropGuard&&) noexcept;
  DropGuard(const DropGuard&) = delete;
  DropGuard& operator=(const DropGuard&) = delete;
  ~DropGuard();

  /// Gives the token back without cancelling it; the guard then does nothing.
  CancellationToken disarm() noexcept;

 private:
  std::shared_ptr<detail::CancelNode> node_;
};

/// A token that tasks watch to learn that they should stop. Copies share one state (Tokio's
/// `clone`); `child_token()` makes a token that is cancelled with this one (and can be
/// cancelled alone); `cancel()` cancels this token and every token below it, at once and for
/// good.
///
/// ```
/// tokio::util::sync::CancellationToken token;
/// auto worker = tokio::spawn([](tokio::util::sync::CancellationToken stop) -> tokio::Task<void> {
///   auto r = co_await tokio::select(stop.cancelled(), do_work());
///   if (r.index() == 0) std::cout << "stopped\n";
/// }(token.child_token()));
/// token.cancel();  // the worker stops at its next wake-up
/// co_await worker;
/// ```
///
/// Errors: none (allocation failure aside). Thread safety: every member may be called from any
/// thread, inside or outside a runtime; cancel() wakes the waiting tasks through their wakers.
class CancellationToken {
 public:
  /// A new token, not cancelled, with no parent.
  CancellationToken();
  // Copies share the state; there is no move, so no token is ever empty (a "moved" token is
  // a copy and stays usable).
  CancellationToken(const CancellationToken&) = default;
  CancellationToken& operator=(const CancellationToken&) = default;

  /// A token cancelled together with this one (when this one, or any ancestor, is cancelled);
  /// cancelling the child does not cancel this one. A child of a cancelled token is born
  /// cancelled.
  CancellationToken child_token() const;

  /// Cancels this token and all its descendants; tasks waiting in cancelled() wake up.
  /// Idempotent. Cost: one lock per token of the subtree, taken one at a time.
  void cancel() const;

  /// True once this token (or an ancestor) has been cancelled.
  bool is_cancelled() const noexcept;

  /// Completes once the token is cancelled. Cancel-safe.
  WaitForCancellation cancelled() const { return WaitForCancellation(node_); }

  /// A guard that cancels this token when it is destroyed (see DropGuard).
  DropGuard drop_guard() const { return DropGuard(*this); }

  /// Awaits `awaitable` unless the token is cancelled first: its value, or std::nullopt when
  /// cancelled (then `awaitable` is dropped, with whatever it was waiting on). tokio-util's
  /// `run_until_cancelled`. The awaitable is taken by value (move a Task in) and the token's
  /// state is shared, so the returned Task owns all it needs. Cancel-safe when `awaitable` is.
  template <class A>
  requires detail::Awaitable<A>
  auto run_until_cancelled(A awaitable) const {
    return run_until_cancelled_in(node_, std::move(awaitable));
  }

  friend bool operator==(const CancellationToken& a, const CancellationToken& b) noexcept {
    return a.node_ == b.node_;
  }

 private:
  friend class DropGuard;
  explicit CancellationToken(std::shared_ptr<detail::CancelNode> node) noexcept
      : node_(std::move(node)) {}
  template <class A>
  static auto run_until_cancelled_in(std::shared_ptr<detail::CancelNode> node, A awaitable)
      -> Task<std::optional<detail::BranchValue<detail::into_task_value_type<A>>>> {
    auto r =
        co_await tokio::select_biased(WaitForCancellation(std::move(node)), std::move(awaitable));
    if (r.index() == 0) co_return std::nullopt;
    co_return std::move(std::get<1>(r));
  }

  std::shared_ptr<detail::CancelNode> node_;
};

}  // namespace tokio::util::sync
