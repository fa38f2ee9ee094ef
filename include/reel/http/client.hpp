// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::Client`: reel's default transport, HTTP/1.1 over TCP or TLS with standalone Asio
/// and OpenSSL. It satisfies `HttpClient`.
///
/// - **TLS** always verifies the peer: the certificate chain against the system CA store (plus
///   `ClientOptions::ca_file`) and the host name (or IP address) of the URL; SNI is sent for host
///   names. Any failure fails closed, `tls_verification_failed` when the certificate or the name
///   did not verify. There is no switch to turn verification off. TLS 1.2 or newer.
/// - **Connections** are kept alive per origin (`Url::origin()`), at most
///   `max_connections_per_origin` at a time (more requests wait for one), and dropped after
///   `idle_expiry` idle or when the server has closed them. A connection is reused only after a
///   complete keep-alive response with no extra bytes (and when the request did not say
///   `Connection: close`), and is discarded after any error, timeout or cancellation.
/// - **Retry rule** (so a paid request is never sent twice): a request is re-sent, once, on a new
///   connection only when it went out on a *reused* connection and either (a) the write failed
///   before the connection took a single byte, or (b) the server closed or reset the connection
///   before sending any byte of a response *and* the method is idempotent (GET, HEAD, PUT, DELETE,
///   OPTIONS, TRACE). A POST is never re-sent once any byte of it was written; it then fails with
///   stage `send` or `response`. Nothing is retried on a new connection, or after a timeout.
/// - **Timeouts** (`RequestOptions::timeouts`): `connect` covers waiting for a pooled slot, name
///   resolution and the TCP connect (`connect_timeout`); `tls_handshake` (`tls_handshake_timeout`);
///   `response_headers` from the start of the request write to the end of the head
///   (`response_timeout`); `body_idle` for every wait for body bytes (`body_idle_timeout`);
///   `total` and `RequestOptions::deadline`, whichever ends first, for the whole call including
///   redirects (`total_timeout`). A timeout closes the socket, so nothing hangs.
/// - **Cancellation**: when the awaiting coroutine's cancellation slot is triggered (terminal
///   cancellation, e.g. `asio::bind_cancellation_slot` or `awaitable_operators ||`), `send` ends
///   with `asio::error::operation_aborted` and the connection is closed.
/// - **Redirects**: with `max_redirects == 0` a 3xx is returned as is. Otherwise 301, 302, 303,
///   307 and 308 with a Location are followed up to the limit (`too_many_redirects` past it); 303
///   (except after HEAD), and 301/302 after POST, become a GET without body; https to http is
///   `redirect_refused`; Authorization, Cookie and Proxy-Authorization are dropped once the origin
///   differs from the original request's. `ResponseHead::url` is the final URL. The chooser sees
///   only the final response.
/// - **Threads**: a `Client` and its `send`s must run on one executor whose handlers never run
///   concurrently (an `io_context` run by one thread, or a strand). The `Request`, the options and
///   the chooser must outlive the `co_await`, and so must the `Client`.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/body.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/detail/connection.hpp>
#include <reel/http/detail/connection_pool.hpp>
#include <reel/http/detail/exchange.hpp>
#include <reel/http/detail/redirect.hpp>
#include <reel/http/detail/tls.hpp>
#include <reel/http/detail/watchdog.hpp>
#include <reel/http/error.hpp>
#include <reel/http/message.hpp>
#include <reel/http/request_writer.hpp>
#include <reel/http/response_parser.hpp>
#include <reel/http/url.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace reel::http {

/// How a `Client` connects.
struct ClientOptions {
  /// A PEM file of CA certificates trusted in addition to the system store (empty: none).
  std::string ca_file;
  /// The most connections open to one origin at a time; further requests wait.
  std::size_t max_connections_per_origin = 4;
  /// How long an idle connection is kept for reuse.
  std::chrono::milliseconds idle_expiry{30'000};
  /// Bounds on the responses the client accepts.
  ParserLimits response_limits;
};

/// reel's HTTP/1.1 + TLS client (see the file comment for its rules).
class Client {
public:
  /// The executor every operation runs on.
  using executor_type = asio::any_io_executor;

  /// A client on `executor`. A bad `ca_file` does not throw: every https request then fails with
  /// the error (stage `connect`).
  explicit Client(executor_type executor, ClientOptions options = {})
      : executor_(std::move(executor)), options_(std::move(options)),
        pool_(std::make_shared<detail::ConnectionPool>(options_.max_connections_per_origin, options_.idle_expiry)) {}

  /// The client's executor.
  executor_type get_executor() const noexcept { return executor_; }

