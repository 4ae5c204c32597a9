// tokio::util::codec: framing byte streams (tokio-util's codec module).
#pragma once

#include "tokio/util/codec/any_delimiter_codec.hpp"
#include "tokio/util/codec/bytes_codec.hpp"
#include "tokio/util/codec/decoder.hpp"
#include "tokio/util/codec/framed.hpp"
#include "tokio/util/codec/length_delimited.hpp"
#include "tokio/util/codec/lines_codec.hpp"
