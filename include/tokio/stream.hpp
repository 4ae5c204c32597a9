// tokio::stream: asynchronous sequences (tokio-stream). See tokio/stream/stream.hpp.
#pragma once

#include "tokio/stream/iter.hpp"
#include "tokio/stream/stream.hpp"
#include "tokio/stream/stream_ext.hpp"
