// SPDX-License-Identifier: BSL-1.0
/// @file
/// HTTP error codes (`reel::http::Errc`, category "reel.http"): URL parsing, request writing,
/// response parsing, and the transport's timeouts, redirects and TLS failures.
#pragma once

#include <reel/config.hpp>
#include <reel/core/error_category.hpp>

#include <string>
#include <system_error>

namespace reel::http {

/// What went wrong in reel's HTTP layer.
enum class Errc {
  ok = 0,
  // URLs
  bad_url = 1,              ///< malformed URL or reference (syntax, host, port, percent-escape)
  unsupported_scheme,       ///< a scheme other than http or https
  url_credentials,          ///< `user:pass@` in a URL: credentials in URLs leak, so they are refused
  // Requests
  bad_method,               ///< the method is not an RFC 9110 token
  bad_header_name,          ///< a header name that is not a token
  bad_header_value,         ///< a header value with CR, LF, NUL or another control character
  reserved_header,          ///< the caller set Host, Content-Length or Transfer-Encoding, which reel writes
  // Responses
  bad_status_line,          ///< the status line is not `HTTP/x.y NNN reason`
  unsupported_version,      ///< an HTTP version other than 1.0 and 1.1
  bad_header_line,          ///< a header line without a colon, with space before it, or folded
  headers_too_large,        ///< the response head is larger than the limit
  too_many_headers,         ///< more header (or trailer) fields than the limit
  conflicting_content_length,  ///< Content-Length values that disagree
  bad_content_length,       ///< a Content-Length that is not a number or overflows 64 bits
  bad_transfer_encoding,    ///< a coding other than a single `chunked`, or Transfer-Encoding with Content-Length
  unexpected_upgrade,       ///< 101 Switching Protocols, which reel never asks for
  bad_chunk_size,           ///< a chunk-size line that is not hex digits and extensions
  chunk_too_large,          ///< a chunk size that does not fit in 64 bits
  chunk_line_too_long,      ///< a chunk-size line (with extensions) longer than the limit
  bad_chunk_terminator,     ///< chunk data not followed by CRLF
  trailers_too_large,       ///< the trailer section is larger than the limit
  body_too_large,           ///< the body is larger than the limit
  unexpected_eof,           ///< the connection closed before the response was complete
  // Transport
  connect_timeout,          ///< no TCP connection within the connect timeout
  tls_handshake_timeout,    ///< the TLS handshake did not finish in time
  response_timeout,         ///< no complete response head in time
  body_idle_timeout,        ///< no body bytes for longer than the idle timeout
  total_timeout,            ///< the whole exchange took longer than allowed
  too_many_redirects,       ///< more redirects than the limit
  redirect_refused,         ///< a redirect the policy forbids (e.g. https to http)
  tls_verification_failed,  ///< the server's certificate or host name did not verify
};

/// The symbolic name of an HTTP error code ("unexpected_eof", "connect_timeout", ...).
constexpr const char* to_name(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::bad_url: return "bad_url";
    case Errc::unsupported_scheme: return "unsupported_scheme";
    case Errc::url_credentials: return "url_credentials";
    case Errc::bad_method: return "bad_method";
    case Errc::bad_header_name: return "bad_header_name";
    case Errc::bad_header_value: return "bad_header_value";
    case Errc::reserved_header: return "reserved_header";
    case Errc::bad_status_line: return "bad_status_line";
    case Errc::unsupported_version: return "unsupported_version";
    case Errc::bad_header_line: return "bad_header_line";
    case Errc::headers_too_large: return "headers_too_large";
    case Errc::too_many_headers: return "too_many_headers";
    case Errc::conflicting_content_length: return "conflicting_content_length";
    case Errc::bad_content_length: return "bad_content_length";
    case Errc::bad_transfer_encoding: return "bad_transfer_encoding";
    case Errc::unexpected_upgrade: return "unexpected_upgrade";
    case Errc::bad_chunk_size: return "bad_chunk_size";
    case Errc::chunk_too_large: return "chunk_too_large";
    case Errc::chunk_line_too_long: return "chunk_line_too_long";
    case Errc::bad_chunk_terminator: return "bad_chunk_terminator";
    case Errc::trailers_too_large: return "trailers_too_large";
    case Errc::body_too_large: return "body_too_large";
    case Errc::unexpected_eof: return "unexpected_eof";
    case Errc::connect_timeout: return "connect_timeout";
    case Errc::tls_handshake_timeout: return "tls_handshake_timeout";
    case Errc::response_timeout: return "response_timeout";
    case Errc::body_idle_timeout: return "body_idle_timeout";
    case Errc::total_timeout: return "total_timeout";
    case Errc::too_many_redirects: return "too_many_redirects";
    case Errc::redirect_refused: return "redirect_refused";
    case Errc::tls_verification_failed: return "tls_verification_failed";
  }
  return "unknown";
}

