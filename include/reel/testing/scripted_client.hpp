// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::testing::ScriptedClient`: a deterministic in-memory `HttpClient` for tests. It plays a FIFO
/// script of expected exchanges without sockets, threads or sleeps:
///
///     reel::testing::ScriptedClient client(io.get_executor());
///     client.expect("POST", "https://api.example/v1/jobs")
///         .header("Authorization", "Bearer k")
///         .respond(200, R"({"id":"j1"})");
///     client.expect_prefix("GET", "https://cdn.example/")
///         .no_header("Authorization")
///         .respond(200, video_bytes)
///         .pieces(4096);
///
/// Each `send` is recorded (`requests()`), checked like a real client would (URL, method, header
/// syntax: `prepare` errors), then matched against the next step: method, URL (exact or prefix),
/// required and forbidden headers, body. A request with no step left, or one the next step does
/// not match, fails with a `ScriptError` (category "reel.testing.script", stage `prepare`), leaves
/// the step in place and adds a sentence to `mismatches()`.
///
/// A step ends in a response (head, then the body into the chooser's sink or buffered under
/// `max_buffered_body`, in pieces of a chosen size, with a progress call per piece), a failure at
/// a stage (optionally after part of the body), a timeout (resolved from the request's options,
/// without waiting), or a hang that ends only when the awaiting coroutine is cancelled.
///
/// Cancellation: `send` returns `asio::error::operation_aborted` when the coroutine's cancellation
/// state is already cancelled when it starts (stage `prepare`; the step is not used), when it
/// becomes cancelled while the body is delivered (e.g. from a progress callback; stage `body`),
/// and when a hanging step is cancelled. Asio's coroutines throw `operation_aborted` at a
/// `co_await` once cancelled unless `co_await asio::this_coro::throw_if_cancelled(false)` was
/// done, so the first case is only seen by such coroutines.
#pragma once

#include <reel/config.hpp>
#include <reel/core/error_category.hpp>
#include <reel/core/result.hpp>
#include <reel/http/body.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/detail/chars.hpp>
#include <reel/http/error.hpp>
#include <reel/http/fields.hpp>
#include <reel/http/message.hpp>
#include <reel/http/request_writer.hpp>
#include <reel/http/url.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/cancellation_state.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/error.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace reel::testing {

/// Why a `ScriptedClient` refused a request (category "reel.testing.script").
enum class ScriptError {
  ok = 0,
  unexpected_request = 1,  ///< a request arrived after the script's last step was used
  method_mismatch,         ///< the method is not the one the next step expects
  url_mismatch,            ///< the URL is not the step's (or does not start with its prefix)
  missing_header,          ///< a header the step requires is absent or has another value
  forbidden_header,        ///< a header the step forbids is present
  body_mismatch,           ///< the body is not the step's, or the step's predicate refused it
};

}  // namespace reel::testing

template <>
struct std::is_error_code_enum<reel::testing::ScriptError> : std::true_type {};

