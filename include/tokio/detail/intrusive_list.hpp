// IntrusiveList: a doubly linked FIFO of nodes that live elsewhere (usually in a suspended
// coroutine frame), so that queueing a waiter allocates nothing.
//
// The list never owns its nodes. Thread rule: a list and the links of the nodes in it are
// guarded by whatever lock guards the list's owner (every user holds a mutex around each call).
#pragma once

namespace tokio::detail {

/// The links a node embeds; `T` derives from ListLinks<T> (once per list it can be in).
template <class T>
struct ListLinks {
  T* list_prev = nullptr;
  T* list_next = nullptr;
  bool linked = false;
};

template <class T>
class IntrusiveList {
 public:
  IntrusiveList() = default;
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }
  T* front() const noexcept { return head_; }
  T* back() const noexcept { return tail_; }
  static bool contains(const T& node) noexcept { return links(node).linked; }

  void push_back(T& node) noexcept {
    auto& l = links(node);
    l.list_prev = tail_;
    l.list_next = nullptr;
    l.linked = true;
    if (tail_) {
      links(*tail_).list_next = &node;
    } else {
      head_ = &node;
    }
    tail_ = &node;
  }

  /// Unlinks `node`, which must be in this list.
  void remove(T& node) noexcept {
    auto& l = links(node);
    if (l.list_prev) {
      links(*l.list_prev).list_next = l.list_next;
    } else {
      head_ = l.list_next;
    }
    if (l.list_next) {
      links(*l.list_next).list_prev = l.list_prev;
    } else {
      tail_ = l.list_prev;
    }
    l.list_prev = l.list_next = nullptr;
    l.linked = false;
  }

  /// Unlinks and returns the oldest node, or null.
  T* pop_front() noexcept {
    T* node = head_;
    if (node) remove(*node);
    return node;
  }

 private:
  static ListLinks<T>& links(T& node) noexcept { return static_cast<ListLinks<T>&>(node); }
  static const ListLinks<T>& links(const T& node) noexcept {
    return static_cast<const ListLinks<T>&>(node);
  }
  T* head_ = nullptr;
  T* tail_ = nullptr;
};

}  // namespace tokio::detail
