// tokio::sync::RwLock<T>: an async, fair (write-preferring) reader-writer lock that owns its
// value, after Tokio's sync/rwlock.rs.
//
// Design: a detail::BatchSemaphore with `max_reads_` permits. A reader holds 1 permit, a writer
// holds all `max_reads_`, so a writer excludes everyone and readers only exclude writers. The
// semaphore is FIFO and assigns released permits to the head of its queue first (partially, if
// the head needs more than are free), so once a writer queues, the readers behind it wait until
// it has had its turn: writers cannot starve. Whoever holds permits may touch `value_` (shared
// for readers, exclusive for the writer); the semaphore's acquire-release on its permit count
// (or its mutex) orders one holder's accesses before the next's. The semaphore is never closed.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "tokio/detail/batch_semaphore.hpp"
#include "tokio/detail/block_on_thread.hpp"
#include "tokio/result.hpp"
#include "tokio/sync/mutex.hpp"  // TryLockError
#include "tokio/task/task.hpp"

namespace tokio::sync {

/// The reader limit of an RwLock, for the constructor `RwLock<T>(MaxReaders{n}, args...)`
/// (the same as `RwLock<T>::with_max_readers(n, args...)`, usable with std::make_shared).
struct MaxReaders {
  std::size_t value;
};

template <class T>
class RwLock;
template <class T>
class RwLockWriteGuard;
template <class T>
class OwnedRwLockWriteGuard;

/// Shared read access to an RwLock's value; released when destroyed. Move-only; may be held
/// across awaits and released on another thread. The RwLock must outlive it.
template <class T>
class [[nodiscard]] RwLockReadGuard {
 public:
  RwLockReadGuard(RwLockReadGuard&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
  RwLockReadGuard& operator=(RwLockReadGuard&&) = delete;
  ~RwLockReadGuard() {
    if (lock_) lock_->sem_.release(1);
  }
  const T& operator*() const noexcept { return lock_->value_; }
  const T* operator->() const noexcept { return &lock_->value_; }

 private:
  friend class RwLock<T>;
  friend class RwLockWriteGuard<T>;
  explicit RwLockReadGuard(RwLock<T>* lock) noexcept : lock_(lock) {}
  RwLock<T>* lock_;
};

/// Exclusive write access to an RwLock's value; released when destroyed. Move-only; may be held
/// across awaits and released on another thread. The RwLock must outlive it.
template <class T>
class [[nodiscard]] RwLockWriteGuard {
 public:
  RwLockWriteGuard(RwLockWriteGuard&& other) noexcept
      : lock_(std::exchange(other.lock_, nullptr)) {}
  RwLockWriteGuard& operator=(RwLockWriteGuard&&) = delete;
  ~RwLockWriteGuard() {
    if (lock_) lock_->sem_.release(lock_->max_reads_);
  }
  T& operator*() const noexcept { return lock_->value_; }
  T* operator->() const noexcept { return &lock_->value_; }

  /// Turns this write access into read access atomically: no writer can take the lock in
  /// between (it keeps one of its permits as the read permit and returns the others). Readers
  /// queued behind a waiting writer still wait for that writer, as in Tokio.
  /// Usage: `auto reader = std::move(writer).downgrade();` (this guard is left empty).
  RwLockReadGuard<T> downgrade() && noexcept {
    RwLock<T>* lock = std::exchange(lock_, nullptr);
    if (lock->max_reads_ > 1) lock->sem_.release(lock->max_reads_ - 1);
    return RwLockReadGuard<T>(lock);
  }

 private:
  friend class RwLock<T>;
  explicit RwLockWriteGuard(RwLock<T>* lock) noexcept : lock_(lock) {}
  RwLock<T>* lock_;
};

/// Shared read access to an RwLock shared through a std::shared_ptr (Tokio's
/// `OwnedRwLockReadGuard`); keeps the lock alive until destroyed. Move-only.
template <class T>
class [[nodiscard]] OwnedRwLockReadGuard {
 public:
  OwnedRwLockReadGuard(OwnedRwLockReadGuard&&) noexcept = default;
  OwnedRwLockReadGuard& operator=(OwnedRwLockReadGuard&&) = delete;
  ~OwnedRwLockReadGuard() {
    if (lock_) lock_->sem_.release(1);  // then lock_ drops its reference
  }
  const T& operator*() const noexcept { return lock_->value_; }
  const T* operator->() const noexcept { return &lock_->value_; }
  /// The RwLock this guard reads (null once moved from).
  const std::shared_ptr<RwLock<T>>& rwlock() const noexcept { return lock_; }

