// tokio::sync::Semaphore: a fair async counting semaphore, its borrowed permits
// (SemaphorePermit) and its owned permits (OwnedSemaphorePermit, which keep the semaphore alive
// through a std::shared_ptr, like Tokio's `Arc<Semaphore>` methods).
#pragma once

#include <coroutine>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "tokio/detail/batch_semaphore.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/result.hpp"

namespace tokio::sync {

/// The semaphore was closed while (or before) waiting for permits.
struct AcquireError {
  const char* what() const noexcept { return "semaphore closed"; }
  friend bool operator==(AcquireError, AcquireError) noexcept { return true; }
};

/// Why try_acquire failed.
enum class TryAcquireError { Closed, NoPermits };

class Semaphore;

/// Permits taken from a Semaphore; they go back when the permit is destroyed (or are dropped
/// for good with forget()). Move-only. The Semaphore must outlive it (see OwnedSemaphorePermit
/// for a permit that keeps its semaphore alive).
///
/// Thread safety: a permit is used by one thread at a time; it may be moved to, and destroyed
/// on, any thread.
class [[nodiscard]] SemaphorePermit {
 public:
  SemaphorePermit(SemaphorePermit&& other) noexcept
      : sem_(std::exchange(other.sem_, nullptr)), permits_(std::exchange(other.permits_, 0)) {}
  SemaphorePermit& operator=(SemaphorePermit&& other) noexcept {
    if (this != &other) {
      release();
      sem_ = std::exchange(other.sem_, nullptr);
      permits_ = std::exchange(other.permits_, 0);
    }
    return *this;
  }
  ~SemaphorePermit() { release(); }

  /// Keeps the permits out of the semaphore for good (its capacity shrinks).
  void forget() noexcept { permits_ = 0; }
  /// How many permits this holds.
  std::size_t num_permits() const noexcept { return permits_; }

  /// Moves the permits of `other` (taken from the same semaphore) into this one; `other` ends
  /// up empty. Errors: std::logic_error when `other` belongs to a different semaphore (as
  /// Tokio panics); nothing changes then.
  void merge(SemaphorePermit&& other) {
    if (!other.sem_) return;  // moved-from: holds nothing
    if (sem_ && sem_ != other.sem_)
      throw std::logic_error(
          "SemaphorePermit::merge: the permits come from different semaphores; merge only "
          "permits of the same Semaphore");
    sem_ = other.sem_;
    permits_ += std::exchange(other.permits_, 0);
  }
  /// Splits `n` permits off into a new permit (this one keeps the rest); empty when this one
  /// holds fewer than `n`.
  std::optional<SemaphorePermit> split(std::size_t n) noexcept {
    if (n > permits_) return std::nullopt;
    permits_ -= n;
    return SemaphorePermit(sem_, n);
  }

 private:
  friend class Semaphore;
  SemaphorePermit(detail::BatchSemaphore* sem, std::size_t permits) noexcept
      : sem_(sem), permits_(permits) {}
  void release() noexcept {
    if (sem_ && permits_) sem_->release(permits_);
    permits_ = 0;
  }
  detail::BatchSemaphore* sem_;
  std::size_t permits_;
};

/// Permits taken from a Semaphore owned through a std::shared_ptr (Tokio's
/// `OwnedSemaphorePermit`, from `acquire_owned`): the permit holds a reference on the semaphore,
/// so it may outlive every other owner, be moved into a spawned task, and so on. The permits go
/// back when it is destroyed (or are dropped for good with forget()). Move-only.
///
/// Thread safety: a permit is used by one thread at a time; it may be moved to, and destroyed
/// on, any thread.
class [[nodiscard]] OwnedSemaphorePermit {
 public:
  OwnedSemaphorePermit(OwnedSemaphorePermit&& other) noexcept
      : sem_(std::move(other.sem_)), permits_(std::exchange(other.permits_, 0)) {}
  OwnedSemaphorePermit& operator=(OwnedSemaphorePermit&& other) noexcept {
    if (this != &other) {
      release();
      sem_ = std::move(other.sem_);
      permits_ = std::exchange(other.permits_, 0);
    }
    return *this;
  }
  ~OwnedSemaphorePermit() { release(); }

