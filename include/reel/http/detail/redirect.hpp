// SPDX-License-Identifier: BSL-1.0
/// @file
/// reel's request policies as plain functions: which methods may be retried, when a request
/// carries Content-Length, and how a followed redirect rewrites the request (RFC 9110 §15.4).
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
#include <system_error>
#include <utility>

namespace reel::http::detail {

/// True for the methods reel re-sends on a fresh connection when a reused one closed before any
/// response byte: GET, HEAD, PUT, DELETE, OPTIONS, TRACE (RFC 9110 §9.2.2).
inline bool is_idempotent(std::string_view method) noexcept {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS" ||
         method == "TRACE";
}

/// The Content-Length to send: the body's size when there is a body or the method normally has one.
inline std::optional<std::uint64_t> request_content_length(std::string_view method, const std::string& body) {
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") return body.size();
  return std::nullopt;
}

/// True when `headers` has a Connection field with the `close` option.
inline bool asks_to_close(const Fields& headers) {
  for (const Field& f : headers) {
    if (!iequals(f.name, "connection")) continue;
    std::string_view rest = f.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view option = rest.substr(0, comma);
      while (!option.empty() && (option.front() == ' ' || option.front() == '\t')) option.remove_prefix(1);
      while (!option.empty() && (option.back() == ' ' || option.back() == '\t')) option.remove_suffix(1);
      if (iequals(option, "close")) return true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return false;
}

/// A request being redirected.
struct RedirectState {
  Url url;                          ///< the URL just requested; becomes the next one
  std::string method;               ///< the method; may become GET
  Fields headers;                   ///< the headers; credentials go when the origin changes
  bool drop_body = false;           ///< true once the body was dropped (method changed to GET)
};

/// Rewrites `state` to follow a `status` redirect to `location`. `first_origin` is the origin of
/// the original request: `Authorization`, `Cookie`, `Proxy-Authorization`, `api-key`, `x-api-key` and `x-goog-api-key` are removed whenever
/// the new URL's origin differs from it (and stay removed). 303 (except for HEAD), and 301 and 302
/// after POST, become GET without a body (and without Content-Type). Errors: `redirect_refused`
/// (https to http), or those of `resolve_redirect`.
inline std::error_code follow_redirect(RedirectState& state, int status, std::string_view location,
                                       const std::string& first_origin) {
  auto next = resolve_redirect(state.url, location);
  if (!next) return next.error();
  if (state.url.is_https() && !next->is_https()) return Errc::redirect_refused;
  if ((status == 303 && state.method != "HEAD") || ((status == 301 || status == 302) && state.method == "POST")) {
    state.method = "GET";
    state.drop_body = true;
    state.headers.erase("content-type");
  }
  if (next->origin() != first_origin) {
    state.headers.erase("authorization");
    state.headers.erase("cookie");
    state.headers.erase("proxy-authorization");
    state.headers.erase("api-key");  // the key headers of OpenAI-compatible gateways (OpenAiVideos)
    state.headers.erase("x-api-key");
    state.headers.erase("x-goog-api-key");  // the Gemini API's key header (GoogleVeo)
  }
  state.url = std::move(*next);
  return {};
}

}  // namespace reel::http::detail
