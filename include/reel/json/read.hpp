// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::json::read`: parse JSON straight into C++ values in one pass, with no DOM.
///
/// Supported targets: `bool`, integers (exact, range-checked), `float`/`double`, `std::string`,
/// enums with `Meta<E>::names`, `std::optional` (absent or null), `std::vector`, string-keyed
/// `std::map`/`std::unordered_map`, `std::variant` (the first alternative that accepts the JSON
/// kind), `Value`, `RawJson`, reflected aggregates, and any type customised through `Meta<T>`.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/json/detail/object.hpp>
#include <reel/json/detail/parser.hpp>
#include <reel/json/error.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/options.hpp>
#include <reel/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace reel::json {
namespace detail {

template <class T>
bool read_value(Parser& p, T& v);

/// Which JSON kinds (by first character class) a target type accepts; used to pick a variant alternative.
enum class Kind { null, boolean, number, string, array, object };

template <class T>
constexpr bool accepts_kind(Kind k) noexcept {
  using U = std::remove_cvref_t<T>;
  if constexpr (ProxiedType<U>) {
    return accepts_kind<typename Meta<U>::proxy>(k);
  } else if constexpr (std::is_same_v<U, Value> || std::is_same_v<U, RawJson>) {
    return true;
  } else if constexpr (std::is_same_v<U, bool>) {
    return k == Kind::boolean;
  } else if constexpr (std::is_arithmetic_v<U>) {
    return k == Kind::number;
  } else if constexpr (std::is_same_v<U, std::string> || NamedEnum<U>) {
    return k == Kind::string;
  } else if constexpr (is_optional_v<U>) {
    return k == Kind::null || accepts_kind<typename U::value_type>(k);
  } else if constexpr (std::is_same_v<U, std::nullptr_t> || std::is_same_v<U, std::monostate>) {
    return k == Kind::null;
  } else if constexpr (is_vector_v<U>) {
    return k == Kind::array;
  } else if constexpr (is_variant_v<U>) {
    return []<class... A>(std::type_identity<std::variant<A...>>, Kind kk) {
      return (accepts_kind<A>(kk) || ...);
    }(std::type_identity<U>{}, k);
  } else {
    return k == Kind::object;
  }
}

inline bool kind_at(const Parser& p, Kind& k) noexcept {
  switch (*p.cur) {
    case '{': k = Kind::object; return true;
    case '[': k = Kind::array; return true;
    case '"': k = Kind::string; return true;
    case 't': case 'f': k = Kind::boolean; return true;
    case 'n': k = Kind::null; return true;
    default:
      k = Kind::number;
      return *p.cur == '-' || is_digit(*p.cur);
  }
}

template <class... A>
bool read_variant(Parser& p, std::variant<A...>& v) {
  Kind k{};
  if (!kind_at(p, k)) return p.expected("a value");
  bool done = false;
  bool ok = false;
  auto attempt = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using Alt = std::variant_alternative_t<I, std::variant<A...>>;
    if (done || !accepts_kind<Alt>(k)) return;
    done = true;
    ok = read_value(p, v.template emplace<I>());
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (attempt(std::integral_constant<std::size_t, I>{}), ...);
  }(std::index_sequence_for<A...>{});
  return done ? ok : p.mismatch("a value matching one of the variant's types");
}

template <NamedEnum E>
bool read_enum(Parser& p, E& v) {
  if (*p.cur != '"') return p.mismatch("a string");
  const char* start = p.cur;
  std::string_view s;
  if (!p.parse_string_view(s)) return false;
  for (const auto& entry : Meta<E>::names) {
    if (entry.name == s) {
      v = entry.value;
      return true;
    }
  }
  if constexpr (requires { Meta<E>::unknown; }) {
    v = Meta<E>::unknown;
    return true;
  } else {
    std::string shown(s.substr(0, 64));
    return p.fail(Errc::unknown_enum_value, start, "\"" + shown + (s.size() > 64 ? "...\"" : "\""));
  }
}

