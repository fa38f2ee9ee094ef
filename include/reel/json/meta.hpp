// SPDX-License-Identifier: BSL-1.0
/// @file
/// Customization points of reel's JSON mapping: specialise `reel::json::Meta<T>`.
///
/// | `Meta<T>` member | for | effect |
/// |---|---|---|
/// | `static constexpr auto rename = renames({{"cpp_name", "json-key"}, ...});` | aggregates | other JSON keys |
/// | `static constexpr auto skip = field_list({"cache_", ...});` | aggregates | fields never read or written |
/// | `static constexpr auto fields = std::tuple{field<&T::a>("a"), ...};` | any class | explicit members, for non-aggregates |
/// | `static constexpr auto names = enum_names<E>({{E::a, "a"}, ...});` | enums | the string of each value |
/// | `static constexpr E unknown = E::other;` | enums | unknown strings read as `other`, not an error |
/// | `using proxy = P; static P to_json(const T&); static std::error_code from_json(P&&, T&);` | any type | maps through `P` |
/// | `static constexpr bool reject_unknown_keys = true;` | objects | unknown keys are an error |
/// | `static constexpr bool keep_defaults = true;` | objects | absent keys keep the member's value (its default) instead of failing |
#pragma once

#include <reel/config.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace reel::json {

/// Specialise to customise how `T` maps to JSON; the primary template means "use the defaults".
template <class T>
struct Meta {};

/// One renamed key: the C++ member name and the JSON key used for it.
struct Rename {
  std::string_view field;
  std::string_view key;
};

/// An enum value and its JSON string.
template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

/// Builds the `rename` table of a `Meta`: `renames({{"cpp", "json"}, ...})`.
template <std::size_t N>
consteval std::array<Rename, N> renames(const Rename (&list)[N]) {
  std::array<Rename, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = list[i];
  return out;
}

/// Builds a list of C++ member names (for `skip`): `field_list({"a", "b"})`.
template <std::size_t N>
consteval std::array<std::string_view, N> field_list(const std::string_view (&list)[N]) {
  std::array<std::string_view, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = list[i];
  return out;
}

/// Builds the `names` table of an enum's `Meta`: `enum_names<E>({{E::a, "a"}, ...})`.
template <class E, std::size_t N>
  requires std::is_enum_v<E>
consteval std::array<EnumName<E>, N> enum_names(const EnumName<E> (&list)[N]) {
  std::array<EnumName<E>, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = list[i];
  return out;
}

/// One explicitly listed member of a class: its pointer to member and its JSON key.
template <auto MemberPtr>
struct Field {
  std::string_view key;
};
/// Lists a member in `Meta<T>::fields`: `field<&T::x>("x")`.
template <auto MemberPtr>
  requires std::is_member_object_pointer_v<decltype(MemberPtr)>
consteval Field<MemberPtr> field(std::string_view key) {
  return Field<MemberPtr>{key};
}

namespace detail {
template <class T>
using meta_of = Meta<std::remove_cvref_t<T>>;
}  // namespace detail

/// `T` has an enum name table in its `Meta`.
template <class T>
concept NamedEnum = std::is_enum_v<T> && requires { detail::meta_of<T>::names; };

/// `T` maps through a proxy type declared in its `Meta`.
template <class T>
concept ProxiedType = requires(const T& t, typename detail::meta_of<T>::proxy p, T& out) {
  { detail::meta_of<T>::to_json(t) } -> std::convertible_to<typename detail::meta_of<T>::proxy>;
  { detail::meta_of<T>::from_json(std::move(p), out) } -> std::same_as<std::error_code>;
};

/// `T` lists its members explicitly in its `Meta`.
template <class T>
concept ExplicitFields = requires { detail::meta_of<T>::fields; };

}  // namespace reel::json
