// Task cells: the Header plus the task's output slot, and the per-type vtables.
//
// CoroCell<T> runs a Task<T> coroutine chain; the outcome slot is written by the RUNNING thread
// before COMPLETE is published (release) and read by the JoinHandle after it observes COMPLETE
// (acquire), so the slot itself needs no synchronisation.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "tokio/detail/frame_alloc.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/promise.hpp"
#include "tokio/task/join_error.hpp"

namespace tokio::detail {

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
  struct type {};
};

/// A task's output slot. Until the task finishes it holds the task's root coroutine instead
/// (a CoroCell's; a BlockingCell leaves it empty), in the same word: a finished task has no
/// coroutine, so keeping both apart would cost every cell 8 bytes. Then: the value, the
/// exception that escaped, or the mark of a cancelled task; emptied when the output is taken
/// or dropped. Written by the thread that runs or cancels the task (before COMPLETE), read by
/// the JoinHandle after it saw COMPLETE (see the top of the file).
template <class T>
class Outcome {
  using Value = typename Stored<T>::type;

 public:
  Outcome() noexcept : coro_() {}  // the union starts initialised (GCC 12 warns otherwise)
  Outcome(const Outcome&) = delete;
  Outcome& operator=(const Outcome&) = delete;
  ~Outcome() { reset(); }

  /// Holds `root`, the task's coroutine, until it finishes or is cancelled. The slot must be
  /// empty (a fresh cell's).
  void set_running(std::coroutine_handle<> root) noexcept {
    assert(kind_ == Kind::Empty);
    ::new (static_cast<void*>(&coro_)) std::coroutine_handle<>(root);
    kind_ = Kind::Running;
  }
  /// The root coroutine, or null once the output (or nothing) is stored instead.
  std::coroutine_handle<> running() const noexcept {
    return kind_ == Kind::Running ? coro_ : std::coroutine_handle<>{};
  }
  /// Takes the root coroutine out (null if none); the slot is empty afterwards.
  std::coroutine_handle<> take_running() noexcept {
    const auto root = running();
    if (root) kind_ = Kind::Empty;
    return root;
  }

  /// Stores the task's value (an exception from T's constructor leaves the slot empty).
  template <class... Args>
  void set_value(Args&&... args) {
    reset();
    ::new (static_cast<void*>(&value_)) Value(std::forward<Args>(args)...);
    kind_ = Kind::Value;
  }
  void set_error(std::exception_ptr error) noexcept {
    reset();
    ::new (static_cast<void*>(&error_)) std::exception_ptr(std::move(error));
    kind_ = Kind::Error;
  }
  void set_cancelled() noexcept {
    reset();
    kind_ = Kind::Cancelled;
  }

  /// The exception that escaped the task, or null.
  std::exception_ptr* error() noexcept { return kind_ == Kind::Error ? &error_ : nullptr; }

  /// Moves the value out, or throws the JoinError the outcome stands for.
  T take(std::uint64_t id) {
    if (kind_ == Kind::Error)
      throw task::JoinError::panic(task::Id(id), std::exchange(error_, nullptr));
    if (kind_ == Kind::Cancelled) throw task::JoinError::cancelled(task::Id(id));
    if constexpr (std::is_void_v<T>) {
      return;
    } else if constexpr (std::is_reference_v<T>) {
      return *value_;
    } else {
      return std::move(value_);
    }
  }

  /// Empties the slot; gives back the exception it held, if one was left untaken.
  std::exception_ptr drop() noexcept {
    std::exception_ptr error;
    if (kind_ == Kind::Error) error = std::move(error_);
    reset();
    return error;
  }

 private:
  enum class Kind : unsigned char { Empty, Running, Value, Error, Cancelled };

  void reset() noexcept {
    if (kind_ == Kind::Value) {
      value_.~Value();
    } else if (kind_ == Kind::Error) {
      error_.~exception_ptr();
    }
    kind_ = Kind::Empty;
  }

  union {
    std::coroutine_handle<> coro_;
    Value value_;
    std::exception_ptr error_;
  };
  Kind kind_ = Kind::Empty;
};

template <class T>
struct Cell : Header {
  using Header::Header;
  Outcome<T> outcome;
};

template <class T>
struct CoroCell final : Cell<T> {
  using Handle = std::coroutine_handle<Promise<T>>;

  CoroCell(Handle h, std::uint64_t initial_state) noexcept : Cell<T>(&vtable, initial_state) {
    this->outcome.set_running(h);
    this->root.task = this;
    this->root.resume_point = h;
  }

  static CoroCell* create(Handle h, std::uint64_t initial_state) {
    void* mem = frame_alloc(sizeof(CoroCell));
    return ::new (mem) CoroCell(h, initial_state);
  }

  static bool poll(Header* header) {
    auto* self = static_cast<CoroCell*>(header);
    auto& outcome = self->outcome;
    const auto coro = Handle::from_address(outcome.running().address());
    try {
      poll_context(self->root);
      if (!coro.done()) return false;
      auto& promise = coro.promise();
      if (promise.exception) {
        outcome.set_error(std::exchange(promise.exception, nullptr));
      } else if constexpr (std::is_void_v<T>) {
        outcome.set_value();
      } else if constexpr (std::is_reference_v<T>) {
        outcome.set_value(std::addressof(promise.take()));
      } else {
        outcome.set_value(promise.take());
      }
    } catch (...) {
      outcome.set_error(std::current_exception());
    }
    coro.destroy();  // the slot no longer holds it: set_* replaced it
    return true;
  }
  static void cancel(Header* header) noexcept {
    auto* self = static_cast<CoroCell*>(header);
    if (auto coro = self->outcome.take_running()) coro.destroy();
    self->outcome.set_cancelled();
  }
  static std::exception_ptr drop_output(Header* header) noexcept {
    return static_cast<CoroCell*>(header)->outcome.drop();
  }
  static void dealloc(Header* header) noexcept {
    auto* self = static_cast<CoroCell*>(header);
    // never polled (spawn onto a closed runtime)
    if (auto coro = self->outcome.take_running()) coro.destroy();
    self->~CoroCell();
    frame_free(self, sizeof(CoroCell));
  }
  static constexpr TaskVTable vtable{&poll, &cancel, &drop_output, &dealloc};
};

}  // namespace tokio::detail
