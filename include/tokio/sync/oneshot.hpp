// tokio::sync::oneshot: a channel that carries a single value from one Sender to one Receiver
// (after Tokio's sync/oneshot.rs).
//
// Design. Both handles point at one shared Block (allocated from the per-thread frame pools,
// since ping-pong style code makes one channel per request) that holds an atomic state word,
// the value slot, and one Waker per side. No mutex: every hand-over goes through the state
// word. Bit layout of `state` (std::atomic<uint32_t>):
//
//   bit 0 RX_WAKER  `rx_waker` holds the receiving task's waker
//   bit 1 TX_WAKER  `tx_waker` holds the waker of the task awaiting Sender::closed()
//   bit 2 COMPLETE  the sender is finished: it sent (then VALUE is set too) or was dropped
//   bit 3 VALUE     the value slot holds a constructed T
//   bit 4 CLOSED    the receiver was closed or dropped; a send now fails
//   bit 5 TX_REF    the Sender still refers to the block
//   bit 6 RX_REF    the Receiver still refers to the block
//
// Ownership rules (who may touch which field when):
//   1. The value slot belongs to the sender until COMPLETE is published (release); from then on
//      to the receiver, which reads it after an acquire load that sees COMPLETE | VALUE. A send
//      refused because CLOSED was seen first leaves the slot with the sender, which takes the
//      value back.
//   2. `rx_waker`: while RX_WAKER is clear only the receiver writes it. While RX_WAKER is set and
//      COMPLETE is clear nobody touches it. The sender's RMW that sets COMPLETE and sees RX_WAKER
//      hands the waker to the sender, which moves it out and wakes it. The receiver re-takes the
//      slot (to register another task) only by clearing RX_WAKER and seeing COMPLETE still clear.
//      The receiver remembers which task it registered in its own handle (`waker_task_`), so it
//      never reads the shared slot while the sender may be taking it.
//   3. `tx_waker`: the mirror image, with CLOSED in the role of COMPLETE and the roles swapped.
//   4. TX_REF and RX_REF are the two-party reference count. Each side gives its reference back
//      with an acq_rel RMW; whoever clears the last one destroys the block (and a value still in
//      it, so an unreceived value is destroyed exactly once). A side whose last step is a wake
//      keeps its reference until it has moved the waker out of the block.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "tokio/detail/block_on_thread.hpp"
#include "tokio/detail/context.hpp"
#include "tokio/detail/coop.hpp"
#include "tokio/detail/frame_alloc.hpp"
#include "tokio/detail/header.hpp"
#include "tokio/detail/leaf_op.hpp"
#include "tokio/detail/sync_seam.hpp"
#include "tokio/detail/waker.hpp"
#include "tokio/result.hpp"
#include "tokio/task/task.hpp"

namespace tokio::detail::oneshot {

inline constexpr std::uint32_t kRxWaker = 1;
inline constexpr std::uint32_t kTxWaker = 2;
inline constexpr std::uint32_t kComplete = 4;
inline constexpr std::uint32_t kValue = 8;
inline constexpr std::uint32_t kClosed = 16;
inline constexpr std::uint32_t kTxRef = 32;
inline constexpr std::uint32_t kRxRef = 64;

template <class T>
struct Block {
  seam::atomic<std::uint32_t> state{kTxRef | kRxRef};
  // Right after the 4-byte state word, so that a small value fills its padding (a
  // Block<int> is 40 bytes, not 48; an idle task waiting on one is that much cheaper).
  alignas(T) unsigned char storage[sizeof(T)];
  Waker rx_waker;  // rule 2
  Waker tx_waker;  // rule 3

  static constexpr bool kPooled = alignof(Block) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__;

  static Block* create() {
    void* memory = kPooled ? frame_alloc(sizeof(Block))
                           : ::operator new (sizeof(Block), std::align_val_t{alignof(Block)});
    return ::new (memory) Block;
  }
  T& value() noexcept { return *std::launder(reinterpret_cast<T*>(storage)); }

  // `last_state` is the state after the final reference was cleared; the acq_rel RMW that
  // cleared it makes every access of both sides happen before this.
  void destroy(std::uint32_t last_state) noexcept {
    if (last_state & kValue) value().~T();
    this->~Block();
    if constexpr (kPooled) {
      frame_free(this, sizeof(Block));
    } else {
      ::operator delete (this, std::align_val_t{alignof(Block)});
    }
  }

