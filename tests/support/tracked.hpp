// Tracked: a test value that counts every construction and destruction (moved-from instances
// included), so that `Counters::alive()` is 0 exactly when every value was destroyed once.
#pragma once

#include <atomic>

namespace tokio_test {

struct Counters {
  std::atomic<long> made{0};
  std::atomic<long> destroyed{0};
  long alive() const { return made.load() - destroyed.load(); }
};

class Tracked {
 public:
  Tracked(Counters& c, int v) : c_(&c), v_(v) { c_->made.fetch_add(1, std::memory_order_relaxed); }
  Tracked(const Tracked& o) : c_(o.c_), v_(o.v_) {
    c_->made.fetch_add(1, std::memory_order_relaxed);
  }
  Tracked(Tracked&& o) noexcept : c_(o.c_), v_(o.v_) {
    c_->made.fetch_add(1, std::memory_order_relaxed);
  }
  // Assignment changes the value only: each object stays counted where it was made.
  Tracked& operator=(const Tracked& o) {
    v_ = o.v_;
    return *this;
  }
  Tracked& operator=(Tracked&& o) noexcept {
    v_ = o.v_;
    return *this;
  }
  ~Tracked() { c_->destroyed.fetch_add(1, std::memory_order_relaxed); }
  int value() const { return v_; }

 private:
  Counters* c_;
  int v_;
};

}  // namespace tokio_test
