// tokio::stream::wrappers: StreamLike adapters over the library's channels and sources.
#pragma once

#include "tokio/stream/wrappers/channels.hpp"
#include "tokio/stream/wrappers/sources.hpp"
