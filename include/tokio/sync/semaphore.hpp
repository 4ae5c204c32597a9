// tokio::sync::Semaphore: a fair async counting semaphore.
#pragma once

#include <coroutine>
#include <cstddef>
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
/// for good with forget()). Move-only.
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

/// A fair (FIFO) semaphore: acquire waits until permits are free; waiters are served in order,
/// and a request for many permits is not overtaken by later small ones.
///
/// Errors: acquiring from a closed semaphore gives AcquireError (a value); more than
/// kMaxPermits permits in total throws std::length_error.
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

  /// Waits for one permit. `co_await sem.acquire()` gives Result<SemaphorePermit, AcquireError>.
  Acquire acquire() noexcept { return Acquire(*this, 1); }
  /// Waits for `n` permits at once.
  Acquire acquire_many(std::size_t n) noexcept { return Acquire(*this, n); }

  /// One permit if free now (even if others wait, as in Tokio).
  Result<SemaphorePermit, TryAcquireError> try_acquire() noexcept { return try_acquire_many(1); }
  /// `n` permits if free now.
  Result<SemaphorePermit, TryAcquireError> try_acquire_many(std::size_t n) noexcept {
    switch (sem_.try_acquire(n)) {
      case detail::BatchSemaphore::TryAcquire::Ok:
        return SemaphorePermit(&sem_, n);
      case detail::BatchSemaphore::TryAcquire::Closed:
        return Err<TryAcquireError>(TryAcquireError::Closed);
      case detail::BatchSemaphore::TryAcquire::NoPermits:
        break;
    }
    return Err<TryAcquireError>(TryAcquireError::NoPermits);
  }

 private:
  static std::size_t check(std::size_t permits) {
    if (permits > kMaxPermits)
      throw std::length_error("Semaphore: more than Semaphore::kMaxPermits permits");
    return permits;
  }
  detail::BatchSemaphore sem_;
};

}  // namespace tokio::sync
