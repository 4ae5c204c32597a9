// tokio::bytes: Bytes and BytesMut, the byte containers of codecs (the bytes crate).
#pragma once

#include "tokio/bytes/bytes.hpp"
#include "tokio/bytes/bytes_mut.hpp"
