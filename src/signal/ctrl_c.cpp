#include "tokio/signal/ctrl_c.hpp"

#include "tokio/signal/unix.hpp"

namespace tokio::signal {

Task<void> ctrl_c() {
  auto interrupts = signal(SignalKind::interrupt());
  co_await interrupts.recv();
}

}  // namespace tokio::signal
