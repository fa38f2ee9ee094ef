// SPDX-License-Identifier: BSL-1.0
// The simulator's HTTP/1.1 messages: a parsed request, a reply with a body that is either text or
// generated media, and the faults a reply can carry (reset, stall, truncation, trickle).
#pragma once

#include <reel/http/fields.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace reel_sim {

using reel::http::Fields;

/// One request as the server read it.
struct Request {
  std::string method;
  std::string target;  ///< as sent: path and query
  std::string path;    ///< percent-decoded path without the query
  std::string query;   ///< raw query, without '?'
  Fields headers;
  std::string body;
  bool keep_alive = true;
  bool tls = false;
  int parse_status = 0;     ///< not 0: the request could not be read; answer with this status
  std::string parse_error;  ///< what was wrong with it

  /// The value of query parameter `name`, if present (no decoding beyond '+' and %XX).
  std::optional<std::string> query_param(std::string_view name) const;
  /// The bearer token of the Authorization header, or empty.
  std::string bearer() const;
};

/// Bytes generated on demand: `size` bytes, `fill(offset, out)` writes out.size() of them.
struct Generated {
  std::uint64_t size = 0;
  std::function<void(std::uint64_t offset, std::span<char> out)> fill;
};

/// What can go wrong on the wire while a reply is written.
struct WireFault {
  std::optional<std::uint64_t> reset_at;     ///< TCP reset once this many reply bytes were written
  std::optional<std::uint64_t> stall_ms;     ///< pause this long ...
  std::uint64_t stall_at = 0;                ///< ... once this many reply bytes were written
  std::optional<std::uint64_t> truncate_at;  ///< chunked body, connection closed after this many body bytes
  std::optional<std::uint64_t> trickle_bps;  ///< write at most this many bytes per second
  bool empty() const {
    return !reset_at && !stall_ms && !truncate_at && !trickle_bps;
  }
};

/// A reply: status, headers (Content-Length is added), and a text or generated body.
struct Reply {
  int status = 200;
  Fields headers;
  std::string body;
  std::optional<Generated> media;  ///< when set, replaces `body`
  WireFault fault;
  bool close = false;    ///< close the connection after this reply
  std::string counter;   ///< counter key (endpoint name) for bytes served
  std::function<void(bool complete)> on_written;  ///< called once the reply was written or abandoned

  std::uint64_t body_size() const { return media ? media->size : body.size(); }
};

/// The standard reason phrase of `status`.
inline std::string_view reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 520: return "Web Server Returned an Unknown Error";
    case 522: return "Connection Timed Out";
    case 524: return "A Timeout Occurred";
    default: return "Status";
  }
}

/// ASCII lower case.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes %XX (and '+' as space when `plus` is set); invalid escapes are kept as they are.
inline std::string url_decode(std::string_view s, bool plus) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (plus && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

inline std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    const auto eq = pair.find('=');
    if (url_decode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

inline std::string Request::bearer() const {
  const auto value = headers.find("Authorization");
  if (!value) return {};
  std::string_view v = *value;
  if (v.size() < 7 || lower(v.substr(0, 7)) != "bearer ") return {};
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

}  // namespace reel_sim
