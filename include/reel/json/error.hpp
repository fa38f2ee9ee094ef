// SPDX-License-Identifier: BSL-1.0
/// @file
/// JSON error codes (`reel::json::Errc`, category "reel.json") and `reel::json::Error`, which adds
/// where in the input and in the target type the problem is.
#pragma once

#include <reel/config.hpp>
#include <reel/core/error_category.hpp>

#include <cstddef>
#include <string>
#include <system_error>

namespace reel::json {

/// What went wrong while reading or writing JSON.
enum class Errc {
  ok = 0,
  unexpected_end = 1,    ///< the input ended inside a value
  syntax_error,          ///< a character that cannot start or continue a value here
  trailing_content,      ///< something after the top-level value
  invalid_escape,        ///< a bad `\` escape in a string
  invalid_unicode,       ///< invalid UTF-8, a control character or an unpaired surrogate
  invalid_number,        ///< a number that is not JSON number syntax
  number_out_of_range,   ///< a number that does not fit the target type
  type_mismatch,         ///< a JSON value of the wrong kind for the target type
  missing_field,         ///< a required field is absent
  unknown_field,         ///< a key the target does not know (only when unknown keys are rejected)
  duplicate_key,         ///< a key seen twice in one object (only when duplicates are rejected)
  unknown_enum_value,    ///< a string that names no value of the target enum
  depth_exceeded,        ///< nesting deeper than `ReadOptions::max_depth`
  input_too_large,       ///< input longer than `ReadOptions::max_input_size`
  not_representable,     ///< writing: a value JSON cannot hold (NaN, infinity, invalid UTF-8)
};

/// The error category of `Errc`, named "reel.json".
const std::error_category& json_category() noexcept;

/// Makes a `std::error_code` from an `Errc`.
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), json_category()}; }

namespace detail {
inline constexpr char json_category_name[] = "reel.json";
/// The message of each `Errc` value (null for a value it does not know).
constexpr const char* json_message(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "success";
    case Errc::unexpected_end: return "unexpected end of input";
    case Errc::syntax_error: return "syntax error";
    case Errc::trailing_content: return "unexpected content after the JSON value";
    case Errc::invalid_escape: return "invalid escape sequence in string";
    case Errc::invalid_unicode: return "invalid UTF-8, control character or unpaired surrogate in string";
    case Errc::invalid_number: return "invalid number";
    case Errc::number_out_of_range: return "number out of range for the target type";
    case Errc::type_mismatch: return "JSON value has the wrong type for the target";
    case Errc::missing_field: return "required field is missing";
    case Errc::unknown_field: return "unknown field";
    case Errc::duplicate_key: return "duplicate key";
    case Errc::unknown_enum_value: return "string is not a known value of the enum";
    case Errc::depth_exceeded: return "nesting too deep";
    case Errc::input_too_large: return "input too large";
    case Errc::not_representable: return "value cannot be represented in JSON";
  }
  return nullptr;
}
}  // namespace detail

inline const std::error_category& json_category() noexcept {
  return ErrorCategory<Errc, detail::json_category_name, detail::json_message>::instance();
}

/// A JSON error with its position: byte offset, 1-based line and column, the JSON Pointer
/// (RFC 6901) of the value in the document, and a one-line excerpt of the input with a caret.
struct Error {
  std::error_code code;  ///< an `Errc` in `json_category()`
  std::size_t offset = 0;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string path;     ///< e.g. "/data/2/status"; empty for the root
  std::string excerpt;  ///< the input around `offset`, then a newline and a caret under it
  std::string detail;   ///< extra words, such as the missing field's name or the expected type

  /// True when this holds an error.
  explicit operator bool() const noexcept { return static_cast<bool>(code); }

  /// "reel.json: required field is missing (field "model") at 1:17 (byte 16), path /data".
  std::string message() const {
    if (!code) return "success";
    std::string m = code.message();
    if (!detail.empty()) m += " (" + detail + ")";
    if (line != 0) {
      m += " at " + std::to_string(line) + ":" + std::to_string(column) + " (byte " + std::to_string(offset) + ")";
    }
    m += ", path ";
    m += path.empty() ? std::string("(root)") : path;
    return m;
  }
};

}  // namespace reel::json

template <>
struct std::is_error_code_enum<reel::json::Errc> : std::true_type {};
