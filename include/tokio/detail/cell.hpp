// Task cells: the Header plus the task's output slot, and the per-type vtables.
//
// CoroCell<T> runs a Task<T> coroutine chain; the outcome slot is written by the RUNNING thread
// before COMPLETE is published (release) and read by the JoinHandle after it observes COMPLETE
// (acquire), so the slot itself needs no synchronisation.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>

#include "tokio/detail/frame_alloc.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/promise.hpp"
#include "tokio/task/join_error.hpp"

namespace tokio::detail {

struct Cancelled {};

template <class T>
struct Stored {
  using type = T;
};
template <class T>
struct Stored<T&> {
  using type = T*;
};
template <>
struct Stored<void> {
  using type = std::monostate;
};

/// Empty / value / escaped exception / cancelled.
template <class T>
using Outcome =
    std::variant<std::monostate, typename Stored<T>::type, std::exception_ptr, Cancelled>;

/// Moves the value out of `outcome`, or throws the JoinError it stands for.
template <class T>
T take_outcome(Outcome<T>& outcome, std::uint64_t id) {
  if (auto* error = std::get_if<std::exception_ptr>(&outcome))
    throw task::JoinError::panic(task::Id(id), std::exchange(*error, nullptr));
  if (std::holds_alternative<Cancelled>(outcome)) throw task::JoinError::cancelled(task::Id(id));
  auto& stored = std::get<1>(outcome);
  if constexpr (std::is_void_v<T>) {
    (void)stored;
  } else if constexpr (std::is_reference_v<T>) {
    return *stored;
  } else {
    return std::move(stored);
  }
}

/// Empties `outcome`; gives back the exception it held, if any was left untaken.
template <class T>
std::exception_ptr drop_outcome(Outcome<T>& outcome) noexcept {
  std::exception_ptr error;
  if (auto* stored = std::get_if<std::exception_ptr>(&outcome)) error = std::move(*stored);
  outcome.template emplace<0>();
  return error;
}

template <class T>
struct Cell : Header {
  using Header::Header;
  Outcome<T> outcome;
};

template <class T>
struct CoroCell final : Cell<T> {
  std::coroutine_handle<Promise<T>> coro;

  CoroCell(std::coroutine_handle<Promise<T>> h, std::uint64_t initial_state) noexcept
      : Cell<T>(&vtable, initial_state), coro(h) {
    this->root.task = this;
    this->root.resume_point = h;
  }

  static CoroCell* create(std::coroutine_handle<Promise<T>> h, std::uint64_t initial_state) {
    void* mem = frame_alloc(sizeof(CoroCell));
    return ::new (mem) CoroCell(h, initial_state);
  }

  static bool poll(Header* header) {
    auto* self = static_cast<CoroCell*>(header);
    try {
      poll_context(self->root);
      if (!self->coro.done()) return false;
      auto& promise = self->coro.promise();
      if (promise.exception) {
        self->outcome.template emplace<2>(std::exchange(promise.exception, nullptr));
      } else if constexpr (std::is_void_v<T>) {
        self->outcome.template emplace<1>();
      } else if constexpr (std::is_reference_v<T>) {
        self->outcome.template emplace<1>(std::addressof(promise.take()));
      } else {
        self->outcome.template emplace<1>(promise.take());
      }
    } catch (...) {
      self->outcome.template emplace<2>(std::current_exception());
    }
    std::exchange(self->coro, {}).destroy();
    return true;
  }
  static void cancel(Header* header) noexcept {
    auto* self = static_cast<CoroCell*>(header);
    if (self->coro) std::exchange(self->coro, {}).destroy();
    self->outcome.template emplace<3>();
  }
  static std::exception_ptr drop_output(Header* header) noexcept {
    return drop_outcome<T>(static_cast<CoroCell*>(header)->outcome);
  }
  static void dealloc(Header* header) noexcept {
    auto* self = static_cast<CoroCell*>(header);
    if (self->coro) self->coro.destroy();  // never polled (spawn onto a closed runtime)
    self->~CoroCell();
    frame_free(self, sizeof(CoroCell));
  }
  static constexpr TaskVTable vtable{&poll, &cancel, &drop_output, &dealloc};
};

}  // namespace tokio::detail