  /// Performs `request` (following redirects as `options` allow) and returns the final response,
  /// its body buffered or streamed into the sink `choose` returns; never throws.
  SendResult<executor_type> send(const Request& request, const RequestOptions& options, const BodyChooser& choose) {
    Stage stage = Stage::prepare;
    std::error_code ec;
    try {
      auto result = co_await send_impl(request, options, choose, stage);
      co_return result;
    } catch (const std::system_error& e) {
      ec = e.code();
    } catch (const std::bad_alloc&) {
      ec = std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {  // thrown by the chooser, a sink or the progress callback
      ec = std::make_error_code(std::errc::io_error);
    }
    const SendError error{ec, stage};
    co_return fail(error);
  }

  /// Idle connections kept for `origin` ("scheme://host:port"), for tests and diagnostics.
  std::size_t idle_connections(const std::string& origin) const { return pool_->idle_count(origin); }

private:
  static Result<Response, SendError> failure(std::error_code ec, Stage stage) {
    const SendError error{ec, stage};
    return fail(error);
  }

  asio::awaitable<Result<Response, SendError>> send_impl(const Request& request, const RequestOptions& options,
                                                        const BodyChooser& choose, Stage& stage) {
    auto parsed = parse_url(request.url);
    if (!parsed) co_return failure(parsed.error(), Stage::prepare);
    detail::RedirectState state{std::move(*parsed), request.method, request.headers, false};
    const std::string first_origin = state.url.origin();
    const bool asks_close = detail::asks_to_close(request.headers);
    const std::string no_body;

    std::optional<detail::Clock::time_point> overall = options.deadline;
    if (options.timeouts.total.count() > 0) {
      const auto end = detail::Clock::now() + options.timeouts.total;
      if (!overall || end < *overall) overall = end;
    }
    detail::Watchdog watchdog(executor_, overall);

    for (int redirects = 0;;) {
      stage = Stage::prepare;
      const std::string& body = state.drop_body ? no_body : request.body;
      std::string head;
      const auto content_length = detail::request_content_length(state.method, body);
      if (auto written = write_request_head(head, state.method, state.url, state.headers, content_length); !written) {
        co_return failure(written.error(), Stage::prepare);
      }
      if (watchdog.overall_passed()) co_return failure(Errc::total_timeout, Stage::connect);
      if (state.url.is_https() && !tls_context()) co_return failure(tls_error_, Stage::connect);

      const detail::ExchangeInput input{&state.url, &head, &body, state.method == "HEAD",
                                        options.max_redirects > 0, &options, &choose,
                                        &options_.response_limits, &stage};
      detail::ExchangeOutcome outcome;
      const std::string origin = redirects == 0 ? first_origin : state.url.origin();
      for (int attempt = 0;; ++attempt) {
        stage = Stage::connect;
        std::optional<detail::Clock::time_point> connect_end;
        if (options.timeouts.connect.count() > 0) connect_end = detail::Clock::now() + options.timeouts.connect;
        std::error_code ec;
        detail::Lease lease = co_await detail::acquire(executor_, pool_, origin, connect_end, watchdog, ec);
        if (ec) co_return failure(ec, Stage::connect);
        if (!lease.reused()) {
          co_await connect(lease.connection(), state.url, connect_end, options, watchdog, ec);
          if (ec) co_return failure(ec, Stage::connect);
        }
        outcome = detail::ExchangeOutcome{};
        co_await detail::run_exchange(lease.connection(), watchdog, input, outcome);
        if (outcome.error) {
          const bool retry = attempt == 0 && lease.reused() &&
                             (outcome.nothing_written ||
                              (outcome.no_response_byte && detail::is_idempotent(state.method)));
          lease.release(false);
          if (retry) continue;
          co_return failure(outcome.error->code, outcome.error->stage);
        }
        lease.release(outcome.reusable && !asks_close && !watchdog.fired());
        break;
      }
      if (!outcome.redirect) co_return std::move(outcome.response);

      stage = Stage::response;
      if (redirects >= options.max_redirects) co_return failure(Errc::too_many_redirects, Stage::response);
      ++redirects;
      const std::string location(*outcome.response.head.headers.find("location"));
      if (const auto ec = detail::follow_redirect(state, outcome.response.head.status, location, first_origin)) {
        co_return failure(ec, Stage::response);
      }
    }
  }

  // Resolves, connects and (for https) performs the TLS handshake, under the connect and
  // tls_handshake limits.
  asio::awaitable<void> connect(detail::Connection& connection, const Url& url,
                                std::optional<detail::Clock::time_point> connect_end, const RequestOptions& options,
                                detail::Watchdog& watchdog, std::error_code& ec) {
    asio::ip::tcp::resolver resolver(executor_);
    watchdog.arm_until(connect_end, Errc::connect_timeout, [&resolver, &connection] {
      resolver.cancel();
      connection.close();
    });
    co_await connection.connect(resolver, url.host, url.port, watchdog, ec);
    watchdog.disarm();
    if (watchdog.fired()) ec = watchdog.fired();
    if (ec || !url.is_https()) co_return;
    watchdog.arm(options.timeouts.tls_handshake, Errc::tls_handshake_timeout, [&connection] { connection.close(); });
    co_await connection.handshake(*tls_, url.host, ec);
    watchdog.disarm();
    if (watchdog.fired()) ec = watchdog.fired();
  }

  executor_type executor_;
  ClientOptions options_;
  std::shared_ptr<detail::ConnectionPool> pool_;
  // Built on the first https request: loading the system CA store costs tens of milliseconds
  // and megabytes, which plain-http users should not pay.
  const std::shared_ptr<asio::ssl::context>& tls_context() {
    if (!tls_ && !tls_error_) {
      auto tls = detail::make_tls_context(options_.ca_file);
      if (tls) {
        tls_ = std::move(*tls);
      } else {
        tls_error_ = tls.error();
      }
    }
    return tls_;
  }

  std::shared_ptr<asio::ssl::context> tls_;
  std::error_code tls_error_;
};

static_assert(HttpClient<Client>);

}  // namespace reel::http
