// CancellationToken: see tokio/util/sync/cancellation_token.hpp.
//
// The tree: a CancelNode per token family (a token and its copies share one). A child holds a
// shared_ptr to its parent (immutable: set before the child is published), so a parent lives
// as long as any descendant. A parent lists its children as weak references (it must not keep
// them alive: their tokens decide), each with its index there, so that a child destroyed
// early removes itself in O(1).
//
// Locks: a node's mutex guards its `children` and each child's `index_in_parent`. At most two
// are held at once, a parent's and then one of its children's (cancel sets a childless child's
// flag there); nothing locks a child and then its parent, so no cycle can form. Cancel walks
// the subtree with an explicit stack, so a deep chain of child tokens cannot overflow the
// stack either.
//
// Lifetime during cancel: a child found in `children` is alive or blocked in its destructor on
// this node's mutex (the first thing ~CancelNode does), so touching its index under that lock
// is safe; weak_ptr::lock then tells the two apart.
#include "tokio/util/sync/cancellation_token.hpp"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

#include "tokio/detail/frame_alloc.hpp"

namespace tokio::detail {

struct CancelNode {
  static constexpr std::size_t kDetached = static_cast<std::size_t>(-1);

  explicit CancelNode(std::shared_ptr<CancelNode> parent_node = nullptr) noexcept
      : parent(std::move(parent_node)) {}
  CancelNode(const CancelNode&) = delete;
  CancelNode& operator=(const CancelNode&) = delete;
  ~CancelNode() {
    if (!parent) return;
    {
      std::lock_guard lock(parent->mutex);
      if (index_in_parent != kDetached) {   // (detached: the parent was cancelled)
        auto& siblings = parent->children;  // swap-remove: the last child takes our place
        if (index_in_parent + 1 != siblings.size()) {
          siblings[index_in_parent] = std::move(siblings.back());
          siblings[index_in_parent].node->index_in_parent = index_in_parent;
        }
        siblings.pop_back();
      }
    }
    release_without_recursion(std::move(parent));
  }

  // Dropping the last reference to a parent destroys it, which drops its own parent...: a
  // chain of 100,000 child tokens would overflow the stack. The outermost release on this
  // thread destroys the chain in a loop instead, one node at a time (a node has one parent,
  // so one slot is enough to hand the next one over).
  static void release_without_recursion(std::shared_ptr<CancelNode> node) noexcept {
    static thread_local std::shared_ptr<CancelNode>* handoff_slot = nullptr;
    if (handoff_slot) {
      *handoff_slot = std::move(node);  // an outer call is looping: it releases this one
      return;
    }
    std::shared_ptr<CancelNode> handoff;
    handoff_slot = &handoff;
    for (auto current = std::move(node); current; current = std::move(handoff))
      current.reset();
    handoff_slot = nullptr;
  }

  struct Child {
    CancelNode* node;
    std::weak_ptr<CancelNode> ref;
  };

  // Set with release after the subtree below was detached, read with acquire: a task that sees
  // true sees everything that happened before cancel().
  std::atomic<bool> cancelled{false};
  tokio::sync::Notify notify;               // notify_waiters at cancellation
  std::shared_ptr<CancelNode> parent;       // set before the node is shared; then read-only
  std::size_t index_in_parent = kDetached;  // guarded by parent->mutex
  std::mutex mutex;
  std::vector<Child> children;  // guarded by mutex
};

namespace {

// Nodes come from the frame pool rather than malloc: a child token is typically made on one
// thread and dropped on another (the task awaiting it), which glibc's malloc pays for with
// its arena lock; the pool takes such blocks into the freeing thread's lists.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() noexcept = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: rebinding, as allocators do
  T* allocate(std::size_t n) { return static_cast<T*>(frame_alloc(n * sizeof(T))); }
  void deallocate(T* block, std::size_t n) noexcept { frame_free(block, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

template <class... Args>
std::shared_ptr<CancelNode> make_node(Args&&... args) {
  static_assert(alignof(CancelNode) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  return std::allocate_shared<CancelNode>(PoolAllocator<CancelNode>(), std::forward<Args>(args)...);
}

void cancel_tree(const std::shared_ptr<CancelNode>& root) {
  std::vector<std::shared_ptr<CancelNode>> pending{root};
  while (!pending.empty()) {
    std::shared_ptr<CancelNode> node = std::move(pending.back());
    pending.pop_back();
    {
      std::lock_guard lock(node->mutex);
      if (node->cancelled.load(std::memory_order_relaxed)) continue;  // (set under this lock)
      for (auto& child : node->children) {
        CancelNode& c = *child.node;  // alive, or blocked in ~CancelNode on node->mutex
        c.index_in_parent = CancelNode::kDetached;
        bool leaf = false;
        {
          std::lock_guard child_lock(c.mutex);  // parent, then child: the only nested order
          if (c.children.empty() && !c.cancelled.load(std::memory_order_relaxed)) {
            c.cancelled.store(true, std::memory_order_release);
            leaf = true;
          }
        }
        if (leaf) {
          // Most children of a tree have none of their own: cancelled here, without a
          // reference (node->mutex keeps c from being freed) or a trip through `pending`.
          c.notify.notify_waiters();
        } else if (auto alive = child.ref.lock()) {
          pending.push_back(std::move(alive));
        }
      }
      node->children.clear();
      node->cancelled.store(true, std::memory_order_release);
    }
    // A WaitForCancellation made before this call is woken; one made after sees the flag.
    node->notify.notify_waiters();
  }
}

}  // namespace
}  // namespace tokio::detail

namespace tokio::util::sync {

using detail::CancelNode;

WaitForCancellation::WaitForCancellation(std::shared_ptr<CancelNode> node)
    : node_(std::move(node)), notified_(node_->notify.notified()) {}

bool WaitForCancellation::await_ready() {
  // notified_ exists already: a cancel after this check still reaches it.
  return node_->cancelled.load(std::memory_order_acquire) || notified_.await_ready();
}

DropGuard::DropGuard(CancellationToken token) noexcept : node_(std::move(token.node_)) {}

DropGuard& DropGuard::operator=(DropGuard&& other) noexcept {
  if (this != &other) {
    if (node_) detail::cancel_tree(node_);
    node_ = std::move(other.node_);
  }
  return *this;
}

DropGuard::~DropGuard() {
  if (node_) detail::cancel_tree(node_);
}

CancellationToken DropGuard::disarm() noexcept {
  return CancellationToken(std::move(node_));
}

CancellationToken::CancellationToken() : node_(detail::make_node()) {}

CancellationToken CancellationToken::child_token() const {
  auto child = detail::make_node(node_);
  std::lock_guard lock(node_->mutex);
  if (node_->cancelled.load(std::memory_order_relaxed)) {
    child->cancelled.store(true, std::memory_order_relaxed);  // not yet shared with anyone
  } else {
    child->index_in_parent = node_->children.size();
    node_->children.push_back(CancelNode::Child{child.get(), child});
  }
  return CancellationToken(std::move(child));
}

void CancellationToken::cancel() const {
  detail::cancel_tree(node_);
}

bool CancellationToken::is_cancelled() const noexcept {
  return node_->cancelled.load(std::memory_order_acquire);
}

}  // namespace tokio::util::sync
