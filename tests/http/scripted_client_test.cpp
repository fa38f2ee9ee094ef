// SPDX-License-Identifier: BSL-1.0
#include <reel/testing/scripted_client.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using reel::http::BodyChooser;
using reel::http::Errc;
using reel::http::Progress;
using reel::http::Request;
using reel::http::RequestOptions;
using reel::http::Response;
using reel::http::ResponseHead;
using reel::testing::ScriptedClient;
using reel::testing::ScriptError;
using reel::http::SendError;
using reel::http::SinkRef;
using reel::http::Stage;
using Outcome = reel::Result<Response, SendError>;

/// A sink that remembers every write and can be told to fail.
struct RecordingSink {
  std::vector<std::string> writes;
  bool finished = false;
  std::size_t fail_on_write = 0;  // 1-based; 0: never
  std::error_code finish_error;

  std::error_code write(std::string_view bytes) {
    writes.emplace_back(bytes);
    if (writes.size() == fail_on_write) return std::make_error_code(std::errc::no_space_on_device);
    return {};
  }
  std::error_code finish() {
    finished = true;
    return finish_error;
  }
  std::string joined() const {
    std::string all;
    for (const std::string& w : writes) all += w;
    return all;
  }
};

asio::awaitable<void> send_into(ScriptedClient& client, const Request& request, const RequestOptions& options,
                                const BodyChooser& choose, std::optional<Outcome>& out) {
  // Not thrown at this coroutine's co_await when it is cancelled: the client reports it instead.
  co_await asio::this_coro::throw_if_cancelled(false);
  Outcome result = co_await client.send(request, options, choose);
  out.emplace(std::move(result));
}

Request make_request(std::string method, std::string url) {
  Request request;
  request.method = std::move(method);
  request.url = std::move(url);
  return request;
}

class ScriptedClientTest : public ::testing::Test {
protected:
  Outcome exchange(const Request& request, const RequestOptions& options = {}, const BodyChooser& choose = {}) {
    std::optional<Outcome> out;
    asio::co_spawn(io_, send_into(client_, request, options, choose, out), asio::detached);
    io_.run();
    io_.restart();
    if (!out) throw std::logic_error("the exchange did not complete");
    return std::move(*out);
  }

  // Starts the exchange with a cancellation slot; `before_run` may emit or post the signal.
  template <class F>
  Outcome cancellable_exchange(const Request& request, const RequestOptions& options, F before_run) {
    std::optional<Outcome> out;
    const BodyChooser buffer;  // outlives the coroutine, which holds a reference to it
    asio::co_spawn(io_, send_into(client_, request, options, buffer, out),
                   asio::bind_cancellation_slot(signal_.slot(), asio::detached));
    before_run();
    io_.run();
    io_.restart();
    if (!out) throw std::logic_error("the exchange did not complete");
    return std::move(*out);
  }

  static SendError error_of(const Outcome& outcome) {
    EXPECT_FALSE(outcome.has_value());
    return outcome ? SendError{} : outcome.error();
  }

  asio::io_context io_;
  ScriptedClient client_{io_.get_executor()};
  asio::cancellation_signal signal_;
};

TEST_F(ScriptedClientTest, SatisfiesTheConceptAndUsesItsExecutor) {
  static_assert(reel::http::HttpClient<ScriptedClient>);
  EXPECT_TRUE(client_.get_executor() == asio::any_io_executor(io_.get_executor()));
  EXPECT_TRUE(client_.done());
  EXPECT_EQ(client_.remaining(), 0u);
}

