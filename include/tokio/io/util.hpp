// The generic tokio::io utilities in one header: read/write helpers and the extension mixins,
// BufReader / BufWriter / BufStream, copy, split, in-memory pipes, empty / sink / repeat and
// the standard streams.
#pragma once

#include "tokio/io/error.hpp"
#include "tokio/io/util/buf_reader.hpp"
#include "tokio/io/util/buf_stream.hpp"
#include "tokio/io/util/buf_writer.hpp"
#include "tokio/io/util/copy.hpp"
#include "tokio/io/util/copy_bidirectional.hpp"
#include "tokio/io/util/empty.hpp"
#include "tokio/io/util/ext.hpp"
#include "tokio/io/util/halves.hpp"
#include "tokio/io/util/integers.hpp"
#include "tokio/io/util/lines.hpp"
#include "tokio/io/util/mem.hpp"
#include "tokio/io/util/read.hpp"
#include "tokio/io/util/read_until.hpp"
#include "tokio/io/util/repeat.hpp"
#include "tokio/io/util/sink.hpp"
#include "tokio/io/util/split.hpp"
#include "tokio/io/util/stdio.hpp"
#include "tokio/io/util/write.hpp"