namespace reel::testing {

// The HTTP vocabulary the scripted client speaks.
using http::Errc;
using http::Request;
using http::RequestOptions;
using http::Response;
using http::ResponseHead;
using http::Stage;
using http::Timeouts;
using http::BodyChooser;
using http::Field;
using http::Fields;
using http::SendError;
using http::SendResult;
using http::Url;
using http::check_http_client;
using http::parse_url;
using http::Progress;
using http::SinkRef;

/// The error category of `ScriptError`, named "reel.testing.script".
const std::error_category& script_category() noexcept;

/// Makes a `std::error_code` from a `ScriptError`.
inline std::error_code make_error_code(ScriptError e) noexcept { return {static_cast<int>(e), script_category()}; }

namespace detail {

inline constexpr char script_category_name[] = "reel.testing.script";
/// The message of each `ScriptError` value (null for a value it does not know).
constexpr const char* script_message(ScriptError e) noexcept {
  switch (e) {
    case ScriptError::ok: return "success";
    case ScriptError::unexpected_request: return "unexpected request: the script has no step left";
    case ScriptError::method_mismatch: return "request does not match the script: method";
    case ScriptError::url_mismatch: return "request does not match the script: URL";
    case ScriptError::missing_header: return "request does not match the script: a required header is missing";
    case ScriptError::forbidden_header: return "request does not match the script: a forbidden header is present";
    case ScriptError::body_mismatch: return "request does not match the script: body";
  }
  return nullptr;
}

/// A reason phrase for the common status codes, empty for others.
constexpr std::string_view default_reason(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return {};
  }
}

/// The error a request stalled at `stage` ends with under `options`: the limit that expires
/// first (the step's own timeout, `total`, or the deadline, which reports `total_timeout`), or
/// nothing when no limit applies (a real client would wait until cancelled).
inline std::optional<std::error_code> stall_error(Stage stage, const RequestOptions& options,
                                                  std::chrono::steady_clock::time_point now) {
  using std::chrono::nanoseconds;
  std::optional<nanoseconds> first;
  std::error_code code;
  const auto consider = [&](nanoseconds after, Errc error) {
    if (!first || after < *first) {
      first = after;
      code = error;
    }
  };
  const Timeouts& t = options.timeouts;
  if (stage == Stage::connect && t.connect.count() > 0) consider(t.connect, Errc::connect_timeout);
  if (stage == Stage::response && t.response_headers.count() > 0) consider(t.response_headers, Errc::response_timeout);
  if (stage == Stage::body && t.body_idle.count() > 0) consider(t.body_idle, Errc::body_idle_timeout);
  if (t.total.count() > 0) consider(t.total, Errc::total_timeout);
  if (options.deadline) consider(std::max(nanoseconds(0), nanoseconds(*options.deadline - now)), Errc::total_timeout);
  if (!first) return std::nullopt;
  return code;
}

}  // namespace detail

inline const std::error_category& script_category() noexcept {
  return ErrorCategory<ScriptError, detail::script_category_name, detail::script_message>::instance();
}

/// A copy of one request a `ScriptedClient` received, with its options.
struct RecordedRequest {
  Request request;
  RequestOptions options;
};

/// One expected exchange of a `ScriptedClient`: what the request must look like and how the
/// exchange ends. Made by `ScriptedClient::expect`; every setter returns the step, to chain.
/// Unless told otherwise a step answers `200 OK` with an empty body.
class ScriptStep {
public:
  /// How a step's exchange ends.
  enum class Ending {
    complete,  ///< the whole response is delivered
    fail,      ///< fails with `code()` at `stage()`
    time_out,  ///< stalls at `stage()` until a limit of the request's options expires
    hang,      ///< stalls at `stage()` until the awaiting coroutine is cancelled
  };

  /// A step for `method` and `url` (or every URL starting with `url`, when `url_is_prefix`).
  ScriptStep(std::string method, std::string url, bool url_is_prefix)
      : method_(std::move(method)), url_(std::move(url)), url_is_prefix_(url_is_prefix) {}

  /// Requires a header `name` (any case) with exactly `value` (among repeated fields, any one).
  ScriptStep& header(std::string name, std::string value) {
    required_.push_back({std::move(name), std::move(value)});
    return *this;
  }
  /// Requires a header `name` with any value.
  ScriptStep& has_header(std::string name) {
    required_.push_back({std::move(name), std::nullopt});
    return *this;
  }
  /// Requires that no header `name` is sent (e.g. `Authorization` to a CDN).
  ScriptStep& no_header(std::string name) {
    forbidden_.push_back(std::move(name));
    return *this;
  }
  /// Requires exactly this body.
  ScriptStep& body(std::string exact) {
    std::string expected = std::move(exact);
    body_what_ = "body " + quote(expected);
    body_check_ = [expected = std::move(expected)](std::string_view b) { return b == expected; };
    return *this;
  }
  /// Requires a body `predicate` accepts; `what` names the check in mismatch messages.
  ScriptStep& body_if(std::function<bool(std::string_view)> predicate, std::string what = "the body predicate") {
    body_check_ = std::move(predicate);
    body_what_ = std::move(what);
    return *this;
  }

