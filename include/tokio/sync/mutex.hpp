// tokio::sync::Mutex<T>: an async, fair mutex that owns its value.
#pragma once

#include <coroutine>
#include <utility>

#include "tokio/result.hpp"
#include "tokio/sync/semaphore.hpp"

namespace tokio::sync {

/// Returned by Mutex::try_lock when the lock is held.
struct TryLockError {
  const char* what() const noexcept { return "operation would block"; }
  friend bool operator==(TryLockError, TryLockError) noexcept { return true; }
};

template <class T>
class Mutex;

/// Access to a Mutex's value; unlocks when destroyed. Move-only; may be held across awaits and
/// released on another thread.
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

 private:
  friend class Mutex<T>;
  explicit MutexGuard(Mutex<T>* mutex) noexcept : mutex_(mutex) {}
  Mutex<T>* mutex_;
};

/// An asynchronous mutex: `auto guard = co_await m.lock(); *guard += 1;`. Waiters are served
/// in FIFO order. Prefer std::mutex when the lock is never held across an await.
///
/// Errors: none (lock never fails); try_lock gives TryLockError when held.
/// Cancel safety: lock is cancel-safe: a cancelled lock leaves no waiter behind and does not
/// keep the mutex from the next waiter.
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

  /// Waits for the lock; gives a MutexGuard.
  Lock lock() noexcept { return Lock(*this); }
  /// The lock if it is free now.
  Result<MutexGuard<T>, TryLockError> try_lock() noexcept {
    if (sem_.try_acquire(1) != detail::BatchSemaphore::TryAcquire::Ok)
      return Err<TryLockError>(TryLockError{});
    return MutexGuard<T>(this);
  }
  /// The value, without locking: the caller has exclusive access to the Mutex itself.
  T& get_mut() noexcept { return value_; }

 private:
  friend class MutexGuard<T>;
  detail::BatchSemaphore sem_{1};  // one permit: the lock
  T value_;
};

}  // namespace tokio::sync
