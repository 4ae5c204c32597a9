// tokio::select and tokio::select_biased: race several awaitables inside the calling task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>
#include <variant>

#include "tokio/detail/branch.hpp"
#include "tokio/detail/into_task.hpp"

namespace tokio::detail {

template <std::size_t... I, class F>
void with_index(std::size_t i, std::index_sequence<I...>, F&& f) {
  (void)((i == I ? (f(std::integral_constant<std::size_t, I>{}), true) : false) || ...);
}

inline std::uint32_t select_random() noexcept {
  thread_local std::uint32_t state = 0x2545F491u;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

template <bool kBiased, class... Ts>
class SelectAwaiter final : public CombinatorBase<SelectAwaiter<kBiased, Ts...>> {
  static constexpr std::size_t N = sizeof...(Ts);
  using Indices = std::index_sequence_for<Ts...>;

 public:
  static constexpr const char* kName = kBiased ? "tokio::select_biased" : "tokio::select";
  using Result = std::variant<BranchValue<Ts>...>;

  explicit SelectAwaiter(Task<Ts>&&... tasks) : branches_(std::move(tasks)...) {}

  void start_branches(Header* task) {
    std::apply([&](auto&... b) { (b.start(task), ...); }, branches_);
    start_ = kBiased ? 0 : select_random() % N;
  }
  bool poll_branches() {
    for (std::size_t k = 0; k < N && winner_ == N; ++k) {
      const std::size_t i = (start_ + k) % N;
      with_index(i, Indices{}, [&](auto index) {
        if (std::get<index.value>(branches_).poll()) winner_ = index.value;
      });
    }
    if (winner_ == N) return false;
    // The losers' frames are destroyed before the awaiting coroutine resumes.
    std::apply([](auto&... b) { (b.cancel(), ...); }, branches_);
    return true;
  }
  Result await_resume() {
    std::optional<Result> result;
    with_index(winner_, Indices{}, [&](auto index) {
      result.emplace(std::in_place_index<index.value>, std::get<index.value>(branches_).take());
    });
    return std::move(*result);
  }

 private:
  std::tuple<Branch<Ts>...> branches_;
  std::size_t winner_ = N;
  std::size_t start_ = 0;
};

}  // namespace tokio::detail

namespace tokio::detail {

template <bool kBiased, class... Ts>
Task<std::variant<BranchValue<Ts>...>> select_tasks(Task<Ts>... tasks) {
  co_return co_await SelectAwaiter<kBiased, Ts...>(std::move(tasks)...);
}

}  // namespace tokio::detail

namespace tokio {

/// Runs the branches concurrently inside the calling task and returns as soon as one
/// finishes, like Tokio's `select!`: the result's `index()` says which branch won and holds
/// its value (std::monostate for void). A branch is any awaitable: a Task, a JoinHandle,
/// `rx.recv()`, `sleep(d)`, `notify.notified()`, a third-party awaitable. An rvalue branch is
/// moved into select; an lvalue is awaited in place and stays usable if it loses.
///
/// Every other branch is destroyed before select returns (destructors run exactly once,
/// waiters are unregistered). Branches are polled in a random order each time, as Tokio's
/// `select!` does; see select_biased for a fixed order.
///
/// Errors: if the winning branch throws, the exception is re-thrown (after the losers are
/// destroyed).
/// Cancel safety: select is as cancel-safe as its branches: a losing branch's partial progress
/// is lost (rx.recv() and the socket operations lose nothing).
///
/// Example:
///   auto r = co_await tokio::select(rx.recv(), tokio::time::sleep(1s), notify.notified());
///   if (r.index() == 0) { std::optional<int> v = std::get<0>(r); ... }
template <class... As>
requires(sizeof...(As) > 0 && (detail::Awaitable<As> && ...))
    Task<std::variant<detail::BranchValue<detail::into_task_value_type<As>>...>> select(
        As&&... branches) {
  return detail::select_tasks<false>(detail::into_task(std::forward<As>(branches))...);
}

/// Like select, but polls the branches in argument order, so that an earlier branch wins when
/// several are ready (Tokio's `biased;`).
template <class... As>
requires(sizeof...(As) > 0 && (detail::Awaitable<As> && ...))
    Task<std::variant<detail::BranchValue<detail::into_task_value_type<As>>...>> select_biased(
        As&&... branches) {
  return detail::select_tasks<true>(detail::into_task(std::forward<As>(branches))...);
}

}  // namespace tokio
