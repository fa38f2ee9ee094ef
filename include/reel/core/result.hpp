// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::Result<T, E>`: a value or an error, for APIs that must not throw.
#pragma once

#include <reel/config.hpp>

#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace reel {

/// Thrown by `Result::value()` when the result holds an error: the caller chose exceptions.
template <class E>
class BadResultAccess : public std::exception {
public:
  explicit BadResultAccess(E error) : error_(std::move(error)) {}
  /// The error that was held.
  const E& error() const noexcept { return error_; }
  const char* what() const noexcept override { return "reel::Result holds an error, not a value"; }

private:
  E error_;
};

/// Thrown by `Result<T, std::error_code>::value()`: a `std::system_error` carrying the code.
template <>
class BadResultAccess<std::error_code> : public std::system_error {
public:
  explicit BadResultAccess(std::error_code ec) : std::system_error(ec) {}
  /// The error that was held.
  std::error_code error() const noexcept { return code(); }
};

/// Tag that builds a `Result` holding an error: `return reel::fail(ec);`.
template <class E>
struct Failure {
  E error;
};
/// Makes a `Failure` that converts to any `Result<T, E>`.
template <class E>
Failure<std::decay_t<E>> fail(E&& error) {
  return {std::forward<E>(error)};
}

/// Either a `T` or an `E` (default `std::error_code`). `value()` throws `BadResultAccess<E>` on error;
/// `*r` and `r->` do not check.
template <class T, class E = std::error_code>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T> && !std::is_reference_v<E>, "Result holds values, not references");

public:
  using value_type = T;
  using error_type = E;

  /// A result holding a value-initialised `T`.
  Result() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  /// A result holding `value`.
  template <class U = T>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Result> &&
             !std::is_same_v<std::remove_cvref_t<U>, Failure<E>>)
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}
  /// A result holding an error.
  template <class G>
    requires std::is_constructible_v<E, G&&>
  Result(Failure<G> f) : v_(std::in_place_index<1>, std::move(f.error)) {}

  /// True when a value is held.
  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws `BadResultAccess<E>` if an error is held.
  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  const T&& value() const&& { check(); return std::get<0>(std::move(v_)); }
  /// The value or `fallback` when an error is held.
  template <class U>
  T value_or(U&& fallback) const& { return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback)); }

  /// The error; only valid when `!has_value()`.
  E& error() & noexcept { return *std::get_if<1>(&v_); }
  const E& error() const& noexcept { return *std::get_if<1>(&v_); }
  E&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }
  const E&& error() const&& noexcept { return std::move(*std::get_if<1>(&v_)); }

  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }

private:
  void check() const {
    if (!has_value()) throw BadResultAccess<E>(*std::get_if<1>(&v_));
  }
  std::variant<T, E> v_;
};

/// Success without a value, or an `E`. `value()` throws `BadResultAccess<E>` on error.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
  using value_type = void;
  using error_type = E;

  /// A success.
  Result() = default;
  /// A result holding an error.
  template <class G>
    requires std::is_constructible_v<E, G&&>
  Result(Failure<G> f) : error_(std::in_place, std::move(f.error)) {}

  /// True on success.
  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  /// Throws `BadResultAccess<E>` if an error is held.
  void value() const {
    if (error_) throw BadResultAccess<E>(*error_);
  }
  /// The error; only valid when `!has_value()`.
  E& error() & noexcept { return *error_; }
  const E& error() const& noexcept { return *error_; }
  E&& error() && noexcept { return std::move(*error_); }
  const E&& error() const&& noexcept { return std::move(*error_); }

private:
  std::optional<E> error_;
};

}  // namespace reel
