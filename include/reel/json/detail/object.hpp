// SPDX-License-Identifier: BSL-1.0
/// @file
/// `ObjectInfo<T>`: the JSON keys, skipped fields and member access of a struct, from reflection
/// or from `Meta<T>::fields`; shared by the reader and the writer.
#pragma once

#include <reel/config.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/reflect.hpp>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

namespace reel::json::detail {

template <class T>
inline constexpr bool always_false_v = false;

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = true;

template <class T>
inline constexpr bool is_variant_v = false;
template <class... A>
inline constexpr bool is_variant_v<std::variant<A...>> = true;

/// `std::map` or `std::unordered_map` keyed by `std::string`.
template <class T>
concept StringMap = requires {
  typename T::key_type;
  typename T::mapped_type;
} && std::is_same_v<typename T::key_type, std::string> &&
    (std::is_same_v<T, std::map<std::string, typename T::mapped_type, typename T::key_compare, typename T::allocator_type>> ||
     std::is_same_v<T, std::unordered_map<std::string, typename T::mapped_type, typename T::hasher,
                                          typename T::key_equal, typename T::allocator_type>>);

template <class F>
struct FieldPtr;
template <auto P>
struct FieldPtr<Field<P>> {
  static constexpr auto value = P;
};

template <class T>
struct ObjectInfo;

template <class T>
constexpr std::array<std::string_view, field_count<T>> aggregate_keys() {
  constexpr auto& names = field_names<T>;
  std::array<std::string_view, field_count<T>> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = names[i];
    if constexpr (requires { Meta<T>::rename; }) {
      for (const auto& r : Meta<T>::rename) {
        if (r.field == names[i]) out[i] = r.key;
      }
    }
  }
  return out;
}

template <class T>
constexpr std::array<bool, field_count<T>> aggregate_skipped() {
  constexpr auto& names = field_names<T>;
  std::array<bool, field_count<T>> out{};
  if constexpr (requires { Meta<T>::skip; }) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      for (std::string_view s : Meta<T>::skip) {
        if (s == names[i]) out[i] = true;
      }
    }
  }
  return out;
}

template <class T>
constexpr bool aggregate_customizations_valid() {
  constexpr auto& names = field_names<T>;
  auto known = [&](std::string_view n) {
    for (auto f : names) {
      if (f == n) return true;
    }
    return false;
  };
  if constexpr (requires { Meta<T>::rename; }) {
    for (const auto& r : Meta<T>::rename) {
      if (!known(r.field)) return false;
    }
  }
  if constexpr (requires { Meta<T>::skip; }) {
    for (std::string_view s : Meta<T>::skip) {
      if (!known(s)) return false;
    }
  }
  return true;
}

/// Keys and access for reflected aggregates, with `Meta<T>::rename` and `Meta<T>::skip` applied.
template <ReflectedAggregate T>
struct ObjectInfo<T> {
  static constexpr std::size_t size = field_count<T>;
  static_assert(aggregate_customizations_valid<T>(),
                "reel::json::Meta<T>::rename or ::skip names a field that T does not have");

  static constexpr std::array<std::string_view, size> keys = aggregate_keys<T>();
  static constexpr std::array<bool, size> skipped = aggregate_skipped<T>();

  template <std::size_t I>
  static constexpr auto& get(T& t) noexcept {
    return std::get<I>(fields(t));
  }
  template <std::size_t I>
  static constexpr const auto& get(const T& t) noexcept {
    return std::get<I>(fields(t));
  }
};

/// Keys and access for classes that list their members in `Meta<T>::fields`.
template <ExplicitFields T>
struct ObjectInfo<T> {
  using List = std::remove_cvref_t<decltype(Meta<T>::fields)>;
  static constexpr std::size_t size = std::tuple_size_v<List>;

  static constexpr std::array<std::string_view, size> keys =
      []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<std::string_view, size>{std::get<I>(Meta<T>::fields).key...};
      }(std::make_index_sequence<size>{});
  static constexpr std::array<bool, size> skipped{};

  template <std::size_t I>
  static constexpr auto& get(T& t) noexcept {
    return t.*FieldPtr<std::tuple_element_t<I, List>>::value;
  }
  template <std::size_t I>
  static constexpr const auto& get(const T& t) noexcept {
    return t.*FieldPtr<std::tuple_element_t<I, List>>::value;
  }
};

template <class T>
concept ObjectLike = requires { ObjectInfo<T>::size; };

/// True when no two fields of `Info` share a JSON key.
template <class Info>
consteval bool keys_unique() {
  for (std::size_t i = 0; i < Info::size; ++i) {
    for (std::size_t j = i + 1; j < Info::size; ++j) {
      if (!Info::skipped[i] && !Info::skipped[j] && Info::keys[i] == Info::keys[j]) return false;
    }
  }
  return true;
}

/// `T` says unknown keys are errors.
template <class T>
constexpr bool rejects_unknown_keys() {
  if constexpr (requires { Meta<T>::reject_unknown_keys; }) {
    return Meta<T>::reject_unknown_keys;
  } else {
    return false;
  }
}

/// `T` says absent keys keep the member's current value instead of being an error.
template <class T>
constexpr bool keeps_defaults() {
  if constexpr (requires { Meta<T>::keep_defaults; }) {
    return Meta<T>::keep_defaults;
  } else {
    return false;
  }
}

}  // namespace reel::json::detail
