// SPDX-License-Identifier: BSL-1.0
/// @file
/// The JSON tokenizer behind `reel::json::read`: a cursor over the input that validates as it
/// goes, and the error it builds (position, path, excerpt) when it stops.
#pragma once

#include <reel/config.hpp>
#include <reel/json/detail/chars.hpp>
#include <reel/json/error.hpp>
#include <reel/json/options.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace reel::json::detail {

/// Appends `key` to `out` as one RFC 6901 JSON Pointer segment (`~` -> `~0`, `/` -> `~1`).
inline void append_pointer_segment(std::string& out, std::string_view key) {
  out.push_back('/');
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
}

/// The first error met while reading or writing, and the JSON Pointer path to it, built
/// innermost first as the failing calls unwind (so success costs nothing).
class ErrorTrail {
public:
  /// Records the first error (later ones are consequences) and returns false.
  REEL_NOINLINE bool fail(std::error_code code, const char* at, std::string detail = {}) {
    if (!code_) {
      code_ = code;
      at_ = at;
      detail_ = std::move(detail);
    }
    return false;
  }
  /// Adds an object key to the error path.
  REEL_NOINLINE void unwind_key(std::string_view key) {
    std::string seg;
    append_pointer_segment(seg, key);
    rpath_.push_back(std::move(seg));
  }
  /// Adds an array index to the error path.
  REEL_NOINLINE void unwind_index(std::size_t index) {
    std::string seg(1, '/');  // not "/" + to_string(): GCC 12 -O3 warns -Wrestrict (PR105651)
    seg += std::to_string(index);
    rpath_.push_back(std::move(seg));
  }

  bool failed() const noexcept { return static_cast<bool>(code_); }

protected:
  /// The error without position: code, detail and path.
  Error trail_error() const {
    Error e;
    e.code = code_;
    e.detail = detail_;
    for (auto it = rpath_.rbegin(); it != rpath_.rend(); ++it) e.path += *it;
    return e;
  }
  const char* at_ = nullptr;

private:
  std::error_code code_;
  std::string detail_;
  std::vector<std::string> rpath_;
};

/// The reader's cursor. Every `parse_*` and `read_*` function returns false after recording
/// the first error; callers unwind and add their path segment on the way out.
class Parser : public ErrorTrail {
public:
  Parser(std::string_view input, const ReadOptions& options) noexcept
      : begin_(input.data()), cur(input.data()), end(input.data() + input.size()), opts(options) {}

  const char* begin_;
  const char* cur;
  const char* end;
  const ReadOptions& opts;
  std::size_t depth = 0;
  std::string scratch;  ///< decoded text of the last escaped key or enum string

  /// The error recorded so far, with line, column, path and excerpt.
  Error error() const {
    Error e = trail_error();
    const char* at = at_ != nullptr ? at_ : cur;
    e.offset = static_cast<std::size_t>(at - begin_);
    e.line = 1;
    const char* line_start = begin_;
    for (const char* p = begin_; p < at; ++p) {
      if (*p == '\n') {
        ++e.line;
        line_start = p + 1;
      }
    }
    e.column = static_cast<std::size_t>(at - line_start) + 1;
    e.excerpt = excerpt(line_start, at);
    return e;
  }

  REEL_ALWAYS_INLINE void skip_ws() noexcept {
    if (REEL_LIKELY(cur < end && static_cast<unsigned char>(*cur) > ' ')) return;  // compact JSON
    while (cur < end && (*cur == ' ' || *cur == '\n' || *cur == '\r' || *cur == '\t')) ++cur;
  }
  /// Skips white space and fails with `unexpected_end` when nothing follows.
  REEL_ALWAYS_INLINE bool skip_ws_more() {
    skip_ws();
    return cur < end || fail(Errc::unexpected_end, cur);
  }

  /// Enters an array or object, enforcing `max_depth`.
  REEL_ALWAYS_INLINE bool enter() {
    if (REEL_UNLIKELY(++depth > opts.max_depth)) {
      return fail(Errc::depth_exceeded, cur, "limit " + std::to_string(opts.max_depth));
    }
    return true;
  }
  REEL_ALWAYS_INLINE void leave() noexcept { --depth; }

