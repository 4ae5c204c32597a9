// drive_root: polls a block_on root on the calling thread until it completes, sleeping on a
// per-thread parker in between (see root_driver.cpp).
#pragma once

#include "tokio/detail/header.hpp"

namespace tokio::detail {

/// Drives `root` (state kBlockOnState) to completion on this thread. It installs its own
/// scheduler in the root. Not reentrant on one thread: the callers (MultiThread::block_on
/// after entering the runtime, block_on_thread after checking that no runtime is driven here)
/// exclude nesting.
void drive_root(Header* root);

}  // namespace tokio::detail
