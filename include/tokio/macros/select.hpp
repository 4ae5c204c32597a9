// tokio::select and tokio::select_biased: race several Tasks inside the calling task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>
#include <variant>

#include "tokio/detail/branch.hpp"

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

namespace tokio {

/// Runs the tasks concurrently inside the calling task and returns as soon as one finishes:
/// the result's `index()` says which branch won and holds its value (std::monostate for void).
/// Every other task is destroyed before select returns (destructors run exactly once,
/// waiters are unregistered). Branches are polled in a random order each time, as Tokio's
/// `select!` does; see select_biased for a fixed order.
///
/// Errors: if the winning branch throws, the exception is re-thrown (after the losers are
/// destroyed).
/// Cancel safety: select is as cancel-safe as its branches: a losing branch's partial progress
/// is lost.
template <class... Ts>
requires(sizeof...(Ts) >
         0) Task<std::variant<detail::BranchValue<Ts>...>> select(Task<Ts>... tasks) {
  co_return co_await detail::SelectAwaiter<false, Ts...>(std::move(tasks)...);
}

/// Like select, but polls the branches in argument order, so that an earlier branch wins when
/// several are ready (Tokio's `biased;`).
template <class... Ts>
requires(sizeof...(Ts) >
         0) Task<std::variant<detail::BranchValue<Ts>...>> select_biased(Task<Ts>... tasks) {
  co_return co_await detail::SelectAwaiter<true, Ts...>(std::move(tasks)...);
}

}  // namespace tokio
