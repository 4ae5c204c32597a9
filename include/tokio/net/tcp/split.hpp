// The halves of a TcpStream: borrowed (TcpStream::split) and owned (TcpStream::into_split), so
// that one task reads while another writes. The same shapes as tokio::net::unix's halves.
#pragma once

#include <utility>

#include "tokio/detail/split.hpp"
#include "tokio/net/tcp/stream.hpp"
#include "tokio/result.hpp"

namespace tokio::net::tcp {

// ReadHalf, WriteHalf, OwnedReadHalf, OwnedWriteHalf: declared in tokio/net/tcp/stream.hpp.
//  - ReadHalf: read / peek / try_read / readable / peer_addr / local_addr (and read_exact...),
//    borrowing the stream, which must outlive it.
//  - WriteHalf: write / write_vectored / flush / shutdown / try_write / writable (and
//    write_all...), borrowing it. shutdown() shuts the write side of the whole stream down.
//  - OwnedReadHalf / OwnedWriteHalf: the same, sharing the stream; destroying the write half
//    shuts the write side down (the peer reads end of stream) unless forget() was called.

/// reunite's error: the two halves were not from the same stream; both are given back.
using ReuniteError = detail::ReuniteError<TcpStream>;

/// Puts the halves of one TcpStream::into_split back together; gives them back in a
/// ReuniteError when they belong to different streams.
inline Result<TcpStream, ReuniteError> reunite(OwnedReadHalf read, OwnedWriteHalf write) {
  return detail::SplitAccess::reunite(std::move(read), std::move(write));
}

}  // namespace tokio::net::tcp
