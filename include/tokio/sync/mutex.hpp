// tokio::sync::Mutex<T>: an async, fair mutex that owns its value, with borrowed guards
// (MutexGuard) and owned guards (OwnedMutexGuard, which keep the mutex alive through a
// std::shared_ptr, like Tokio's `Arc<Mutex<T>>` methods).
//
// The lock is one permit of a detail::BatchSemaphore: whoever holds the permit (a guard) has
// exclusive access to `value_`; the semaphore's acquire/release orders the accesses of
// successive holders (acquire-release on the permit count or under its mutex).
#pragma once

#include <coroutine>
#include <memory>
#include <stdexcept>
#include <utility>

#include "tokio/detail/batch_semaphore.hpp"
#include "tokio/detail/block_on_thread.hpp"
#include "tokio/result.hpp"
#include "tokio/sync/semaphore.hpp"
#include "tokio/task/task.hpp"

namespace tokio::sync {

/// Returned by Mutex::try_lock (and RwLock::try_read / try_write) when the lock is held.
struct TryLockError {
  const char* what() const noexcept { return "operation would block"; }
  friend bool operator==(TryLockError, TryLockError) noexcept { return true; }
};

template <class T>
class Mutex;

/// Access to a Mutex's value; unlocks when destroyed. Move-only; may be held across awaits and
/// released on another thread. The Mutex must outlive it (see OwnedMutexGuard otherwise).
template <class T>
class [[nodiscard]] MutexGuard {
 public:
  MutexGuard(MutexGuard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  MutexGuard& operator=(MutexGuard&&) = delete;
  ~MutexGuard() {
    if (mutex_) mutex_->sem_.release(1);
  }
  T& operator*() const noexcept { return mutex_->value_; }
  T* operator->() const noexcept { return &mutex_->value_; }
  /// The Mutex this guard locks.
  Mutex<T>& mutex() const noexcept { return *mutex_; }

 private:
  friend class Mutex<T>;
  explicit MutexGuard(Mutex<T>* mutex) noexcept : mutex_(mutex) {}
  Mutex<T>* mutex_;
};

/// Access to the value of a Mutex shared through a std::shared_ptr (Tokio's
/// `OwnedMutexGuard`, from lock_owned); unlocks when destroyed, and keeps the Mutex alive until
/// then. Move-only; may be held across awaits, moved into a spawned task and released on
/// another thread.
template <class T>
class [[nodiscard]] OwnedMutexGuard {
 public:
  OwnedMutexGuard(OwnedMutexGuard&& other) noexcept = default;
  OwnedMutexGuard& operator=(OwnedMutexGuard&&) = delete;
  ~OwnedMutexGuard() {
    if (mutex_) mutex_->sem_.release(1);  // then mutex_ drops its reference
  }
  T& operator*() const noexcept { return mutex_->value_; }
  T* operator->() const noexcept { return &mutex_->value_; }
  /// The Mutex this guard locks (null once moved from).
  const std::shared_ptr<Mutex<T>>& mutex() const noexcept { return mutex_; }

 private:
  friend class Mutex<T>;
  explicit OwnedMutexGuard(std::shared_ptr<Mutex<T>> mutex) noexcept : mutex_(std::move(mutex)) {}
  std::shared_ptr<Mutex<T>> mutex_;
};

/// An asynchronous mutex: `auto guard = co_await m.lock(); *guard += 1;`. Waiters are served
/// in FIFO order. Prefer std::mutex when the lock is never held across an await.
///
/// The `*_owned` forms take the mutex as a `std::shared_ptr<Mutex<T>>` (Tokio's
/// `self: Arc<Self>` methods) and are static members:
/// `auto guard = co_await Mutex<int>::lock_owned(shared);`.
///
/// Errors: lock never fails; try_lock gives TryLockError (a value) when held; blocking_lock
/// throws std::logic_error on a thread that drives a runtime; an `*_owned` call with a null
/// pointer throws std::logic_error.
/// Cancel safety: lock is cancel-safe: a cancelled lock leaves no waiter behind and does not
/// keep the mutex from the next waiter (it loses its place in the queue).
/// Thread safety: lock/try_lock from any task or thread; the guard may move between threads.
template <class T>
class Mutex {
 public:
  template <class... Args>
  explicit Mutex(Args&&... args) : value_(std::forward<Args>(args)...) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  class [[nodiscard]] Lock {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit Lock(Mutex& m) noexcept
        : mutex_(m), op_(m.sem_, 1, "awaiting tokio::sync::Mutex::lock") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op_.await_suspend(h); }
    MutexGuard<T> await_resume() {
      op_.await_resume();  // never closed
      op_.keep();          // the guard releases the permit
      return MutexGuard<T>(&mutex_);
    }

