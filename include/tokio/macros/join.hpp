// tokio::join and tokio::try_join: run several awaitables concurrently inside the calling task.
#pragma once

#include <cstddef>
#include <tuple>
#include <utility>

#include "tokio/detail/branch.hpp"
#include "tokio/detail/into_task.hpp"

namespace tokio::detail {

template <bool kTry, class... Ts>
class JoinAwaiter final : public CombinatorBase<JoinAwaiter<kTry, Ts...>> {
 public:
  static constexpr const char* kName = kTry ? "tokio::try_join" : "tokio::join";

  explicit JoinAwaiter(Task<Ts>&&... tasks) : branches_(std::move(tasks)...) {}

  void start_branches(Header* task) {
    std::apply([&](auto&... b) { (b.start(task), ...); }, branches_);
  }
  bool poll_branches() {
    bool all_done = true;
    bool failed = false;
    std::apply(
        [&](auto&... b) {
          (
              [&] {
                if (failed) return;
                if (!b.poll()) {
                  all_done = false;
                } else if (kTry && b.failed()) {
                  failed = true;
                  if (!first_error_) first_error_ = b.error();
                } else if (b.failed() && !first_error_) {
                  first_error_ = b.error();
                }
              }(),
              ...);
        },
        branches_);
    if (failed) {
      std::apply([](auto&... b) { (b.cancel(), ...); }, branches_);
      return true;
    }
    return all_done;
  }
  std::tuple<BranchValue<Ts>...> await_resume() {
    if (first_error_) std::rethrow_exception(first_error_);
    return std::apply([](auto&... b) { return std::tuple<BranchValue<Ts>...>(b.take()...); },
                      branches_);
  }

 private:
  std::tuple<Branch<Ts>...> branches_;
  std::exception_ptr first_error_;
};

}  // namespace tokio::detail

namespace tokio::detail {

template <bool kTry, class... Ts>
Task<std::tuple<BranchValue<Ts>...>> join_tasks(Task<Ts>... tasks) {
  co_return co_await JoinAwaiter<kTry, Ts...>(std::move(tasks)...);
}

}  // namespace tokio::detail

namespace tokio {

/// Runs every branch concurrently inside the calling task (on its thread, no spawn) and waits
/// for all of them; returns their values as a tuple (std::monostate for void, reference_wrapper
/// for references). Like Tokio's `join!`. A branch is any awaitable (a Task, a JoinHandle,
/// `rx.recv()`, a third-party awaitable); rvalues are moved in, lvalues awaited in place.
///
/// Errors: if branches throw, every branch still runs to its end, then the first exception (in
/// completion order) is re-thrown. Use try_join to stop at the first failure.
/// Cancel safety: destroying the returned Task destroys every unfinished branch.
/// Example: `auto [a, b] = co_await tokio::join(fetch(1), handle);`
template <class... As>
requires(detail::Awaitable<As>&&...)
    Task<std::tuple<detail::BranchValue<detail::into_task_value_type<As>>...>> join(
        As&&... branches) {
  return detail::join_tasks<false>(detail::into_task(std::forward<As>(branches))...);
}

/// Like join, but the first exception cancels the other branches (their frames are destroyed,
/// running their destructors) and is re-thrown at once. Like Tokio's `try_join!`.
template <class... As>
requires(detail::Awaitable<As>&&...)
    Task<std::tuple<detail::BranchValue<detail::into_task_value_type<As>>...>> try_join(
        As&&... branches) {
  return detail::join_tasks<true>(detail::into_task(std::forward<As>(branches))...);
}

}  // namespace tokio