  /// Answers with `status` and `body` (the reason phrase defaults to the usual one).
  ScriptStep& respond(int status, std::string body = {}) {
    status_ = status;
    response_body_ = std::move(body);
    return *this;
  }
  /// Sets the reason phrase.
  ScriptStep& reason(std::string text) {
    reason_ = std::move(text);
    return *this;
  }
  /// Adds a response header field.
  ScriptStep& response_header(std::string_view name, std::string_view value) {
    response_headers_.add(name, value);
    return *this;
  }
  /// Delivers the body in pieces of `size` bytes (0, the default: all at once); each piece is one
  /// sink write and one progress call.
  ScriptStep& pieces(std::size_t size) noexcept {
    piece_size_ = size;
    return *this;
  }
  /// Leaves `ResponseHead::content_length` (and so `Progress::total`) empty, as for a chunked
  /// body; by default it is the body's size.
  ScriptStep& no_content_length() noexcept {
    content_length_ = false;
    return *this;
  }
  /// Sets `ResponseHead::url`, as if redirects had led there (default: the request's URL).
  /// Throws `std::invalid_argument` when `url` does not parse: a mistake in the script.
  ScriptStep& final_url(std::string_view url) {
    auto parsed = parse_url(url);
    if (!parsed) throw std::invalid_argument("reel::testing::ScriptStep::final_url: bad URL " + std::string(url));
    final_url_ = std::move(*parsed);
    return *this;
  }

  /// Fails with `code` at `stage`. Before `Stage::body` no head is delivered; at `Stage::body` the
  /// head is, and the chooser is called, then the error comes before any body byte.
  ScriptStep& fail(std::error_code code, Stage stage) noexcept {
    end(Ending::fail, stage, 0);
    code_ = code;
    return *this;
  }
  /// Delivers the head and the first `body_bytes` bytes of the body, then fails with `code`
  /// (stage `body`): a connection reset mid-body, for example.
  ScriptStep& fail_after(std::size_t body_bytes, std::error_code code) noexcept {
    end(Ending::fail, Stage::body, body_bytes);
    code_ = code;
    return *this;
  }
  /// Stalls at `stage` (at `Stage::body`: before the first body byte). The exchange fails at once,
  /// without waiting, with the error of the limit that would expire first under the request's
  /// options: the stage's own timeout (`connect_timeout`, `response_timeout`,
  /// `body_idle_timeout`; `prepare` and `send` have none), `total`, or the deadline (reported as
  /// `total_timeout`). With no limit at all it hangs like `hang(stage)`.
  ScriptStep& time_out(Stage stage) noexcept {
    end(Ending::time_out, stage, 0);
    return *this;
  }
  /// Delivers the head and `body_bytes` bytes of the body, then stalls as `time_out(Stage::body)`.
  ScriptStep& time_out_after(std::size_t body_bytes) noexcept {
    end(Ending::time_out, Stage::body, body_bytes);
    return *this;
  }
  /// Stalls at `stage` until the awaiting coroutine is cancelled, then fails with
  /// `operation_aborted` at that stage. Without cancellation it never completes (and keeps
  /// `io_context::run` busy).
  ScriptStep& hang(Stage stage) noexcept {
    end(Ending::hang, stage, 0);
    return *this;
  }
  /// Delivers the head and `body_bytes` bytes of the body, then hangs as `hang(Stage::body)`.
  ScriptStep& hang_after(std::size_t body_bytes) noexcept {
    end(Ending::hang, Stage::body, body_bytes);
    return *this;
  }