TEST_F(ScriptedClientTest, AnswersStepsInOrderAndRecordsRequests) {
  client_.expect("POST", "https://api.example/v1/jobs")
      .respond(201, R"({"id":"j1"})")
      .response_header("Content-Type", "application/json");
  client_.expect("GET", "https://api.example/v1/jobs/j1").respond(200, R"({"status":"done"})");
  EXPECT_EQ(client_.remaining(), 2u);
  EXPECT_FALSE(client_.done());

  Request submit = make_request("POST", "https://api.example/v1/jobs");
  submit.headers.add("Authorization", "Bearer k");
  submit.body = R"({"prompt":"a lighthouse"})";
  RequestOptions options;
  options.max_redirects = 2;
  const Outcome first = exchange(submit, options);
  ASSERT_TRUE(first) << first.error().code.message();
  EXPECT_EQ(first->head.status, 201);
  EXPECT_EQ(first->head.reason, "Created");
  EXPECT_EQ(first->head.headers.find("content-type"), "application/json");
  EXPECT_EQ(first->head.content_length, 11u);
  EXPECT_EQ(first->head.url.host, "api.example");
  EXPECT_EQ(first->head.url.target, "/v1/jobs");
  EXPECT_EQ(first->body, R"({"id":"j1"})");
  EXPECT_EQ(first->body_bytes, 11u);
  EXPECT_FALSE(first->streamed);
  EXPECT_EQ(client_.remaining(), 1u);

  const Request poll = make_request("GET", "https://api.example/v1/jobs/j1");
  const Outcome second = exchange(poll);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->head.reason, "OK");
  EXPECT_TRUE(client_.done());

  ASSERT_EQ(client_.requests().size(), 2u);
  EXPECT_EQ(client_.requests()[0].request.method, "POST");
  EXPECT_EQ(client_.requests()[0].request.headers.find("Authorization"), "Bearer k");
  EXPECT_EQ(client_.requests()[0].request.body, submit.body);
  EXPECT_EQ(client_.requests()[0].options.max_redirects, 2);
  EXPECT_EQ(client_.requests()[1].request.url, "https://api.example/v1/jobs/j1");
}

TEST_F(ScriptedClientTest, DefaultStepIsAnEmpty200AndReasonCanBeSet) {
  client_.expect("GET", "http://h/");
  client_.expect("GET", "http://h/").respond(299).reason("Custom");
  const Request request = make_request("GET", "http://h/");
  const Outcome a = exchange(request);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->head.status, 200);
  EXPECT_EQ(a->head.content_length, 0u);
  EXPECT_TRUE(a->body.empty());
  const Outcome b = exchange(request);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->head.status, 299);
  EXPECT_EQ(b->head.reason, "Custom");
}

TEST_F(ScriptedClientTest, PrefixMatchAndFinalUrl) {
  client_.expect_prefix("GET", "https://cdn.example/videos/").final_url("https://edge.example/v/1.mp4?sig=x");
  const Request request = make_request("GET", "https://cdn.example/videos/1.mp4?token=abc");
  const Outcome r = exchange(request);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->head.url.host, "edge.example");
  EXPECT_EQ(r->head.url.target, "/v/1.mp4?sig=x");
  EXPECT_THROW(client_.expect("GET", "http://h/").final_url("not a url"), std::invalid_argument);
}

TEST_F(ScriptedClientTest, RequiredAndForbiddenHeaders) {
  client_.expect("GET", "https://api.example/a").header("Authorization", "Bearer k").has_header("Accept");
  Request request = make_request("GET", "https://api.example/a");
  request.headers.add("authorization", "Bearer k");  // names compare case-insensitively
  request.headers.add("Accept", "application/json");
  EXPECT_TRUE(exchange(request));

  client_.expect("GET", "https://api.example/a").header("Authorization", "Bearer k");
  Request wrong_value = make_request("GET", "https://api.example/a");
  wrong_value.headers.add("Authorization", "Bearer other");
  const SendError e1 = error_of(exchange(wrong_value));
  EXPECT_EQ(e1.code, ScriptError::missing_header);
  EXPECT_EQ(e1.stage, Stage::prepare);
  ASSERT_EQ(client_.mismatches().size(), 1u);
  EXPECT_NE(client_.mismatches()[0].find("header Authorization is required, got another value"), std::string::npos)
      << client_.mismatches()[0];
  EXPECT_EQ(client_.mismatches()[0].find("Bearer"), std::string::npos) << "credentials must not appear in messages";
  EXPECT_EQ(client_.remaining(), 1u);  // the step is kept

  Request ok = make_request("GET", "https://api.example/a");
  ok.headers.add("Authorization", "Bearer k");
  EXPECT_TRUE(exchange(ok));

  client_.expect_prefix("GET", "https://cdn.example/").no_header("Authorization");
  Request leaked = make_request("GET", "https://cdn.example/v.mp4");
  leaked.headers.add("Authorization", "Bearer k");
  const SendError e2 = error_of(exchange(leaked));
  EXPECT_EQ(e2.code, ScriptError::forbidden_header);
  EXPECT_NE(client_.mismatches().back().find("header Authorization must be absent"), std::string::npos);
  const Request clean = make_request("GET", "https://cdn.example/v.mp4");
  EXPECT_TRUE(exchange(clean));

  EXPECT_EQ(client_.remaining(), 0u);
  EXPECT_FALSE(client_.done());  // two requests were refused
}

