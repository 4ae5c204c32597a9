// tokio::bytes::BytesMut: a growable byte buffer that splits into pieces without copying (the
// bytes crate's BytesMut: what codecs decode from and encode into).
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "tokio/bytes/block.hpp"
#include "tokio/bytes/bytes.hpp"

namespace tokio::bytes {

/// A buffer of bytes with spare capacity at its end, like std::vector<std::byte>, that can also
/// be cut in two without copying: split_to / split_off give a BytesMut (or, after freeze, a
/// Bytes) for one part and keep the other, both in the same storage. advance() drops bytes at
/// the front in O(1). A codec reads into the spare capacity, cuts each frame off the front and
/// hands it on, while the rest of the buffer goes on.
///
/// Growth: reserve() reuses the storage when no other piece of it is alive (moving the bytes
/// to its front), else it copies the bytes into new storage of at least twice the capacity.
///
/// Copying a BytesMut copies its bytes (as std::vector does). Errors: an index past the end
/// throws std::out_of_range; allocation failure std::bad_alloc. Thread safety: one thread at a
/// time per BytesMut; distinct pieces of one storage may be used by different threads.
class BytesMut {
 public:
  BytesMut() noexcept = default;
  explicit BytesMut(std::string_view data) { extend_from_slice(data); }
  static BytesMut with_capacity(std::size_t capacity) {
    BytesMut out;
    out.reserve(capacity);
    return out;
  }
  BytesMut(const BytesMut& other) : BytesMut() { extend_from_slice(other.span()); }
  BytesMut(BytesMut&& other) noexcept
      : block_(std::exchange(other.block_, nullptr)),
        ptr_(std::exchange(other.ptr_, nullptr)),
        len_(std::exchange(other.len_, 0)),
        cap_(std::exchange(other.cap_, 0)) {}
  BytesMut& operator=(BytesMut other) noexcept {
    swap(other);
    return *this;
  }
  ~BytesMut() { detail::Block::release(block_); }

  // Size, capacity and access, as std::vector<std::byte> would give them (`view` as
  // characters).
  std::size_t size() const noexcept { return len_; }
  std::size_t len() const noexcept { return len_; }
  bool empty() const noexcept { return len_ == 0; }
  std::size_t capacity() const noexcept { return cap_; }
  std::byte* data() noexcept { return ptr_; }
  const std::byte* data() const noexcept { return ptr_; }
  std::byte* begin() noexcept { return ptr_; }
  std::byte* end() noexcept { return ptr_ + len_; }
  const std::byte* begin() const noexcept { return ptr_; }
  const std::byte* end() const noexcept { return ptr_ + len_; }
  std::byte& operator[](std::size_t i) noexcept { return ptr_[i]; }
  std::byte operator[](std::size_t i) const noexcept { return ptr_[i]; }
  std::span<std::byte> span() noexcept { return {ptr_, len_}; }
  std::span<const std::byte> span() const noexcept { return {ptr_, len_}; }
  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(ptr_), len_}; }

  /// Makes room for at least `additional` more bytes after the current ones.
  void reserve(std::size_t additional) {
    if (cap_ - len_ >= additional) return;
    grow(additional);
  }
  /// Appends bytes (growing as needed).
  void extend_from_slice(std::span<const std::byte> src) {
    reserve(src.size());
    if (!src.empty()) std::memcpy(ptr_ + len_, src.data(), src.size());
    len_ += src.size();
  }
  void extend_from_slice(std::string_view src) {
    extend_from_slice(std::as_bytes(std::span(src.data(), src.size())));
  }
  void push_back(std::byte b) {
    reserve(1);
    ptr_[len_++] = b;
  }

  /// The spare capacity, to be written and then committed with commit(n).
  std::span<std::byte> spare_capacity() noexcept { return {ptr_ + len_, cap_ - len_}; }
  /// Counts `n` bytes written into spare_capacity() as part of the buffer.
  void commit(std::size_t n) {
    check(n <= cap_ - len_, "commit");
    len_ += n;
  }

  /// Removes and returns the first `at` bytes (with no spare capacity); this keeps the rest.
  BytesMut split_to(std::size_t at) {
    check(at <= len_, "split_to");
    BytesMut head(block_, ptr_, at, at);
    detail::Block::retain(block_);
    ptr_ += at;
    len_ -= at;
    cap_ -= at;
    return head;
  }
  /// Removes and returns the bytes from `at` on (with the spare capacity); this keeps the first
  /// `at` and no spare capacity.
  BytesMut split_off(std::size_t at) {
    check(at <= len_, "split_off");
    BytesMut tail(block_, ptr_ + at, len_ - at, cap_ - at);
    detail::Block::retain(block_);
    len_ = at;
    cap_ = at;
    return tail;
  }
  /// Removes and returns all the bytes; this keeps the spare capacity.
  BytesMut split() { return split_to(len_); }
  /// Drops the first `n` bytes in O(1).
  void advance(std::size_t n) {
    check(n <= len_, "advance");
    ptr_ += n;
    len_ -= n;
    cap_ -= n;
  }
  /// Keeps the first `n` bytes (no effect if there are fewer).
  void truncate(std::size_t n) noexcept {
    if (n < len_) len_ = n;
  }
  void clear() noexcept { len_ = 0; }
  /// Grows (with `value`) or shrinks to `n` bytes.
  void resize(std::size_t n, std::byte value = std::byte{0}) {
    if (n > len_) {
      reserve(n - len_);
      std::memset(ptr_ + len_, static_cast<int>(value), n - len_);
    }
    len_ = n;
  }

  /// The bytes as an immutable Bytes, without copying them.
  Bytes freeze() && noexcept {
    Bytes out(std::exchange(block_, nullptr), ptr_, len_);
    ptr_ = nullptr;
    len_ = cap_ = 0;
    return out;
  }

  void swap(BytesMut& other) noexcept {
    std::swap(block_, other.block_);
    std::swap(ptr_, other.ptr_);
    std::swap(len_, other.len_);
    std::swap(cap_, other.cap_);
  }

  friend bool operator==(const BytesMut& a, const BytesMut& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const BytesMut& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  BytesMut(detail::Block* block, std::byte* ptr, std::size_t len, std::size_t cap) noexcept
      : block_(block), ptr_(ptr), len_(len), cap_(cap) {}
  void grow(std::size_t additional);  // bytes.cpp
  void check(bool ok, const char* what) const {
    if (!ok)
      throw std::out_of_range(std::string("tokio::bytes::BytesMut::") + what +
                              ": index past the end (" + std::to_string(len_) + " bytes)");
  }

  // [ptr_, ptr_ + cap_) is this buffer's own region of block_ (other pieces own other
  // regions); [ptr_, ptr_ + len_) holds its bytes.
  detail::Block* block_ = nullptr;
  std::byte* ptr_ = nullptr;
  std::size_t len_ = 0;
  std::size_t cap_ = 0;
};

}  // namespace tokio::bytes
