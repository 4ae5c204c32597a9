// tokio::fs: files and directories, through the blocking pool.
#pragma once

#include "tokio/fs/file.hpp"
#include "tokio/fs/metadata.hpp"
#include "tokio/fs/ops.hpp"
#include "tokio/fs/read_dir.hpp"