   private:
    Mutex& mutex_;
    detail::AcquireOp op_;
  };

  /// The awaitable of lock_owned; it holds a reference on the mutex while it waits.
  class [[nodiscard]] LockOwned {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit LockOwned(std::shared_ptr<Mutex> m)
        : mutex_(std::move(m)),
          op_(checked(mutex_).sem_, 1, "awaiting tokio::sync::Mutex::lock_owned") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op_.await_suspend(h); }
    OwnedMutexGuard<T> await_resume() {
      op_.await_resume();  // never closed
      op_.keep();          // op_ no longer touches the mutex: the reference can move
      return OwnedMutexGuard<T>(std::move(mutex_));
    }

   private:
    std::shared_ptr<Mutex> mutex_;  // declared before op_, which refers into it
    detail::AcquireOp op_;
  };

  /// Waits for the lock; gives a MutexGuard. Cancel-safe (see the class comment).
  Lock lock() noexcept { return Lock(*this); }
  /// The lock if it is free now.
  Result<MutexGuard<T>, TryLockError> try_lock() noexcept {
    if (sem_.try_acquire(1) != detail::BatchSemaphore::TryAcquire::Ok)
      return Err<TryLockError>(TryLockError{});
    return MutexGuard<T>(this);
  }
  /// Blocks the calling thread until the lock is free (for synchronous code that shares the
  /// mutex with async code; Tokio's blocking_lock).
  /// Errors: std::logic_error when called on a runtime worker or inside block_on; use
  /// `co_await lock()` there, or call this from spawn_blocking.
  MutexGuard<T> blocking_lock() {
    return detail::block_on_thread(lock_task(), "tokio::sync::Mutex::blocking_lock");
  }

  /// Waits for the lock of the shared mutex `m`; gives an OwnedMutexGuard that keeps `m`
  /// alive. Errors: std::logic_error when `m` is null. Cancel safety: as lock.
  static LockOwned lock_owned(std::shared_ptr<Mutex> m) { return LockOwned(std::move(m)); }
  /// The lock of `m` if it is free now. Errors: std::logic_error when `m` is null.
  static Result<OwnedMutexGuard<T>, TryLockError> try_lock_owned(std::shared_ptr<Mutex> m) {
    if (checked(m).sem_.try_acquire(1) != detail::BatchSemaphore::TryAcquire::Ok)
      return Err<TryLockError>(TryLockError{});
    return OwnedMutexGuard<T>(std::move(m));
  }
  /// blocking_lock for a shared mutex; see blocking_lock and lock_owned.
  static OwnedMutexGuard<T> blocking_lock_owned(std::shared_ptr<Mutex> m) {
    checked(m);
    return detail::block_on_thread(lock_owned_task(std::move(m)),
                                   "tokio::sync::Mutex::blocking_lock_owned");
  }

  /// The value, without locking: the caller has exclusive access to the Mutex itself (no
  /// guard exists and nobody else uses it), as Rust's `&mut self` guarantees.
  T& get_mut() noexcept { return value_; }
  /// Moves the value out (Tokio's into_inner). Same precondition as get_mut; the Mutex is left
  /// holding a moved-from T.
  T into_inner() && { return std::move(value_); }

 private:
  friend class MutexGuard<T>;
  friend class OwnedMutexGuard<T>;

  static Mutex& checked(const std::shared_ptr<Mutex>& m) {
    if (!m)
      throw std::logic_error(
          "tokio::sync::Mutex::*_owned called with a null std::shared_ptr; pass the shared "
          "mutex (e.g. from std::make_shared<Mutex<T>>(...))");
    return *m;
  }
  Task<MutexGuard<T>> lock_task() {
    auto op = lock();
    auto guard = co_await op;
    co_return std::move(guard);
  }
  static Task<OwnedMutexGuard<T>> lock_owned_task(std::shared_ptr<Mutex> m) {
    auto op = lock_owned(std::move(m));
    auto guard = co_await op;
    co_return std::move(guard);
  }

  detail::BatchSemaphore sem_{1};  // one permit: the lock
  T value_;
};

}  // namespace tokio::sync
