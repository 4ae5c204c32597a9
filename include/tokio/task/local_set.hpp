// tokio::task::LocalSet and tokio::task::spawn_local: tasks that stay on one thread.
#pragma once

#include <memory>
#include <stdexcept>
#include <utility>

#include "tokio/detail/awaitable.hpp"
#include "tokio/detail/branch.hpp"
#include "tokio/detail/into_task.hpp"
#include "tokio/detail/local_scheduler.hpp"
#include "tokio/runtime/runtime.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail {

/// The set this thread runs or has entered; throws std::logic_error naming `what` outside one.
LocalScheduler& current_local_set(const char* what);

/// Begins a run of the set for the awaiting task, and ends it however the awaiter goes.
template <class Derived>
class LocalSetRun : public CombinatorBase<Derived> {
 public:
  explicit LocalSetRun(std::shared_ptr<LocalScheduler> set) : set_(std::move(set)) {
    if (!set_) throw std::logic_error("tokio::task::LocalSet used after it was moved from");
  }
  LocalSetRun(LocalSetRun&&) = delete;
  ~LocalSetRun() {
    if (started_) set_->end_run();
  }

 protected:
  void begin(Header* task) {
    set_->begin_run(task, Derived::kName);
    started_ = true;
  }
  std::shared_ptr<LocalScheduler> set_;

 private:
  bool started_ = false;
};

// run_until: polls `task` inside the set, then runs a tick of the set's tasks; done when the
// task is.
template <class T>
class LocalSetRunUntil final : public LocalSetRun<LocalSetRunUntil<T>> {
 public:
  static constexpr const char* kName = "tokio::task::LocalSet::run_until";
  LocalSetRunUntil(std::shared_ptr<LocalScheduler> set, Task<T>&& task)
      : LocalSetRun<LocalSetRunUntil<T>>(std::move(set)), branch_(std::move(task)) {}

  void start_branches(Header* task) {
    this->begin(task);
    branch_.start(task);
  }
  bool poll_branches() {
    LocalScheduler::Entered entered(*this->set_, /*running=*/true);
    if (branch_.poll()) return true;
    this->set_->run_tick();
    return false;
  }
  BranchValue<T> await_resume() { return branch_.take(); }

 private:
  Branch<T> branch_;
};

// Awaiting the set itself: runs its tasks until none is left.
class LocalSetIdle final : public LocalSetRun<LocalSetIdle> {
 public:
  static constexpr const char* kName = "co_await tokio::task::LocalSet";
  using LocalSetRun::LocalSetRun;

  void start_branches(Header* task) { begin(task); }
  bool poll_branches() {
    LocalScheduler::Entered entered(*set_, /*running=*/true);
    set_->run_tick();
    return set_->idle();
  }
  void await_resume() noexcept {}
};

template <class T>
Task<T> local_run_until(std::shared_ptr<LocalScheduler> set, Task<T> task) {
  if constexpr (std::is_void_v<T>) {
    co_await LocalSetRunUntil<T>(std::move(set), std::move(task));
  } else {
    co_return co_await LocalSetRunUntil<T>(std::move(set), std::move(task));
  }
}

}  // namespace tokio::detail

namespace tokio::task {

/// A set of tasks that all run on one thread: the thread that runs the set (Tokio's LocalSet).
/// Use it for work that must not move between threads: objects tied to a thread (thread-local
/// state, single-threaded libraries, non-thread-safe reference counting).
///
/// Tasks are added with `spawn_local` (on the set, or tokio::task::spawn_local inside it) and
/// run only while the set is run: by awaiting `run_until(work)`, which runs `work` and the
/// set's tasks beside it until `work` finishes, or by awaiting the set itself (`co_await set`),
/// which runs them until none is left. Tasks left when run_until returns stay in the set and
/// go on at its next run.
///
/// ```
/// tokio::task::LocalSet local;
/// auto rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
/// rt.block_on(local.run_until([]() -> tokio::Task<> {
///   auto counter = std::make_shared<int>(0);  // shared only with tasks on this thread
///   auto handle = tokio::task::spawn_local([counter]() -> tokio::Task<> {
///     ++*counter;
///     co_return;
///   });
///   co_await handle;
/// }()));
/// ```
///
/// Where it may run: from Runtime::block_on (either runtime flavour), from any task of a
/// current_thread runtime, or from a test's block_on; always on the same thread. A task of a
/// multi_thread runtime may move between worker threads, so running a set there throws
/// std::logic_error (use block_on, or a runtime::LocalRuntime). Running it from two places at
/// once, or from another thread than before, also throws std::logic_error.
///
/// Destroying the set cancels its remaining tasks on the destroying thread (their destructors
/// run there, each exactly once; their JoinHandles report cancelled). Destroy it on its thread.
/// An exception that escapes a detached local task goes to the policy of the runtime the set
/// last ran on (Builder::unhandled_exception).
///
/// Thread safety: `spawn_local` (the member) and the tasks' Wakers and JoinHandles may be used
/// from any thread; running and destroying the set from its own thread only. Move-only.
class LocalSet {
 public:
  LocalSet() : set_(detail::make_local_scheduler()) {}
  LocalSet(LocalSet&&) noexcept = default;
  LocalSet& operator=(LocalSet&& other) noexcept {
    if (this != &other) {
      close();
      set_ = std::move(other.set_);
    }
    return *this;
  }
  ~LocalSet() { close(); }