  // Clears `bits` (which include the caller's reference) and destroys the block if the other
  // side's reference `other` was already gone. acq_rel: release publishes this side's accesses
  // to whoever destroys the block; acquire, when this side destroys it, sees the other side's.
  void release(std::uint32_t bits, std::uint32_t other) noexcept {
    const std::uint32_t prev = state.fetch_and(~bits, std::memory_order_acq_rel);
    if (!(prev & other)) destroy(prev & ~bits);
  }

  // The sender finishes: publishes COMPLETE (and VALUE when it stored one) and gives its
  // reference back. Returns false, changing nothing, when a value could not be delivered
  // because the receiver had closed (the value is still the sender's; rule 1).
  bool tx_finish(bool with_value) noexcept {
    std::uint32_t s = state.load(std::memory_order_relaxed);
    std::uint32_t next;
    bool wake;
    do {
      if (with_value && (s & kClosed)) return false;
      wake = (s & kRxWaker) && !(s & kClosed);
      next = s | kComplete | (with_value ? kValue : 0);
      // With nobody to wake, the reference goes in the same RMW (one atomic op per send).
      if (!wake) next &= ~kTxRef;
      // acq_rel on success: release publishes the value (rule 1); acquire makes the
      // receiver's write of rx_waker (released by its fetch_or of RX_WAKER) visible before we
      // move it. Relaxed on failure: the loop only retries with the fresh value.
    } while (!state.compare_exchange_weak(s, next, std::memory_order_acq_rel,
                                          std::memory_order_relaxed));
    if (!wake) {
      if (!(next & kRxRef)) destroy(next);
      return true;
    }
    Waker waker = std::move(rx_waker);  // ours by rule 2
    release(kTxRef, kRxRef);
    waker.wake();
    return true;
  }

  // The receiver closes (and, when `drop`, gives its reference back in the same step unless a
  // closed() waiter must be woken first).
  void rx_close(bool drop) noexcept {
    std::uint32_t s = state.load(std::memory_order_relaxed);
    std::uint32_t next;
    bool wake;
    do {
      wake = (s & kTxWaker) && !(s & (kComplete | kClosed));
      next = s | kClosed;
      if (drop && !wake) next &= ~kRxRef;
      // acq_rel: acquire makes the sender's write of tx_waker (released by its fetch_or of
      // TX_WAKER) visible before we move it; release publishes our accesses to a destroyer.
    } while (!state.compare_exchange_weak(s, next, std::memory_order_acq_rel,
                                          std::memory_order_relaxed));
    if (wake) {
      Waker waker = std::move(tx_waker);  // ours by rule 3
      if (drop) release(kRxRef, kTxRef);
      waker.wake();
    } else if (drop && !(next & kTxRef)) {
      destroy(next);
    }
  }

  // One registration step of the side whose waker lives in `slot` behind `bit`; `done` is the
  // other side's bit that ends the wait (COMPLETE|CLOSED for the receiver, CLOSED for the
  // sender). `registered` is the task whose waker the slot holds, kept in the caller's handle.
  // Returns true when the wait is over.
  bool poll_register(Waker& slot, std::uint32_t bit, std::uint32_t done, Header*& registered,
                     Header* task) noexcept {
    // acquire: if `done` is seen, the receiver goes on to read the value (rule 1).
    std::uint32_t s = state.load(std::memory_order_acquire);
    if (s & done) return true;
    if (s & bit) {
      if (registered == task) return false;  // the right waker is already in place
      // Take the slot back to put another task's waker in it. acquire: as above, when `done`
      // turns out to be set (then the other side owns the slot and we leave it alone).
      s = state.fetch_and(~bit, std::memory_order_acquire);
      if (s & done) return true;
    }
    slot = task_waker(task);  // the slot is ours: `bit` is clear
    registered = task;
    // acq_rel: release publishes the waker to the other side; acquire as above.
    s = state.fetch_or(bit, std::memory_order_acq_rel);
    return (s & done) != 0;
  }
};

}  // namespace tokio::detail::oneshot

