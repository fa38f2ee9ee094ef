// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::json::write`: compact JSON from C++ values, with correct escaping, shortest
/// round-trip doubles, and empty optional fields omitted.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/json/detail/chars.hpp>
#include <reel/json/detail/object.hpp>
#include <reel/json/detail/parser.hpp>
#include <reel/json/error.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/value.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace reel::json {
namespace detail {

/// The writer's output and the first error it met, with the path to the offending value.
class Writer : public ErrorTrail {
public:
  explicit Writer(std::string& o) noexcept : out(o) {}
  std::string& out;

  bool fail(Errc code, std::string detail) { return ErrorTrail::fail(make_error_code(code), nullptr, std::move(detail)); }
  Error error() const { return trail_error(); }
};

inline constexpr char hex_digits[] = "0123456789abcdef";

/// Writes `s` as a JSON string; fails on invalid UTF-8.
inline bool write_escaped(Writer& w, std::string_view s) {
  std::string& out = w.out;
  out.push_back('"');
  const char* p = s.data();
  const char* const end = p + s.size();
  for (;;) {
    const char* run = p;
    p = find_string_special(p, end);
    if (p > run) out.append(run, static_cast<std::size_t>(p - run));
    if (p >= end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(p),
                                                 reinterpret_cast<const unsigned char*>(end));
      if (n == 0) {
        return w.fail(Errc::not_representable,
                      "invalid UTF-8 at byte " + std::to_string(static_cast<std::size_t>(p - s.data())) + " of a string");
      }
      out.append(p, n);
      p += n;
      continue;
    }
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      default: {
        const char u[5] = {'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
        out.append(u, 5);
      }
    }
    ++p;
  }
  out.push_back('"');
  return true;
}

/// True when `key` needs no escaping, so it can be copied between quotes.
constexpr bool plain_key(std::string_view key) noexcept {
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return false;
  }
  return true;
}

template <class T>
bool write_value(Writer& w, const T& v);

// `,"key":` for member I, built at compile time (plain keys only).
template <class Info, std::size_t I>
struct KeyChunk {
  static constexpr std::string_view key = Info::keys[I];
  static constexpr std::array<char, key.size() + 4> make() {
    std::array<char, key.size() + 4> a{};
    a[0] = ',';
    a[1] = '"';
    for (std::size_t i = 0; i < key.size(); ++i) a[i + 2] = key[i];
    a[key.size() + 2] = '"';
    a[key.size() + 3] = ':';
    return a;
  }
  static constexpr std::array<char, key.size() + 4> text = make();
};

/// Writes member I's key and colon, preceded by a comma unless it is the first member written.
template <class Info, std::size_t I>
REEL_ALWAYS_INLINE void write_key(Writer& w, bool first) {
  constexpr std::string_view key = Info::keys[I];
  if constexpr (plain_key(key)) {
    const auto& chunk = KeyChunk<Info, I>::text;
    const std::size_t skip = first ? 1 : 0;
    w.out.append(chunk.data() + skip, chunk.size() - skip);
  } else {
    if (!first) w.out.push_back(',');
    write_escaped(w, key);
    w.out.push_back(':');
  }
}

template <class T>
bool write_object(Writer& w, const T& v) {
  using Info = ObjectInfo<T>;
  static_assert(keys_unique<Info>(), "reel::json: two fields of this type map to the same JSON key");
  w.out.push_back('{');
  bool first = true;
  bool ok = true;
  auto member = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    if constexpr (!Info::skipped[I]) {
      if (!ok) return;
      const auto& f = Info::template get<I>(v);
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(f)>>) {
        if (!f.has_value()) return;
      }
      write_key<Info, I>(w, first);
      first = false;
      if (!write_value(w, f)) {
        w.unwind_key(Info::keys[I]);
        ok = false;
      }
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (member(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<Info::size>{});
  w.out.push_back('}');
  return ok;
}

inline bool write_generic(Writer& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::null: w.out.append("null", 4); return true;
    case Value::Kind::boolean: return write_value(w, *v.if_bool());
    case Value::Kind::number: {
      const std::string& t = v.if_number()->text;
      const NumberShape shape = scan_number(t.data(), t.data() + t.size());
      if (shape.end != t.data() + t.size()) return w.fail(Errc::not_representable, "\"" + t.substr(0, 32) + "\" is not a JSON number");
      w.out += t;
      return true;
    }
    case Value::Kind::string: return write_escaped(w, *v.if_string());
    case Value::Kind::array: return write_value(w, *v.if_array());
    case Value::Kind::object: {
      w.out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : *v.if_object()) {
        if (!first) w.out.push_back(',');
        first = false;
        if (!write_escaped(w, key)) return false;
        w.out.push_back(':');
        if (!write_generic(w, member)) {
          w.unwind_key(key);
          return false;
        }
      }
      w.out.push_back('}');
      return true;
    }
  }
  return false;
}

