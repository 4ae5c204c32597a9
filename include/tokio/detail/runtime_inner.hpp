// The interface public templates (spawn, block_on, spawn_blocking) use to reach a runtime.
// Implemented by the schedulers in src/runtime/scheduler/.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "tokio/detail/header.hpp"

namespace tokio::runtime {
enum class RuntimeFlavor { CurrentThread, MultiThread };
}

namespace tokio::detail {

class TimeDriver;
class IoDriver;
class SignalDriver;

/// A runtime: the Scheduler of the tasks spawned on it, kept alive by its owners (Runtime,
/// Handle, workers) and by every task bound to it (see Scheduler).
class RuntimeInner : public Scheduler, public std::enable_shared_from_this<RuntimeInner> {
 public:
  virtual ~RuntimeInner() = default;

  /// Binds a freshly created task (state NOTIFIED|JOIN_INTEREST, 3 references: JoinHandle,
  /// owned list, notification) and queues it; on a shut-down runtime cancels it at once.
  virtual void spawn(Header* task) noexcept = 0;
  /// Queues a spawn_blocking job (state NOTIFIED|JOIN_INTEREST, 2 references). Throws
  /// std::system_error if no thread can be started for it.
  virtual void spawn_blocking(Header* job) = 0;
  /// Drives `root` (state NOTIFIED|JOIN_INTEREST, 2 references: the caller's and the
  /// notification) on the calling thread until it completes. Throws std::logic_error when the
  /// calling thread already drives a runtime.
  virtual void block_on(Header* root) = 0;
  virtual runtime::RuntimeFlavor flavor() const noexcept = 0;
  /// Cancels every task, then waits up to `timeout` (forever when empty) for the threads.
  virtual void shutdown(std::optional<std::chrono::nanoseconds> timeout) noexcept = 0;
  /// Runs `f` on this worker thread after handing the worker's queue to another thread
  /// (multi-thread runtime only; see task::block_in_place).
  virtual void block_in_place(void (*f)(void*), void* arg) = 0;
  /// The time driver, or null when the runtime was built without enable_time.
  virtual TimeDriver* time_driver() noexcept = 0;
  /// The I/O driver, or null when the runtime was built without enable_io.
  virtual IoDriver* io_driver() noexcept = 0;
  /// The signal driver, or null when the runtime was built without enable_io.
  virtual SignalDriver* signal_driver() noexcept = 0;
};

/// The runtime whose context this thread is in (a worker, or inside block_on), or null.
extern constinit thread_local RuntimeInner* tl_runtime;

/// The current runtime; throws std::logic_error naming `what` when there is none.
RuntimeInner& current_runtime(const char* what);

inline constexpr std::uint64_t kSpawnState =
    state::NOTIFIED | state::JOIN_INTEREST | 3 * state::REF_ONE;
inline constexpr std::uint64_t kBlockOnState =
    state::NOTIFIED | state::JOIN_INTEREST | 2 * state::REF_ONE;

}  // namespace tokio::detail
