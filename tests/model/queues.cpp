// The scheduler's queues under the model checker: the local run queue (owner push/pop with
// overflow, two thieves stealing) and the inject queue (producers, consumer, close).
#include <memory>
#include <vector>

#include "model/model.hpp"
#include "model/scenario.hpp"
#include "runtime/scheduler/inject.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"

namespace {

using tokio::detail::Header;
using tokio::detail::Inject;
using tokio::detail::LocalQueue;
using tokio_model::check;
using tokio_model::Thread;

constexpr tokio::detail::TaskVTable kInertVTable{
    [](Header*) { return true; }, [](Header*) noexcept {},
    [](Header*) noexcept { return std::exception_ptr(); }, [](Header*) noexcept {}};

// Tasks that only stand for themselves; `taken[i]` counts how often task i came out of a queue
// (plain ints: the model runs one thread at a time, so a double take is seen, not raced).
struct Tasks {
  explicit Tasks(int n) : taken(n, 0) {
    for (int i = 0; i < n; ++i)
      headers.push_back(
          std::make_unique<Header>(&kInertVTable, 16 * tokio::detail::state::REF_ONE));
  }
  Header* operator[](int i) const { return headers[i].get(); }
  void take(Header* h) {
    if (!h) return;
    for (std::size_t i = 0; i < headers.size(); ++i)
      if (headers[i].get() == h) ++taken[i];
    order.push_back(h);
  }
  void assert_each_taken_once() {
    for (int count : taken)
      MODEL_ASSERT(count == 1);
  }
  std::vector<std::unique_ptr<Header>> headers;
  std::vector<int> taken;
  std::vector<Header*> order;
};

// Capacity 4: pushing 6 tasks overflows half the queue into Inject while thieves copy out of it.
MODEL_SCENARIO(local_queue_push_pop_steal) {
  check("local queue: owner pushes 6 and pops, two thieves steal into their own queues", [] {
    Tasks tasks(6);
    Inject inject;
    LocalQueue<4> queue;
    auto thief = [&](LocalQueue<4>& mine) {
      tasks.take(queue.steal_into(mine));
      while (Header* h = mine.pop())
        tasks.take(h);
    };
    LocalQueue<4> mine1;
    LocalQueue<4> mine2;
    Thread thief1([&] { thief(mine1); });
    Thread thief2([&] { thief(mine2); });
    for (int i = 0; i < 6; ++i) {
      queue.push_back_or_overflow(tasks[i], inject);
      if (i % 3 == 2) tasks.take(queue.pop());
    }
    thief1.join();
    thief2.join();
    while (Header* h = queue.pop())
      tasks.take(h);
    while (Header* h = inject.pop())
      tasks.take(h);
    tasks.assert_each_taken_once();
    MODEL_ASSERT(queue.is_empty() && queue.remaining_slots() == 4);
  });
}

// A thief steals while the owner drains: every task is run exactly once, by one of them.
MODEL_SCENARIO(local_queue_steal_vs_pop) {
  check("local queue: two thieves race the owner's pops", [] {
    Tasks tasks(4);
    Inject inject;
    LocalQueue<4> queue;
    for (int i = 0; i < 4; ++i)
      queue.push_back_or_overflow(tasks[i], inject);
    LocalQueue<4> mine1;
    LocalQueue<4> mine2;
    Thread thief1([&] {
      tasks.take(queue.steal_into(mine1));
      while (Header* h = mine1.pop())
        tasks.take(h);
    });
    Thread thief2([&] {
      tasks.take(queue.steal_into(mine2));
      while (Header* h = mine2.pop())
        tasks.take(h);
    });
    while (Header* h = queue.pop())
      tasks.take(h);
    thief1.join();
    thief2.join();
    while (Header* h = queue.pop())
      tasks.take(h);
    MODEL_ASSERT(inject.is_empty());
    tasks.assert_each_taken_once();
  });
}

// Two producers (a single push and a batch) and a consumer: nothing lost or duplicated, each
// producer's order kept, and the count back to zero.
MODEL_SCENARIO(inject_push_pop) {
  check("inject: two producers and a consumer", [] {
    Tasks tasks(4);
    Inject inject;
    Thread single([&] {
      MODEL_ASSERT(inject.push(tasks[0]));
      MODEL_ASSERT(inject.push(tasks[1]));
    });
    Thread batch([&] {
      tasks[2]->queue_next = tasks[3];
      inject.push_batch(tasks[2], tasks[3], 2);
    });
    for (int i = 0; i < 3; ++i)
      tasks.take(inject.pop());
    single.join();
    batch.join();
    std::size_t count = 0;
    for (Header* h = inject.pop_n(8, count); h;) {
      Header* next = h->queue_next;
      tasks.take(h);
      h = next;
    }
    tasks.assert_each_taken_once();
    MODEL_ASSERT(inject.is_empty() && inject.len() == 0);
    auto position = [&](int i) {
      for (std::size_t p = 0; p < tasks.order.size(); ++p)
        if (tasks.order[p] == tasks[i]) return p;
      return tasks.order.size();
    };
    MODEL_ASSERT(position(0) < position(1));
    MODEL_ASSERT(position(2) < position(3));
  });
}

// Close races pushes: each task is either refused (the pusher keeps it) or popped later.
MODEL_SCENARIO(inject_push_vs_close) {
  check("inject: pushes race close", [] {
    Tasks tasks(2);
    Inject inject;
    std::vector<int> refused(2, 0);
    Thread producer([&] {
      for (int i = 0; i < 2; ++i)
        if (!inject.push(tasks[i])) ++refused[i];
    });
    inject.close();
    producer.join();
    while (Header* h = inject.pop())
      tasks.take(h);
    for (int i = 0; i < 2; ++i)
      MODEL_ASSERT(tasks.taken[i] + refused[i] == 1);
  });
}

}  // namespace
