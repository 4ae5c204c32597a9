// tokio::stream: asynchronous sequences (tokio-stream). See tokio/stream/stream.hpp.
#pragma once

#include "tokio/stream/iter.hpp"
#include "tokio/stream/peekable.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/stream/stream_ext.hpp"
#include "tokio/stream/stream_map.hpp"
#include "tokio/stream/time_ext.hpp"