  /// The expected method.
  const std::string& method() const noexcept { return method_; }
  /// The expected URL or URL prefix.
  const std::string& url() const noexcept { return url_; }
  /// How the exchange ends.
  Ending ending() const noexcept { return ending_; }
  /// The stage of a failure, timeout or hang.
  Stage stage() const noexcept { return stage_; }
  /// The error of a failure.
  std::error_code code() const noexcept { return code_; }
  /// "POST https://host/path" (a prefix ends in "*"), for messages.
  std::string describe() const { return method_ + " " + url_ + (url_is_prefix_ ? "*" : ""); }

private:
  friend class ScriptedClient;

  struct HeaderRule {
    std::string name;
    std::optional<std::string> value;
  };

  static std::string quote(std::string_view text) {
    constexpr std::size_t shown = 60;
    std::string out = "\"";
    out.append(text.substr(0, shown));
    if (text.size() > shown) out.append("...");
    out.append("\" (").append(std::to_string(text.size())).append(" bytes)");
    return out;
  }

  void end(Ending ending, Stage stage, std::size_t body_bytes) noexcept {
    ending_ = ending;
    stage_ = stage;
    cut_at_ = body_bytes;
  }

  // The first way `request` differs from this step, with a sentence saying how; ok when it matches.
  ScriptError mismatch(const Request& request, std::string& why) const {
    if (request.method != method_) {
      why = "method is " + request.method;
      return ScriptError::method_mismatch;
    }
    if (url_is_prefix_ ? !std::string_view(request.url).starts_with(url_) : request.url != url_) {
      why = "URL is " + request.url;
      return ScriptError::url_mismatch;
    }
    for (const HeaderRule& rule : required_) {
      const bool found = std::any_of(request.headers.begin(), request.headers.end(), [&](const Field& f) {
        return http::detail::iequals(f.name, rule.name) && (!rule.value || f.value == *rule.value);
      });
      if (!found) {
        const auto actual = request.headers.find(rule.name);
        // Credentials are never repeated in messages, not even a test's.
        const bool secret = http::detail::iequals(rule.name, "authorization") || http::detail::iequals(rule.name, "proxy-authorization") ||
                            http::detail::iequals(rule.name, "cookie") || http::detail::iequals(rule.name, "x-api-key") ||
                            http::detail::iequals(rule.name, "x-goog-api-key");
        const std::string shown = !actual ? std::string("none") : secret ? std::string("another value") : std::string(*actual);
        why = "header " + rule.name + (rule.value && !secret ? ": " + *rule.value : std::string()) + " is required, got " + shown;
        return ScriptError::missing_header;
      }
    }
    for (const std::string& name : forbidden_) {
      if (request.headers.find(name)) {
        why = "header " + name + " must be absent";
        return ScriptError::forbidden_header;
      }
    }
    if (body_check_ && !body_check_(request.body)) {
      why = "expected " + body_what_ + ", got body " + quote(request.body);
      return ScriptError::body_mismatch;
    }
    return ScriptError::ok;
  }

  std::string method_;
  std::string url_;
  bool url_is_prefix_;
  std::vector<HeaderRule> required_;
  std::vector<std::string> forbidden_;
  std::function<bool(std::string_view)> body_check_;
  std::string body_what_;

  int status_ = 200;
  std::optional<std::string> reason_;
  Fields response_headers_;
  std::string response_body_;
  std::size_t piece_size_ = 0;
  bool content_length_ = true;
  std::optional<Url> final_url_;

  Ending ending_ = Ending::complete;
  Stage stage_ = Stage::body;
  std::error_code code_;
  std::size_t cut_at_ = 0;
};

/// A deterministic in-memory `HttpClient` that plays a script of expected exchanges (see the
/// file comment). Not thread-safe: use it from one strand. It must outlive its `send` calls.
class ScriptedClient {
public:
  /// The executor `send` runs on.
  using executor_type = asio::any_io_executor;

  /// A client with an empty script, running on `executor`.
  explicit ScriptedClient(executor_type executor) : executor_(std::move(executor)) {}
  ScriptedClient(const ScriptedClient&) = delete;
  ScriptedClient& operator=(const ScriptedClient&) = delete;