  /// Fails with a message naming what was expected at the cursor.
  REEL_NOINLINE bool expected(const char* what) {
    if (cur >= end) return fail(Errc::unexpected_end, cur, std::string("expected ") + what);
    return fail(Errc::syntax_error, cur, std::string("expected ") + what);
  }
  /// Fails because the value at the cursor has the wrong JSON kind for the target.
  REEL_NOINLINE bool mismatch(const char* want) {
    if (cur >= end) return fail(Errc::unexpected_end, cur, std::string("expected ") + want);
    const char* got = "an invalid token";
    switch (*cur) {
      case '{': got = "an object"; break;
      case '[': got = "an array"; break;
      case '"': got = "a string"; break;
      case 't': case 'f': got = "a boolean"; break;
      case 'n': got = "null"; break;
      default:
        if (*cur == '-' || is_digit(*cur)) got = "a number";
        else return fail(Errc::syntax_error, cur, std::string("expected ") + want);
    }
    return fail(Errc::type_mismatch, cur, std::string("expected ") + want + ", got " + got);
  }

  /// Consumes the literal `lit` (true, false, null) at the cursor.
  REEL_ALWAYS_INLINE bool literal(std::string_view lit) {
    if (REEL_LIKELY(static_cast<std::size_t>(end - cur) >= lit.size() &&
                    std::memcmp(cur, lit.data(), lit.size()) == 0)) {
      cur += lit.size();
      return true;
    }
    const char* p = cur;
    std::size_t i = 0;
    while (p < end && i < lit.size() && *p == lit[i]) ++p, ++i;
    return fail(p >= end ? Errc::unexpected_end : Errc::syntax_error, p,
                std::string("expected ") + std::string(lit));
  }

