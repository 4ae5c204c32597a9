// tokio::process: running child processes.
#pragma once

#include "tokio/process/child.hpp"
#include "tokio/process/command.hpp"
#include "tokio/process/exit_status.hpp"
