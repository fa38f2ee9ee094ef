// SPDX-License-Identifier: BSL-1.0
/// @file
/// Character classes and ASCII helpers shared by reel's HTTP code (RFC 9110, RFC 3986).
#pragma once

#include <reel/config.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace reel::http::detail {

/// True for an RFC 9110 `tchar`: the characters of tokens (methods, header names, codings).
constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

/// True for a byte allowed in a field value: HTAB, SP, VCHAR or obs-text (0x80-0xFF).
constexpr bool is_field_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7F);
}

/// True for SP or HTAB (RFC 9110 OWS).
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

/// True for an ASCII decimal digit.
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// True for an ASCII letter.
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// The value of a hex digit, or -1.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// ASCII lower case of `c`; other bytes unchanged.
constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// ASCII case-insensitive equality.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

/// `s` without leading and trailing SP/HTAB.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

/// Calls `f(element)` for each element of a comma-separated list, OWS trimmed (empty ones too);
/// stops early and returns false when `f` returns false.
template <class F>
constexpr bool for_each_list_element(std::string_view list, F&& f) {
  for (;;) {
    const std::size_t comma = list.find(',');
    if (!f(trim_ows(list.substr(0, comma)))) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

/// Parses 1*DIGIT into `out`; false when empty, not all digits, or above 2^64-1.
constexpr bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

}  // namespace reel::http::detail
