// SPDX-License-Identifier: BSL-1.0
/// @file
/// The `HttpClient` concept: what reel needs from a transport. reel's own client satisfies it;
/// so can an adapter over any other HTTP library.
///
/// | requirement | meaning |
/// |---|---|
/// | `C::executor_type` | the Asio executor the client runs on (`asio::any_io_executor` for `VideoJob`, `Session`, `JobRunner`) |
/// | `c.get_executor()` | that executor |
/// | `c.send(const Request&, const RequestOptions&, const BodyChooser&)` | performs one exchange; returns `asio::awaitable<Result<Response, SendError>>` |
///
/// `send` must: honour every limit in `RequestOptions` (per-step timeouts, the deadline, the
/// redirect limit, the buffered-body limit); call the chooser once the head has arrived, and then
/// stream the body into the sink it returns, or buffer it when it returns none or is empty; report
/// progress; stop promptly with `asio::error::operation_aborted` when the awaiting coroutine's
/// cancellation slot is triggered (reporting the stage reached); never forward `Authorization` to
/// another origin; and say in `SendError::stage` how far it got, so a paid request is never sent
/// twice by accident. An exception thrown by the chooser, a sink or the progress callback ends the
/// exchange with an error (reel's clients use `std::errc::io_error`); nothing escapes `send`.
/// The arguments are references into the caller's coroutine frame: they, and the client, must
/// outlive the `co_await`. Note that Asio's awaitables throw `operation_aborted` at the caller's
/// `co_await` once cancelled, unless the caller chose `asio::this_coro::throw_if_cancelled(false)`.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/body.hpp>
#include <reel/http/message.hpp>

#include <asio/awaitable.hpp>

#include <concepts>
#include <functional>
#include <optional>

namespace reel::http {

/// Chooses, once a response head has arrived, the sink for its body; none (or an empty chooser)
/// buffers the body in `Response::body`.
using BodyChooser = std::function<std::optional<SinkRef>(const ResponseHead&)>;

/// What `HttpClient::send` returns.
template <class Executor>
using SendResult = asio::awaitable<Result<Response, SendError>, Executor>;

/// A transport reel can send requests through (see the table above).
template <class C>
concept HttpClient = requires(C& c, const Request& request, const RequestOptions& options, const BodyChooser& choose) {
  typename C::executor_type;
  { c.get_executor() } -> std::convertible_to<typename C::executor_type>;
  { c.send(request, options, choose) } -> std::same_as<SendResult<typename C::executor_type>>;
};

/// Checks `C` against `HttpClient` one requirement at a time, so a mismatch reads as a sentence.
/// Use as `static_assert(reel::http::check_http_client<MyClient>());`.
template <class C>
consteval bool check_http_client() {
  static_assert(requires { typename C::executor_type; },
                "reel::http::HttpClient: the client type must name its executor as `executor_type`");
  if constexpr (requires { typename C::executor_type; }) {
    static_assert(requires(C& c) {
      { c.get_executor() } -> std::convertible_to<typename C::executor_type>;
    }, "reel::http::HttpClient: the client must have `get_executor()` returning its `executor_type`");
    static_assert(requires(C& c, const Request& r, const RequestOptions& o, const BodyChooser& b) { c.send(r, o, b); },
                  "reel::http::HttpClient: the client must have `send(const Request&, const RequestOptions&, "
                  "const BodyChooser&)`");
    static_assert(requires(C& c, const Request& r, const RequestOptions& o, const BodyChooser& b) {
      { c.send(r, o, b) } -> std::same_as<SendResult<typename C::executor_type>>;
    }, "reel::http::HttpClient: `send` must return `asio::awaitable<reel::Result<Response, SendError>, executor_type>`");
  }
  return HttpClient<C>;
}

}  // namespace reel::http
