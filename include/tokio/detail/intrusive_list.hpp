// IntrusiveList: a doubly linked list of nodes that live elsewhere (a suspended coroutine
// frame, a task header, a timer entry), so that queueing a waiter allocates nothing. Every
// list of the library is this one type.
//
// Tagged links. A node type derives (publicly) from ListLinks<Tag> once for each kind of list it
// can be in, and IntrusiveList<T, Tag> threads its nodes through that base only, so one object
// can sit in several lists at once. The tag defaults to the node type itself.
//
// Shape. The list is circular through a sentinel ListLinks inside the list object. Hence:
// - a node is linked exactly when its `next_` is non-null: no flag, and no list needed to ask;
// - unlinking needs only the node (`remove` is static): a node can be unlinked from whichever
//   list of its tag holds it. A notifier relies on this when it moves its waiters to a private
//   list (splice_back) and wakes them in batches: a waiter destroyed meanwhile still unlinks
//   itself, from the private list (see Notify::notify_waiters);
// - push_back, push_front, pop_front, remove and splice_back are O(1) and branch-free.
//
// Invariants:
//   (I1) a node's prev_ and next_ are both null (unlinked) or both point at its neighbours;
//   (I2) a list's sentinel points at its first and last node, or at itself when empty;
//   (I3) the list never owns its nodes: a node is unlinked before it is destroyed or moved, and
//        a list is empty when it is destroyed (both asserted in debug builds). A list cannot be
//        copied or moved (its nodes point at its sentinel).
//
// Thread rule: a list and the links of every node in it are guarded by one lock, that of the
// list's owner. Every call that reads or writes links, is_linked included, is made under that
// lock; a node that may be linked must not be inspected without it.
#pragma once

#include <cassert>
#include <cstddef>
#include <iterator>

namespace tokio::detail {

template <class T, class Tag>
class IntrusiveList;

/// The links a node embeds, one base per kind of list (`Tag`) it can be in. A fresh or
/// moved-to node is unlinked; moving a linked node is a bug (asserted).
template <class Tag>
class ListLinks {
 public:
  ListLinks() noexcept = default;
  ListLinks(ListLinks&& other) noexcept {
    assert(!other.is_linked() && "moved while linked into a list");
    (void)other;
  }
  ListLinks& operator=(ListLinks&&) = delete;
  ~ListLinks() { assert(!is_linked() && "destroyed while linked into a list"); }

  /// True while the node is in a list (read it under the list's lock).
  bool is_linked() const noexcept { return next_ != nullptr; }

 private:
  template <class T, class U>
  friend class IntrusiveList;
  ListLinks* prev_ = nullptr;
  ListLinks* next_ = nullptr;
};

template <class T, class Tag = T>
class IntrusiveList {
  using Links = ListLinks<Tag>;

 public:
  IntrusiveList() noexcept { head_.prev_ = head_.next_ = &head_; }
  ~IntrusiveList() {
    assert(empty() && "list destroyed with nodes in it");
    head_.prev_ = head_.next_ = nullptr;  // the sentinel is no node (I3)
  }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const noexcept { return head_.next_ == &head_; }
  /// The first node, or null.
  T* front() const noexcept { return empty() ? nullptr : &node(head_.next_); }
  /// The last node, or null.
  T* back() const noexcept { return empty() ? nullptr : &node(head_.prev_); }

  /// True while `n` is in a list of this tag (any one).
  static bool is_linked(const T& n) noexcept { return links(n).is_linked(); }

  /// Appends `n`, which must be unlinked.
  void push_back(T& n) noexcept { link_before(head_, links(n)); }
  /// Prepends `n`, which must be unlinked.
  void push_front(T& n) noexcept { link_before(*head_.next_, links(n)); }

  /// Unlinks and returns the first node, or null.
  T* pop_front() noexcept {
    if (empty()) return nullptr;
    T& n = node(head_.next_);
    remove(n);
    return &n;
  }

  /// Unlinks `n` from the list of this tag that holds it (it must be linked).
  static void remove(T& n) noexcept {
    Links& l = links(n);
    assert(l.is_linked());
    l.prev_->next_ = l.next_;
    l.next_->prev_ = l.prev_;
    l.prev_ = l.next_ = nullptr;
  }

  /// Moves every node of `other` to the end of this list, in order; `other` is left empty.
  void splice_back(IntrusiveList& other) noexcept {
    if (other.empty()) return;
    Links* first = other.head_.next_;
    Links* last = other.head_.prev_;
    other.head_.prev_ = other.head_.next_ = &other.head_;
    first->prev_ = head_.prev_;
    head_.prev_->next_ = first;
    last->next_ = &head_;
    head_.prev_ = last;
  }

  /// Forward iteration. Removing the node an iterator points at invalidates that iterator
  /// only: step past it first (`T& n = *it++; list.remove(n);`).
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = T*;
    using reference = T&;

    iterator() noexcept = default;
    T& operator*() const noexcept { return node(at_); }
    T* operator->() const noexcept { return &node(at_); }
    iterator& operator++() noexcept {
      at_ = at_->next_;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator before = *this;
      at_ = at_->next_;
      return before;
    }
    friend bool operator==(iterator a, iterator b) noexcept { return a.at_ == b.at_; }

   private:
    friend class IntrusiveList;
    explicit iterator(Links* at) noexcept : at_(at) {}
    Links* at_ = nullptr;
  };
  iterator begin() noexcept { return iterator(head_.next_); }
  iterator end() noexcept { return iterator(&head_); }

 private:
  static Links& links(T& n) noexcept { return static_cast<Links&>(n); }
  static const Links& links(const T& n) noexcept { return static_cast<const Links&>(n); }
  static T& node(Links* l) noexcept { return static_cast<T&>(*l); }

  void link_before(Links& at, Links& l) noexcept {
    assert(!l.is_linked() && "already linked into a list");
    l.next_ = &at;
    l.prev_ = at.prev_;
    at.prev_->next_ = &l;
    at.prev_ = &l;
  }

  Links head_;  // the sentinel (I2)
};

}  // namespace tokio::detail