 private:
  friend class RwLock<T>;
  friend class OwnedRwLockWriteGuard<T>;
  explicit OwnedRwLockReadGuard(std::shared_ptr<RwLock<T>> lock) noexcept
      : lock_(std::move(lock)) {}
  std::shared_ptr<RwLock<T>> lock_;
};

/// Exclusive write access to an RwLock shared through a std::shared_ptr (Tokio's
/// `OwnedRwLockWriteGuard`); keeps the lock alive until destroyed. Move-only.
template <class T>
class [[nodiscard]] OwnedRwLockWriteGuard {
 public:
  OwnedRwLockWriteGuard(OwnedRwLockWriteGuard&&) noexcept = default;
  OwnedRwLockWriteGuard& operator=(OwnedRwLockWriteGuard&&) = delete;
  ~OwnedRwLockWriteGuard() {
    if (lock_) lock_->sem_.release(lock_->max_reads_);
  }
  T& operator*() const noexcept { return lock_->value_; }
  T* operator->() const noexcept { return &lock_->value_; }
  /// The RwLock this guard writes (null once moved from).
  const std::shared_ptr<RwLock<T>>& rwlock() const noexcept { return lock_; }

  /// As RwLockWriteGuard::downgrade: `auto reader = std::move(writer).downgrade();`.
  OwnedRwLockReadGuard<T> downgrade() && noexcept {
    if (lock_->max_reads_ > 1) lock_->sem_.release(lock_->max_reads_ - 1);
    return OwnedRwLockReadGuard<T>(std::move(lock_));
  }

 private:
  friend class RwLock<T>;
  explicit OwnedRwLockWriteGuard(std::shared_ptr<RwLock<T>> lock) noexcept
      : lock_(std::move(lock)) {}
  std::shared_ptr<RwLock<T>> lock_;
};

/// An asynchronous reader-writer lock: any number of readers (up to max_readers), or one
/// writer. `auto r = co_await lock.read();` gives shared access (`*r` is const),
/// `auto w = co_await lock.write();` exclusive access.
///
/// The policy is fair (write-preferring), as Tokio's: waiters are served in FIFO order, and
/// while a writer waits at the head of the queue no new read access is granted, so readers
/// cannot starve writers. Consequence (as in Tokio): a task that holds a read guard, then
/// starts a write, then asks for another read deadlocks against itself.
///
/// The `*_owned` forms take the lock as a `std::shared_ptr<RwLock<T>>` (Tokio's
/// `self: Arc<Self>` methods) and are static members:
/// `auto w = co_await RwLock<int>::write_owned(shared);`.
///
/// Errors: read/write never fail; try_read/try_write give TryLockError (a value) when they
/// would wait; a reader limit of 0 or above kMaxReads throws std::invalid_argument;
/// blocking_read/blocking_write throw std::logic_error on a thread that drives a runtime;
/// an `*_owned` call with a null pointer throws std::logic_error.
/// Cancel safety: read and write are cancel-safe but lose their place in the queue: a
/// cancelled waiter leaves no waiter behind, and the permits already handed to a cancelled
/// write (it collects them as readers leave) pass on to the waiters behind it, so cancelling
/// a queued write lets the readers queued after it in.
/// Thread safety: every method may be called from any task or thread; guards may move between
/// threads.
template <class T>
class RwLock {
 public:
  /// The largest reader limit (Tokio's MAX_READS: u32::MAX >> 3), also the default one.
  static constexpr std::size_t kMaxReads = std::size_t{0xFFFFFFFFu} >> 3;

