// The halves of a UnixStream: borrowed (UnixStream::split) and owned (UnixStream::into_split),
// so that one task reads while another writes. The same shapes as tokio::net::tcp's halves.
#pragma once

#include "tokio/detail/split.hpp"
#include "tokio/net/unix/stream.hpp"
#include "tokio/result.hpp"

#pragma push_macro("unix")
#undef unix

namespace tokio::net::unix {

// ReadHalf, WriteHalf, OwnedReadHalf, OwnedWriteHalf: declared in tokio/net/unix/stream.hpp.
//  - ReadHalf: read / peek / try_read / readable / peer_addr / local_addr, borrowing the stream.
//  - WriteHalf: write / write_vectored / flush / shutdown / try_write / writable, borrowing it.
//  - OwnedReadHalf / OwnedWriteHalf: the same, sharing the stream; destroying the write half
//    shuts the write side down (the peer reads end of stream) unless forget() was called.

/// reunite's error: the two halves were not from the same stream; both are given back.
using ReuniteError = detail::ReuniteError<UnixStream>;

}  // namespace tokio::net::unix

namespace tokio::net {
/// tokio::net::unix's halves, nameable in GNU modes where `unix` is a macro.
using UnixReadHalf = unix::ReadHalf;
using UnixWriteHalf = unix::WriteHalf;
using UnixOwnedReadHalf = unix::OwnedReadHalf;
using UnixOwnedWriteHalf = unix::OwnedWriteHalf;
using UnixReuniteError = unix::ReuniteError;

/// Puts the halves of one UnixStream::into_split back together; gives them back in a
/// ReuniteError when they belong to different streams. Found by argument-dependent lookup
/// (`reunite(std::move(read), std::move(write))`), and also named unix::reunite.
inline Result<UnixStream, UnixReuniteError> reunite(UnixOwnedReadHalf read,
                                                    UnixOwnedWriteHalf write) {
  return detail::SplitAccess::reunite(std::move(read), std::move(write));
}

namespace unix {
using tokio::net::reunite;
}  // namespace unix
}  // namespace tokio::net

#pragma pop_macro("unix")
