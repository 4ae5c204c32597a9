// BlockingCell<T, F>: a spawn_blocking job. Its "poll" runs the callable to completion on a
// blocking-pool thread; cancel (abort before it started, or shutdown) drops the callable unrun.
#pragma once

#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "tokio/detail/cell.hpp"

namespace tokio::detail {

template <class T, class F>
struct BlockingCell final : Cell<T> {
  std::optional<F> fn;

  BlockingCell(F&& f, std::uint64_t initial_state)
      : Cell<T>(&vtable, initial_state), fn(std::move(f)) {}

  static BlockingCell* create(F&& f, std::uint64_t initial_state) {
    void* mem = frame_alloc(sizeof(BlockingCell));
    try {
      return ::new (mem) BlockingCell(std::move(f), initial_state);
    } catch (...) {
      frame_free(mem, sizeof(BlockingCell));
      throw;
    }
  }

  static bool poll(Header* header) {
    auto* self = static_cast<BlockingCell*>(header);
    try {
      if constexpr (std::is_void_v<T>) {
        (*self->fn)();
        self->outcome.set_value();
      } else if constexpr (std::is_reference_v<T>) {
        self->outcome.set_value(std::addressof((*self->fn)()));
      } else {
        self->outcome.set_value((*self->fn)());
      }
    } catch (...) {
      self->outcome.set_error(std::current_exception());
    }
    self->fn.reset();
    return true;
  }
  static void cancel(Header* header) noexcept {
    auto* self = static_cast<BlockingCell*>(header);
    self->fn.reset();
    self->outcome.set_cancelled();
  }
  static std::exception_ptr drop_output(Header* header) noexcept {
    return static_cast<BlockingCell*>(header)->outcome.drop();
  }
  static void dealloc(Header* header) noexcept {
    auto* self = static_cast<BlockingCell*>(header);
    self->~BlockingCell();
    frame_free(self, sizeof(BlockingCell));
  }
  static constexpr TaskVTable vtable{&poll, &cancel, &drop_output, &dealloc};
};

}  // namespace tokio::detail