namespace tokio::sync::oneshot {

/// The error of awaiting a Receiver: the Sender was dropped without sending (or the receiver
/// was closed before anything was sent).
struct RecvError {
  const char* what() const noexcept { return "channel closed"; }
  friend bool operator==(RecvError, RecvError) noexcept { return true; }
};

/// Why Receiver::try_recv gave nothing: no value yet (`Empty`), or none will ever come
/// (`Closed`: the Sender was dropped without sending, the receiver was closed, or the value was
/// already received).
enum class TryRecvError { Empty, Closed };

template <class T>
class Receiver;
template <class T>
class Sender;
template <class T>
std::pair<Sender<T>, Receiver<T>> channel();

/// The sending half of a oneshot channel. Move-only.
///
/// Errors: send gives the value back when the receiver is gone or closed. Calling send or
/// closed() on a Sender that already sent (or was moved from) throws std::logic_error.
/// Thread safety: a Sender may be moved to and used on any thread; one thread uses it at a time.
template <class T>
class Sender {
  using Block = detail::oneshot::Block<T>;

 public:
  Sender(Sender&& other) noexcept
      : block_(std::exchange(other.block_, nullptr)),
        closed_task_(std::exchange(other.closed_task_, nullptr)) {}
  Sender& operator=(Sender&& other) noexcept {
    if (this != &other) {
      reset();
      block_ = std::exchange(other.block_, nullptr);
      closed_task_ = std::exchange(other.closed_task_, nullptr);
    }
    return *this;
  }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;
  /// Dropping a Sender that has not sent completes the channel: the receiver gets RecvError.
  ~Sender() { reset(); }

  /// Sends `value`, waking the receiver if it waits. A Sender sends at most once: afterwards it
  /// is used up (whatever the outcome) and its destructor does nothing.
  ///
  /// Errors: when the Receiver was dropped or closed, the value comes back as the error.
  /// Throws std::logic_error when this Sender already sent or was moved from; an exception from
  /// T's move constructor propagates (the channel then completes as if the Sender was dropped).
  Result<void, T> send(T value) {
    Block* b = block_;
    if (!b)
      throw std::logic_error(
          "tokio::sync::oneshot::Sender::send called twice (or on a moved-from Sender): a "
          "oneshot channel carries one value; make a new channel for the next one");
    block_ = nullptr;
    // A receiver that is already gone: skip constructing the value in the block. acquire:
    // nothing to read; kept for symmetry with the final check, which decides.
    if (b->state.load(std::memory_order_acquire) & detail::oneshot::kClosed) {
      b->release(detail::oneshot::kTxRef, detail::oneshot::kRxRef);
      return Err<T>(std::move(value));
    }
    try {
      ::new (static_cast<void*>(b->storage)) T(std::move(value));
    } catch (...) {
      b->tx_finish(false);
      throw;
    }
    if (b->tx_finish(true)) return {};
    // The receiver closed in between: the value is still ours (rule 1); hand it back.
    Result<void, T> refused{Err<T>(std::move(b->value()))};
    b->value().~T();
    b->release(detail::oneshot::kTxRef, detail::oneshot::kRxRef);
    return refused;
  }

  /// The awaitable of closed(): completes (with no value) once the Receiver is dropped or
  /// closed. Consumes one unit of the task's cooperative budget when it completes.
  class [[nodiscard]] Closed final : public detail::LeafOp<Closed> {
   public:
    explicit Closed(Sender& tx) noexcept : tx_(tx) {}
    Closed(Closed&&) noexcept = default;
    Closed& operator=(const Closed&) = delete;

    void await_resume() const noexcept { detail::coop_consume(); }

   private:
    friend detail::LeafOp<Closed>;
    static const char* what() noexcept { return "awaiting tokio::sync::oneshot::Sender::closed()"; }
    bool poll(detail::Header* task) noexcept {
      // A Sender that sent meanwhile (from another branch of a join) is done: nothing to wait
      // for, as is_closed() reports.
      Block* b = tx_.block_;
      if (!b) return true;
      // acquire: nothing is read after it; CLOSED only needs to be observed.
      if (!task) return b->state.load(std::memory_order_acquire) & detail::oneshot::kClosed;
      return b->poll_register(b->tx_waker, detail::oneshot::kTxWaker, detail::oneshot::kClosed,
                              tx_.closed_task_, task);
    }

    Sender& tx_;
  };

  /// Waits until the Receiver is dropped or closed: useful to stop computing a result nobody
  /// will read (`select(tx.closed(), compute())` in a Task).
  ///
  /// Errors: throws std::logic_error when the Sender already sent or was moved from.
  /// Cancel safety: cancel-safe; a cancelled wait leaves nothing behind but a stale waker,
  /// which is replaced at the next wait.
  Closed closed() {
    if (!block_)
      throw std::logic_error(
          "tokio::sync::oneshot::Sender::closed() on a Sender that already sent or was moved "
          "from");
    return Closed(*this);
  }

