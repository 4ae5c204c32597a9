// The worker run loop: pick a task (global queue every global_queue_interval ticks, else LIFO
// slot, local queue, a batch from the global queue), else poll I/O, else steal, else park. See
// multi_thread.hpp for who owns what.
#include <algorithm>

#include "runtime/enter.hpp"
#include "runtime/scheduler/multi_thread/multi_thread.hpp"
#include "runtime/scheduler/multi_thread/worker_context.hpp"

namespace tokio::detail {

constinit thread_local WorkerContext tl_worker{};

namespace {
std::uint32_t next_random(std::uint32_t& state) noexcept {  // xorshift32
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}
}  // namespace

bool MultiThread::owns_core(Core* core) const noexcept {
  return tl_worker.runtime == this && tl_worker.core == core;
}

void MultiThread::run_worker(Core* core) {
  EnterRuntime enter(this);
  const WorkerContext saved = tl_worker;
  tl_worker = WorkerContext{this, core};
  struct Restore {
    WorkerContext saved;
    ~Restore() { tl_worker = saved; }
  } restore{saved};

  while (!core->is_shutdown) {
    ++core->tick;
    if (core->tick % config_.event_interval == 0) maintenance(core);
    if (core->is_shutdown) break;
    if (Header* task = next_task(core)) {
      if (!run_task(core, task)) return;
      continue;
    }
    // Out of local work: poll I/O before stealing (as Go's scheduler does). The tasks it wakes
    // run here, so tasks stay on their worker instead of half a queue moving to another CPU
    // (on loopback TCP that cross-CPU traffic cost about 8% of tcp_echo_rr). It costs one
    // epoll_wait, and nothing in a runtime without I/O registrations.
    driver_.poll_if_free();
    if (Header* task = next_task(core)) {
      if (!run_task(core, task)) return;
      continue;
    }
    if (Header* task = steal_work(core)) {
      if (!run_task(core, task)) return;
      continue;
    }
    park(core);
  }
  shutdown_core(core);
}

bool MultiThread::run_task(Core* core, Header* task) {
  transition_from_searching(core);
  task_run(task);
  if (!owns_core(core)) return false;  // block_in_place gave the core away
  // Run what the task woke (the LIFO slot) right away, a few times at most so that a pair of
  // tasks ping-ponging through the slot cannot starve the queue.
  for (std::uint32_t polls = 0; core->lifo_slot; ++polls) {
    Header* next = core->lifo_slot;
    core->lifo_slot = nullptr;
    if (polls >= kMaxLifoPolls) {
      remotes_[core->index]->queue.push_back_or_overflow(next, inject_);
      break;
    }
    task_run(next);
    if (!owns_core(core)) return false;
  }
  return true;
}

Header* MultiThread::next_task(Core* core) {
  if (core->tick % config_.global_queue_interval == 0) {
    if (Header* task = inject_.pop()) return task;
  }
  if (Header* task = core->lifo_slot) {
    core->lifo_slot = nullptr;
    return task;
  }
  if (Header* task = remotes_[core->index]->queue.pop()) return task;
  return next_remote_batch(core);
}

Header* MultiThread::next_remote_batch(Core* core) {
  if (inject_.is_empty()) return nullptr;
  auto& queue = remotes_[core->index]->queue;
  // Take a fair share of the global queue, bounded by half the local capacity.
  std::size_t want = inject_.len() / remotes_.size() + 1;
  want = std::min<std::size_t>({want, queue.remaining_slots(), queue.capacity / 2});
  std::size_t got;
  Header* first = inject_.pop_n(std::max<std::size_t>(want, 1), got);
  if (!first) return nullptr;
  for (Header* task = first->queue_next; task;) {
    Header* next = task->queue_next;
    queue.push_back_or_overflow(task, inject_);
    task = next;
  }
  // The rest waits behind `first`, which may run for long (or block): let an idle worker steal
  // it. A searcher need not: it wakes the next one when it stops searching.
  if (got > 1 && !core->is_searching) announce_work();
  return first;
}

Header* MultiThread::steal_work(Core* core) {
  if (!core->is_searching) {
    if (!idle_.transition_worker_to_searching()) return nullptr;
    core->is_searching = true;
  }
  const std::size_t n = remotes_.size();
  const std::size_t start = next_random(core->rng) % n;
  auto& mine = remotes_[core->index]->queue;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t victim = (start + i) % n;
    if (victim == core->index) continue;
    if (Header* task = remotes_[victim]->queue.steal_into(mine)) return task;
  }
  return next_remote_batch(core);
}

