// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::http::detail::run_exchange`: one request and its response on an open connection. It
/// writes the head and body, feeds what it reads (into a fixed 64 KiB buffer) to a
/// `ResponseParser`, and hands body pieces to the chosen sink, to `Response::body` (bounded), or,
/// for a redirect that will be followed, to nowhere. Timeouts: `response_headers` from the start of
/// the write to the end of the head, `body_idle` for every read after it.
#pragma once

#include <reel/config.hpp>
#include <reel/http/body.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/detail/connection.hpp>
#include <reel/http/detail/watchdog.hpp>
#include <reel/http/error.hpp>
#include <reel/http/message.hpp>
#include <reel/http/response_parser.hpp>
#include <reel/http/url.hpp>

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ssl/error.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace reel::http::detail {

/// Size of the read buffer of one exchange.
inline constexpr std::size_t read_buffer_size = 256 * 1024;  // 64 KiB cost ~25 % of download throughput
/// The most body bytes of a followed redirect read to keep its connection; past it, the
/// connection is closed instead.
inline constexpr std::size_t redirect_drain_limit = 64 * 1024;

/// True for the statuses reel follows: 301, 302, 303, 307, 308.
constexpr bool is_redirect_status(int status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// What one exchange needs.
struct ExchangeInput {
  const Url* url = nullptr;
  const std::string* head = nullptr;  ///< the serialised request head
  const std::string* body = nullptr;
  bool head_request = false;
  bool follow_redirects = false;  ///< a 3xx with Location is drained, not given to the chooser
  const RequestOptions* options = nullptr;
  const BodyChooser* choose = nullptr;
  const ParserLimits* limits = nullptr;
  Stage* stage = nullptr;  ///< kept up to date, for errors thrown through the exchange
};

/// What one exchange produced.
struct ExchangeOutcome {
  Response response;
  std::optional<SendError> error;
  bool nothing_written = false;   ///< the write failed before any byte was taken
  bool no_response_byte = false;  ///< EOF or reset before any byte of response arrived
  bool reusable = false;          ///< complete, keep-alive, and nothing more was received
  bool redirect = false;          ///< a redirect to follow (its body was discarded)
};

/// True for the read errors that mean the peer closed the stream (TLS without close_notify too).
inline bool is_end_of_stream(const std::error_code& ec) noexcept {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

/// Runs one exchange on `connection`, under `watchdog`; the result is in `out`.
inline asio::awaitable<void> run_exchange(Connection& connection, Watchdog& watchdog, const ExchangeInput& in,
                                          ExchangeOutcome& out) {
  const RequestOptions& options = *in.options;
  const std::function<void()> abort = [&connection] { connection.close(); };
  const auto fail_with = [&](std::error_code ec, Stage stage) {
    watchdog.disarm();
    *in.stage = stage;
    out.error = SendError{watchdog.fired() ? watchdog.fired() : ec, stage};
  };

  std::optional<Clock::time_point> headers_end;
  if (options.timeouts.response_headers.count() > 0) headers_end = Clock::now() + options.timeouts.response_headers;
  watchdog.arm_until(headers_end, Errc::response_timeout, abort);
  *in.stage = Stage::send;
  std::error_code ec;
  const std::size_t written = co_await connection.write(*in.head, *in.body, ec);
  if (ec) {
    out.nothing_written = written == 0 && !watchdog.fired() && ec != asio::error::operation_aborted;
    fail_with(ec, Stage::send);
    co_return;
  }
  *in.stage = Stage::response;

  ResponseParser parser(*in.limits);
  parser.set_head_request(in.head_request);
  const std::unique_ptr<char[]> storage(new char[read_buffer_size]);
  const asio::mutable_buffer read_buffer(storage.get(), read_buffer_size);
  std::string_view data;
  enum class Mode { buffer, sink, drain } mode = Mode::buffer;
  std::optional<SinkRef> sink;
  bool head_seen = false;
  Response& response = out.response;

  for (;;) {
    while (!data.empty() && !parser.done()) {
      auto fed = parser.feed(data);
      if (!fed) {
        fail_with(fed.error(), parser.head_done() ? Stage::body : Stage::response);
        co_return;
      }
      if (parser.head_done() && !head_seen) {
        head_seen = true;
        *in.stage = Stage::body;
        response.head.status = parser.status();
        response.head.reason.assign(parser.reason());
        response.head.headers = parser.fields();
        response.head.content_length = parser.content_length();
        response.head.url = *in.url;
        if (in.follow_redirects && is_redirect_status(parser.status()) && parser.fields().find("location")) {
          mode = Mode::drain;
          out.redirect = true;
        } else if (in.choose != nullptr && *in.choose) {
          sink = (*in.choose)(response.head);
          if (sink) mode = Mode::sink;
        }
        response.streamed = mode == Mode::sink;
      }
      const std::string_view piece = fed->body;
      data.remove_prefix(fed->consumed);
      if (piece.empty()) continue;
      response.body_bytes += piece.size();
      if (mode == Mode::drain) {
        if (response.body_bytes > redirect_drain_limit) {  // not worth reading: drop the connection
          watchdog.disarm();
          co_return;
        }
        continue;
      }
      if (mode == Mode::sink) {
        if (const std::error_code sink_ec = sink->write(piece)) {
          fail_with(sink_ec, Stage::body);
          co_return;
        }
      } else if (piece.size() > options.max_buffered_body - response.body.size()) {
        fail_with(Errc::body_too_large, Stage::body);
        co_return;
      } else {
        response.body.append(piece);
      }
      if (options.on_progress) {
        Progress progress;
        progress.bytes = response.body_bytes;
        if (parser.body_kind() == BodyKind::content_length) progress.total = parser.content_length();
        options.on_progress(progress);
      }
    }
    if (parser.done()) break;
    if (parser.head_done()) watchdog.arm(options.timeouts.body_idle, Errc::body_idle_timeout, abort);
    const std::size_t n = co_await connection.read_some(read_buffer, ec);
    if (ec) {
      const Stage stage = parser.head_done() ? Stage::body : Stage::response;
      if (!watchdog.fired() && is_end_of_stream(ec)) {
        if (const std::error_code eof_ec = parser.finish_eof()) {
          out.no_response_byte = !parser.started();
          fail_with(eof_ec, stage);
          co_return;
        }
        break;  // a body delimited by the close
      }
      out.no_response_byte = !parser.started() && !watchdog.fired() && ec == asio::error::connection_reset;
      fail_with(ec, stage);
      co_return;
    }
    data = std::string_view(storage.get(), n);
  }
  watchdog.disarm();
  response.trailers = parser.trailers();
  out.reusable = !ec && parser.keep_alive() && data.empty() && !watchdog.fired();
  if (mode == Mode::sink) {
    if (const std::error_code finish_ec = sink->finish()) {
      out.reusable = false;
      fail_with(finish_ec, Stage::body);
    }
  }
}

}  // namespace reel::http::detail
