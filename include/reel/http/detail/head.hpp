// SPDX-License-Identifier: BSL-1.0
/// @file
/// Line-level pieces of the response parser: the status line, field lines, and the framing
/// headers (Content-Length, Transfer-Encoding, Connection) of a complete head.
#pragma once

#include <reel/config.hpp>
#include <reel/http/detail/chars.hpp>
#include <reel/http/error.hpp>
#include <reel/http/fields.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace reel::http::detail {

/// A line without its LF and without one CR before it, if any.
constexpr std::string_view strip_cr(std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

/// A parsed status line.
struct StatusLine {
  int minor_version = 1;  ///< 0 or 1 (the major version is always 1)
  int status = 0;         ///< 100-599
  std::string_view reason;
};

/// Parses `HTTP/1.x NNN [reason]` (a missing reason, even without the space, is accepted).
inline std::error_code parse_status_line(std::string_view line, StatusLine& out) noexcept {
  line = strip_cr(line);
  if (line.size() < 12 || !line.starts_with("HTTP/") || !is_digit(line[5]) || line[6] != '.' ||
      !is_digit(line[7]) || line[8] != ' ') {
    return Errc::bad_status_line;
  }
  if (line[5] != '1' || (line[7] != '0' && line[7] != '1')) return Errc::unsupported_version;
  if (!is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]) || (line.size() > 12 && line[12] != ' ')) {
    return Errc::bad_status_line;
  }
  const int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status < 100 || status > 599) return Errc::bad_status_line;
  const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view();
  if (!is_field_value(reason)) return Errc::bad_status_line;
  out = {line[7] - '0', status, reason};
  return {};
}

/// Parses `name: value` and appends it to `fields`. Leading white space (obs-fold, or white space
/// after the status line) and white space before the colon are `bad_header_line`.
inline std::error_code parse_field_line(std::string_view line, Fields& fields, std::size_t max_count) {
  line = strip_cr(line);
  if (line.empty() || is_ows(line[0])) return Errc::bad_header_line;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || is_ows(line[colon - 1])) return Errc::bad_header_line;
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return Errc::bad_header_name;
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (!is_field_value(value)) return Errc::bad_header_value;
  if (fields.size() >= max_count) return Errc::too_many_headers;
  fields.add(name, value);
  return {};
}

/// What the framing headers of a final response say.
struct Framing {
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;
};

/// Reads Content-Length (identical repeated values allowed), Transfer-Encoding (exactly one
/// coding, `chunked`, never with Content-Length or in HTTP/1.0) and Connection.
inline std::error_code read_framing(const Fields& fields, int minor_version, Framing& out) {
  std::optional<std::uint64_t> length;
  bool has_te = false;
  std::size_t codings = 0;
  bool close = false;
  bool keep_alive = false;
  std::error_code ec;
  for (const Field& f : fields) {
    if (iequals(f.name, "content-length")) {
      for_each_list_element(f.value, [&](std::string_view v) {
        std::uint64_t n = 0;
        if (!parse_decimal(v, n)) {
          ec = Errc::bad_content_length;
        } else if (length && *length != n) {
          ec = Errc::conflicting_content_length;
        } else {
          length = n;
        }
        return !ec;
      });
    } else if (iequals(f.name, "transfer-encoding")) {
      has_te = true;
      for_each_list_element(f.value, [&](std::string_view v) {
        if (v.empty()) return true;  // RFC 9110 §5.6.1: empty list elements are ignored
        ++codings;
        if (!iequals(v, "chunked")) ec = Errc::bad_transfer_encoding;
        return !ec;
      });
    } else if (iequals(f.name, "connection")) {
      for_each_list_element(f.value, [&](std::string_view v) {
        close = close || iequals(v, "close");
        keep_alive = keep_alive || iequals(v, "keep-alive");
        return true;
      });
    }
    if (ec) return ec;
  }
  if (has_te && (codings != 1 || length || minor_version == 0)) return Errc::bad_transfer_encoding;
  out.content_length = length;
  out.chunked = has_te;
  out.keep_alive = !close && (minor_version == 1 || keep_alive);
  return {};
}

/// Parses a chunk-size line: 1*HEXDIG, then optionally BWS ";" extensions (ignored, but no control
/// characters; white space only before the ";"). The line must end in CRLF. `bad_chunk_size`, or `chunk_too_large` past 2^64-1.
inline std::error_code parse_chunk_size(std::string_view line, std::uint64_t& size) noexcept {
  if (line.empty() || line.back() != '\r') return Errc::bad_chunk_size;
  line.remove_suffix(1);
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
    if (v > (UINT64_MAX >> 4)) return Errc::chunk_too_large;
    v = (v << 4) | static_cast<std::uint64_t>(hex_value(line[i]));
  }
  if (i == 0) return Errc::bad_chunk_size;
  std::string_view ext = line.substr(i);
  while (!ext.empty() && is_ows(ext.front())) ext.remove_prefix(1);
  if (i != line.size() && (ext.empty() || ext[0] != ';' || !is_field_value(ext))) return Errc::bad_chunk_size;
  size = v;
  return {};
}

}  // namespace reel::http::detail
