// tokio::sync::OnceCell<T>: a thread-safe cell written at most once, possibly by an async
// initialiser, after Tokio's sync/once_cell.rs.
//
// Design and invariants:
//  1. While `value_set_` is false, only the holder of the semaphore's single permit may
//     construct `value_` (the initialiser, or set()).
//  2. The initialiser constructs `value_`, then stores `value_set_ = true` with release order,
//     then closes the semaphore and forgets its permit. Any thread that loads true (acquire)
//     sees the finished value; `value_` is immutable from then on (except through the
//     exclusive-access calls get_mut / take), so readers need no lock: get() is one acquire
//     load.
//  3. A closed semaphore implies `value_set_` is true. Waiters blocked in get_or_init are
//     woken by the close and read the value. If an initialiser fails (throws, returns an
//     error, or is cancelled), its permit goes back and the next waiter in FIFO order runs its
//     own initialiser.
#pragma once

#include <atomic>
#include <concepts>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "tokio/detail/batch_semaphore.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/result.hpp"
#include "tokio/task/task.hpp"

namespace tokio::sync {

/// Why OnceCell::set failed (Tokio's SetError variants).
enum class SetErrorKind {
  AlreadyInitialized,  // the cell already held a value
  Initializing,        // another task is running an initialiser right now
};

/// The error of OnceCell::set: why it failed, and the value it was given back.
template <class T>
struct SetError {
  SetErrorKind kind;
  T value;

  bool is_already_init_err() const noexcept { return kind == SetErrorKind::AlreadyInitialized; }
  bool is_initializing_err() const noexcept { return kind == SetErrorKind::Initializing; }
  const char* what() const noexcept {
    return is_already_init_err() ? "AlreadyInitializedError" : "InitializingError";
  }
};

namespace detail_once_cell {
template <class X>
struct TaskValue {};
template <class U>
struct TaskValue<Task<U>> {
  using type = U;
};
template <class X>
struct ResultParts {};
template <class U, class E>
struct ResultParts<Result<U, E>> {
  using value = U;
  using error = E;
};
}  // namespace detail_once_cell

/// A cell that is written at most once and then read by anyone without locking.
/// `const T& v = co_await cell.get_or_init([] -> tokio::Task<T> { ... });` runs the async
/// initialiser in exactly one caller at a time; every other caller waits for it and gets the
/// same value.
///
/// Errors: set gives SetError (a value, with the rejected value inside); get_or_try_init gives
/// the initialiser's error; exceptions from an initialiser propagate to its caller (the cell
/// stays empty and the next waiter runs its own initialiser); waiting outside a runtime
/// throws std::logic_error.
/// Cancel safety: get_or_init / get_or_try_init are cancel-safe: a cancelled waiter leaves no
/// waiter behind; a cancelled initialiser leaves the cell empty and hands its turn to the next
/// waiter, which runs its own initialiser.
/// Thread safety: get, initialized, set, get_or_init and get_or_try_init may be called
/// concurrently from any thread. get_mut, take and into_inner need exclusive access to the cell
/// (no concurrent call, no reference from get() still in use), as Rust's `&mut self`. The
/// initialiser must not wait on the same cell (that deadlocks, as in Tokio).
template <class T>
class OnceCell {
 public:
  /// An empty cell.
  OnceCell() noexcept : sem_(1) {}
  /// A cell that already holds `value` (Tokio's `From<T>`).
  explicit OnceCell(T value) : sem_(0) {
    std::construct_at(std::addressof(storage_.value), std::move(value));
    value_set_.store(true, std::memory_order_relaxed);  // not yet shared
    sem_.close();
  }
  /// A cell holding `value` if it has one, else empty (Tokio's new_with).
  static OnceCell new_with(std::optional<T> value) {
    if (value) return OnceCell(std::move(*value));
    return OnceCell();
  }
  OnceCell(const OnceCell&) = delete;
  OnceCell& operator=(const OnceCell&) = delete;
  ~OnceCell() {
    if (value_set_.load(std::memory_order_relaxed)) std::destroy_at(std::addressof(storage_.value));
  }

  /// True when the cell holds a value (acquire: the value is then safe to read).
  bool initialized() const noexcept { return value_set_.load(std::memory_order_acquire); }
  /// The value, or null while the cell is empty. Lock-free (one acquire load).
  const T* get() const noexcept { return initialized() ? std::addressof(storage_.value) : nullptr; }
  /// The value for modification, or null when empty. Needs exclusive access (see the class).
  T* get_mut() noexcept {
    return value_set_.load(std::memory_order_relaxed) ? std::addressof(storage_.value) : nullptr;
  }