  /// An unlocked RwLock with the default reader limit, its value built from `args`.
  template <class... Args>
  explicit RwLock(Args&&... args)
      : max_reads_(kMaxReads), sem_(kMaxReads), value_(std::forward<Args>(args)...) {}
  /// An unlocked RwLock that admits at most `max.value` readers at once.
  /// Errors: std::invalid_argument when the limit is 0 (a writer would exclude no one; Tokio
  /// does not check this) or above kMaxReads (Tokio panics).
  template <class... Args>
  RwLock(MaxReaders max, Args&&... args)
      : max_reads_(check(max.value)), sem_(max_reads_), value_(std::forward<Args>(args)...) {}
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  /// `RwLock<T>(MaxReaders{max_reads}, args...)` by Tokio's name. The limit comes first
  /// (Tokio's order is value, limit) because the value's constructor arguments are variadic.
  template <class... Args>
  static RwLock with_max_readers(std::size_t max_reads, Args&&... args) {
    return RwLock(MaxReaders{max_reads}, std::forward<Args>(args)...);
  }

  /// The awaitable of read().
  class [[nodiscard]] Read {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit Read(RwLock& lock) noexcept
        : lock_(lock), op_(lock.sem_, 1, "awaiting tokio::sync::RwLock::read") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op_.await_suspend(h); }
    RwLockReadGuard<T> await_resume() {
      op_.await_resume();  // never closed
      op_.keep();          // the guard releases the permit
      return RwLockReadGuard<T>(&lock_);
    }

   private:
    RwLock& lock_;
    detail::AcquireOp op_;
  };

  /// The awaitable of write().
  class [[nodiscard]] Write {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit Write(RwLock& lock) noexcept
        : lock_(lock), op_(lock.sem_, lock.max_reads_, "awaiting tokio::sync::RwLock::write") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op_.await_suspend(h); }
    RwLockWriteGuard<T> await_resume() {
      op_.await_resume();
      op_.keep();
      return RwLockWriteGuard<T>(&lock_);
    }

   private:
    RwLock& lock_;
    detail::AcquireOp op_;
  };

  /// The awaitable of read_owned(); holds a reference on the lock while it waits.
  class [[nodiscard]] ReadOwned {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit ReadOwned(std::shared_ptr<RwLock> lock)
        : lock_(std::move(lock)),
          op_(checked(lock_).sem_, 1, "awaiting tokio::sync::RwLock::read_owned") {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op_.await_suspend(h); }
    OwnedRwLockReadGuard<T> await_resume() {
      op_.await_resume();
      op_.keep();  // op_ no longer touches the lock: the reference can move
      return OwnedRwLockReadGuard<T>(std::move(lock_));
    }

   private:
    std::shared_ptr<RwLock> lock_;  // declared before op_, which refers into it
    detail::AcquireOp op_;
  };

  /// The awaitable of write_owned(); holds a reference on the lock while it waits.
  class [[nodiscard]] WriteOwned {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    explicit WriteOwned(std::shared_ptr<RwLock> lock)
        : lock_(std::move(lock)),
          op_(write_op(checked(lock_), "awaiting tokio::sync::RwLock::write_owned")) {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op_.await_suspend(h); }
    OwnedRwLockWriteGuard<T> await_resume() {
      op_.await_resume();
      op_.keep();
      return OwnedRwLockWriteGuard<T>(std::move(lock_));
    }

   private:
    std::shared_ptr<RwLock> lock_;  // declared before op_, which refers into it
    detail::AcquireOp op_;
  };

  /// Waits for shared read access (behind any writer queued earlier). Cancel-safe; loses its
  /// place in the queue when cancelled.
  Read read() noexcept { return Read(*this); }
  /// Waits for exclusive write access. Cancel-safe; loses its place in the queue when
  /// cancelled, and passes on the permits it had collected.
  Write write() noexcept { return Write(*this); }

  /// Read access if it can be had now (no writer holds the lock or has collected its
  /// permits), else TryLockError.
  Result<RwLockReadGuard<T>, TryLockError> try_read() noexcept {
    if (!take_now(*this, 1)) return Err<TryLockError>(TryLockError{});
    return RwLockReadGuard<T>(this);
  }
  /// Write access if the lock is entirely free now, else TryLockError.
  Result<RwLockWriteGuard<T>, TryLockError> try_write() noexcept {
    if (!take_now(*this, max_reads_)) return Err<TryLockError>(TryLockError{});
    return RwLockWriteGuard<T>(this);
  }

