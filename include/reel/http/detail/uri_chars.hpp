// SPDX-License-Identifier: BSL-1.0
/// @file
/// RFC 3986 pieces for reel's URL parser: character classes, host checks, dot-segment removal.
#pragma once

#include <reel/config.hpp>
#include <reel/http/detail/chars.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace reel::http::detail {

/// RFC 3986 `unreserved`: ALPHA / DIGIT / "-" / "." / "_" / "~".
constexpr bool is_unreserved(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/// RFC 3986 `sub-delims`.
constexpr bool is_sub_delim(char c) noexcept {
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

/// True when `s` is path, query and fragment text: pchar, "/", "?", valid `%XX` escapes, and at
/// most one "#" (the fragment start). Rejects controls, spaces, non-ASCII and `"<>\^`{|}[]`.
constexpr bool is_valid_reference_tail(std::string_view s) noexcept {
  bool fragment = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      if (hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
      i += 2;
    } else if (c == '#') {
      if (fragment) return false;
      fragment = true;
    } else if (!(is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/' || c == '?')) {
      return false;
    }
  }
  return true;
}

/// True for a strict dotted-decimal IPv4 address: four parts 0-255 without leading zeros.
constexpr bool is_ipv4(std::string_view s) noexcept {
  int parts = 0;
  for (;;) {
    const std::size_t dot = s.find('.');
    const std::string_view part = s.substr(0, dot);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int v = 0;
    for (const char c : part) {
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255 || ++parts > 4) return false;
    if (dot == std::string_view::npos) return parts == 4;
    s.remove_prefix(dot + 1);
  }
}

/// True for the text of an IPv6 literal (RFC 3986 `IPv6address`, no zone identifier).
constexpr bool is_ipv6(std::string_view s) noexcept {
  if (s.size() < 2) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    compressed = true;
    i = 2;
  }
  while (i < s.size()) {
    const std::size_t end = s.find(':', i);
    const std::string_view piece = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (piece.find('.') != std::string_view::npos) {  // an IPv4 tail takes two groups and ends the text
      if (end != std::string_view::npos || !is_ipv4(piece)) return false;
      groups += 2;
      break;
    }
    if (piece.empty() || piece.size() > 4) return false;
    for (const char c : piece) {
      if (hex_value(c) < 0) return false;
    }
    ++groups;
    if (end == std::string_view::npos) break;
    if (end + 1 < s.size() && s[end + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      i = end + 2;
    } else {
      i = end + 1;
      if (i == s.size()) return false;  // a trailing single colon
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

/// True for a registered name reel accepts as a host: letters, digits, "-", "_" and "." with no
/// empty label (one trailing dot allowed), and not ending in a numeric label (those must be IPv4).
constexpr bool is_reg_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  std::string_view labels = s.back() == '.' ? s.substr(0, s.size() - 1) : s;
  std::string_view last;
  for (;;) {
    const std::size_t dot = labels.find('.');
    last = labels.substr(0, dot);
    if (last.empty()) return false;
    for (const char c : last) {
      if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_')) return false;
    }
    if (dot == std::string_view::npos) break;
    labels.remove_prefix(dot + 1);
  }
  // WHATWG URL: a host whose last label is a number (decimal or 0x hex) is an IPv4 address.
  std::string_view digits = last;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
    for (const char c : digits) {
      if (hex_value(c) < 0) return true;
    }
    return false;
  }
  for (const char c : digits) {
    if (!is_digit(c)) return true;
  }
  return false;
}

/// RFC 3986 §5.2.4 remove_dot_segments for an absolute path ("/a/./b/../c" -> "/a/c").
inline std::string remove_dot_segments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto pop_segment = [&out] {
    const std::size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
  };
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      pop_segment();
    } else if (in == "/..") {
      in = "/";
      pop_segment();
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const std::size_t next = in.find('/', 1);
      out.append(in.substr(0, next));
      in.remove_prefix(next == std::string_view::npos ? in.size() : next);
    }
  }
  return out;
}

}  // namespace reel::http::detail
