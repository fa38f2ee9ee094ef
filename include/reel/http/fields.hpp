// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::Fields`: an ordered list of HTTP header fields with case-insensitive names, and
/// the RFC 9110 syntax checks `is_token` and `is_field_value`.
#pragma once

#include <reel/config.hpp>
#include <reel/http/detail/chars.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::http {

/// True when `s` is an RFC 9110 token (one or more tchar): valid as a method or header name.
constexpr bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), detail::is_tchar);
}

/// True when `s` may be sent as a header value: only HTAB, SP, VCHAR and obs-text, so no CR, LF,
/// NUL or other control character (which would allow header injection).
constexpr bool is_field_value(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), detail::is_field_char);
}

/// One header field as received or to be sent.
struct Field {
  std::string name;   ///< as written; compared case-insensitively
  std::string value;  ///< without leading and trailing white space

  /// Equal when name (exactly) and value are equal.
  friend bool operator==(const Field&, const Field&) = default;
};

/// An ordered list of header fields. Names compare ASCII case-insensitively; order and repeated
/// names are kept. It stores what it is given: `write_request_head` validates before sending.
class Fields {
public:
  /// Iterator over the fields, in order.
  using const_iterator = std::vector<Field>::const_iterator;

  /// Appends a field, keeping any others with the same name.
  void add(std::string_view name, std::string_view value) { fields_.push_back({std::string(name), std::string(value)}); }

  /// Replaces every field named `name` by one with `value`, at the first one's position (or appended).
  void set(std::string_view name, std::string_view value) {
    auto it = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return detail::iequals(f.name, name); });
    if (it == fields_.end()) {
      add(name, value);
      return;
    }
    it->name.assign(name);
    it->value.assign(value);
    fields_.erase(std::remove_if(std::next(it), fields_.end(),
                                 [&](const Field& f) { return detail::iequals(f.name, name); }),
                  fields_.end());
  }

  /// The value of the first field named `name`, if any.
  std::optional<std::string_view> find(std::string_view name) const noexcept {
    for (const Field& f : fields_) {
      if (detail::iequals(f.name, name)) return std::string_view(f.value);
    }
    return std::nullopt;
  }

  /// How many fields are named `name`.
  std::size_t count(std::string_view name) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(fields_.begin(), fields_.end(), [&](const Field& f) { return detail::iequals(f.name, name); }));
  }

  /// Removes every field named `name`; returns how many were removed.
  std::size_t erase(std::string_view name) {
    const auto old_size = fields_.size();
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const Field& f) { return detail::iequals(f.name, name); }),
                  fields_.end());
    return old_size - fields_.size();
  }

  /// Removes every field.
  void clear() noexcept { fields_.clear(); }

  /// The number of fields.
  std::size_t size() const noexcept { return fields_.size(); }
  /// True when there are no fields.
  bool empty() const noexcept { return fields_.empty(); }

  /// Iteration over the fields in order.
  const_iterator begin() const noexcept { return fields_.begin(); }
  /// End of the iteration.
  const_iterator end() const noexcept { return fields_.end(); }

  /// Equal when the same fields (names compared exactly) are in the same order.
  friend bool operator==(const Fields&, const Fields&) = default;

private:
  std::vector<Field> fields_;
};

}  // namespace reel::http
