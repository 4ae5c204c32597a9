// The worker identity of the current thread: which runtime's core it holds, if any.
#pragma once

namespace tokio::detail {

struct WorkerContext {
  const void* runtime = nullptr;  // the MultiThread this thread works for
  void* core = nullptr;           // its Core, or null once handed off by block_in_place
};

extern constinit thread_local WorkerContext tl_worker;

}  // namespace tokio::detail