template <class V>
bool read_array(Parser& p, V& v) {
  if (*p.cur != '[') return p.mismatch("an array");
  if (!p.enter()) return false;
  ++p.cur;
  v.clear();
  if (!p.skip_ws_more()) return false;
  if (*p.cur == ']') {
    ++p.cur;
    p.leave();
    return true;
  }
  using E = typename V::value_type;
  for (std::size_t i = 0;; ++i) {
    bool ok;
    if constexpr (std::is_same_v<E, bool>) {
      bool b = false;
      ok = read_value(p, b);
      v.push_back(b);
    } else {
      ok = read_value(p, v.emplace_back());
    }
    if (!ok) {
      p.unwind_index(i);
      return false;
    }
    if (!p.skip_ws_more()) return false;
    if (*p.cur == ',') {
      ++p.cur;
      if (!p.skip_ws_more()) return false;
      continue;
    }
    if (*p.cur == ']') {
      ++p.cur;
      p.leave();
      return true;
    }
    return p.expected("',' or ']'");
  }
}

/// Reads `{` ... `}` calling `on_member(key)` with the cursor at each member's value.
template <class OnMember>
bool read_members(Parser& p, OnMember&& on_member) {
  if (*p.cur != '{') return p.mismatch("an object");
  if (!p.enter()) return false;
  ++p.cur;
  if (!p.skip_ws_more()) return false;
  if (*p.cur == '}') {
    ++p.cur;
    p.leave();
    return true;
  }
  for (;;) {
    if (*p.cur != '"') return p.expected("a string key");
    std::string_view key;
    if (!p.parse_string_view(key)) return false;
    if (!p.skip_ws_more()) return false;
    if (*p.cur != ':') return p.expected("':'");
    ++p.cur;
    if (!p.skip_ws_more()) return false;
    if (!on_member(key)) return false;
    if (!p.skip_ws_more()) return false;
    if (*p.cur == ',') {
      ++p.cur;
      if (!p.skip_ws_more()) return false;
      continue;
    }
    if (*p.cur == '}') {
      ++p.cur;
      p.leave();
      return true;
    }
    return p.expected("',' or '}'");
  }
}

template <class M>
bool read_map(Parser& p, M& m) {
  m.clear();
  return read_members(p, [&](std::string_view key) {
    std::string k(key);
    typename M::mapped_type value{};
    if (!read_value(p, value)) {
      p.unwind_key(k);
      return false;
    }
    m.insert_or_assign(std::move(k), std::move(value));
    return true;
  });
}

// Compares with each key at its compile-time length, so the compiler inlines every comparison.
template <class Info, std::size_t I>
REEL_ALWAYS_INLINE bool key_is(std::string_view key) noexcept {
  constexpr std::string_view k = Info::keys[I];
  return !Info::skipped[I] && key.size() == k.size() && std::memcmp(key.data(), k.data(), k.size()) == 0;
}

template <class Info, std::size_t... I>
REEL_ALWAYS_INLINE std::size_t find_key(std::string_view key, std::size_t hint, std::index_sequence<I...>) noexcept {
  std::size_t found = Info::size;
  // The expected next member first: providers usually send fields in declaration order.
  (void)(((hint == I && key_is<Info, I>(key)) ? (found = I, true) : false) || ...);
  if (found == Info::size) (void)((key_is<Info, I>(key) ? (found = I, true) : false) || ...);
  return found;
}

template <class Info, class T, std::size_t... I>
REEL_ALWAYS_INLINE bool read_field(Parser& p, T& v, std::size_t idx, std::index_sequence<I...>) {
  bool ok = false;
  (void)((idx == I ? (ok = [&] {
    if constexpr (Info::skipped[I]) {  // never matched; skipped members need not be readable
      return true;
    } else {
      return read_value(p, Info::template get<I>(v));
    }
  }(), true) : false) || ...);
  return ok;
}