TEST_F(ScriptedClientTest, BodyExactAndPredicate) {
  client_.expect("POST", "http://h/q").body(R"({"a":1})");
  client_.expect("POST", "http://h/q").body_if([](std::string_view b) { return b.find("prompt") != b.npos; },
                                               "a body with a prompt");
  Request request = make_request("POST", "http://h/q");
  request.body = R"({"a":2})";
  EXPECT_EQ(error_of(exchange(request)).code, ScriptError::body_mismatch);
  request.body = R"({"a":1})";
  EXPECT_TRUE(exchange(request));
  EXPECT_EQ(error_of(exchange(request)).code, ScriptError::body_mismatch);
  EXPECT_NE(client_.mismatches().back().find("expected a body with a prompt"), std::string::npos)
      << client_.mismatches().back();
  request.body = R"({"prompt":"x"})";
  EXPECT_TRUE(exchange(request));
  EXPECT_EQ(client_.remaining(), 0u);
}

TEST_F(ScriptedClientTest, MethodAndUrlMismatchesAndUnexpectedRequests) {
  client_.expect("POST", "https://api.example/v1/jobs");
  const Request get = make_request("GET", "https://api.example/v1/jobs");
  const SendError e1 = error_of(exchange(get));
  EXPECT_EQ(e1.code, ScriptError::method_mismatch);
  EXPECT_EQ(e1.code.category().name(), std::string("reel.testing.script"));
  EXPECT_FALSE(e1.request_may_have_been_sent());
  EXPECT_NE(client_.mismatches()[0].find("request 1 (GET https://api.example/v1/jobs) does not match step 1 "
                                         "(POST https://api.example/v1/jobs): method is GET"),
            std::string::npos)
      << client_.mismatches()[0];

  const Request other = make_request("POST", "https://api.example/v1/job");
  EXPECT_EQ(error_of(exchange(other)).code, ScriptError::url_mismatch);

  const Request right = make_request("POST", "https://api.example/v1/jobs");
  EXPECT_TRUE(exchange(right));
  const SendError e3 = error_of(exchange(right));
  EXPECT_EQ(e3.code, ScriptError::unexpected_request);
  EXPECT_NE(client_.mismatches().back().find("is unexpected: all 1 steps were used"), std::string::npos);
  EXPECT_EQ(client_.mismatches().size(), 3u);
  EXPECT_EQ(client_.requests().size(), 4u);
  EXPECT_FALSE(client_.done());
}

TEST_F(ScriptedClientTest, InvalidRequestsFailInPrepareLikeARealClient) {
  client_.expect("GET", "http://h/");
  const Request bad_url = make_request("GET", "http://user:pw@h/");
  EXPECT_EQ(error_of(exchange(bad_url)).code, Errc::url_credentials);
  Request reserved = make_request("GET", "http://h/");
  reserved.headers.add("Host", "evil");
  EXPECT_EQ(error_of(exchange(reserved)).code, Errc::reserved_header);
  const Request bad_method = make_request("G T", "http://h/");
  EXPECT_EQ(error_of(exchange(bad_method)).code, Errc::bad_method);
  EXPECT_EQ(client_.remaining(), 1u);
  EXPECT_TRUE(client_.mismatches().empty());
}

TEST_F(ScriptedClientTest, StreamsIntoTheSinkInPiecesWithProgress) {
  client_.expect("GET", "https://cdn.example/v.mp4").respond(200, "0123456789").pieces(3);
  RecordingSink sink;
  std::optional<int> status_seen;
  const BodyChooser choose = [&](const ResponseHead& head) -> std::optional<SinkRef> {
    status_seen = head.status;
    return SinkRef(sink);
  };
  std::vector<Progress> progress;
  RequestOptions options;
  options.max_buffered_body = 4;  // does not apply to sinks
  options.on_progress = [&](const Progress& p) { progress.push_back(p); };
  const Request request = make_request("GET", "https://cdn.example/v.mp4");
  const Outcome r = exchange(request, options, choose);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(status_seen, 200);
  EXPECT_TRUE(r->streamed);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->body_bytes, 10u);
  EXPECT_EQ(sink.writes, (std::vector<std::string>{"012", "345", "678", "9"}));
  EXPECT_TRUE(sink.finished);
  ASSERT_EQ(progress.size(), 4u);
  EXPECT_EQ(progress[0].bytes, 3u);
  EXPECT_EQ(progress[3].bytes, 10u);
  EXPECT_EQ(progress[3].total, 10u);
}

