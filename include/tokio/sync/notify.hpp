// tokio::sync::Notify: wake one task, or all waiting tasks, without passing data.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <mutex>

#include "tokio/detail/context.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/intrusive_list.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"

namespace tokio::sync {

class Notify;

/// The future of Notify::notified(). Completes on notify_one (FIFO among waiters, or a stored
/// permit) or on a notify_waiters called after it was created. Movable until it is first
/// awaited or enabled (select moves it in); not copyable.
///
/// Cancel safety: if it is destroyed after notify_one chose it but before it completed, the
/// notification passes to the next waiter (or is stored), so none is lost.
class [[nodiscard]] Notified final : public detail::LeafOp<Notified>,
                                     public detail::ListLinks<Notified> {
 public:
  explicit Notified(Notify& notify) noexcept;
  /// Moves a Notified that was not yet awaited or enabled (asserted: it must not be queued).
  Notified(Notified&& other) noexcept;
  Notified& operator=(const Notified&) = delete;
  ~Notified();

  /// Registers this waiter now, before it is awaited, so that a notify_one or notify_waiters
  /// that happens before the first await is not missed (Tokio's `enable`). Returns true if it
  /// is already notified.
  bool enable();

  void await_resume() noexcept { consumed_ = true; }
  /// Not part of the cooperative budget (as in Tokio).
  static constexpr bool cooperative() noexcept { return false; }

 private:
  friend class Notify;
  friend detail::LeafOp<Notified>;
  static const char* what() noexcept { return "awaiting tokio::sync::Notify::notified()"; }
  // One poll: true when notified. Queues the waiter on the first call, also from await_ready
  // and enable (with no task, then without a waker), so that no notification is missed.
  bool poll(detail::Header* task);

  Notify& notify_;
  std::uint64_t generation_;
  // Guarded by notify_.mutex_ (and so are the links: linked = queued):
  detail::Waker waker_;
  detail::Header* waker_task_ = nullptr;
  bool notified_one_ = false;  // chosen by notify_one
  bool done_ = false;
  bool consumed_ = false;  // completed and returned to the awaiting task
};

/// Notifies tasks: `co_await notify.notified()` waits; `notify_one()` wakes the oldest waiter or,
/// if none waits, stores one permit that the next notified() consumes at once;
/// `notify_waiters()` wakes every Notified created before the call, and stores nothing.
///
/// Errors: none. Cancel safety: see Notified.
/// Thread safety: all methods may be called from any thread, inside or outside a runtime.
class Notify {
 public:
  Notify() = default;
  Notify(const Notify&) = delete;
  Notify& operator=(const Notify&) = delete;

  /// A future that completes when notified.
  Notified notified() noexcept { return Notified(*this); }
  /// Wakes the oldest waiter, or stores a permit (at most one) if none waits.
  void notify_one() noexcept;
  /// Wakes every waiter registered, and every Notified created, before this call.
  void notify_waiters() noexcept;

 private:
  friend class Notified;

  detail::seam::mutex mutex_;
  detail::IntrusiveList<Notified> waiters_;            // oldest first; guarded by mutex_
  bool permit_ = false;                                // guarded by mutex_
  detail::seam::atomic<std::uint64_t> generation_{0};  // notify_waiters calls; written under mutex_
};

}  // namespace tokio::sync
