// The synchronisation seam: every atomic, mutex, condition variable and thread that the runtime's
// concurrent code uses is named through these aliases.
//
// In a normal build they are the std:: types themselves (zero cost: plain aliases). The model
// checking tests (tests/model) compile the runtime's lock-free parts with TOKIO_MODEL_CHECK,
// which turns them into instrumented types whose every operation is a scheduling point of the
// checker, so that it can explore the interleavings of a scenario (as Rust's loom does for
// Tokio). TOKIO_MODEL_CHECK is never defined in the library or in user code.
#pragma once

#ifdef TOKIO_MODEL_CHECK

#include "model/model.hpp"

namespace tokio::detail::seam {
template <class T>
using atomic = tokio_model::Atomic<T>;
template <class T>
using atomic_ref = tokio_model::AtomicRef<T>;
using mutex = tokio_model::Mutex;
using condition_variable = tokio_model::CondVar;
using thread = tokio_model::Thread;
/// Inside a spin loop: under the checker, gives way to the thread being waited for.
inline void spin_loop_hint() noexcept {
  tokio_model::yield_now();
}
/// The thread gives up its CPU (a spin loop's back-off).
inline void yield_thread() noexcept {
  tokio_model::yield_now();
}
}  // namespace tokio::detail::seam

#else

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tokio::detail::seam {
template <class T>
using atomic = std::atomic<T>;
template <class T>
using atomic_ref = std::atomic_ref<T>;
using mutex = std::mutex;
using condition_variable = std::condition_variable;
using thread = std::thread;
/// Inside a spin loop: tells the CPU (lets a sibling hyper-thread run, saves power).
inline void spin_loop_hint() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
/// The thread gives up its CPU (a spin loop's back-off).
inline void yield_thread() noexcept {
  std::this_thread::yield();
}
}  // namespace tokio::detail::seam

#endif