template <class Info, class T, std::size_t... I>
bool finish_object(Parser& p, T& v, const std::array<bool, Info::size>& seen, std::index_sequence<I...>) {
  bool ok = true;
  auto check = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
    if (!ok || seen[J] || Info::skipped[J]) return;
    using F = std::remove_cvref_t<decltype(Info::template get<J>(v))>;
    if constexpr (keeps_defaults<T>()) {
      // Absent: the member keeps the value it had (its default initialiser).
    } else if constexpr (is_optional_v<F>) {
      Info::template get<J>(v).reset();
    } else {
      ok = p.fail(Errc::missing_field, p.cur - 1, "field \"" + std::string(Info::keys[J]) + "\"");
      p.unwind_key(Info::keys[J]);
    }
  };
  (check(std::integral_constant<std::size_t, I>{}), ...);
  return ok;
}

template <class T>
bool read_object(Parser& p, T& v) {
  using Info = ObjectInfo<T>;
  static_assert(keys_unique<Info>(), "reel::json: two fields of this type map to the same JSON key");
  constexpr auto indices = std::make_index_sequence<Info::size>{};
  std::array<bool, Info::size> seen{};
  std::size_t hint = 0;
  const bool ok = read_members(p, [&](std::string_view key) {
    const std::size_t idx = find_key<Info>(key, hint, indices);
    if (idx < Info::size) {
      if (REEL_UNLIKELY(seen[idx] && p.opts.reject_duplicate_keys)) {
        p.fail(Errc::duplicate_key, p.cur, "field \"" + std::string(Info::keys[idx]) + "\"");
        p.unwind_key(Info::keys[idx]);
        return false;
      }
      if (!read_field<Info>(p, v, idx, indices)) {
        p.unwind_key(Info::keys[idx]);
        return false;
      }
      seen[idx] = true;
      hint = idx + 1;
      return true;
    }
    if (p.opts.reject_unknown_keys || rejects_unknown_keys<T>()) {
      p.fail(Errc::unknown_field, p.cur, "key \"" + std::string(key.substr(0, 64)) + "\"");
      p.unwind_key(key);
      return false;
    }
    if (!p.skip_value()) {
      p.unwind_key(key);
      return false;
    }
    return true;
  });
  return ok && finish_object<Info>(p, v, seen, indices);
}

inline bool read_generic(Parser& p, Value& v);

inline bool read_generic_array(Parser& p, Value& v) {
  Array a;
  if (!read_array(p, a)) return false;
  v = std::move(a);
  return true;
}

inline bool read_generic_object(Parser& p, Value& v) {
  Object o;
  const bool ok = read_members(p, [&](std::string_view key) {
    std::string k(key);
    Value member;
    if (!read_generic(p, member)) {
      p.unwind_key(k);
      return false;
    }
    o.emplace_back(std::move(k), std::move(member));
    return true;
  });
  if (ok) v = std::move(o);
  return ok;
}

inline bool read_generic(Parser& p, Value& v) {
  switch (*p.cur) {
    case '{': return read_generic_object(p, v);
    case '[': return read_generic_array(p, v);
    case '"': {
      std::string s;
      if (!p.parse_string(s)) return false;
      v = std::move(s);
      return true;
    }
    case 't':
      if (!p.literal("true")) return false;
      v = true;
      return true;
    case 'f':
      if (!p.literal("false")) return false;
      v = false;
      return true;
    case 'n':
      if (!p.literal("null")) return false;
      v = nullptr;
      return true;
    default: {
      if (*p.cur != '-' && !is_digit(*p.cur)) return p.expected("a value");
      NumberShape shape;
      const char* start = p.cur;
      if (!p.scan(shape)) return false;
      p.cur = shape.end;
      v = Number{std::string(start, shape.end)};
      return true;
    }
  }
}

