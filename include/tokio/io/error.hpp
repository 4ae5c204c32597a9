// tokio::io::Errc: the I/O error kinds that the io utilities report themselves (as opposed to
// errors from the operating system, which keep their std::system_category code).
//
//   try { co_await tokio::io::read_exact(stream, header); }
//   catch (const std::system_error& e) {
//     if (e.code() == tokio::io::Errc::unexpected_eof) { /* peer closed mid-message */ }
//   }
#pragma once

#include <string>
#include <system_error>
#include <type_traits>

namespace tokio::io {

/// Error kinds raised by tokio-cpp's io utilities, as Rust's io::ErrorKind values of the same
/// name. Thrown inside a std::system_error whose code() compares equal to the enumerator.
enum class Errc {
  /// The stream ended before the operation got all the bytes it needs (read_exact,
  /// read_u32...): Rust's ErrorKind::UnexpectedEof.
  unexpected_eof = 1,
  /// A write gave 0 for a non-empty buffer, so the sink will take no more bytes (write_all,
  /// BufWriter's flush, copy): Rust's ErrorKind::WriteZero.
  write_zero = 2,
};

}  // namespace tokio::io

namespace tokio::detail {
class IoErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "tokio.io"; }
  std::string message(int value) const override {
    switch (static_cast<io::Errc>(value)) {
      case io::Errc::unexpected_eof:
        return "unexpected end of file";
      case io::Errc::write_zero:
        return "write returned zero bytes: the sink takes no more";
    }
    return "unknown tokio.io error";
  }
};
}  // namespace tokio::detail

namespace tokio::io {

/// The category of Errc codes (one object for the whole program).
inline const std::error_category& io_category() noexcept {
  static const detail::IoErrorCategory category;
  return category;
}

/// Makes `e` a std::error_code of io_category() (found by ADL: `std::error_code c =
/// Errc::unexpected_eof;` works).
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), io_category()};
}

}  // namespace tokio::io

template <>
struct std::is_error_code_enum<tokio::io::Errc> : std::true_type {};