  /// True when the Receiver was dropped or closed, so a send would fail. Also true for a
  /// Sender that already sent or was moved from.
  bool is_closed() const noexcept {
    return !block_ || (block_->state.load(std::memory_order_acquire) & detail::oneshot::kClosed);
  }

 private:
  friend std::pair<Sender<T>, Receiver<T>> channel<T>();
  explicit Sender(Block* block) noexcept : block_(block) {}
  void reset() noexcept {
    if (Block* b = std::exchange(block_, nullptr)) b->tx_finish(false);
  }

  Block* block_;
  detail::Header* closed_task_ = nullptr;  // whose waker tx_waker holds (rule 3)
};

/// The receiving half of a oneshot channel: await it (`co_await rx` or
/// `co_await std::move(rx)`) to get Result<T, RecvError>. Move-only.
///
/// Errors: RecvError when the Sender was dropped without sending. Awaiting a Receiver that
/// already produced its result (or was moved from) throws std::logic_error.
/// Cancel safety: awaiting is cancel-safe: if the await is cancelled (a lost select, an
/// aborted task) the value stays in the channel and a later await or try_recv gets it.
/// Thread safety: a Receiver may be moved to and used on any thread; one thread at a time.
///
/// Example:
///   auto [tx, rx] = tokio::sync::oneshot::channel<int>();
///   tokio::spawn(produce(std::move(tx)));   // produce() calls tx.send(42)
///   auto v = co_await rx;                   // v.value() == 42
template <class T>
class Receiver {
  using Block = detail::oneshot::Block<T>;