/// Reads the value at the cursor (already past white space, not at the end) into `v`.
template <class T>
bool read_value(Parser& p, T& v) {
  if constexpr (ProxiedType<T>) {
    typename Meta<T>::proxy proxy{};
    const char* start = p.cur;
    if (!read_value(p, proxy)) return false;
    if (std::error_code ec = Meta<T>::from_json(std::move(proxy), v)) return p.fail(ec, start);
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (*p.cur == 't') {
      if (!p.literal("true")) return false;
      v = true;
      return true;
    }
    if (*p.cur == 'f') {
      if (!p.literal("false")) return false;
      v = false;
      return true;
    }
    return p.mismatch("a boolean");
  } else if constexpr (std::is_enum_v<T>) {
    static_assert(NamedEnum<T>, "reel::json: enums need a name table: specialise reel::json::Meta<E> with "
                                "`static constexpr auto names = reel::json::enum_names<E>({...});`");
    return read_enum(p, v);
  } else if constexpr (std::is_same_v<T, char> || std::is_same_v<T, wchar_t> || std::is_same_v<T, char8_t> ||
                       std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>) {
    static_assert(always_false_v<T>, "reel::json: character types are ambiguous; use std::string or an integer type");
  } else if constexpr (std::is_integral_v<T>) {
    return p.parse_integer(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return p.parse_float(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (*p.cur != '"') return p.mismatch("a string");
    v.clear();
    return p.parse_string(v);
  } else if constexpr (is_optional_v<T>) {
    if (*p.cur == 'n') {
      v.reset();
      return p.literal("null");
    }
    if (!v) v.emplace();
    return read_value(p, *v);
  } else if constexpr (std::is_same_v<T, std::nullptr_t> || std::is_same_v<T, std::monostate>) {
    if (*p.cur != 'n') return p.mismatch("null");
    return p.literal("null");
  } else if constexpr (std::is_same_v<T, Value>) {
    return read_generic(p, v);
  } else if constexpr (std::is_same_v<T, RawJson>) {
    const char* start = p.cur;
    if (!p.skip_value()) return false;
    v.text.assign(start, p.cur);
    return true;
  } else if constexpr (is_variant_v<T>) {
    return read_variant(p, v);
  } else if constexpr (is_vector_v<T>) {
    return read_array(p, v);
  } else if constexpr (StringMap<T>) {
    return read_map(p, v);
  } else if constexpr (ObjectLike<T>) {
    return read_object(p, v);
  } else {
    static_assert(always_false_v<T>,
                  "reel::json cannot read this type: use a plain aggregate struct, a supported standard type, "
                  "or specialise reel::json::Meta<T> (fields, proxy)");
    return false;
  }
}

}  // namespace detail

/// Reads `input` into `out`. Returns an empty `Error` on success; on failure the error holds the
/// code, position, JSON Pointer path and an excerpt, and `out` is left partly assigned.
template <class T>
[[nodiscard]] Error read(std::string_view input, T& out, const ReadOptions& options = {}) {
  if (input.size() > options.max_input_size) {
    Error e;
    e.code = make_error_code(Errc::input_too_large);
    e.detail = std::to_string(input.size()) + " bytes, limit " + std::to_string(options.max_input_size);
    return e;
  }
  detail::Parser p(input, options);
  p.skip_ws();
  if (p.cur >= p.end) {
    p.fail(Errc::unexpected_end, p.cur, "empty input");
    return p.error();
  }
  if (!detail::read_value(p, out)) return p.error();
  p.skip_ws();
  if (p.cur != p.end) {
    p.fail(Errc::trailing_content, p.cur);
    return p.error();
  }
  return {};
}

/// Reads `input` as a new `T`: `auto r = reel::json::read_as<Status>(body); if (!r) ... r.error().message()`.
template <class T>
  requires std::is_default_constructible_v<T>
Result<T, Error> read_as(std::string_view input, const ReadOptions& options = {}) {
  T value{};
  if (Error e = read(input, value, options)) return fail(std::move(e));
  return value;
}

}  // namespace reel::json
