// Adapted<S, Step>: the per-item adapters of StreamExt (map, filter, filter_map, map_while,
// take, take_while, skip, skip_while) fused into one object over a pollable stream, so that a
// pipeline resumes no coroutine frame of its own per item: only its source's.
//
// A stream is *pollable* when its next() gives a Combinator: an awaiter whose await_ready
// polls with the current task (registering its wake-up in state that outlives the awaiter) and
// may be called again until it is ready. Stream<T>, StreamMap and Adapted qualify; the
// adapters fall back to a generator (stream_ext.hpp) over anything else.
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "tokio/detail/context.hpp"
#include "tokio/stream/stream_like.hpp"

namespace tokio::detail {

template <class S>
concept PollableStream = tokio::stream::StreamLike<S> &&
    std::derived_from<std::remove_cvref_t<decltype(std::declval<S&>().next())>, Combinator>;

// What a step does with one item of the source.
enum class StepResult { Emit, Skip, End };

// Each step: `Output`; `StepResult operator()(In&& item, std::optional<Output>& out)`, which
// fills `out` on Emit; `bool exhausted() const` when the stream must end before the source is
// polled again (take).
template <class In, class F>
struct MapStep {
  using Output = std::invoke_result_t<F&, In>;
  F f;
  StepResult operator()(In&& item, std::optional<Output>& out) {
    out.emplace(std::invoke(f, std::move(item)));
    return StepResult::Emit;
  }
  bool exhausted() const noexcept { return false; }
};

template <class In, class P>
struct FilterStep {
  using Output = In;
  P pred;
  StepResult operator()(In&& item, std::optional<Output>& out) {
    if (!std::invoke(pred, std::as_const(item))) return StepResult::Skip;
    out.emplace(std::move(item));
    return StepResult::Emit;
  }
  bool exhausted() const noexcept { return false; }
};

template <class In, class F, bool kStopAtEmpty>  // filter_map (false), map_while (true)
struct OptionalMapStep {
  using Output = typename std::invoke_result_t<F&, In>::value_type;
  F f;
  StepResult operator()(In&& item, std::optional<Output>& out) {
    auto mapped = std::invoke(f, std::move(item));
    if (!mapped) return kStopAtEmpty ? StepResult::End : StepResult::Skip;
    out.emplace(std::move(*mapped));
    return StepResult::Emit;
  }
  bool exhausted() const noexcept { return false; }
};

template <class In>
struct TakeStep {
  using Output = In;
  std::size_t remaining;
  StepResult operator()(In&& item, std::optional<Output>& out) {
    --remaining;
    out.emplace(std::move(item));
    return StepResult::Emit;
  }
  bool exhausted() const noexcept { return remaining == 0; }
};

template <class In>
struct SkipStep {
  using Output = In;
  std::size_t remaining;
  StepResult operator()(In&& item, std::optional<Output>& out) {
    if (remaining > 0) {
      --remaining;
      return StepResult::Skip;
    }
    out.emplace(std::move(item));
    return StepResult::Emit;
  }
  bool exhausted() const noexcept { return false; }
};

template <class In, class P, bool kSkip>  // take_while (false), skip_while (true)
struct WhileStep {
  using Output = In;
  P pred;
  bool passed = false;  // skip_while: the predicate has failed once
  StepResult operator()(In&& item, std::optional<Output>& out) {
    if constexpr (kSkip) {
      if (!passed && std::invoke(pred, std::as_const(item))) return StepResult::Skip;
      passed = true;
    } else {
      if (!std::invoke(pred, std::as_const(item))) return StepResult::End;
    }
    out.emplace(std::move(item));
    return StepResult::Emit;
  }
  bool exhausted() const noexcept { return false; }
};

}  // namespace tokio::detail

namespace tokio::stream {

/// A pollable stream `S` seen through a per-item step (what map, filter, take... return for a
/// pollable source). Cancel-safe when `S`'s next() is (a Stream's is). An exception from the
/// step's callable, or from the source, ends it and reaches the next() that was waiting.
template <class S, class Step>
class [[nodiscard]] Adapted : public StreamExtMembers<Adapted<S, Step>> {
 public:
  using item_type = typename Step::Output;
  static_assert(!std::is_reference_v<item_type> && !std::is_void_v<item_type>,
                "a stream adapter's callable must return a value (not a reference or void)");

  Adapted(S inner, Step step) : inner_(std::move(inner)), step_(std::move(step)) {}
  Adapted(Adapted&&) = default;
  Adapted& operator=(Adapted&&) = default;

  class [[nodiscard]] Next final : public tokio::detail::Combinator {
   public:
    explicit Next(Adapted& stream) noexcept : stream_(&stream) {}
    Next(Next&&) noexcept = default;  // before it is first awaited
    Next& operator=(const Next&) = delete;

    bool await_ready() { return poll(); }
    bool await_suspend(std::coroutine_handle<> awaiting) {
      tokio::detail::suspend_leaf(tokio::detail::current_context("tokio::stream adapter next"),
                                  this, awaiting);
      return true;
    }
    std::optional<item_type> await_resume() {
      // The value alone, not the optional as a whole: copying a trivially copyable optional
      // is one 16-byte load from two narrower stores just made, which the CPU cannot forward
      // (a store-forwarding stall of ~10 cycles per item, most of a pipeline's cost).
      if (!result_) return std::nullopt;
      return std::optional<item_type>(std::in_place, std::move(*result_));
    }

   private:
    bool poll_ready() override { return poll(); }
    // Takes items from the source until one passes the step, the source waits, or the stream
    // ends. Runs with the awaiting task's context current (see PollableStream).
    bool poll() {
      Adapted& s = *stream_;
      for (;;) {
        if (s.ended_ || s.step_.exhausted()) return true;
        auto next = s.inner_.next();
        try {
          if (!next.await_ready()) return false;
          auto item = next.await_resume();
          if (!item) {
            s.ended_ = true;
            return true;
          }
          switch (s.step_(std::move(*item), result_)) {
            case detail::StepResult::Emit:
              return true;
            case detail::StepResult::Skip:
              continue;
            case detail::StepResult::End:
              s.ended_ = true;
              return true;
          }
        } catch (...) {
          s.ended_ = true;
          throw;
        }
      }
    }

    Adapted* stream_;
    std::optional<item_type> result_;
  };

  /// The next item, or std::nullopt at the end. Cancel-safe (when the source's next() is).
  Next next() noexcept { return Next(*this); }

  S into_inner() && { return std::move(inner_); }

 private:
  S inner_;
  Step step_;
  bool ended_ = false;
};

}  // namespace tokio::stream

// The adapters' free functions and the members' definitions.
#include "tokio/stream/stream_ext.hpp"
