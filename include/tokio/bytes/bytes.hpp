// tokio::bytes::Bytes: an immutable, cheaply copied and sliced run of bytes (the bytes crate's
// Bytes, which codecs and frames are made of).
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "tokio/bytes/block.hpp"

namespace tokio::bytes {

class BytesMut;

/// Immutable bytes. Copying, slicing and splitting share the storage (a reference count, no
/// copy of the bytes); the storage is freed with its last user. Made by BytesMut::freeze (no
/// copy), copy_from (one copy) or from_static (no allocation: the data must outlive every
/// Bytes that views it).
///
/// Errors: an index past the end throws std::out_of_range. Thread safety: a Bytes may be
/// copied to and read by any number of threads at once (the bytes never change).
class Bytes {
 public:
  Bytes() noexcept = default;
  Bytes(const Bytes& other) noexcept : block_(other.block_), ptr_(other.ptr_), len_(other.len_) {
    detail::Block::retain(block_);
  }
  Bytes(Bytes&& other) noexcept
      : block_(std::exchange(other.block_, nullptr)),
        ptr_(std::exchange(other.ptr_, nullptr)),
        len_(std::exchange(other.len_, 0)) {}
  Bytes& operator=(Bytes other) noexcept {
    swap(other);
    return *this;
  }
  ~Bytes() { detail::Block::release(block_); }

  /// Views `data` without copying it: it must outlive this Bytes and all its copies.
  static Bytes from_static(std::string_view data) noexcept {
    return Bytes(nullptr, reinterpret_cast<const std::byte*>(data.data()), data.size());
  }
  /// A copy of `data` in new storage.
  static Bytes copy_from(std::span<const std::byte> data);
  static Bytes copy_from(std::string_view data) {
    return copy_from(std::as_bytes(std::span(data.data(), data.size())));
  }

  // Size and access, as a std::span<const std::byte> would give them (`view` as characters).
  std::size_t size() const noexcept { return len_; }
  std::size_t len() const noexcept { return len_; }
  bool empty() const noexcept { return len_ == 0; }
  const std::byte* data() const noexcept { return ptr_; }
  const std::byte* begin() const noexcept { return ptr_; }
  const std::byte* end() const noexcept { return ptr_ + len_; }
  std::byte operator[](std::size_t i) const noexcept { return ptr_[i]; }
  std::span<const std::byte> span() const noexcept { return {ptr_, len_}; }
  /// The bytes as characters (not checked to be UTF-8).
  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(ptr_), len_}; }

  /// Bytes [from, to) of this, sharing the storage.
  Bytes slice(std::size_t from, std::size_t to) const {
    check(from <= to && to <= len_, "slice");
    Bytes out(*this);
    out.ptr_ += from;
    out.len_ = to - from;
    return out;
  }
  /// Removes and returns the first `at` bytes; this keeps the rest.
  Bytes split_to(std::size_t at) {
    check(at <= len_, "split_to");
    Bytes head(*this);
    head.len_ = at;
    ptr_ += at;
    len_ -= at;
    return head;
  }
  /// Removes and returns the bytes from `at` on; this keeps the first `at`.
  Bytes split_off(std::size_t at) {
    check(at <= len_, "split_off");
    Bytes tail(*this);
    tail.ptr_ += at;
    tail.len_ -= at;
    len_ = at;
    return tail;
  }
  /// Drops the first `n` bytes.
  void advance(std::size_t n) {
    check(n <= len_, "advance");
    ptr_ += n;
    len_ -= n;
  }
  /// Keeps the first `n` bytes (no effect if there are fewer).
  void truncate(std::size_t n) noexcept {
    if (n < len_) len_ = n;
  }
  void clear() noexcept { len_ = 0; }

  void swap(Bytes& other) noexcept {
    std::swap(block_, other.block_);
    std::swap(ptr_, other.ptr_);
    std::swap(len_, other.len_);
  }

  friend bool operator==(const Bytes& a, const Bytes& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const Bytes& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  friend class BytesMut;
  Bytes(detail::Block* block, const std::byte* ptr, std::size_t len) noexcept
      : block_(block), ptr_(ptr), len_(len) {}
  void check(bool ok, const char* what) const {
    if (!ok)
      throw std::out_of_range(std::string("tokio::bytes::Bytes::") + what +
                              ": index past the end (" + std::to_string(len_) + " bytes)");
  }

  detail::Block* block_ = nullptr;  // null: static or empty
  const std::byte* ptr_ = nullptr;
  std::size_t len_ = 0;
};

}  // namespace tokio::bytes