/// The error category of `Errc`, named "reel.http".
const std::error_category& http_category() noexcept;

/// Makes a `std::error_code` from an `Errc`.
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), http_category()}; }

namespace detail {
inline constexpr char http_category_name[] = "reel.http";
/// The message of each `Errc` value (null for a value it does not know).
constexpr const char* http_message(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "success";
    case Errc::bad_url: return "malformed URL";
    case Errc::unsupported_scheme: return "unsupported URL scheme (only http and https)";
    case Errc::url_credentials: return "credentials (user:password@) in URLs are not allowed";
    case Errc::bad_method: return "invalid HTTP method (not a token)";
    case Errc::bad_header_name: return "invalid header name (not a token)";
    case Errc::bad_header_value: return "invalid header value (CR, LF, NUL or another control character)";
    case Errc::reserved_header: return "Host, Content-Length and Transfer-Encoding are written by reel";
    case Errc::bad_status_line: return "malformed status line";
    case Errc::unsupported_version: return "unsupported HTTP version (only 1.0 and 1.1)";
    case Errc::bad_header_line: return "malformed header line";
    case Errc::headers_too_large: return "response head too large";
    case Errc::too_many_headers: return "too many header fields";
    case Errc::conflicting_content_length: return "conflicting Content-Length values";
    case Errc::bad_content_length: return "invalid Content-Length";
    case Errc::bad_transfer_encoding:
      return "unsupported Transfer-Encoding (only chunked, never with Content-Length)";
    case Errc::unexpected_upgrade: return "unexpected 101 Switching Protocols";
    case Errc::bad_chunk_size: return "invalid chunk size";
    case Errc::chunk_too_large: return "chunk size overflows 64 bits";
    case Errc::chunk_line_too_long: return "chunk-size line too long";
    case Errc::bad_chunk_terminator: return "chunk data not followed by CRLF";
    case Errc::trailers_too_large: return "trailer section too large";
    case Errc::body_too_large: return "response body too large";
    case Errc::unexpected_eof: return "connection closed before the response was complete";
    case Errc::connect_timeout: return "connect timed out";
    case Errc::tls_handshake_timeout: return "TLS handshake timed out";
    case Errc::response_timeout: return "timed out waiting for the response";
    case Errc::body_idle_timeout: return "timed out waiting for body data";
    case Errc::total_timeout: return "request took longer than the total timeout";
    case Errc::too_many_redirects: return "too many redirects";
    case Errc::redirect_refused: return "redirect refused by policy";
    case Errc::tls_verification_failed: return "TLS certificate verification failed";
  }
  return nullptr;
}
}  // namespace detail

inline const std::error_category& http_category() noexcept {
  return ErrorCategory<Errc, detail::http_category_name, detail::http_message>::instance();
}

}  // namespace reel::http

template <>
struct std::is_error_code_enum<reel::http::Errc> : std::true_type {};
