// tokio::runtime::Builder: configures and builds a Runtime.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "tokio/detail/runtime_inner.hpp"
#include "tokio/task/id.hpp"

namespace tokio::runtime {

class Runtime;
class LocalRuntime;

/// What a runtime does with an *unhandled* exception: one that escaped a task whose
/// JoinHandle was dropped, or is dropped without being awaited, so that no one else will ever
/// see it. (An awaited JoinHandle rethrows the exception as a JoinError instead.)
enum class UnhandledException {
  /// Print `tokio: task N ended with an unhandled exception: what()` on stderr, as Rust prints
  /// a panic. The default.
  Report,
  /// Drop it silently.
  Ignore,
  /// Report it, then shut the runtime down like Tokio's `UnhandledPanic::ShutdownRuntime`:
  /// every task is cancelled, later spawns are cancelled at once, and a block_on running or
  /// started on the runtime throws std::runtime_error naming the task and the exception.
  /// Applies to spawned tasks; an unhandled exception of a spawn_blocking job is reported.
  ShutdownRuntime,
};

}  // namespace tokio::runtime

namespace tokio::detail {

struct RuntimeConfig {
  runtime::RuntimeFlavor flavor = runtime::RuntimeFlavor::MultiThread;
  std::size_t worker_threads = 0;  // 0 = one per CPU
  std::size_t max_blocking_threads = 512;
  std::function<std::string()> thread_name = [] { return std::string("tokio-runtime-worker"); };
  std::size_t thread_stack_size = 0;  // 0 = the system default
  std::function<void()> on_thread_start;
  std::function<void()> on_thread_stop;
  std::chrono::nanoseconds thread_keep_alive = std::chrono::seconds(10);
  std::uint32_t event_interval = 61;
  std::uint32_t global_queue_interval = 31;
  std::chrono::nanoseconds busy_poll = std::chrono::microseconds(20);
  bool enable_io = false;
  bool enable_time = false;
  bool start_paused = false;
  runtime::UnhandledException unhandled_exception = runtime::UnhandledException::Report;
  // When set, replaces the policy: called on the thread where the exception was dropped.
  std::function<void(task::Id, std::exception_ptr)> unhandled_exception_hook;
};

}  // namespace tokio::detail

namespace tokio::runtime {

/// Builds a Runtime with custom settings; the defaults match Tokio's.
///
/// Errors: setters throw std::invalid_argument for a value that cannot work (zero workers, zero
/// blocking threads, a zero interval); build() throws std::system_error if the OS refuses a
/// resource (epoll, eventfd, a thread).
///
/// Example:
///   auto rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build();
class Builder {
 public:
  /// A builder for the single-threaded scheduler: tasks run only on the thread in block_on.
  static Builder new_current_thread();
  /// A builder for the work-stealing scheduler, one worker per CPU by default.
  static Builder new_multi_thread();

  /// Number of worker threads (multi-thread only). Must be at least 1.
  Builder& worker_threads(std::size_t count);
  /// Upper bound on spawn_blocking threads (default 512). Must be at least 1.
  Builder& max_blocking_threads(std::size_t count);
  /// Name given to every thread the runtime starts (Linux shows 15 characters).
  Builder& thread_name(std::string name);
  /// Computes each new thread's name.
  Builder& thread_name_fn(std::function<std::string()> fn);
  /// Stack size of every thread the runtime starts, in bytes (0 = system default).
  Builder& thread_stack_size(std::size_t bytes);
  /// Called on each runtime thread when it starts, before it runs anything.
  Builder& on_thread_start(std::function<void()> fn);
  /// Called on each runtime thread just before it exits.
  Builder& on_thread_stop(std::function<void()> fn);
  /// How long an idle blocking-pool thread waits for work before it exits (default 10 s).
  Builder& thread_keep_alive(std::chrono::nanoseconds duration);
  /// Scheduler ticks between polls of the I/O and timer driver (default 61). At least 1.
  Builder& event_interval(std::uint32_t ticks);
  /// Scheduler ticks between checks of the global queue (default 31). At least 1.
  Builder& global_queue_interval(std::uint32_t ticks);
  /// How long a thread about to sleep in the I/O driver first polls it without blocking, when
  /// its previous driver turn delivered I/O events (default 20 µs; zero disables). While
  /// connections are busy the next event is usually microseconds away, and catching it by
  /// polling saves a sleep and a cross-CPU wake-up. It never delays a timer, is cut short by
  /// new work, and a runtime with no I/O never polls. A process allowed on one CPU only (its
  /// affinity mask) never polls either: the event it waits for needs that CPU. Not in Tokio.
  /// Errors: std::invalid_argument for a negative duration or one over 1 ms (longer polling
  /// only burns a core).
  Builder& busy_poll(std::chrono::nanoseconds duration);
  /// Enables the I/O driver.
  Builder& enable_io();
  /// Enables the time driver.
  Builder& enable_time();
  /// Enables both drivers.
  Builder& enable_all();
  /// Starts with the clock paused (tests; see time::pause). Needs the current_thread runtime
  /// and enable_time: build() throws std::logic_error otherwise.
  Builder& start_paused(bool paused);

  /// What to do with an exception that escaped a task and that no one will see (see
  /// UnhandledException; the default reports it on stderr).
  Builder& unhandled_exception(UnhandledException policy);
  /// Calls `hook(task id, exception)` for each such exception instead, on the thread that
  /// drops it (a worker, or the thread dropping the JoinHandle). The hook must not block; an
  /// exception it throws is reported on stderr.
  /// Example:
  ///   builder.unhandled_exception([&log](tokio::task::Id id, std::exception_ptr e) {
  ///     log.record(id, e);
  ///   });
  Builder& unhandled_exception(std::function<void(task::Id, std::exception_ptr)> hook);

  /// Creates the runtime. The builder can be used again.
  Runtime build();
  /// Creates a LocalRuntime (a current_thread runtime in which tokio::task::spawn_local works
  /// everywhere). Errors: std::logic_error on a multi_thread builder; as build() otherwise.
  LocalRuntime build_local();

 private:
  explicit Builder(RuntimeFlavor flavor) { config_.flavor = flavor; }
  detail::RuntimeConfig config_;
};

}  // namespace tokio::runtime
