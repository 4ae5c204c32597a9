// tokio::Result<T, E>: a value or an error, for outcomes that are part of normal control flow
// (a closed channel, a timeout, a failed join). A small subset of C++23's std::expected with the
// same names, so code can move to std::expected later.
#pragma once

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace tokio {

/// Wraps an error value for constructing a Result (like std::unexpected).
template <class E>
class Err {
 public:
  explicit Err(E error) : error_(std::move(error)) {}
  E& error() & noexcept { return error_; }
  E&& error() && noexcept { return std::move(error_); }

 private:
  E error_;
};

/// Thrown by Result::value() when the Result holds an error.
class BadResultAccess : public std::logic_error {
 public:
  BadResultAccess()
      : std::logic_error(
            "tokio::Result::value() called on a Result holding an error; check has_value() or use "
            "error()") {}
};

/// Holds either a T (success) or an E (error).
/// Errors: value() throws BadResultAccess when it holds an error; operator* and error() on the
/// wrong alternative are checked and throw std::logic_error too.
template <class T, class E>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  template <class U = T>
  requires std::is_constructible_v<T, U&&> &&
      (!std::is_same_v<std::decay_t<U>, Result>)Result(U&& value)
      : storage_(std::in_place_index<0>, std::forward<U>(value)) {}
  template <class G>
  Result(Err<G> error) : storage_(std::in_place_index<1>, std::move(error).error()) {}

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return checked_value(); }
  const T& value() const& { return const_cast<Result*>(this)->checked_value(); }
  T&& value() && { return std::move(checked_value()); }
  T& operator*() & { return checked_value(); }
  T&& operator*() && { return std::move(checked_value()); }
  T* operator->() { return &checked_value(); }

  E& error() & { return checked_error(); }
  const E& error() const& { return const_cast<Result*>(this)->checked_error(); }
  E&& error() && { return std::move(checked_error()); }

  template <class U>
  T value_or(U&& fallback) && {
    return has_value() ? std::move(std::get<0>(storage_))
                       : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  T& checked_value() {
    if (!has_value()) throw BadResultAccess();
    return std::get<0>(storage_);
  }
  E& checked_error() {
    if (has_value())
      throw std::logic_error("tokio::Result::error() called on a Result holding a value");
    return std::get<1>(storage_);
  }
  std::variant<T, E> storage_;
};

/// Result<void, E>: success carries no value.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  Result() = default;
  template <class G>
  Result(Err<G> error) : error_(std::in_place, std::move(error).error()) {}

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (!has_value()) throw BadResultAccess();
  }
  void operator*() const { value(); }
  E& error() & {
    if (has_value())
      throw std::logic_error("tokio::Result::error() called on a Result holding a value");
    return *error_;
  }
  E&& error() && { return std::move(error()); }

 private:
  std::optional<E> error_;
};

}  // namespace tokio
