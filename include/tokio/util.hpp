// tokio::util: the pieces of tokio-util (codecs, io adapters, cancellation tokens, task tracking,
// DelayQueue).
#pragma once

#include "tokio/util/codec.hpp"
#include "tokio/util/io/inspect.hpp"
#include "tokio/util/io/reader_stream.hpp"
#include "tokio/util/sync/cancellation_token.hpp"
#include "tokio/util/task/join_map.hpp"
#include "tokio/util/task/task_tracker.hpp"
#include "tokio/util/time/delay_queue.hpp"