  /// Reads the string at the cursor (which is at its opening quote), appending decoded text to `out`.
  template <class Sink>
  bool parse_string(Sink& out) {
    ++cur;  // opening quote
    for (;;) {
      const char* run = cur;
      cur = find_string_special(cur, end);
      if (cur > run) out.append(run, static_cast<std::size_t>(cur - run));
      if (REEL_UNLIKELY(cur >= end)) return fail(Errc::unexpected_end, cur, "unterminated string");
      const auto c = static_cast<unsigned char>(*cur);
      if (c == '"') {
        ++cur;
        return true;
      }
      if (c == '\\') {
        if (!parse_escape(out)) return false;
      } else if (c >= 0x80) {
        const std::size_t n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(cur),
                                                   reinterpret_cast<const unsigned char*>(end));
        if (n == 0) {
          if (utf8_truncated(reinterpret_cast<const unsigned char*>(cur), reinterpret_cast<const unsigned char*>(end))) {
            return fail(Errc::unexpected_end, cur, "input ends inside a UTF-8 sequence");
          }
          return fail(Errc::invalid_unicode, cur, "invalid UTF-8");
        }
        out.append(cur, n);
        cur += n;
      } else {
        return fail(Errc::invalid_unicode, cur, "unescaped control character in string");
      }
    }
  }

  /// Reads the string at the cursor as a view: into the input when it has no escapes, else
  /// decoded into `scratch` (valid until the next call).
  bool parse_string_view(std::string_view& out) {
    const char* start = cur + 1;
    const char* p = find_string_special(start, end);
    if (REEL_LIKELY(p < end && *p == '"')) {
      out = std::string_view(start, static_cast<std::size_t>(p - start));
      cur = p + 1;
      return true;
    }
    scratch.clear();
    if (!parse_string(scratch)) return false;
    out = scratch;
    return true;
  }

  /// Validates the string at the cursor without decoding it.
  bool skip_string() {
    struct NullSink {
      void append(const char*, std::size_t) noexcept {}
      void push_back(char) noexcept {}
    } sink;
    return parse_string(sink);
  }

  /// Scans the number at the cursor; fails on bad syntax.
  REEL_ALWAYS_INLINE bool scan(NumberShape& shape) {
    shape = scan_number(cur, end);
    if (REEL_UNLIKELY(shape.end == nullptr)) {
      return fail(shape.bad >= end ? Errc::unexpected_end : Errc::invalid_number, shape.bad);
    }
    return true;
  }

  /// Reads an integer of type `I`, exact, with overflow detected. A number with a fraction or an
  /// exponent is accepted when its value is integral and in range (`5.0`, `1e3`).
  template <class I>
  bool parse_integer(I& out) {
    const char* start = cur;
    if (REEL_UNLIKELY(cur >= end || (*cur != '-' && !is_digit(*cur)))) return mismatch("an integer");
    NumberShape shape;
    if (!scan(shape)) return false;
    if (REEL_LIKELY(shape.integral)) {
      const char* digits = start + (shape.negative ? 1 : 0);
      std::uint64_t mag = 0;
      for (const char* p = digits; p < shape.end; ++p) {
        const auto d = static_cast<std::uint64_t>(*p - '0');
        if (REEL_UNLIKELY(mag > (std::numeric_limits<std::uint64_t>::max() - d) / 10)) return out_of_range<I>(start);
        mag = mag * 10 + d;
      }
      cur = shape.end;
      return assign_integer(out, mag, shape.negative, start);
    }
    double d = 0;
    auto r = std::from_chars(start, shape.end, d);
    if (r.ec != std::errc{} || d != std::trunc(d) || d < -0x1p63 || d >= 0x1p64) {
      return fail(Errc::number_out_of_range, start, "expected an integer");
    }
    cur = shape.end;
    if (d < 0) return assign_integer(out, static_cast<std::uint64_t>(-d), true, start);
    return assign_integer(out, static_cast<std::uint64_t>(d), false, start);
  }

  /// Reads a floating-point number, correctly rounded. Values beyond the type's range fail;
  /// values below its smallest subnormal become zero.
  template <class F>
  bool parse_float(F& out) {
    const char* start = cur;
    if (REEL_UNLIKELY(cur >= end || (*cur != '-' && !is_digit(*cur)))) return mismatch("a number");
    NumberShape shape;
    if (!scan(shape)) return false;
    auto r = std::from_chars(start, shape.end, out);
    if (REEL_UNLIKELY(r.ec != std::errc{})) {
      if (!is_underflow(start, shape.end)) return fail(Errc::number_out_of_range, start);
      out = shape.negative ? -F(0) : F(0);
    }
    cur = shape.end;
    return true;
  }

  /// Validates and skips any value at the cursor (used for unknown keys and `RawJson`).
  bool skip_value() {
    if (!skip_ws_more()) return false;
    switch (*cur) {
      case '"': return skip_string();
      case '{': {
        if (!enter()) return false;
        ++cur;
        if (!skip_ws_more()) return false;
        if (*cur == '}') {
          ++cur;
          leave();
          return true;
        }
        for (;;) {
          if (*cur != '"') return expected("a string key");
          if (!skip_string()) return false;
          if (!skip_ws_more()) return false;
          if (*cur != ':') return expected("':'");
          ++cur;
          if (!skip_value()) return false;
          if (!skip_ws_more()) return false;
          if (*cur == ',') {
            ++cur;
            if (!skip_ws_more()) return false;
            continue;
          }
          if (*cur == '}') {
            ++cur;
            leave();
            return true;
          }
          return expected("',' or '}'");
        }
      }
      case '[': {
        if (!enter()) return false;
        ++cur;
        if (!skip_ws_more()) return false;
        if (*cur == ']') {
          ++cur;
          leave();
          return true;
        }
        for (;;) {
          if (!skip_value()) return false;
          if (!skip_ws_more()) return false;
          if (*cur == ',') {
            ++cur;
            continue;
          }
          if (*cur == ']') {
            ++cur;
            leave();
            return true;
          }
          return expected("',' or ']'");
        }
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: {
        if (*cur != '-' && !is_digit(*cur)) return expected("a value");
        NumberShape shape;
        if (!scan(shape)) return false;
        cur = shape.end;
        return true;
      }
    }
  }

private:
  template <class Sink>
  bool parse_escape(Sink& out) {
    const char* at = cur;
    if (end - cur < 2) return fail(Errc::unexpected_end, cur, "unterminated escape");
    const char e = cur[1];
    cur += 2;
    switch (e) {
      case '"': out.push_back('"'); return true;
      case '\\': out.push_back('\\'); return true;
      case '/': out.push_back('/'); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': break;
      default: return fail(Errc::invalid_escape, at);
    }
    std::uint32_t cp = 0;
    if (!hex4(cp, at)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end - cur < 6 && escape_prefix(cur, end)) {
        return fail(Errc::unexpected_end, at, "input ends inside a surrogate pair");
      }
      if (end - cur < 6 || cur[0] != '\\' || cur[1] != 'u') {
        return fail(Errc::invalid_unicode, at, "high surrogate without a low surrogate");
      }
      cur += 2;
      std::uint32_t lo = 0;
      if (!hex4(lo, at)) return false;
      if (lo < 0xDC00 || lo > 0xDFFF) return fail(Errc::invalid_unicode, at, "high surrogate without a low surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return fail(Errc::invalid_unicode, at, "unpaired low surrogate");
    }
    char buf[4];
    out.append(buf, encode_utf8(cp, buf));
    return true;
  }

  // True when [p, end) is a proper prefix of a `\uXXXX` escape.
  static bool escape_prefix(const char* p, const char* end) noexcept {
    static constexpr char shape[] = "\\u";
    for (std::size_t i = 0; p + i < end; ++i) {
      if (i < 2 ? p[i] != shape[i] : hex_value(p[i]) < 0) return false;
    }
    return true;
  }

  bool hex4(std::uint32_t& cp, const char* at) {
    if (end - cur < 4) return fail(Errc::unexpected_end, at, "truncated \\u escape");
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(cur[i]);
      if (h < 0) return fail(Errc::invalid_escape, at, "bad hex digit in \\u escape");
      cp = (cp << 4) | static_cast<std::uint32_t>(h);
    }
    cur += 4;
    return true;
  }

  template <class I>
  bool assign_integer(I& out, std::uint64_t mag, bool negative, const char* start) {
    if constexpr (std::is_unsigned_v<I>) {
      if (negative && mag != 0) return out_of_range<I>(start);
      if (mag > std::numeric_limits<I>::max()) return out_of_range<I>(start);
      out = static_cast<I>(mag);
    } else {
      using U = std::make_unsigned_t<I>;
      const auto limit = static_cast<std::uint64_t>(static_cast<U>(std::numeric_limits<I>::max())) + (negative ? 1u : 0u);
      if (mag > limit) return out_of_range<I>(start);
      out = negative ? static_cast<I>(static_cast<I>(0) - static_cast<I>(mag - 1) - 1) : static_cast<I>(mag);
    }
    return true;
  }

  template <class I>
  REEL_NOINLINE bool out_of_range(const char* start) {
    return fail(Errc::number_out_of_range, start,
                std::string("range ") + std::to_string(std::numeric_limits<I>::min()) + ".." +
                    std::to_string(std::numeric_limits<I>::max()));
  }

  // True when the number's decimal magnitude is far below 1 (underflow, not overflow).
  static bool is_underflow(const char* p, const char* end) noexcept {
    if (*p == '-') ++p;
    long long magnitude = 0;  // position of the first significant digit relative to the point
    bool seen_significant = false;
    long long int_digits = 0;
    while (p < end && is_digit(*p)) {
      if (*p != '0' || seen_significant) {
        seen_significant = true;
        ++int_digits;
      }
      ++p;
    }
    magnitude = int_digits;
    if (p < end && *p == '.') {
      ++p;
      while (p < end && is_digit(*p)) {
        if (!seen_significant) {
          if (*p != '0') seen_significant = true;
          else --magnitude;
        }
        ++p;
      }
    }
    if (!seen_significant) return true;  // zero
    long long exp = 0;
    bool exp_negative = false;
    if (p < end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (*p == '+' || *p == '-') exp_negative = *p++ == '-';
      while (p < end && is_digit(*p)) {
        if (exp < 100000000) exp = exp * 10 + (*p - '0');
        ++p;
      }
    }
    return magnitude + (exp_negative ? -exp : exp) < 0;
  }

  // One line of the input around `at`, at most ~72 characters, with a caret line under it.
  std::string excerpt(const char* line_start, const char* at) const {
    const char* line_end = at;
    while (line_end < end && *line_end != '\n' && *line_end != '\r') ++line_end;
    const char* from = at - line_start > 40 ? at - 40 : line_start;
    const char* to = line_end - at > 32 ? at + 32 : line_end;
    std::string s;
    std::size_t caret = 0;
    for (const char* p = from; p < to;) {
      const auto c = static_cast<unsigned char>(*p);
      std::size_t n = 1;
      if (c >= 0x80) {
        n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(p), reinterpret_cast<const unsigned char*>(to));
        if (n == 0) {
          n = 1;
          s.push_back('?');
        } else {
          s.append(p, n);
        }
      } else {
        s.push_back(c < 0x20 || c == 0x7F ? ' ' : static_cast<char>(c));
      }
      if (p < at) ++caret;
      p += n;
    }
    s.push_back('\n');
    s.append(caret, ' ');
    s.push_back('^');
    return s;
  }

};

}  // namespace reel::json::detail