TEST_F(ScriptedClientTest, BuffersWhenTheChooserDeclines) {
  client_.expect("GET", "http://h/").respond(200, "abcdef").pieces(4).no_content_length();
  const BodyChooser decline = [](const ResponseHead&) -> std::optional<SinkRef> { return std::nullopt; };
  std::vector<Progress> progress;
  RequestOptions options;
  options.on_progress = [&](const Progress& p) { progress.push_back(p); };
  const Request request = make_request("GET", "http://h/");
  const Outcome r = exchange(request, options, decline);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->streamed);
  EXPECT_EQ(r->body, "abcdef");
  EXPECT_FALSE(r->head.content_length);
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[1].bytes, 6u);
  EXPECT_FALSE(progress[1].total);
}

TEST_F(ScriptedClientTest, BufferedBodyLimit) {
  client_.expect("GET", "http://h/").respond(200, "0123456789").pieces(2);
  client_.expect("GET", "http://h/").respond(200, "0123456789").pieces(2).no_content_length();
  client_.expect("GET", "http://h/").respond(200, "0123456789");
  int calls = 0;
  RequestOptions options;
  options.max_buffered_body = 5;
  options.on_progress = [&](const Progress&) { ++calls; };
  const Request request = make_request("GET", "http://h/");

  const SendError known = error_of(exchange(request, options));  // Content-Length says too much
  EXPECT_EQ(known.code, Errc::body_too_large);
  EXPECT_EQ(known.stage, Stage::body);
  EXPECT_EQ(calls, 0);

  const SendError unknown = error_of(exchange(request, options));  // found out while reading
  EXPECT_EQ(unknown.code, Errc::body_too_large);
  EXPECT_EQ(calls, 2);

  options.max_buffered_body = 10;
  EXPECT_TRUE(exchange(request, options));
}

TEST_F(ScriptedClientTest, SinkErrorsEndTheExchange) {
  client_.expect("GET", "http://h/").respond(200, "abcdef").pieces(2);
  client_.expect("GET", "http://h/").respond(200, "abcdef");
  RecordingSink failing_write;
  failing_write.fail_on_write = 2;
  const BodyChooser to_failing_write = [&](const ResponseHead&) -> std::optional<SinkRef> { return SinkRef(failing_write); };
  const Request request = make_request("GET", "http://h/");
  const SendError e1 = error_of(exchange(request, {}, to_failing_write));
  EXPECT_EQ(e1.code, std::errc::no_space_on_device);
  EXPECT_EQ(e1.stage, Stage::body);
  EXPECT_EQ(failing_write.writes.size(), 2u);
  EXPECT_FALSE(failing_write.finished);

  RecordingSink failing_finish;
  failing_finish.finish_error = std::make_error_code(std::errc::io_error);
  const BodyChooser to_failing_finish = [&](const ResponseHead&) -> std::optional<SinkRef> {
    return SinkRef(failing_finish);
  };
  const SendError e2 = error_of(exchange(request, {}, to_failing_finish));
  EXPECT_EQ(e2.code, std::errc::io_error);
  EXPECT_EQ(e2.stage, Stage::body);
  EXPECT_EQ(failing_finish.joined(), "abcdef");
}

TEST_F(ScriptedClientTest, FailuresAtEachStage) {
  client_.expect("POST", "http://h/").fail(make_error_code(std::errc::connection_refused), Stage::connect);
  client_.expect("POST", "http://h/").fail(make_error_code(std::errc::broken_pipe), Stage::send);
  client_.expect("POST", "http://h/").fail(Errc::bad_status_line, Stage::response);
  client_.expect("POST", "http://h/").respond(200, "0123456789").fail(Errc::unexpected_eof, Stage::body);
  int chooser_calls = 0;
  RecordingSink sink;
  const BodyChooser choose = [&](const ResponseHead&) -> std::optional<SinkRef> {
    ++chooser_calls;
    return SinkRef(sink);
  };
  const Request request = make_request("POST", "http://h/");

  const SendError connect = error_of(exchange(request, {}, choose));
  EXPECT_EQ(connect.code, std::errc::connection_refused);
  EXPECT_EQ(connect.stage, Stage::connect);
  EXPECT_FALSE(connect.request_may_have_been_sent());
  const SendError send = error_of(exchange(request, {}, choose));
  EXPECT_EQ(send.stage, Stage::send);
  EXPECT_TRUE(send.request_may_have_been_sent());
  const SendError response = error_of(exchange(request, {}, choose));
  EXPECT_EQ(response.code, Errc::bad_status_line);
  EXPECT_EQ(response.stage, Stage::response);
  EXPECT_EQ(chooser_calls, 0);  // no head arrived

  const SendError body = error_of(exchange(request, {}, choose));
  EXPECT_EQ(body.code, Errc::unexpected_eof);
  EXPECT_EQ(body.stage, Stage::body);
  EXPECT_EQ(chooser_calls, 1);
  EXPECT_TRUE(sink.writes.empty());
  EXPECT_FALSE(sink.finished);
  EXPECT_TRUE(client_.done());
}

