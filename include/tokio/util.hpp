// tokio::util: the pieces of tokio-util (codecs, cancellation tokens).
#pragma once

#include "tokio/util/codec.hpp"
#include "tokio/util/sync/cancellation_token.hpp"
