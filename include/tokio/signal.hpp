// tokio::signal: Ctrl-C and Unix signals.
#pragma once

#include "tokio/signal/ctrl_c.hpp"
#include "tokio/signal/unix.hpp"