TEST_F(ScriptedClientTest, ResetMidBody) {
  client_.expect("GET", "http://h/v").respond(200, "0123456789").pieces(3).fail_after(7, asio::error::connection_reset);
  RecordingSink sink;
  const BodyChooser choose = [&](const ResponseHead&) -> std::optional<SinkRef> { return SinkRef(sink); };
  std::vector<Progress> progress;
  RequestOptions options;
  options.on_progress = [&](const Progress& p) { progress.push_back(p); };
  const Request request = make_request("GET", "http://h/v");
  const SendError e = error_of(exchange(request, options, choose));
  EXPECT_EQ(e.code, asio::error::connection_reset);
  EXPECT_EQ(e.stage, Stage::body);
  EXPECT_EQ(sink.writes, (std::vector<std::string>{"012", "345", "6"}));
  EXPECT_FALSE(sink.finished);
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress.back().bytes, 7u);
  EXPECT_EQ(progress.back().total, 10u);
}

TEST_F(ScriptedClientTest, TimeoutsFollowTheRequestOptions) {
  const Request request = make_request("GET", "http://h/");
  RequestOptions options;  // defaults: connect 10 s, response 60 s, body idle 30 s, no total

  client_.expect("GET", "http://h/").time_out(Stage::connect);
  SendError e = error_of(exchange(request, options));
  EXPECT_EQ(e.code, Errc::connect_timeout);
  EXPECT_EQ(e.stage, Stage::connect);

  client_.expect("GET", "http://h/").time_out(Stage::response);
  e = error_of(exchange(request, options));
  EXPECT_EQ(e.code, Errc::response_timeout);
  EXPECT_EQ(e.stage, Stage::response);

  client_.expect("GET", "http://h/").respond(200, "abcdef").time_out_after(4);
  std::string buffered_progress;
  options.on_progress = [&](const Progress& p) { buffered_progress += std::to_string(p.bytes) + ","; };
  e = error_of(exchange(request, options));
  EXPECT_EQ(e.code, Errc::body_idle_timeout);
  EXPECT_EQ(e.stage, Stage::body);
  EXPECT_EQ(buffered_progress, "4,");

  // The limit that expires first wins: total, then a deadline (reported as total_timeout).
  options.timeouts.total = std::chrono::seconds(5);
  client_.expect("GET", "http://h/").time_out(Stage::response);
  EXPECT_EQ(error_of(exchange(request, options)).code, Errc::total_timeout);

  options.timeouts.total = std::chrono::milliseconds(0);
  options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  client_.expect("GET", "http://h/").time_out(Stage::body);
  EXPECT_EQ(error_of(exchange(request, options)).code, Errc::total_timeout);

  // send has no timeout of its own.
  options.deadline.reset();
  options.timeouts.total = std::chrono::minutes(10);
  client_.expect("GET", "http://h/").time_out(Stage::send);
  e = error_of(exchange(request, options));
  EXPECT_EQ(e.code, Errc::total_timeout);
  EXPECT_EQ(e.stage, Stage::send);
  EXPECT_TRUE(client_.done());
}

// Cancels its own coroutine, then sends. Asio throws `operation_aborted` at every later co_await
// of a cancelled coroutine unless it turned that off, so the client only sees the cancelled state
// when `throw_if_cancelled(false)` was done.
asio::awaitable<void> cancel_then_send(ScriptedClient& client, asio::cancellation_signal& signal,
                                       const Request& request, bool throw_if_cancelled,
                                       std::optional<Outcome>& out, bool& threw) {
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  signal.emit(asio::cancellation_type::terminal);
  try {
    const RequestOptions options;
    const BodyChooser choose;
    Outcome result = co_await client.send(request, options, choose);
    out.emplace(std::move(result));
  } catch (const std::system_error& e) {
    threw = e.code() == asio::error::operation_aborted;
  }
}