  /// Adds a task (a Task, a callable returning one with its arguments, or any awaitable: see
  /// tokio::spawn) to the set and returns its JoinHandle. It runs when the set next runs; from
  /// inside a running set, soon after the caller yields.
  /// Errors: std::logic_error for an empty Task or a moved-from set. On a destroyed set the
  /// task is cancelled at once.
  template <class F, class... Args>
  requires detail::Spawnable<F, Args...>
  auto spawn_local(F&& f, Args&&... args) {
    return detail::spawn_on(
        scheduler(), detail::into_spawned_task(std::forward<F>(f), std::forward<Args>(args)...));
  }

  /// A Task that runs `awaitable` (a Task or any other awaitable) inside the set, the set's
  /// tasks beside it, and gives what `awaitable` gives (re-throwing what it throws) as soon
  /// as it finishes. Inside it, tokio::task::spawn_local adds tasks to this set.
  /// Errors: see the class comment (std::logic_error on a misplaced run).
  /// Cancel safety: cancelling it cancels `awaitable`; the set's tasks stay in the set.
  template <class A>
  requires detail::Awaitable<A> Task<detail::into_task_value_type<A>> run_until(A&& awaitable) {
    scheduler();  // a moved-from set fails here, not when the Task first runs
    return detail::local_run_until(set_, detail::into_task(std::forward<A>(awaitable)));
  }

  /// Runs `task` on `runtime` inside the set: `runtime.block_on(run_until(task))`.
  template <class T>
  T block_on(runtime::Runtime& runtime, Task<T> task) {
    return runtime.block_on(run_until(std::move(task)));
  }

  /// Awaiting the set runs its tasks until none is left (`co_await local;`).
  /// Cancel safety: cancelling the await stops running them; they stay in the set.
  detail::LocalSetIdle operator co_await() { return detail::LocalSetIdle(set_); }

  /// Makes tokio::task::spawn_local add to this set on this thread while the guard lives,
  /// without running it (Tokio's LocalSet::enter). The tasks run at the set's next run.
  /// Errors: std::logic_error on a moved-from set or from another thread than the set's.
  class EnterGuard {
   public:
    EnterGuard(const EnterGuard&) = delete;
    EnterGuard& operator=(const EnterGuard&) = delete;

   private:
    friend class LocalSet;
    explicit EnterGuard(detail::LocalScheduler& set) : entered_(set, /*running=*/false) {}
    detail::LocalScheduler::Entered entered_;
  };
  [[nodiscard]] EnterGuard enter() {
    scheduler().claim_thread("tokio::task::LocalSet::enter");
    return EnterGuard(*set_);
  }

 private:
  detail::LocalScheduler& scheduler() {
    if (!set_) throw std::logic_error("tokio::task::LocalSet used after it was moved from");
    return *set_;
  }
  void close() noexcept {
    if (set_) set_->close();
  }
  std::shared_ptr<detail::LocalScheduler> set_;
};

/// Spawns a task onto the LocalSet this thread is running (or has entered, or the LocalRuntime
/// it is in) and returns its JoinHandle; the task runs only on this thread. What can be spawned
/// is as for tokio::spawn.
/// Errors: std::logic_error outside a LocalSet ("run it inside LocalSet::run_until, or use a
/// LocalRuntime"), or for an empty Task.
template <class F, class... Args>
requires detail::Spawnable<F, Args...>
auto spawn_local(F&& f, Args&&... args) {
  return detail::spawn_on(
      detail::current_local_set("tokio::task::spawn_local"),
      detail::into_spawned_task(std::forward<F>(f), std::forward<Args>(args)...));
}

}  // namespace tokio::task
