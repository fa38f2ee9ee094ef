// SPDX-License-Identifier: BSL-1.0
/// @file
/// What an `HttpClient` sends and returns: `Request`, `RequestOptions` (per-step timeouts, a
/// deadline, redirects, progress), `ResponseHead`, `Response`, and `SendError`, which says how far
/// an exchange got so a caller knows whether the server may have seen the request.
#pragma once

#include <reel/config.hpp>
#include <reel/http/fields.hpp>
#include <reel/http/url.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

namespace reel::http {

/// One request. The client writes `Host` and `Content-Length` itself.
struct Request {
  std::string method = "GET";
  std::string url;  ///< absolute http or https URL
  Fields headers;
  std::string body;
};

/// Time limits for each step of one exchange; a zero duration means that step is not limited.
struct Timeouts {
  std::chrono::milliseconds connect{10'000};            ///< name resolution and TCP connect
  std::chrono::milliseconds tls_handshake{10'000};      ///< the TLS handshake
  std::chrono::milliseconds response_headers{60'000};   ///< from the start of the request write to the whole head (uploads count)
  std::chrono::milliseconds body_idle{30'000};          ///< the longest gap between body bytes
  std::chrono::milliseconds total{0};                   ///< the whole exchange, redirects included
};

/// Bytes of a response body received so far, in this exchange. For a `206` answer to a `Range`
/// request both count from the range's start: add the resume offset for whole-file figures.
struct Progress {
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> total;  ///< from Content-Length, when the server sent one
};

/// How one request is carried out.
struct RequestOptions {
  Timeouts timeouts;
  /// An absolute deadline (for example a whole job's): every step also ends by then, failing
  /// with `Errc::total_timeout`.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Redirects followed: 0 for API calls (a 3xx is returned as is); downloads allow up to 5.
  /// `Authorization` is never sent to another origin, and https never goes to http.
  int max_redirects = 0;
  /// The largest body buffered in `Response::body`; larger ones fail with `body_too_large`.
  std::size_t max_buffered_body = 16 * 1024 * 1024;
  /// Called as body bytes arrive (on the client's executor); may be empty.
  std::function<void(const Progress&)> on_progress;
};

/// The status line and headers of a response, and the URL that produced it (after redirects).
struct ResponseHead {
  int status = 0;
  std::string reason;
  Fields headers;
  std::optional<std::uint64_t> content_length;
  Url url;
};

/// A complete response. `body` holds the body unless it was streamed into a sink.
struct Response {
  ResponseHead head;
  std::string body;
  Fields trailers;              ///< trailer fields of a chunked body
  bool streamed = false;        ///< true when the body went to a sink instead of `body`
  std::uint64_t body_bytes = 0;  ///< bytes of body received (buffered or streamed)
};

/// How far an exchange got before it failed, in order.
enum class Stage {
  prepare,   ///< the request was invalid (URL, method, headers): nothing was sent
  connect,   ///< resolving, connecting or the TLS handshake failed: nothing was sent
  send,      ///< writing the request failed: the server may have received part or all of it
  response,  ///< waiting for or reading the response head failed: the request was sent
  body,      ///< reading the body (or writing it to the sink) failed: the request was sent
};

/// The stage's name: "prepare", "connect", "send", "response" or "body".
constexpr const char* to_string(Stage stage) noexcept {
  switch (stage) {
    case Stage::prepare: return "prepare";
    case Stage::connect: return "connect";
    case Stage::send: return "send";
    case Stage::response: return "response";
    case Stage::body: return "body";
  }
  return "unknown";
}

/// A failed exchange: the error and the stage it happened in. A cancelled or timed-out exchange
/// reports the stage it had reached, so `request_may_have_been_sent()` stays truthful (a deadline
/// already past when `send` starts reports stage `connect`).
struct SendError {
  std::error_code code;
  Stage stage = Stage::prepare;

  /// False only when the server provably never received the request (safe to send it again).
  bool request_may_have_been_sent() const noexcept { return stage >= Stage::send; }

  friend bool operator==(const SendError&, const SendError&) = default;
};

}  // namespace reel::http
