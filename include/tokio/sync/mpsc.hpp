// tokio::sync::mpsc: multi-producer, single-consumer channels, bounded and unbounded.
#pragma once

#include "tokio/sync/mpsc/bounded.hpp"
#include "tokio/sync/mpsc/error.hpp"
#include "tokio/sync/mpsc/unbounded.hpp"
