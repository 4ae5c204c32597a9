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

  class [[nodiscard]] Acquire final : detail::Leaf {
   public:
    Acquire(Semaphore& sem, std::size_t n) noexcept : sem_(sem), n_(n) {}
    Acquire(const Acquire&) = delete;
    ~Acquire() {
      if (!taken_) sem_.sem_.cancel(waiter_, n_);
    }
    bool await_ready() { return detail::coop_has_budget() && poll_once(nullptr); }
    bool await_suspend(std::coroutine_handle<> awaiting) {
      auto& ctx = detail::current_context("Semaphore::acquire");
      if (detail::suspend_if_budget_spent(ctx, this, awaiting)) return true;
      if (poll_once(ctx.task)) return false;
      detail::suspend_leaf(ctx, this, awaiting);
      return true;
    }
    Result<SemaphorePermit, AcquireError> await_resume() {
      detail::coop_consume();
      if (closed_) return Err<AcquireError>(AcquireError{});
      taken_ = true;
      return SemaphorePermit(&sem_.sem_, n_);
    }

   private:
    // True when the acquisition is over (permits assigned, or closed).
    bool poll_once(detail::Header* task) {
      if (n_ == 0) return true;
      if (!task) {  // await_ready: only the uncontended fast path, no queueing
        auto r = sem_.sem_.try_acquire(n_);
        if (r == detail::BatchSemaphore::TryAcquire::Closed) closed_ = true;
        if (r != detail::BatchSemaphore::TryAcquire::Ok) return closed_;
        waiter_.done = true;
        return true;
      }
      switch (sem_.sem_.poll_acquire(waiter_, n_, task)) {
        case detail::BatchSemaphore::Poll::Ready:
          return true;
        case detail::BatchSemaphore::Poll::Closed:
          closed_ = true;
          return true;
        case detail::BatchSemaphore::Poll::Pending:
          return false;
      }
      return false;
    }
    bool poll_ready() noexcept override {
      try {
        return poll_once(detail::tl_current_context->task);
      } catch (...) {
        return false;
      }
    }
    Semaphore& sem_;
    std::size_t n_;
    detail::BatchSemaphore::Waiter waiter_;
    bool taken_ = false;
    bool closed_ = false;
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