  /// Blocks the calling thread until read access is granted (Tokio's blocking_read).
  /// Errors: std::logic_error when called on a runtime worker or inside block_on; await
  /// read() there, or call this from spawn_blocking.
  RwLockReadGuard<T> blocking_read() {
    return detail::block_on_thread(read_task(), "tokio::sync::RwLock::blocking_read");
  }
  /// Blocks the calling thread until write access is granted; see blocking_read.
  RwLockWriteGuard<T> blocking_write() {
    return detail::block_on_thread(write_task(), "tokio::sync::RwLock::blocking_write");
  }

  /// read() for a shared lock; the guard keeps `lock` alive. Errors: std::logic_error when
  /// `lock` is null.
  static ReadOwned read_owned(std::shared_ptr<RwLock> lock) { return ReadOwned(std::move(lock)); }
  /// write() for a shared lock; the guard keeps `lock` alive. Errors: std::logic_error when
  /// `lock` is null.
  static WriteOwned write_owned(std::shared_ptr<RwLock> lock) {
    return WriteOwned(std::move(lock));
  }
  /// try_read() for a shared lock. Errors: std::logic_error when `lock` is null.
  static Result<OwnedRwLockReadGuard<T>, TryLockError> try_read_owned(
      std::shared_ptr<RwLock> lock) {
    if (!take_now(checked(lock), 1)) return Err<TryLockError>(TryLockError{});
    return OwnedRwLockReadGuard<T>(std::move(lock));
  }
  /// try_write() for a shared lock. Errors: std::logic_error when `lock` is null.
  static Result<OwnedRwLockWriteGuard<T>, TryLockError> try_write_owned(
      std::shared_ptr<RwLock> lock) {
    auto& l = checked(lock);
    if (!take_now(l, l.max_reads_)) return Err<TryLockError>(TryLockError{});
    return OwnedRwLockWriteGuard<T>(std::move(lock));
  }

  /// The reader limit this lock was built with.
  std::size_t max_readers() const noexcept { return max_reads_; }

  /// The value, without locking: the caller has exclusive access to the RwLock itself (no
  /// guard exists and nobody else uses it), as Rust's `&mut self` guarantees.
  T& get_mut() noexcept { return value_; }
  /// Moves the value out (Tokio's into_inner). Same precondition as get_mut; the RwLock is
  /// left holding a moved-from T.
  T into_inner() && { return std::move(value_); }

 private:
  friend class RwLockReadGuard<T>;
  friend class RwLockWriteGuard<T>;
  friend class OwnedRwLockReadGuard<T>;
  friend class OwnedRwLockWriteGuard<T>;

  static std::size_t check(std::size_t max_reads) {
    if (max_reads == 0 || max_reads > kMaxReads)
      throw std::invalid_argument("tokio::sync::RwLock: the reader limit must be within 1.." +
                                  std::to_string(kMaxReads) + ", got " + std::to_string(max_reads));
    return max_reads;
  }
  static RwLock& checked(const std::shared_ptr<RwLock>& lock) {
    if (!lock)
      throw std::logic_error(
          "tokio::sync::RwLock::*_owned called with a null std::shared_ptr; pass the shared "
          "lock (e.g. from std::make_shared<RwLock<T>>(...))");
    return *lock;
  }
  // The acquisition of a writer's permits (all of them). Returned as a prvalue, so it builds
  // the awaitable's member in place, after `lock` was checked.
  static detail::AcquireOp write_op(RwLock& lock, const char* what) noexcept {
    return detail::AcquireOp(lock.sem_, lock.max_reads_, what);
  }
  static bool take_now(RwLock& lock, std::size_t n) noexcept {
    return lock.sem_.try_acquire(n) == detail::BatchSemaphore::TryAcquire::Ok;
  }
  Task<RwLockReadGuard<T>> read_task() {
    auto op = read();
    auto guard = co_await op;
    co_return std::move(guard);
  }
  Task<RwLockWriteGuard<T>> write_task() {
    auto op = write();
    auto guard = co_await op;
    co_return std::move(guard);
  }

  const std::size_t max_reads_;  // permits a writer takes; a reader takes 1
  detail::BatchSemaphore sem_;
  T value_;
};

}  // namespace tokio::sync
