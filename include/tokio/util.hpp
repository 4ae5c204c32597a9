// tokio::util: the pieces of tokio-util (cancellation tokens so far).
#pragma once

#include "tokio/util/sync/cancellation_token.hpp"
