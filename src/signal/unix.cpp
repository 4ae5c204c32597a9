#include "tokio/signal/unix.hpp"

#undef unix

namespace tokio::signal::unix {

Signal signal(SignalKind kind) {
  const int signum = kind.as_raw_value();
  detail::signal_enable(signum, "tokio::signal::unix::signal");
  return Signal(signum, detail::signal_generation(signum));
}

SignalRecv::~SignalRecv() {
  if (waiter_.registered) detail::signal_cancel(signal_->signum_, waiter_);
}

bool SignalRecv::poll(detail::Header* task) {
  return detail::signal_poll(signal_->signum_, signal_->seen_, waiter_, task);
}

}  // namespace tokio::signal::unix