  /// Stores `value` if the cell is empty and no initialiser is running.
  /// Errors: SetError (a value) of kind AlreadyInitialized or Initializing, holding `value`.
  Result<void, SetError<T>> set(T value) {
    if (initialized()) return Err(SetError<T>{SetErrorKind::AlreadyInitialized, std::move(value)});
    switch (sem_.try_acquire(1)) {
      case detail::BatchSemaphore::TryAcquire::Ok: {
        PermitGuard permit{sem_};  // a throwing constructor of T gives the turn back
        set_value(std::move(value));
        permit.forget();
        return {};
      }
      case detail::BatchSemaphore::TryAcquire::NoPermits:  // an initialiser holds the permit
        return Err(SetError<T>{SetErrorKind::Initializing, std::move(value)});
      case detail::BatchSemaphore::TryAcquire::Closed:  // set meanwhile (invariant 3)
        break;
    }
    return Err(SetError<T>{SetErrorKind::AlreadyInitialized, std::move(value)});
  }

  /// The value, initialising it first if needed: `f()` must return a Task<T> (or a Task of
  /// something convertible to T). Only one caller runs its initialiser at a time; the others
  /// wait (FIFO) and get its value. If the initialiser throws (the exception propagates to
  /// its caller) or is cancelled, the next waiter runs its own. `f` is called at most once,
  /// and only by the caller that initialises.
  /// Cancel safety: cancel-safe (see the class).
  template <class F>
  requires std::invocable<F&> Task<const T&> get_or_init(F f) {
    using U = typename detail_once_cell::TaskValue<std::invoke_result_t<F&>>::type;
    static_assert(std::is_convertible_v<U, T>, "get_or_init: f() must return a tokio::Task<T>");
    if (initialized()) co_return storage_.value;
    detail::AcquireOp op(sem_, 1, "awaiting tokio::sync::OnceCell::get_or_init");
    if (!co_await op) co_return storage_.value;  // closed: another caller set it
    op.keep();
    PermitGuard permit{sem_};
    auto task = f();
    T value = co_await task;  // converted (or copied, for a Task<T&>) here
    set_value(std::move(value));
    permit.forget();
    co_return storage_.value;
  }

  /// Like get_or_init, but `f()` returns a Task<Result<T, E>>: on an error the cell stays
  /// empty, the next waiter runs its own initialiser, and the error is returned. Gives
  /// Result<const T*, E> (the pointer is never null).
  /// Cancel safety: cancel-safe (see the class).
  template <class F>
  requires std::invocable<F&>
  auto get_or_try_init(F f) -> Task<
      Result<const T*, typename detail_once_cell::ResultParts<typename detail_once_cell::TaskValue<
                           std::invoke_result_t<F&>>::type>::error>> {
    using R = typename detail_once_cell::TaskValue<std::invoke_result_t<F&>>::type;
    using E = typename detail_once_cell::ResultParts<R>::error;
    if (initialized()) co_return Result<const T*, E>(std::addressof(storage_.value));
    detail::AcquireOp op(sem_, 1, "awaiting tokio::sync::OnceCell::get_or_try_init");
    if (!co_await op) co_return Result<const T*, E>(std::addressof(storage_.value));
    op.keep();
    PermitGuard permit{sem_};
    auto task = f();
    R result = co_await task;
    if (!result) co_return Result<const T*, E>(Err<E>(std::move(result).error()));
    set_value(std::move(*result));
    permit.forget();
    co_return Result<const T*, E>(std::addressof(storage_.value));
  }

  /// Moves the value out and leaves the cell empty (usable again), or gives nothing when the
  /// cell is empty. Needs exclusive access (see the class).
  std::optional<T> take() {
    if (!value_set_.load(std::memory_order_relaxed)) return std::nullopt;
    std::optional<T> out(std::move(storage_.value));
    std::destroy_at(std::addressof(storage_.value));
    value_set_.store(false, std::memory_order_relaxed);
    // The semaphore was closed by the initialisation; start over with a fresh one.
    std::destroy_at(&sem_);
    std::construct_at(&sem_, std::size_t{1});
    return out;
  }
  /// take() by Tokio's name for consuming the cell: `std::move(cell).into_inner()`.
  std::optional<T> into_inner() && { return take(); }

 private:
  // Gives the permit back unless forgotten: the initialiser failed or was cancelled, so the
  // next waiter gets its turn (invariant 3).
  struct PermitGuard {
    detail::BatchSemaphore& sem;
    bool armed = true;
    void forget() noexcept { armed = false; }
    ~PermitGuard() {
      if (armed) sem.release(1);
    }
  };

  // Called with the permit held (invariant 1); see invariant 2 for the order.
  void set_value(T&& value) {
    std::construct_at(std::addressof(storage_.value), std::move(value));
    value_set_.store(true, std::memory_order_release);
    sem_.close();  // wakes the waiters; they read the value
  }

  union Storage {
    Storage() noexcept {}
    ~Storage() {}
    T value;
  };
  detail::seam::atomic<bool> value_set_{false};
  Storage storage_;
  detail::BatchSemaphore sem_;
};

}  // namespace tokio::sync