TEST_F(ScriptedClientTest, AlreadyCancelledRequestIsAbortedWithoutUsingAStep) {
  client_.expect("POST", "http://h/");
  const Request request = make_request("POST", "http://h/");
  std::optional<Outcome> out;
  bool threw = false;
  asio::co_spawn(io_, cancel_then_send(client_, signal_, request, false, out, threw),
                 asio::bind_cancellation_slot(signal_.slot(), asio::detached));
  io_.run();
  EXPECT_FALSE(threw);
  ASSERT_TRUE(out.has_value());
  const SendError e = error_of(*out);
  EXPECT_EQ(e.code, asio::error::operation_aborted);
  EXPECT_EQ(e.stage, Stage::prepare);
  EXPECT_EQ(client_.remaining(), 1u);
  EXPECT_EQ(client_.requests().size(), 1u);
}

TEST_F(ScriptedClientTest, AsioThrowsAtTheCallersCoAwaitByDefault) {
  client_.expect("POST", "http://h/");
  const Request request = make_request("POST", "http://h/");
  std::optional<Outcome> out;
  bool threw = false;
  asio::co_spawn(io_, cancel_then_send(client_, signal_, request, true, out, threw),
                 asio::bind_cancellation_slot(signal_.slot(), asio::detached));
  io_.run();
  EXPECT_TRUE(threw);
  EXPECT_FALSE(out.has_value());
  EXPECT_TRUE(client_.requests().empty());  // send never started
}

TEST_F(ScriptedClientTest, CancelledWhileTheBodyArrives) {
  client_.expect("GET", "http://h/v").respond(200, "0123456789").pieces(2);
  RequestOptions options;
  options.on_progress = [&](const Progress& p) {
    if (p.bytes == 4) signal_.emit(asio::cancellation_type::terminal);
  };
  const Request request = make_request("GET", "http://h/v");
  const SendError e = error_of(cancellable_exchange(request, options, [] {}));
  EXPECT_EQ(e.code, asio::error::operation_aborted);
  EXPECT_EQ(e.stage, Stage::body);
}

TEST_F(ScriptedClientTest, HangEndsOnlyWithCancellation) {
  client_.expect("GET", "http://h/").hang(Stage::response);
  const Request request = make_request("GET", "http://h/");
  const SendError e = error_of(cancellable_exchange(request, {}, [&] {
    asio::post(io_, [&] { signal_.emit(asio::cancellation_type::terminal); });
  }));
  EXPECT_EQ(e.code, asio::error::operation_aborted);
  EXPECT_EQ(e.stage, Stage::response);
}

TEST_F(ScriptedClientTest, TimeOutWithoutAnyLimitHangsUntilCancelled) {
  client_.expect("GET", "http://h/").respond(200, "abc").time_out_after(1);
  client_.expect("GET", "http://h/").respond(200, "abc").hang_after(2);
  RequestOptions unlimited;
  unlimited.timeouts = {std::chrono::milliseconds(0), std::chrono::milliseconds(0), std::chrono::milliseconds(0),
                        std::chrono::milliseconds(0), std::chrono::milliseconds(0)};
  std::uint64_t seen = 0;
  unlimited.on_progress = [&](const Progress& p) { seen = p.bytes; };
  const Request request = make_request("GET", "http://h/");
  const auto cancel_later = [&] { asio::post(io_, [&] { signal_.emit(asio::cancellation_type::terminal); }); };

  SendError e = error_of(cancellable_exchange(request, unlimited, cancel_later));
  EXPECT_EQ(e.code, asio::error::operation_aborted);
  EXPECT_EQ(e.stage, Stage::body);
  EXPECT_EQ(seen, 1u);

  e = error_of(cancellable_exchange(request, unlimited, cancel_later));
  EXPECT_EQ(e.code, asio::error::operation_aborted);
  EXPECT_EQ(seen, 2u);
  EXPECT_TRUE(client_.done());
}

TEST(ScriptError, CategoryAndMessages) {
  const std::error_code ec = ScriptError::unexpected_request;
  EXPECT_STREQ(ec.category().name(), "reel.testing.script");
  EXPECT_NE(ec.message().find("no step left"), std::string::npos);
  EXPECT_EQ(std::error_code(ScriptError::body_mismatch).message(), "request does not match the script: body");
  EXPECT_NE(std::error_code(ScriptError::url_mismatch), Errc::bad_url);
}

}  // namespace
