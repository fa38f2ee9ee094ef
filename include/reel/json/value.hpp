// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::json::Value`, a generic JSON value for fields whose shape varies, and
/// `reel::json::RawJson`, which keeps a value's exact text.
#pragma once

#include <reel/config.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace reel::json {

/// A JSON number kept as its text, so nothing is lost until it is converted.
struct Number {
  std::string text;  ///< JSON number syntax, e.g. "-12.5e3"

  /// The value as a signed integer, if it is an integer that fits.
  std::optional<std::int64_t> to_int64() const noexcept {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
    return v;
  }
  /// The value as an unsigned integer, if it is a non-negative integer that fits.
  std::optional<std::uint64_t> to_uint64() const noexcept {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
    return v;
  }
  /// The value as the nearest double, if it is finite in double range.
  std::optional<double> to_double() const noexcept {
    double v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
    return v;
  }
  friend bool operator==(const Number&, const Number&) = default;
};

class Value;
/// A JSON array.
using Array = std::vector<Value>;
/// A JSON object: members in document order (duplicates kept as they came).
using Object = std::vector<std::pair<std::string, Value>>;

/// Any JSON value. Numbers keep their text (`Number`); equality is structural and compares
/// numbers by text.
class Value {
public:
  /// The kind of value held.
  enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}
  Value(bool b) noexcept : v_(b) {}
  Value(Number n) : v_(std::move(n)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}
  /// A number from an integer or floating-point value (shortest round-trip text).
  template <class N>
    requires(std::is_arithmetic_v<N> && !std::is_same_v<N, bool> && !std::is_same_v<N, char>)
  Value(N n) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    v_ = Number{std::string(buf, r.ptr)};
  }

  /// The kind of value held.
  Kind kind() const noexcept { return static_cast<Kind>(v_.index()); }
  bool is_null() const noexcept { return kind() == Kind::null; }
  bool is_bool() const noexcept { return kind() == Kind::boolean; }
  bool is_number() const noexcept { return kind() == Kind::number; }
  bool is_string() const noexcept { return kind() == Kind::string; }
  bool is_array() const noexcept { return kind() == Kind::array; }
  bool is_object() const noexcept { return kind() == Kind::object; }

  /// Pointers to the held alternative, or nullptr when another kind is held.
  const bool* if_bool() const noexcept { return std::get_if<bool>(&v_); }
  const Number* if_number() const noexcept { return std::get_if<Number>(&v_); }
  const std::string* if_string() const noexcept { return std::get_if<std::string>(&v_); }
  const Array* if_array() const noexcept { return std::get_if<Array>(&v_); }
  const Object* if_object() const noexcept { return std::get_if<Object>(&v_); }
  bool* if_bool() noexcept { return std::get_if<bool>(&v_); }
  Number* if_number() noexcept { return std::get_if<Number>(&v_); }
  std::string* if_string() noexcept { return std::get_if<std::string>(&v_); }
  Array* if_array() noexcept { return std::get_if<Array>(&v_); }
  Object* if_object() noexcept { return std::get_if<Object>(&v_); }

  /// The member named `key` of an object (the last one if repeated), or nullptr.
  const Value* find(std::string_view key) const noexcept {
    const Object* o = if_object();
    if (o == nullptr) return nullptr;
    for (auto it = o->rbegin(); it != o->rend(); ++it) {
      if (it->first == key) return &it->second;
    }
    return nullptr;
  }
  /// The string held, or nullptr; shorthand for `find(key)` then `if_string()`.
  const std::string* find_string(std::string_view key) const noexcept {
    const Value* v = find(key);
    return v != nullptr ? v->if_string() : nullptr;
  }

  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

private:
  std::variant<std::nullptr_t, bool, Number, std::string, Array, Object> v_;
};

/// The exact text of one JSON value, validated when read and when written.
struct RawJson {
  std::string text;
  friend bool operator==(const RawJson&, const RawJson&) = default;
};

}  // namespace reel::json