  /// Keeps the permits out of the semaphore for good (its capacity shrinks). The reference on
  /// the semaphore is still held until this permit is destroyed.
  void forget() noexcept { permits_ = 0; }
  /// How many permits this holds.
  std::size_t num_permits() const noexcept { return permits_; }
  /// The semaphore the permits came from (null once moved from).
  const std::shared_ptr<Semaphore>& semaphore() const noexcept { return sem_; }

  /// Moves the permits of `other` (taken from the same semaphore) into this one; `other` ends
  /// up empty. Errors: std::logic_error when `other` belongs to a different semaphore (as
  /// Tokio panics); nothing changes then.
  void merge(OwnedSemaphorePermit&& other) {
    if (!other.sem_) return;  // moved-from: holds nothing
    if (sem_ && sem_ != other.sem_)
      throw std::logic_error(
          "OwnedSemaphorePermit::merge: the permits come from different semaphores; merge only "
          "permits of the same Semaphore");
    if (!sem_) sem_ = other.sem_;
    permits_ += std::exchange(other.permits_, 0);
    other.sem_.reset();
  }
  /// Splits `n` permits off into a new permit on the same semaphore (this one keeps the rest);
  /// empty when this one holds fewer than `n`.
  std::optional<OwnedSemaphorePermit> split(std::size_t n) noexcept {
    if (n > permits_) return std::nullopt;
    permits_ -= n;
    return OwnedSemaphorePermit(sem_, n);
  }

 private:
  friend class Semaphore;
  OwnedSemaphorePermit(std::shared_ptr<Semaphore> sem, std::size_t permits) noexcept
      : sem_(std::move(sem)), permits_(permits) {}
  inline void release() noexcept;  // after Semaphore

  std::shared_ptr<Semaphore> sem_;
  std::size_t permits_;
};

/// A fair (FIFO) semaphore: acquire waits until permits are free; waiters are served in order,
/// and a request for many permits is not overtaken by later small ones.
///
/// The `*_owned` forms take the semaphore as a `std::shared_ptr<Semaphore>` (Tokio's
/// `self: Arc<Self>` methods) and are static members, called as
/// `co_await Semaphore::acquire_owned(sem)`: the awaitable and the OwnedSemaphorePermit each
/// hold a reference, so the semaphore lives as long as either.
///
/// Errors: acquiring from a closed semaphore gives AcquireError (a value); more than
/// kMaxPermits permits in total throws std::length_error; an `*_owned` call with a null pointer
/// throws std::logic_error.
/// Cancel safety: acquire is cancel-safe: a cancelled acquire leaves no waiter behind and
/// passes any permits already assigned to it on to the next waiter (it loses its place).
/// Thread safety: all methods may be called from any thread.
class Semaphore {
 public:
  static constexpr std::size_t kMaxPermits = detail::BatchSemaphore::kMaxPermits;

  explicit Semaphore(std::size_t permits) : sem_(check(permits)) {}

  std::size_t available_permits() const noexcept { return sem_.available_permits(); }
  /// Adds `n` permits (waking waiters). Errors: std::length_error beyond kMaxPermits.
  void add_permits(std::size_t n) {
    if (n > kMaxPermits - sem_.available_permits())
      throw std::length_error("Semaphore::add_permits: more than Semaphore::kMaxPermits");
    sem_.release(n);
  }
  /// Closes the semaphore: waiting and later acquires fail with AcquireError; try_acquire
  /// gives TryAcquireError::Closed. Permits already held stay valid.
  void close() noexcept { sem_.close(); }
  bool is_closed() const noexcept { return sem_.is_closed(); }

  /// The awaitable of acquire / acquire_many.
  class [[nodiscard]] Acquire {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    Acquire(Semaphore& sem, std::size_t n) noexcept
        : op_(sem.sem_, n, "awaiting tokio::sync::Semaphore::acquire"), n_(n) {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> awaiting) { return op_.await_suspend(awaiting); }
    Result<SemaphorePermit, AcquireError> await_resume() {
      if (!op_.await_resume()) return Err<AcquireError>(AcquireError{});
      op_.keep();
      return SemaphorePermit(&op_.semaphore(), n_);
    }

   private:
    detail::AcquireOp op_;
    std::size_t n_;
  };

