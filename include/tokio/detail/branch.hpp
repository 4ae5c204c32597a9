// Branch<T>: one child Task run inside the calling task by a combinator (join, select,
// try_join, unconstrained). It has its own Context, so each child keeps its own resumption
// point; the combinator polls it whenever the task is polled. Only the thread running the
// task touches a Branch.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "tokio/detail/context.hpp"
#include "tokio/detail/promise.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// How a child's result is held: void becomes std::monostate, T& a reference_wrapper.
template <class T>
using BranchValue =
    std::conditional_t<std::is_void_v<T>, std::monostate,
                       std::conditional_t<std::is_reference_v<T>,
                                          std::reference_wrapper<std::remove_reference_t<T>>, T>>;

template <class T>
class Branch {
 public:
  explicit Branch(Task<T>&& task) : coro_(task.release()) {
    if (!coro_) throw std::logic_error("tokio combinator given an empty Task (moved or awaited)");
  }
  // Built in place by the combinators and never moved (it may be polled through pointers).
  Branch(Branch&&) = delete;
  Branch(const Branch&) = delete;
  ~Branch() { cancel(); }

  void start(Header* task) noexcept {
    ctx_.task = task;
    ctx_.resume_point = coro_;
  }
  /// Polls the child once; true once it has finished (now or before).
  bool poll() {
    if (!coro_) return true;
    poll_context(ctx_);
    if (!coro_.done()) return false;
    auto& promise = coro_.promise();
    if (promise.exception) {
      error_ = std::exchange(promise.exception, nullptr);
    } else {
      try {
        if constexpr (std::is_void_v<T>) {
          value_.emplace();
        } else {
          value_.emplace(promise.take());
        }
      } catch (...) {
        error_ = std::current_exception();
      }
    }
    std::exchange(coro_, {}).destroy();  // a finished child's frame goes at once
    return true;
  }
  /// Destroys the child's frames if it has not finished (its destructors run now).
  void cancel() noexcept {
    if (coro_) std::exchange(coro_, {}).destroy();
  }
  bool finished() const noexcept { return !coro_; }
  bool failed() const noexcept { return static_cast<bool>(error_); }
  std::exception_ptr error() const noexcept { return error_; }
  BranchValue<T> take() {
    if (error_) std::rethrow_exception(error_);
    return std::move(*value_);
  }

 private:
  std::coroutine_handle<Promise<T>> coro_;
  Context ctx_;
  std::optional<BranchValue<T>> value_;
  std::exception_ptr error_;
};

/// Shared machinery of the combinators: install on the parent context, poll until done, resume
/// the awaiting coroutine. `Derived::poll_branches()` returns true when the combinator is done.
template <class Derived>
class CombinatorBase : public Combinator {
 public:
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> awaiting) {
    Context& parent = current_context(Derived::kName);
    static_cast<Derived*>(this)->start_branches(parent.task);
    if (static_cast<Derived*>(this)->poll_branches()) return false;
    suspend_leaf(parent, this, awaiting);
    return true;
  }

 private:
  // Called by poll_context on the parent context, which resumes the awaiting coroutine once
  // this returns true.
  bool poll_ready() final { return static_cast<Derived*>(this)->poll_branches(); }
};

}  // namespace tokio::detail
