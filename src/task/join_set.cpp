#include <vector>

#include "tokio/detail/join_set_core.hpp"

namespace tokio::detail {

void JoinSetCore::Shared::link(Entry* e, Entry::Where where) noexcept {
  (where == Entry::Where::Idle ? idle : notified).push_back(*e);
  e->where = where;
  ++len;
}

void JoinSetCore::Shared::unlink(Entry* e) noexcept {
  List::remove(*e);
  e->where = Entry::Where::None;
  --len;
}

namespace {

using Entry = JoinSetCore::Entry;

void entry_drop(void* data) noexcept {
  auto* e = static_cast<Entry*>(data);
  // acq_rel: the thread deleting the entry must see every other holder's last use.
  if (e->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete e;
}
void* entry_clone(void* data) noexcept {
  static_cast<Entry*>(data)->refs.fetch_add(1, std::memory_order_relaxed);
  return data;
}
void entry_wake_by_ref(void* data) noexcept {
  auto* e = static_cast<Entry*>(data);
  Waker waiter;
  {
    std::lock_guard lock(e->shared->mutex);
    if (e->where != Entry::Where::Idle) return;  // already notified, or left the set
    e->shared->unlink(e);
    e->shared->link(e, Entry::Where::Notified);
    waiter = std::move(e->shared->waiter);
  }
  waiter.wake();
}
void entry_wake(void* data) noexcept {
  entry_wake_by_ref(data);
  entry_drop(data);
}

constexpr WakerVTable kEntryWakerVTable{&entry_clone, &entry_wake, &entry_wake_by_ref, &entry_drop};

Waker entry_waker(Entry* e) noexcept {
  entry_clone(e);
  return Waker(e, &kEntryWakerVTable);
}

}  // namespace

JoinSetCore::JoinSetCore() : shared_(std::make_shared<Shared>()) {}

JoinSetCore::~JoinSetCore() {
  if (!shared_) return;
  abort_all();
  detach_all();
}

JoinSetCore& JoinSetCore::operator=(JoinSetCore&& other) noexcept {
  if (this != &other) {
    if (shared_) {
      abort_all();
      detach_all();
    }
    shared_ = std::move(other.shared_);
  }
  return *this;
}

void JoinSetCore::release_entry(Entry* e) noexcept {
  join_handle_drop(e->task);
  entry_drop(e);
}

void JoinSetCore::insert(Header* task) {
  if (!shared_) shared_ = std::make_shared<Shared>();  // reuse after being moved from
  auto* e = new Entry;
  e->shared = shared_;
  e->task = task;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->link(e, Entry::Where::Idle);
  }
  if (!join_register_waker(task, entry_waker(e))) {
    entry_wake_by_ref(e);  // completed already
  }
}

Header* JoinSetCore::take_completed(const Waker* waiter) {
  if (!shared_) return nullptr;
  for (;;) {
    Entry* e;
    {
      std::lock_guard lock(shared_->mutex);
      e = shared_->notified.front();
      if (!e) {
        if (waiter && !shared_->idle.empty()) shared_->waiter = *waiter;
        return nullptr;
      }
      shared_->unlink(e);
    }
    if (task_is_complete(e->task)) {
      Header* task = e->task;
      entry_drop(e);  // the set's membership reference; the JoinHandle reference moves out
      return task;
    }
    // Woken but not complete (a stale wake): back to idle and re-arm its waker.
    {
      std::lock_guard lock(shared_->mutex);
      shared_->link(e, Entry::Where::Idle);
    }
    if (!join_register_waker(e->task, entry_waker(e))) entry_wake_by_ref(e);
  }
}

std::size_t JoinSetCore::len() const noexcept {
  if (!shared_) return 0;
  std::lock_guard lock(shared_->mutex);
  return shared_->len;
}

void JoinSetCore::abort_all() noexcept {
  // Collect under the lock, abort outside it: aborting can complete a task inline (a queued
  // blocking job), whose waker takes this lock. The entries stay members meanwhile (only the
  // set's owner removes them), so the tasks stay referenced.
  if (!shared_) return;
  std::vector<Header*> tasks;
  {
    std::lock_guard lock(shared_->mutex);
    for (List* list : {&shared_->idle, &shared_->notified}) {
      for (Entry& e : *list)
        tasks.push_back(e.task);
    }
  }
  for (Header* task : tasks)
    task_abort(task);
}

void JoinSetCore::detach_all() noexcept {
  if (!shared_) return;
  std::vector<Entry*> removed;
  {
    std::lock_guard lock(shared_->mutex);
    for (List* list : {&shared_->idle, &shared_->notified}) {
      while (Entry* e = list->front()) {
        shared_->unlink(e);
        removed.push_back(e);
      }
    }
    shared_->waiter = Waker();
  }
  for (Entry* e : removed)
    release_entry(e);
}

}  // namespace tokio::detail