  /// The awaitable of acquire_owned / acquire_many_owned. It holds a reference on the
  /// semaphore while it waits.
  class [[nodiscard]] AcquireOwned {
   public:
    using tokio_native_awaiter = void;  // follows the task protocol (awaitable.hpp)
    AcquireOwned(std::shared_ptr<Semaphore> sem, std::size_t n)
        : sem_(std::move(sem)),
          op_(checked(sem_).sem_, n, "awaiting tokio::sync::Semaphore::acquire_owned"),
          n_(n) {}
    bool await_ready() { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> awaiting) { return op_.await_suspend(awaiting); }
    Result<OwnedSemaphorePermit, AcquireError> await_resume() {
      if (!op_.await_resume()) return Err<AcquireError>(AcquireError{});
      op_.keep();  // from here on op_ no longer touches the semaphore: the reference can move
      return OwnedSemaphorePermit(std::move(sem_), n_);
    }

   private:
    // Declared before op_, so op_ (which refers into *sem_) is destroyed first.
    std::shared_ptr<Semaphore> sem_;
    detail::AcquireOp op_;
    std::size_t n_;
  };

  /// Waits for one permit. `co_await sem.acquire()` gives Result<SemaphorePermit, AcquireError>.
  Acquire acquire() noexcept { return Acquire(*this, 1); }
  /// Waits for `n` permits at once.
  Acquire acquire_many(std::size_t n) noexcept { return Acquire(*this, n); }

  /// One permit if free now (even if others wait, as in Tokio).
  Result<SemaphorePermit, TryAcquireError> try_acquire() noexcept { return try_acquire_many(1); }
  /// `n` permits if free now.
  Result<SemaphorePermit, TryAcquireError> try_acquire_many(std::size_t n) noexcept {
    if (auto e = try_take(n)) return Err<TryAcquireError>(*e);
    return SemaphorePermit(&sem_, n);
  }

  /// Waits for one permit of the shared semaphore `sem`:
  /// `co_await Semaphore::acquire_owned(sem)` gives Result<OwnedSemaphorePermit, AcquireError>.
  /// Errors: std::logic_error when `sem` is null; AcquireError (a value) when closed.
  /// Cancel safety: as acquire.
  static AcquireOwned acquire_owned(std::shared_ptr<Semaphore> sem) {
    return AcquireOwned(std::move(sem), 1);
  }
  /// Waits for `n` permits of the shared semaphore `sem` at once; see acquire_owned.
  static AcquireOwned acquire_many_owned(std::shared_ptr<Semaphore> sem, std::size_t n) {
    return AcquireOwned(std::move(sem), n);
  }
  /// One permit of `sem` if free now. Errors: std::logic_error when `sem` is null.
  static Result<OwnedSemaphorePermit, TryAcquireError> try_acquire_owned(
      std::shared_ptr<Semaphore> sem) {
    return try_acquire_many_owned(std::move(sem), 1);
  }
  /// `n` permits of `sem` if free now. Errors: std::logic_error when `sem` is null.
  static Result<OwnedSemaphorePermit, TryAcquireError> try_acquire_many_owned(
      std::shared_ptr<Semaphore> sem, std::size_t n) {
    if (auto e = checked(sem).try_take(n)) return Err<TryAcquireError>(*e);
    return OwnedSemaphorePermit(std::move(sem), n);
  }

 private:
  friend class OwnedSemaphorePermit;
  static std::size_t check(std::size_t permits) {
    if (permits > kMaxPermits)
      throw std::length_error("Semaphore: more than Semaphore::kMaxPermits permits");
    return permits;
  }
  static Semaphore& checked(const std::shared_ptr<Semaphore>& sem) {
    if (!sem)
      throw std::logic_error(
          "Semaphore::*_owned called with a null std::shared_ptr<Semaphore>; pass the shared "
          "semaphore (e.g. from std::make_shared<Semaphore>(n))");
    return *sem;
  }
  // Takes `n` permits now, or says why not.
  std::optional<TryAcquireError> try_take(std::size_t n) noexcept {
    switch (sem_.try_acquire(n)) {
      case detail::BatchSemaphore::TryAcquire::Ok:
        return std::nullopt;
      case detail::BatchSemaphore::TryAcquire::Closed:
        return TryAcquireError::Closed;
      case detail::BatchSemaphore::TryAcquire::NoPermits:
        break;
    }
    return TryAcquireError::NoPermits;
  }
  detail::BatchSemaphore sem_;
};

inline void OwnedSemaphorePermit::release() noexcept {
  if (sem_ && permits_) sem_->sem_.release(permits_);
  permits_ = 0;
}

}  // namespace tokio::sync