  /// The executor given to the constructor.
  executor_type get_executor() const noexcept { return executor_; }

  /// Appends a step expecting `method` on exactly `url` (compared as strings).
  ScriptStep& expect(std::string method, std::string url) {
    return steps_.emplace_back(std::move(method), std::move(url), false);
  }
  /// Appends a step expecting `method` on any URL starting with `url_prefix`.
  ScriptStep& expect_prefix(std::string method, std::string url_prefix) {
    return steps_.emplace_back(std::move(method), std::move(url_prefix), true);
  }

  /// Plays the next step for `request` (see the file comment).
  SendResult<executor_type> send(const Request& request, const RequestOptions& options, const BodyChooser& choose);

  /// Every request `send` was called with, in order (refused and cancelled ones included).
  const std::vector<RecordedRequest>& requests() const noexcept { return requests_; }
  /// One sentence per refused request: which request, which step, what differed.
  const std::vector<std::string>& mismatches() const noexcept { return mismatches_; }
  /// Steps not used yet.
  std::size_t remaining() const noexcept { return steps_.size(); }
  /// True when every step was used and no request was refused.
  bool done() const noexcept { return steps_.empty() && mismatches_.empty(); }

private:
  using Outcome = Result<Response, SendError>;

  // What `play` leaves to the coroutine: a result, or a stall at a stage until cancelled.
  struct Played {
    std::optional<Outcome> result;
    Stage hang_stage = Stage::prepare;
  };

  static Outcome failure(std::error_code code, Stage stage) {
    SendError error;
    error.code = code;
    error.stage = stage;
    return fail(error);
  }

  static bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
  }

  // Validates and matches `request`; on success removes the step into `step`.
  std::optional<Outcome> admit(const Request& request, Url& url, std::optional<ScriptStep>& step);
  Played play(const ScriptStep& step, Url url, const RequestOptions& options, const BodyChooser& choose,
              const asio::cancellation_state& state) const;
  static Played stall(ScriptStep::Ending ending, Stage stage, const RequestOptions& options);

  executor_type executor_;
  std::deque<ScriptStep> steps_;
  std::size_t steps_used_ = 0;
  std::vector<RecordedRequest> requests_;
  std::vector<std::string> mismatches_;
};

static_assert(check_http_client<ScriptedClient>());

inline SendResult<ScriptedClient::executor_type> ScriptedClient::send(const Request& request,
                                                                     const RequestOptions& options,
                                                                     const BodyChooser& choose) {
  RecordedRequest record{request, options};  // named: no aggregate temporaries in coroutines (GCC 12)
  requests_.push_back(std::move(record));
  const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  if (cancelled(state)) {
    Outcome aborted = failure(asio::error::operation_aborted, Stage::prepare);
    co_return aborted;
  }
  Url url;
  std::optional<ScriptStep> step;
  if (std::optional<Outcome> refused = admit(request, url, step)) co_return std::move(*refused);

  Played played = play(*step, std::move(url), options, choose, state);
  if (played.result) co_return std::move(*played.result);

  if (!cancelled(state)) {
    asio::steady_timer forever(executor_, asio::steady_timer::time_point::max());
    std::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await forever.async_wait(token);
  }
  Outcome aborted = failure(asio::error::operation_aborted, played.hang_stage);
  co_return aborted;
}