void MultiThread::transition_from_searching(Core* core) {
  if (!core->is_searching) return;
  core->is_searching = false;
  // The last searcher found work: wake another worker so that searching continues.
  if (idle_.transition_worker_from_searching()) notify_parked();
}

void MultiThread::notify_parked() {
  if (auto worker = idle_.worker_to_notify()) remotes_[*worker]->parker.unpark();
}

void MultiThread::announce_work() {
  // Either a worker going to park sees the work (and wakes someone for it) or notify_parked
  // sees it parked (and wakes it); see Idle::order_after_queued_work. Only the paths where
  // work could otherwise be stranded pay for the RMW; schedule_local does not (its owner runs
  // what it queued as soon as the current task yields).
  idle_.order_after_queued_work();
  notify_parked();
}

void MultiThread::notify_if_work_pending() {
  for (auto& remote : remotes_) {
    if (!remote->queue.is_empty()) {
      notify_parked();
      return;
    }
  }
  if (!inject_.is_empty()) notify_parked();
}

void MultiThread::maintenance(Core* core) {
  // Timers need no syscall: fire what is due. I/O events are polled (without blocking) so
  // that sockets make progress while every worker is busy.
  driver_.process_timers();
  driver_.poll_if_free();
  if (shutdown_.load(std::memory_order_acquire)) core->is_shutdown = true;
}

bool MultiThread::transition_to_parked(Core* core) {
  if (core->lifo_slot || !remotes_[core->index]->queue.is_empty()) return false;
  const bool none_searching = idle_.transition_worker_to_parked(core->index, core->is_searching);
  core->is_searching = false;
  if (none_searching) notify_if_work_pending();
  return true;
}

bool MultiThread::transition_from_parked(Core* core) {
  // Its driver turn (I/O events, timers) may have queued tasks in its LIFO slot or queue.
  if (core->lifo_slot || !remotes_[core->index]->queue.is_empty()) {
    core->is_searching = !idle_.unpark_worker_by_id(core->index);
    return true;
  }
  if (idle_.is_parked(core->index)) return false;
  core->is_searching = true;  // woken by worker_to_notify, which counted us as searching
  return true;
}

void MultiThread::park(Core* core) {
  if (!transition_to_parked(core)) return;
  while (!core->is_shutdown) {
    // The core stays with this thread while it sleeps: the tasks that its driver turn wakes
    // (I/O events, timers) go to its own LIFO slot and queue, with no notification and no
    // hand-off to another worker, and run as soon as park returns (as in Tokio). Only this
    // thread reads or writes is_parked.
    core->is_parked = true;
    remotes_[core->index]->parker.park();
    core->is_parked = false;
    // The park has just polled I/O: fire due timers, but skip maintenance's extra epoll_wait.
    driver_.process_timers();
    if (shutdown_.load(std::memory_order_acquire)) core->is_shutdown = true;
    if (core->is_shutdown) {
      idle_.unpark_worker_by_id(core->index);
      break;
    }
    if (transition_from_parked(core)) {
      // More than the next task landed here: let an idle worker steal some.
      if (!remotes_[core->index]->queue.is_empty()) announce_work();
      break;
    }
  }
}

void MultiThread::shutdown_core(Core* core) noexcept {
  // Every worker cancels what it can reach; the last one drains all queues.
  core->is_shutdown = true;
  owned_.close_and_shutdown_all();
  std::lock_guard lock(shutdown_mutex_);
  if (++cores_shut_down_ != cores_.size()) return;
  for (auto& c : cores_) {
    if (Header* task = std::exchange(c->lifo_slot, nullptr)) task_drop_ref(task);
    while (Header* task = remotes_[c->index]->queue.pop())
      task_drop_ref(task);
  }
  while (Header* task = inject_.pop())
    task_drop_ref(task);
}

}  // namespace tokio::detail
