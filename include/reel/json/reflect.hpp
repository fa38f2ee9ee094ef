// SPDX-License-Identifier: BSL-1.0
/// @file
/// Compile-time reflection of aggregates without macros: `field_count<T>`, `field_names<T>`,
/// `fields(t)`. Works on GCC 12+ and Clang 14+.
#pragma once

#include <reel/config.hpp>
#include <reel/json/detail/tie.hpp>
#include <reel/json/meta.hpp>

#include <array>
#include <cstddef>
#include <exception>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace reel::json {
namespace detail {

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-inline"
#pragma clang diagnostic ignored "-Wundefined-var-template"
#pragma clang diagnostic ignored "-Wundefined-internal"
#endif
/// Converts to anything: counts the initialisers an aggregate accepts. Only named in unevaluated
/// operands; it has a body because Clang wants one for types without linkage.
struct AnyInit {
  template <class U>
  [[noreturn]] operator U() const noexcept {
    std::terminate();
  }
};

template <class T, class... A>
concept brace_constructible = requires { T{std::declval<A>()...}; };

template <class T, std::size_t... I>
constexpr bool accepts(std::index_sequence<I...>) noexcept {
  return brace_constructible<T, decltype((void)I, AnyInit{})...>;
}

template <class T, std::size_t N = 0>
constexpr std::size_t count_fields() noexcept {
  if constexpr (N > max_reflected_fields) {
    return N;
  } else if constexpr (accepts<T>(std::make_index_sequence<N + 1>{})) {
    return count_fields<T, N + 1>();
  } else {
    return N;
  }
}

// A never-defined object whose members' addresses name the members in __PRETTY_FUNCTION__.
template <class T>
struct FakeHolder {
  const T value;
};
template <class T>
extern const FakeHolder<T> fake_object;

template <class T>
struct PtrBox {
  const T* ptr;
};

template <auto Box>
consteval const char* pretty_name() noexcept {
  return __PRETTY_FUNCTION__;
}

consteval bool is_ident_char(char c) noexcept {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The last identifier in the signature: the member's name on both GCC and Clang.
consteval std::string_view last_identifier(std::string_view s) noexcept {
  std::size_t e = s.size();
  while (e > 0 && !is_ident_char(s[e - 1])) --e;
  std::size_t b = e;
  while (b > 0 && is_ident_char(s[b - 1])) --b;
  return s.substr(b, e - b);
}

template <class T, std::size_t I, std::size_t N>
consteval std::string_view member_name() noexcept {
  using M = std::remove_cvref_t<decltype(std::get<I>(tie_fields<N>(fake_object<T>.value)))>;
  return last_identifier(pretty_name<PtrBox<M>{&std::get<I>(tie_fields<N>(fake_object<T>.value))}>());
}
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

template <class T, std::size_t N, std::size_t... I>
consteval std::array<std::string_view, N> member_names(std::index_sequence<I...>) noexcept {
  return {member_name<T, I, N>()...};
}

}  // namespace detail

/// Aggregates that reel reflects automatically: plain structs without base classes or C arrays.
template <class T>
concept ReflectedAggregate = std::is_aggregate_v<T> && std::is_class_v<T> && !ExplicitFields<T> &&
                             !ProxiedType<T> && std::is_default_constructible_v<T>;

/// The number of fields of aggregate `T`.
template <ReflectedAggregate T>
inline constexpr std::size_t field_count = detail::count_fields<T>();

/// The C++ names of the fields of aggregate `T`, in declaration order.
template <ReflectedAggregate T>
inline constexpr std::array<std::string_view, field_count<T>> field_names =
    detail::member_names<T, field_count<T>>(std::make_index_sequence<field_count<T>>{});

/// A tuple of references to the fields of aggregate `t`.
template <class T>
  requires ReflectedAggregate<std::remove_const_t<T>>
constexpr auto fields(T& t) noexcept {
  return detail::tie_fields<field_count<std::remove_const_t<T>>>(t);
}

}  // namespace reel::json