inline std::optional<ScriptedClient::Outcome> ScriptedClient::admit(const Request& request, Url& url,
                                                                    std::optional<ScriptStep>& step) {
  auto parsed = parse_url(request.url);
  if (!parsed) return failure(parsed.error(), Stage::prepare);
  url = std::move(*parsed);
  if (const auto ec = http::detail::check_request_head(request.method, url, request.headers)) {
    return failure(ec, Stage::prepare);
  }
  const std::string which =
      "reel::testing::ScriptedClient: request " + std::to_string(requests_.size()) + " (" + request.method + " " +
      request.url + ")";
  if (steps_.empty()) {
    mismatches_.push_back(which + " is unexpected: all " + std::to_string(steps_used_) + " steps were used");
    return failure(make_error_code(ScriptError::unexpected_request), Stage::prepare);
  }
  std::string why;
  if (const ScriptError e = steps_.front().mismatch(request, why); e != ScriptError::ok) {
    mismatches_.push_back(which + " does not match step " + std::to_string(steps_used_ + 1) + " (" +
                          steps_.front().describe() + "): " + why);
    return failure(make_error_code(e), Stage::prepare);
  }
  step.emplace(std::move(steps_.front()));
  steps_.pop_front();
  ++steps_used_;
  return std::nullopt;
}

inline ScriptedClient::Played ScriptedClient::stall(ScriptStep::Ending ending, Stage stage,
                                                    const RequestOptions& options) {
  Played played;
  played.hang_stage = stage;
  if (ending == ScriptStep::Ending::time_out) {
    if (const auto ec = detail::stall_error(stage, options, std::chrono::steady_clock::now())) {
      played.result = failure(*ec, stage);
    }
  }
  return played;
}

inline ScriptedClient::Played ScriptedClient::play(const ScriptStep& step, Url url, const RequestOptions& options,
                                                   const BodyChooser& choose,
                                                   const asio::cancellation_state& state) const {
  using Ending = ScriptStep::Ending;
  Played played;
  if (step.ending_ != Ending::complete && step.stage_ != Stage::body) {
    if (step.ending_ == Ending::fail) {
      played.result = failure(step.code_, step.stage_);
      return played;
    }
    return stall(step.ending_, step.stage_, options);
  }

  Response response;
  ResponseHead& head = response.head;
  head.status = step.status_;
  head.reason = step.reason_ ? *step.reason_ : std::string(detail::default_reason(step.status_));
  head.headers = step.response_headers_;
  if (step.content_length_) head.content_length = step.response_body_.size();
  head.url = step.final_url_ ? *step.final_url_ : std::move(url);

  std::optional<SinkRef> sink;
  if (choose) sink = choose(head);
  response.streamed = sink.has_value();
  if (!sink && head.content_length && *head.content_length > options.max_buffered_body) {
    played.result = failure(Errc::body_too_large, Stage::body);
    return played;
  }

  const std::string_view all = step.response_body_;
  const std::string_view body = step.ending_ == Ending::complete ? all : all.substr(0, step.cut_at_);
  const std::size_t piece_size = step.piece_size_ == 0 ? std::max<std::size_t>(body.size(), 1) : step.piece_size_;
  for (std::size_t at = 0; at < body.size(); at += piece_size) {
    if (cancelled(state)) {
      played.result = failure(asio::error::operation_aborted, Stage::body);
      return played;
    }
    const std::string_view piece = body.substr(at, piece_size);
    if (sink) {
      if (const std::error_code ec = sink->write(piece)) {
        played.result = failure(ec, Stage::body);
        return played;
      }
    } else {
      if (piece.size() > options.max_buffered_body - response.body.size()) {
        played.result = failure(Errc::body_too_large, Stage::body);
        return played;
      }
      response.body.append(piece);
    }
    response.body_bytes += piece.size();
    if (options.on_progress) {
      Progress progress;
      progress.bytes = response.body_bytes;
      progress.total = head.content_length;
      options.on_progress(progress);
    }
  }
  if (cancelled(state)) {
    played.result = failure(asio::error::operation_aborted, Stage::body);
    return played;
  }
  if (step.ending_ == Ending::fail) {
    played.result = failure(step.code_, Stage::body);
    return played;
  }
  if (step.ending_ != Ending::complete) return stall(step.ending_, Stage::body, options);
  if (sink) {
    if (const std::error_code ec = sink->finish()) {
      played.result = failure(ec, Stage::body);
      return played;
    }
  }
  played.result = std::move(response);
  return played;
}

}  // namespace reel::testing