 public:
  Receiver(Receiver&& other) noexcept
      : block_(std::exchange(other.block_, nullptr)),
        waker_task_(std::exchange(other.waker_task_, nullptr)) {}
  Receiver& operator=(Receiver&& other) noexcept {
    if (this != &other) {
      reset();
      block_ = std::exchange(other.block_, nullptr);
      waker_task_ = std::exchange(other.waker_task_, nullptr);
    }
    return *this;
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  /// Dropping the Receiver closes the channel (a closed() waiter wakes; a later send fails) and
  /// destroys a value that was sent but not received.
  ~Receiver() { reset(); }

  /// The awaitable of `co_await rx`. Consumes one unit of the task's cooperative budget when
  /// it completes.
  class [[nodiscard]] Awaiter final : public detail::LeafOp<Awaiter> {
   public:
    explicit Awaiter(Receiver& rx) noexcept : rx_(rx) {}
    Awaiter(Awaiter&&) noexcept = default;
    Awaiter& operator=(const Awaiter&) = delete;

    Result<T, RecvError> await_resume() {
      detail::coop_consume();
      return rx_.take();
    }

   private:
    friend detail::LeafOp<Awaiter>;
    static const char* what() noexcept { return "awaiting a tokio::sync::oneshot::Receiver"; }
    bool poll(detail::Header* task) noexcept {
      if (!task) return rx_.finished();
      Block* b = rx_.block_;
      return b->poll_register(b->rx_waker, detail::oneshot::kRxWaker,
                              detail::oneshot::kComplete | detail::oneshot::kClosed,
                              rx_.waker_task_, task);
    }

    Receiver& rx_;
  };

  /// `co_await rx` / `co_await std::move(rx)`: waits for the value (see the class comment).
  /// The Receiver must stay alive until the await completes; it is terminated afterwards.
  ///
  /// Errors: throws std::logic_error when the Receiver is terminated or moved from.
  Awaiter operator co_await() & { return Awaiter(checked()); }
  Awaiter operator co_await() && { return Awaiter(checked()); }

  /// The value if it has been sent, without waiting (usable outside a runtime). After a value
  /// or Closed has been returned the Receiver is terminated; later calls give Closed.
  ///
  /// Errors: Empty when nothing was sent yet; Closed when nothing ever will be.
  Result<T, TryRecvError> try_recv() {
    Block* b = block_;
    if (!b) return Err(TryRecvError::Closed);
    // acquire: pairs with the sender's release of COMPLETE|VALUE (rule 1).
    const std::uint32_t s = b->state.load(std::memory_order_acquire);
    if (s & detail::oneshot::kValue) {
      Result<T, TryRecvError> out(std::move(b->value()));
      consume_value();
      return out;
    }
    if (!(s & (detail::oneshot::kComplete | detail::oneshot::kClosed)))
      return Err(TryRecvError::Empty);
    block_ = nullptr;
    b->release(detail::oneshot::kRxRef, detail::oneshot::kTxRef);
    return Err(TryRecvError::Closed);
  }

  /// Waits for the value on a thread that is not running a runtime (a plain thread or a
  /// spawn_blocking job), blocking it.
  ///
  /// Errors: as awaiting. Throws std::logic_error when called on a runtime thread (await
  /// instead), or on a terminated Receiver.
  Result<T, RecvError> blocking_recv() {
    checked();
    return detail::block_on_thread(blocking_body(this),
                                   "tokio::sync::oneshot::Receiver::blocking_recv");
  }

  /// Closes the channel without dropping the Receiver: a later send fails (its value comes
  /// back to the sender) and a closed() waiter wakes. A value sent before the close can still
  /// be received. Does nothing on a terminated Receiver.
  void close() noexcept {
    if (block_) block_->rx_close(false);
  }

  /// True once the Receiver produced its result (by await or try_recv) or was moved from.
  bool is_terminated() const noexcept { return !block_; }
  /// True when there is no value to receive right now (nothing sent yet, sender dropped, or
  /// terminated).
  bool is_empty() const noexcept {
    return !block_ || !(block_->state.load(std::memory_order_acquire) & detail::oneshot::kValue);
  }
  /// True when no value can arrive any more: one was sent, the Sender was dropped, the
  /// Receiver was closed, or it is terminated.
  bool is_closed() const noexcept {
    return !block_ || (block_->state.load(std::memory_order_acquire) &
                       (detail::oneshot::kComplete | detail::oneshot::kClosed));
  }

 private:
  friend std::pair<Sender<T>, Receiver<T>> channel<T>();
  explicit Receiver(Block* block) noexcept : block_(block) {}

  Receiver& checked() {
    if (!block_)
      throw std::logic_error(
          "tokio::sync::oneshot::Receiver awaited after it completed (or after it was moved "
          "from): a oneshot Receiver yields one result; check is_terminated()");
    return *this;
  }
  // True when awaiting would complete now. acquire: pairs with the sender's release (rule 1).
  bool finished() const noexcept {
    return block_->state.load(std::memory_order_acquire) &
           (detail::oneshot::kComplete | detail::oneshot::kClosed);
  }
  // Produces the result once finished() held; terminates the Receiver.
  Result<T, RecvError> take() {
    Block* b = block_;
    // acquire: pairs with the sender's release of COMPLETE|VALUE (rule 1).
    if (b->state.load(std::memory_order_acquire) & detail::oneshot::kValue) {
      Result<T, RecvError> out(std::move(b->value()));
      consume_value();
      return out;
    }
    block_ = nullptr;
    b->release(detail::oneshot::kRxRef, detail::oneshot::kTxRef);
    return Err(RecvError{});
  }
  // The value was moved out: destroy the husk and give the block back.
  void consume_value() noexcept {
    Block* b = std::exchange(block_, nullptr);
    b->value().~T();
    b->release(detail::oneshot::kRxRef | detail::oneshot::kValue, detail::oneshot::kTxRef);
  }
  void reset() noexcept {
    if (Block* b = std::exchange(block_, nullptr)) b->rx_close(true);
  }
  static Task<Result<T, RecvError>> blocking_body(Receiver* rx) {
    auto& self = *rx;
    co_return co_await self;
  }

  Block* block_;
  detail::Header* waker_task_ = nullptr;  // whose waker rx_waker holds (rule 2)
};

/// Creates a oneshot channel: `auto [tx, rx] = tokio::sync::oneshot::channel<T>();`.
///
/// Errors: std::bad_alloc. Thread safety: the two halves may live on different threads.
template <class T>
std::pair<Sender<T>, Receiver<T>> channel() {
  static_assert(std::is_object_v<T> && !std::is_array_v<T> && std::is_move_constructible_v<T>,
                "tokio::sync::oneshot carries a move-constructible object type (use an empty "
                "struct for a pure signal)");
  auto* block = detail::oneshot::Block<T>::create();
  return {Sender<T>(block), Receiver<T>(block)};
}

}  // namespace tokio::sync::oneshot
