// SPDX-License-Identifier: BSL-1.0
/// @file
/// `write_request_head`: serialises an HTTP/1.1 request line and header section, refusing
/// anything that could inject or smuggle (non-token methods and names, CR/LF/NUL in values).
///
/// reel owns the message framing: it always writes `Host` (from the URL) and, when a body length
/// is given, `Content-Length`. A caller's Host, Content-Length or Transfer-Encoding header is
/// rejected (`reserved_header`) rather than silently dropped or sent twice.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/detail/chars.hpp>
#include <reel/http/error.hpp>
#include <reel/http/fields.hpp>
#include <reel/http/url.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reel::http {

namespace detail {

/// True when `target` is safe on a request line: starts with "/", only visible ASCII.
constexpr bool is_request_target(std::string_view target) noexcept {
  if (target.empty() || target[0] != '/') return false;
  for (const char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '#') return false;
  }
  return true;
}

/// True when `host` is safe in a Host header.
constexpr bool is_host_text(std::string_view host) noexcept {
  if (host.empty()) return false;
  for (const char c : host) {
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == ':')) return false;
  }
  return true;
}

/// The first problem with a request head's inputs, or an empty code.
inline std::error_code check_request_head(std::string_view method, const Url& url, const Fields& headers) {
  if (!is_token(method)) return Errc::bad_method;
  if (!is_request_target(url.target) || !is_host_text(url.host) || url.port == 0) return Errc::bad_url;
  for (const Field& f : headers) {
    if (!is_token(f.name)) return Errc::bad_header_name;
    if (!is_field_value(f.value)) return Errc::bad_header_value;
    if (iequals(f.name, "host") || iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding")) {
      return Errc::reserved_header;
    }
  }
  return {};
}

}  // namespace detail

/// Appends `METHOD target HTTP/1.1`, `Host`, the caller's headers in order, `Content-Length` when
/// `content_length` is set, and the blank line to `out`; returns the number of bytes appended.
/// Errors (nothing is appended): `bad_method`, `bad_url` (a hand-made Url with an unsafe target or
/// host), `bad_header_name`, `bad_header_value`, `reserved_header`.
inline Result<std::size_t> write_request_head(std::string& out, std::string_view method, const Url& url,
                                              const Fields& headers, std::optional<std::uint64_t> content_length) {
  if (const auto ec = detail::check_request_head(method, url, headers)) return fail(ec);
  const std::size_t start = out.size();
  out.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\nHost: ");
  out.append(url.host_header()).append("\r\n");
  for (const Field& f : headers) out.append(f.name).append(": ").append(f.value).append("\r\n");
  if (content_length) out.append("Content-Length: ").append(std::to_string(*content_length)).append("\r\n");
  out.append("\r\n");
  return out.size() - start;
}

}  // namespace reel::http
