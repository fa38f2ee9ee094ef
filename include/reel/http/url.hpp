// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::Url`, a parsed http/https URL, with `parse_url`, `resolve_redirect` and the
/// percent-encoding helpers.
///
/// reel is strict about URLs: userinfo (`user:pass@`), controls, spaces, non-ASCII and characters
/// RFC 3986 does not allow unencoded (`"<>\^`{|}`, brackets outside an IPv6 host) are errors, not
/// silently fixed; build URLs with `percent_encode`. Dot segments in the path are removed and the
/// fragment is dropped, as a browser would.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/detail/chars.hpp>
#include <reel/http/detail/uri_chars.hpp>
#include <reel/http/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace reel::http {

/// A parsed absolute http or https URL.
struct Url {
  std::string scheme;        ///< "http" or "https"
  std::string host;          ///< lower-case name, dotted IPv4, or IPv6 text without brackets
  std::uint16_t port = 0;    ///< explicit, or 80 / 443 by default
  bool is_ipv6 = false;      ///< `host` is an IPv6 literal
  std::string target = "/";  ///< the request target: path (at least "/"), then "?" and the query if present

  /// True for https.
  bool is_https() const noexcept { return scheme == "https"; }
  /// 443 for https, 80 for http.
  std::uint16_t default_port() const noexcept { return is_https() ? 443 : 80; }
  /// The path part of `target`.
  std::string_view path() const noexcept { return std::string_view(target).substr(0, target.find('?')); }
  /// True when `target` has a "?" (the query may still be empty).
  bool has_query() const noexcept { return target.find('?') != std::string::npos; }
  /// The query without the "?"; empty when there is none.
  std::string_view query() const noexcept {
    const std::size_t q = target.find('?');
    return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  }
  /// The host as written in URLs: IPv6 literals in brackets.
  std::string authority_host() const { return is_ipv6 ? "[" + host + "]" : host; }
  /// "scheme://host:port", always with the port: the key for connection reuse.
  std::string origin() const { return scheme + "://" + authority_host() + ":" + std::to_string(port); }
  /// The Host header value: the port only when it is not the scheme's default.
  std::string host_header() const {
    return port == default_port() ? authority_host() : authority_host() + ":" + std::to_string(port);
  }

  /// Equal when every part is equal.
  friend bool operator==(const Url&, const Url&) = default;
};

namespace detail {

/// Length of the scheme when `s` starts with `scheme ":"`, else 0.
constexpr std::size_t scheme_length(std::string_view s) noexcept {
  if (s.empty() || !is_alpha(s[0])) return 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return i;
    if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) return 0;
  }
  return 0;
}

/// Parses the authority (after "//") into `url`: host and port, no userinfo.
inline std::error_code parse_authority(std::string_view authority, Url& url) {
  if (authority.find('@') != std::string_view::npos) return Errc::url_credentials;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || !is_ipv6(authority.substr(1, close - 1))) return Errc::bad_url;
    url.host.assign(authority.substr(1, close - 1));
    url.is_ipv6 = true;
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return Errc::bad_url;
    has_port = !rest.empty();
    if (has_port) port_text = rest.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (!is_ipv4(host) && !is_reg_name(host)) return Errc::bad_url;
    url.host.assign(host);
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
  }
  for (char& c : url.host) c = to_lower(c);
  url.port = url.default_port();
  if (has_port) {
    std::uint64_t port = 0;
    if (!parse_decimal(port_text, port) || port == 0 || port > 65535) return Errc::bad_url;
    url.port = static_cast<std::uint16_t>(port);
  }
  return {};
}

}  // namespace detail

/// Parses an absolute http or https URL. Errors: `bad_url` (syntax, host, port, escapes, characters
/// that need percent-encoding), `unsupported_scheme`, `url_credentials`.
inline Result<Url> parse_url(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return fail(make_error_code(Errc::bad_url));
  }
  const std::size_t scheme_len = detail::scheme_length(text);
  if (scheme_len == 0) return fail(make_error_code(Errc::bad_url));
  Url url;
  url.scheme.assign(text.substr(0, scheme_len));
  for (char& c : url.scheme) c = detail::to_lower(c);
  if (url.scheme != "http" && url.scheme != "https") return fail(make_error_code(Errc::unsupported_scheme));
  std::string_view rest = text.substr(scheme_len + 1);
  if (!rest.starts_with("//")) return fail(make_error_code(Errc::bad_url));
  rest.remove_prefix(2);

  const std::size_t authority_end = rest.find_first_of("/?#");
  if (const auto ec = detail::parse_authority(rest.substr(0, authority_end), url)) return fail(ec);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (!detail::is_valid_reference_tail(rest)) return fail(make_error_code(Errc::bad_url));

  rest = rest.substr(0, rest.find('#'));
  const std::size_t query = rest.find('?');
  const std::string_view path = rest.substr(0, query);
  url.target = path.empty() ? std::string("/") : detail::remove_dot_segments(path);
  if (query != std::string_view::npos) url.target.append(rest.substr(query));
  return url;
}

/// Resolves a redirect's `Location` against the URL that was requested (RFC 3986 §5.2): absolute
/// URLs, "//host/path", "/path", relative paths with "." and "..", "?query" and "#fragment" all
/// work; the fragment is dropped. An empty location is `bad_url` (it would redirect to itself);
/// other errors as for `parse_url`.
inline Result<Url> resolve_redirect(const Url& base, std::string_view location) {
  if (location.empty()) return fail(make_error_code(Errc::bad_url));
  if (detail::scheme_length(location) != 0) return parse_url(location);
  if (location.starts_with("//")) return parse_url(base.scheme + ":" + std::string(location));
  if (!detail::is_valid_reference_tail(location)) return fail(make_error_code(Errc::bad_url));

  const std::string_view ref = location.substr(0, location.find('#'));
  const std::size_t query = ref.find('?');
  const std::string_view ref_path = ref.substr(0, query);
  std::string target;
  if (ref_path.empty()) {
    target.assign(base.path());
    if (query == std::string_view::npos && base.has_query()) target.append("?").append(base.query());
  } else if (ref_path[0] == '/') {
    target = detail::remove_dot_segments(ref_path);
  } else {  // merge with the base path's directory
    const std::string_view base_path = base.path();
    std::string merged(base_path.substr(0, base_path.rfind('/') + 1));
    if (merged.empty()) merged = "/";
    merged.append(ref_path);
    target = detail::remove_dot_segments(merged);
  }
  if (query != std::string_view::npos) target.append(ref.substr(query));
  return parse_url(base.origin() + target);
}

/// Whether two absolute URLs share scheme, host and port (a URL that does not parse shares
/// nothing): the test before a URL a provider returned gets the API key.
inline bool same_origin(std::string_view a, std::string_view b) {
  auto x = parse_url(a);
  auto y = parse_url(b);
  return x && y && x->origin() == y->origin();
}

/// Percent-encodes every byte except RFC 3986 unreserved characters (and "/" when `keep_slash`),
/// with upper-case hex: for building paths and query values.
inline std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (detail::is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0x0F]);
    }
  }
  return out;
}

/// Decodes `%XX` escapes (other bytes are copied; "+" stays "+"). `bad_url` for a "%" not followed
/// by two hex digits.
inline Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return fail(make_error_code(Errc::bad_url));
    const int hi = detail::hex_value(text[i + 1]);
    const int lo = detail::hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return fail(make_error_code(Errc::bad_url));
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace reel::http
