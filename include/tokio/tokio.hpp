// The umbrella header of tokio-cpp: everything public.
#pragma once

#include "tokio/io/ready.hpp"
#include "tokio/io/unix/async_fd.hpp"
#include "tokio/macros/join.hpp"
#include "tokio/macros/select.hpp"
#include "tokio/main.hpp"
#include "tokio/result.hpp"
#include "tokio/runtime/builder.hpp"
#include "tokio/runtime/handle.hpp"
#include "tokio/runtime/runtime.hpp"
#include "tokio/sync/barrier.hpp"
#include "tokio/sync/broadcast.hpp"
#include "tokio/sync/mpsc.hpp"
#include "tokio/sync/mutex.hpp"
#include "tokio/sync/notify.hpp"
#include "tokio/sync/once_cell.hpp"
#include "tokio/sync/oneshot.hpp"
#include "tokio/sync/rwlock.hpp"
#include "tokio/sync/semaphore.hpp"
#include "tokio/sync/watch.hpp"
#include "tokio/task/id.hpp"
#include "tokio/task/join_error.hpp"
#include "tokio/task/join_handle.hpp"
#include "tokio/task/join_set.hpp"
#include "tokio/task/spawn.hpp"
#include "tokio/task/task.hpp"
#include "tokio/task/unconstrained.hpp"
#include "tokio/task/yield_now.hpp"
#include "tokio/time/instant.hpp"
#include "tokio/time/interval.hpp"
#include "tokio/time/pause.hpp"
#include "tokio/time/sleep.hpp"
#include "tokio/time/timeout.hpp"

namespace tokio {
using task::JoinHandle;
}  // namespace tokio
