// Storage of Bytes and BytesMut (see tokio/bytes/).
#include <algorithm>
#include <cstring>
#include <new>

#include "tokio/bytes/bytes.hpp"
#include "tokio/bytes/bytes_mut.hpp"

namespace tokio::bytes {

namespace detail {

Block* Block::allocate(std::size_t capacity) {
  void* memory = ::operator new(sizeof(Block) + capacity);
  return ::new (memory) Block{{1}, capacity};
}

void Block::release(Block* block) noexcept {
  // acq_rel: the last holder sees every write made through the other references.
  if (block && block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block->~Block();
    ::operator delete(block);
  }
}

}  // namespace detail

Bytes Bytes::copy_from(std::span<const std::byte> data) {
  if (data.empty()) return Bytes();
  detail::Block* block = detail::Block::allocate(data.size());
  std::memcpy(block->data(), data.data(), data.size());
  return Bytes(block, block->data(), data.size());
}

void BytesMut::grow(std::size_t additional) {
  const std::size_t needed = len_ + additional;
  if (needed < len_) throw std::length_error("tokio::bytes::BytesMut::reserve: size overflow");
  // Sole owner of the storage, and it is big enough once the bytes move to its front: reuse it.
  if (block_ && block_->unique() && block_->capacity >= needed) {
    if (len_ != 0 && ptr_ != block_->data()) std::memmove(block_->data(), ptr_, len_);
    ptr_ = block_->data();
    cap_ = block_->capacity;
    return;
  }
  const std::size_t capacity = std::max({needed, 2 * cap_, std::size_t{64}});
  detail::Block* block = detail::Block::allocate(capacity);
  if (len_ != 0) std::memcpy(block->data(), ptr_, len_);
  detail::Block::release(block_);
  block_ = block;
  ptr_ = block->data();
  cap_ = capacity;
}

}  // namespace tokio::bytes
