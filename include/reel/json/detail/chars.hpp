// SPDX-License-Identifier: BSL-1.0
/// @file
/// Character-level helpers shared by the JSON reader and writer: UTF-8 validation and encoding,
/// 8-bytes-at-a-time scanning for string specials, and the JSON number grammar.
#pragma once

#include <reel/config.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace reel::json::detail {

/// Loads 8 bytes little-endian-agnostically (byte i of the input is byte i of memory order).
REEL_ALWAYS_INLINE std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

/// A mask with the high bit set in every byte that is '"', '\\', below 0x20 or 0x80 and above;
/// bits above the first such byte may be spurious. Zero means all 8 bytes are plain ASCII.
REEL_ALWAYS_INLINE std::uint64_t string_specials(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t high = 0x8080808080808080ull;
  const std::uint64_t quote = (w ^ (ones * '"')) - ones;
  const std::uint64_t slash = (w ^ (ones * '\\')) - ones;
  const std::uint64_t ctrl = w - ones * 0x20;
  return (quote | slash | ctrl | w) & high;
}

/// Index of the first flagged byte of a non-zero `string_specials` mask, in memory order.
REEL_ALWAYS_INLINE unsigned first_flagged(std::uint64_t mask) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return static_cast<unsigned>(__builtin_clzll(mask)) / 8;
#else
  return static_cast<unsigned>(__builtin_ctzll(mask)) / 8;
#endif
}

/// True for bytes that end a plain run inside a JSON string.
REEL_ALWAYS_INLINE bool is_string_special(unsigned char c) noexcept {
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

/// The first byte in [p, end) that is '"', '\\', a control character or non-ASCII, or `end`.
REEL_ALWAYS_INLINE const char* find_string_special(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    const std::uint64_t m = string_specials(load8(p));
    if (m != 0) return p + first_flagged(m);
    p += 8;
  }
  while (p < end && !is_string_special(static_cast<unsigned char>(*p))) ++p;
  return p;
}

/// Length of the valid UTF-8 sequence starting at `p` whose lead byte is >= 0x80, or 0 when the
/// bytes are not well-formed UTF-8 (overlong forms, surrogates and code points above U+10FFFF too).
inline std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned char b0 = p[0];
  const auto left = static_cast<std::size_t>(end - p);
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return (left >= 2 && cont(p[1])) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !cont(p[1]) || !cont(p[2])) return 0;
    if (b0 == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (b0 == 0xED && p[1] > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) return 0;
    if (b0 == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && p[1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// True when [p, end) is the start of a valid UTF-8 sequence cut short by the end of the input.
inline bool utf8_truncated(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned char b0 = p[0];
  const std::size_t need = (b0 >= 0xC2 && b0 <= 0xDF) ? 2 : (b0 >= 0xE0 && b0 <= 0xEF) ? 3 : (b0 >= 0xF0 && b0 <= 0xF4) ? 4 : 0;
  const auto left = static_cast<std::size_t>(end - p);
  if (need == 0 || left >= need) return false;
  for (std::size_t i = 1; i < left; ++i) {
    if ((p[i] & 0xC0) != 0x80) return false;
  }
  if (left >= 2) {
    if (b0 == 0xE0 && p[1] < 0xA0) return false;
    if (b0 == 0xED && p[1] > 0x9F) return false;
    if (b0 == 0xF0 && p[1] < 0x90) return false;
    if (b0 == 0xF4 && p[1] > 0x8F) return false;
  }
  return true;
}

/// Writes code point `cp` (<= 0x10FFFF, not a surrogate) as UTF-8 into `out`; returns the length.
inline std::size_t encode_utf8(std::uint32_t cp, char* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

/// Value of a hex digit, or -1.
REEL_ALWAYS_INLINE int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

REEL_ALWAYS_INLINE bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

/// The shape of a scanned JSON number.
struct NumberShape {
  const char* end = nullptr;  ///< one past the number; nullptr when the grammar is violated
  const char* bad = nullptr;  ///< where the grammar broke (when end is nullptr)
  bool negative = false;
  bool integral = true;       ///< no fraction and no exponent
};

/// Scans `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` starting at `p`.
inline NumberShape scan_number(const char* p, const char* end) noexcept {
  NumberShape s;
  if (p < end && *p == '-') {
    s.negative = true;
    ++p;
  }
  if (p >= end || !is_digit(*p)) {
    s.bad = p;
    return s;
  }
  if (*p == '0') {
    ++p;
  } else {
    while (p < end && is_digit(*p)) ++p;
  }
  if (p < end && *p == '.') {
    s.integral = false;
    ++p;
    if (p >= end || !is_digit(*p)) {
      s.bad = p;
      return s;
    }
    while (p < end && is_digit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    s.integral = false;
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !is_digit(*p)) {
      s.bad = p;
      return s;
    }
    while (p < end && is_digit(*p)) ++p;
  }
  s.end = p;
  return s;
}

}  // namespace reel::json::detail