/// Appends `v` to the writer's output.
template <class T>
bool write_value(Writer& w, const T& v) {
  if constexpr (ProxiedType<T>) {
    const typename Meta<T>::proxy proxy = Meta<T>::to_json(v);
    return write_value(w, proxy);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v) {
      w.out.append("true", 4);
    } else {
      w.out.append("false", 5);
    }
    return true;
  } else if constexpr (std::is_enum_v<T>) {
    static_assert(NamedEnum<T>, "reel::json: enums need a name table: specialise reel::json::Meta<E> with "
                                "`static constexpr auto names = reel::json::enum_names<E>({...});`");
    for (const auto& entry : Meta<T>::names) {
      if (entry.value == v) return write_escaped(w, entry.name);
    }
    return w.fail(Errc::not_representable,
                  "enum value " + std::to_string(static_cast<std::underlying_type_t<T>>(v)) + " has no name");
  } else if constexpr (std::is_integral_v<T>) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    w.out.append(buf, r.ptr);
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(v)) return w.fail(Errc::not_representable, "NaN and infinity have no JSON form");
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    w.out.append(buf, r.ptr);
    return true;
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    return write_escaped(w, v);
  } else if constexpr (std::is_same_v<T, const char*>) {
    return write_escaped(w, std::string_view(v));
  } else if constexpr (is_optional_v<T>) {
    if (!v.has_value()) {
      w.out.append("null", 4);
      return true;
    }
    return write_value(w, *v);
  } else if constexpr (std::is_same_v<T, std::nullptr_t> || std::is_same_v<T, std::monostate>) {
    w.out.append("null", 4);
    return true;
  } else if constexpr (std::is_same_v<T, Value>) {
    return write_generic(w, v);
  } else if constexpr (std::is_same_v<T, RawJson>) {
    const ReadOptions options;
    Parser p(v.text, options);
    if (!p.skip_value() || (p.skip_ws(), p.cur != p.end)) {
      return w.fail(Errc::not_representable, "RawJson does not hold exactly one JSON value");
    }
    w.out += v.text;
    return true;
  } else if constexpr (is_variant_v<T>) {
    return std::visit([&](const auto& alt) { return write_value(w, alt); }, v);
  } else if constexpr (is_vector_v<T>) {
    w.out.push_back('[');
    std::size_t i = 0;
    for (const auto& e : v) {
      if (i != 0) w.out.push_back(',');
      if (!write_value(w, static_cast<const typename T::value_type&>(e))) {
        w.unwind_index(i);
        return false;
      }
      ++i;
    }
    w.out.push_back(']');
    return true;
  } else if constexpr (StringMap<T>) {
    w.out.push_back('{');
    bool first = true;
    for (const auto& [key, member] : v) {
      if (!first) w.out.push_back(',');
      first = false;
      if (!write_escaped(w, key)) return false;
      w.out.push_back(':');
      if (!write_value(w, member)) {
        w.unwind_key(key);
        return false;
      }
    }
    w.out.push_back('}');
    return true;
  } else if constexpr (ObjectLike<T>) {
    return write_object(w, v);
  } else {
    static_assert(always_false_v<T>,
                  "reel::json cannot write this type: use a plain aggregate struct, a supported standard type, "
                  "or specialise reel::json::Meta<T> (fields, proxy)");
    return false;
  }
}

}  // namespace detail

/// Appends `value` as compact JSON to `out`. On failure (NaN, infinity, invalid UTF-8, an enum
/// value without a name) `out` is restored and the error names the path of the offending value.
template <class T>
[[nodiscard]] Error write(const T& value, std::string& out) {
  const std::size_t before = out.size();
  detail::Writer w(out);
  if (!detail::write_value(w, value)) {
    out.resize(before);
    return w.error();
  }
  return {};
}

/// Returns `value` as compact JSON.
template <class T>
Result<std::string, Error> write_string(const T& value) {
  std::string out;
  if (Error e = write(value, out)) return fail(std::move(e));
  return out;
}

}  // namespace reel::json
