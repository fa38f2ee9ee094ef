// SPDX-License-Identifier: BSL-1.0
// Integration tests of reel::http::Client against the in-process TestServer on 127.0.0.1.
#include "support/client_harness.hpp"
#include "support/test_server.hpp"

#include <reel/http/client.hpp>

#include <gtest/gtest.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using reel::http::Errc;
using reel::http::Request;
using reel::http::RequestOptions;
using reel::http::Stage;
using reel::test::Harness;
using reel::test::Peer;
using reel::test::TestServer;

constexpr std::string_view ok_hello = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

Request get(const std::string& url) {
  Request r;
  r.url = url;
  return r;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- basic exchanges ------------------------------------------------------------------------

TEST(HttpClient, GetWithContentLength) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  const auto r = h.send(get(server.url("/path?q=1")));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(r->head.reason, "OK");
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->body_bytes, 5u);
  EXPECT_FALSE(r->streamed);
  EXPECT_EQ(r->head.url.target, "/path?q=1");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(server.requests()[0].starts_with("GET /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:"));
}

TEST(HttpClient, PostSendsBodyWithContentLength) {
  TestServer server(TestServer::canned("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"));
  Harness h;
  Request req = get(server.url("/jobs"));
  req.method = "POST";
  req.headers.add("Content-Type", "application/json");
  req.body = R"({"prompt":"a lighthouse"})";
  const auto r = h.send(req);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.status, 201);
  const std::string raw = server.requests().at(0);
  EXPECT_TRUE(contains(raw, "\r\nContent-Length: 25\r\n"));
  EXPECT_TRUE(raw.ends_with(req.body));
}

TEST(HttpClient, ReusesOneConnectionForSequentialRequests) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  for (int i = 0; i < 3; ++i) {
    const auto r = h.send(get(server.url("/n")));
    ASSERT_TRUE(r) << r.error().code.message();
    EXPECT_EQ(r->body, "hello");
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(server.port())), 1u);
}

TEST(HttpClient, ChunkedBodyWithTrailers) {
  TestServer server(TestServer::canned(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n"
      "X-Checksum: abc\r\n\r\n"));
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->body, "hello world");
  EXPECT_FALSE(r->head.content_length);
  EXPECT_EQ(r->trailers.find("x-checksum"), std::optional<std::string_view>("abc"));
  const auto again = h.send(get(server.url()));  // the connection stayed usable
  ASSERT_TRUE(again);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, CloseDelimitedBody) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
    peer.close();
  });
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->body, "until the end");
  const auto again = h.send(get(server.url()));
  ASSERT_TRUE(again) << again.error().code.message();
  EXPECT_EQ(server.accepted(), 2);  // never reused
}

TEST(HttpClient, HeadRequestHasNoBody) {
  TestServer server(TestServer::canned("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"));
  Harness h;
  Request req = get(server.url());
  req.method = "HEAD";
  const auto r = h.send(req);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.content_length, 1000u);
  EXPECT_TRUE(r->body.empty());
  ASSERT_TRUE(h.send(req));
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, InterimResponsesAreSkipped) {
  TestServer server(TestServer::canned("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                                       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_FALSE(r->head.headers.find("link"));
}

TEST(HttpClient, ExtraBytesAfterTheResponseMeanNoReuse) {
  TestServer server(TestServer::canned(std::string(ok_hello) + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  Harness h;
  ASSERT_TRUE(h.send(get(server.url())));
  const auto r = h.send(get(server.url()));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, BufferedBodyLimit) {
  TestServer server(TestServer::canned("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"));
  Harness h;
  RequestOptions options;
  options.max_buffered_body = 9;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::body_too_large);
  EXPECT_EQ(r.error().stage, Stage::body);
}

TEST(HttpClient, MalformedResponseIsAResponseError) {
  TestServer server(TestServer::canned("SMTP ready\r\n\r\n"));
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_status_line);
  EXPECT_EQ(r.error().stage, Stage::response);
}

// ---- streaming --------------------------------------------------------------------------------

constexpr std::uint64_t large_size = 64ull * 1024 * 1024;

TestServer::Handler large_body_handler() {
  return [](Peer& peer) -> asio::awaitable<void> {
    if ((co_await peer.read_request()).empty()) co_return;
    co_await peer.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(large_size) + "\r\n\r\n");
    std::string block(256 * 1024, '\0');
    for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>('a' + i % 26);
    for (std::uint64_t sent = 0; sent < large_size; sent += block.size()) co_await peer.write(block);
  };
}

TEST(HttpClient, LargeBodyStreamsIntoFileSinkWithProgress) {
  TestServer server(large_body_handler());
  const auto path = std::filesystem::temp_directory_path() / ("reel_client_test_" + std::to_string(::getpid()));
  reel::http::FileSink file;
  ASSERT_FALSE(file.create(path.string()));
  Harness h;
  RequestOptions options;
  std::uint64_t calls = 0;
  std::uint64_t last = 0;
  bool monotonic = true;
  bool total_known = true;
  options.on_progress = [&](const reel::http::Progress& p) {
    ++calls;
    monotonic = monotonic && p.bytes > last;
    total_known = total_known && p.total == large_size;
    last = p.bytes;
  };
  int chooser_calls = 0;
  const reel::http::BodyChooser choose = [&](const reel::http::ResponseHead& head) -> std::optional<reel::http::SinkRef> {
    ++chooser_calls;
    EXPECT_EQ(head.content_length, large_size);
    return reel::http::SinkRef(file);
  };
  const auto r = h.send(get(server.url("/video.mp4")), options, choose);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_TRUE(r->streamed);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->body_bytes, large_size);
  EXPECT_EQ(file.written(), large_size);
  EXPECT_EQ(chooser_calls, 1);
  EXPECT_GT(calls, 10u);
  EXPECT_TRUE(monotonic);
  EXPECT_TRUE(total_known);
  EXPECT_EQ(last, large_size);
  EXPECT_EQ(std::filesystem::file_size(path), large_size);
  std::ifstream in(path, std::ios::binary);
  std::string head(52, '\0');
  in.read(head.data(), 52);
  EXPECT_EQ(head, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
  file.close();
  std::filesystem::remove(path);
}

TEST(HttpClient, BodyStreamsIntoStringSink) {
  TestServer server(TestServer::canned(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"));
  Harness h;
  reel::http::StringSink sink;
  const reel::http::BodyChooser choose = [&](const reel::http::ResponseHead&) -> std::optional<reel::http::SinkRef> {
    return reel::http::SinkRef(sink);
  };
  std::vector<std::uint64_t> progress;
  RequestOptions options;
  options.on_progress = [&](const reel::http::Progress& p) {
    progress.push_back(p.bytes);
    EXPECT_FALSE(p.total);
  };
  const auto r = h.send(get(server.url()), options, choose);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(sink.data(), "abcdef");
  EXPECT_EQ(progress, (std::vector<std::uint64_t>{3, 6}));
}

TEST(HttpClient, SinkErrorEndsTheExchangeAtStageBody) {
  TestServer server(TestServer::canned("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"));
  Harness h;
  reel::http::StringSink sink(4);
  const reel::http::BodyChooser choose = [&](const reel::http::ResponseHead&) -> std::optional<reel::http::SinkRef> {
    return reel::http::SinkRef(sink);
  };
  const auto r = h.send(get(server.url()), {}, choose);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::body_too_large);
  EXPECT_EQ(r.error().stage, Stage::body);
}

// ---- the pool --------------------------------------------------------------------------------

TEST(HttpClient, PoolCapsConnectionsPerOriginAndQueuesTheRest) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    for (;;) {
      if ((co_await peer.read_request()).empty()) co_return;
      co_await peer.sleep(50ms);
      co_await peer.write(std::string(ok_hello));
    }
  });
  reel::http::ClientOptions client_options;
  client_options.max_connections_per_origin = 2;
  Harness h(client_options);
  const Request req = get(server.url());
  const RequestOptions options;
  const reel::http::BodyChooser none;
  std::vector<std::optional<reel::test::SendOutcome>> results(6);
  for (auto& out : results) {
    asio::co_spawn(h.io, reel::test::send_into(h.client, req, options, none, out), asio::detached);
  }
  h.io.run();
  for (const auto& out : results) {
    ASSERT_TRUE(out && *out) << (out ? (*out).error().code.message() : "not finished");
    EXPECT_EQ((*out)->body, "hello");
  }
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 6u);
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(server.port())), 2u);
}

TEST(HttpClient, ConnectionCloseInTheRequestIsHonoured) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  Request req = get(server.url());
  req.headers.add("Connection", "keep-alive, Close");
  ASSERT_TRUE(h.send(req));
  ASSERT_TRUE(h.send(req));
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, IdleConnectionsExpire) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  reel::http::ClientOptions client_options;
  client_options.idle_expiry = 50ms;
  Harness h(client_options);
  ASSERT_TRUE(h.send(get(server.url())));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(h.send(get(server.url())));
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpClient, IdleConnectionClosedByTheServerIsNotReused) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    if ((co_await peer.read_request()).empty()) co_return;
    co_await peer.write(std::string(ok_hello));  // keep-alive, yet closed at once
    peer.close();
  });
  Harness h;
  ASSERT_TRUE(h.send(get(server.url())));
  std::this_thread::sleep_for(30ms);
  Request post = get(server.url());
  post.method = "POST";  // never retried: so the closed connection must not be used at all
  const auto r = h.send(post);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpClient, IdleConnectionsOfOtherOriginsAreSweptToo) {
  TestServer first(TestServer::canned(std::string(ok_hello)));
  TestServer second(TestServer::canned(std::string(ok_hello)));
  reel::http::ClientOptions client_options;
  client_options.idle_expiry = 50ms;
  Harness h(client_options);
  ASSERT_TRUE(h.send(get(first.url())));
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(first.port())), 1u);
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(h.send(get(second.url())));
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(first.port())), 0u);
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(second.port())), 1u);
}

TEST(HttpClient, ChooserExceptionIsAnErrorNotAThrow) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  const reel::http::BodyChooser choose = [](const reel::http::ResponseHead&) -> std::optional<reel::http::SinkRef> {
    throw std::runtime_error("chooser failed");
  };
  const auto r = h.send(get(server.url()), {}, choose);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, std::errc::io_error);
  EXPECT_EQ(r.error().stage, Stage::body);
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(server.port())), 0u);
}

// ---- the retry rule ---------------------------------------------------------------------------

// Answers the first request of each connection, then closes on reading the second, unanswered.
TestServer::Handler answer_once_then_close() {
  return [](Peer& peer) -> asio::awaitable<void> {
    if ((co_await peer.read_request()).empty()) co_return;
    co_await peer.write(std::string(ok_hello));
    co_await peer.read_request();
    peer.close();
  };
}

TEST(HttpClient, IdempotentRequestIsRetriedWhenAReusedConnectionClosesUnanswered) {
  TestServer server(answer_once_then_close());
  Harness h;
  ASSERT_TRUE(h.send(get(server.url())));
  const auto r = h.send(get(server.url()));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 3u);  // sent twice: provably unanswered the first time
}

TEST(HttpClient, PostIsNeverRetriedOnceWritten) {
  TestServer server(answer_once_then_close());
  Harness h;
  Request req = get(server.url());
  req.method = "POST";
  req.body = "paid";
  ASSERT_TRUE(h.send(req));
  const auto r = h.send(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unexpected_eof);
  EXPECT_EQ(r.error().stage, Stage::response);
  EXPECT_TRUE(r.error().request_may_have_been_sent());
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(server.requests().size(), 2u);
}

// ---- resets -----------------------------------------------------------------------------------

TEST(HttpClient, ResetMidHeaders) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.write("HTTP/1.1 200 OK\r\nContent-Le");
    co_await peer.sleep(50ms);
    peer.reset();
  });
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().code == asio::error::connection_reset || r.error().code == Errc::unexpected_eof)
      << r.error().code.message();
  EXPECT_EQ(r.error().stage, Stage::response);
}

TEST(HttpClient, ResetMidBody) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
    co_await peer.sleep(100ms);
    peer.reset();
  });
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().code == asio::error::connection_reset || r.error().code == Errc::unexpected_eof)
      << r.error().code.message();
  EXPECT_EQ(r.error().stage, Stage::body);
}

TEST(HttpClient, EofMidBodyIsUnexpectedEof) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
    peer.close();
  });
  Harness h;
  const auto r = h.send(get(server.url()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unexpected_eof);
  EXPECT_EQ(r.error().stage, Stage::body);
}

TEST(HttpClient, ConnectionRefusedIsStageConnect) {
  std::uint16_t port = 0;
  {
    TestServer server(TestServer::canned(""));
    port = server.port();
  }
  Harness h;
  const auto r = h.send(get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, asio::error::connection_refused);
  EXPECT_EQ(r.error().stage, Stage::connect);
  EXPECT_FALSE(r.error().request_may_have_been_sent());
}

// ---- prepare ----------------------------------------------------------------------------------

TEST(HttpClient, HeaderInjectionIsRejectedBeforeAnythingIsSent) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  Request req = get(server.url());
  req.headers.add("X-Prompt", "a\r\nAuthorization: Bearer stolen");
  const auto r = h.send(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_header_value);
  EXPECT_EQ(r.error().stage, Stage::prepare);
  Request bad_method = get(server.url());
  bad_method.method = "GET /x HTTP/1.1\r\n";
  const auto r2 = h.send(bad_method);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, Errc::bad_method);
  EXPECT_EQ(r2.error().stage, Stage::prepare);
  const auto r3 = h.send(get("http://user:pw@127.0.0.1/"));
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().stage, Stage::prepare);
  EXPECT_EQ(server.accepted(), 0);
  EXPECT_TRUE(server.requests().empty());
}

// ---- timeouts ---------------------------------------------------------------------------------

TestServer::Handler never_answers() {
  return [](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.sleep(10s);
  };
}

// Sends the head and 10 of 100 body bytes, then stalls.
TestServer::Handler stalls_mid_body() {
  return [](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    co_await peer.sleep(10s);
  };
}

// Sends a 100-byte body one byte every 40 ms (never idle for long).
TestServer::Handler trickles() {
  return [](Peer& peer) -> asio::awaitable<void> {
    co_await peer.read_request();
    co_await peer.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    for (int i = 0; i < 100; ++i) {
      co_await peer.sleep(40ms);
      co_await peer.write("x");
    }
  };
}

TEST(HttpClient, ResponseHeadersTimeout) {
  TestServer server(never_answers());
  Harness h;
  RequestOptions options;
  options.timeouts.response_headers = 200ms;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::response_timeout);
  EXPECT_EQ(r.error().stage, Stage::response);
  EXPECT_LT(h.elapsed, 2s);
}

TEST(HttpClient, BodyIdleTimeout) {
  TestServer server(stalls_mid_body());
  Harness h;
  RequestOptions options;
  options.timeouts.body_idle = 200ms;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::body_idle_timeout);
  EXPECT_EQ(r.error().stage, Stage::body);
  EXPECT_LT(h.elapsed, 2s);
}

TEST(HttpClient, TotalTimeout) {
  TestServer server(trickles());
  Harness h;
  RequestOptions options;
  options.timeouts.body_idle = 1s;
  options.timeouts.total = 300ms;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::total_timeout);
  EXPECT_EQ(r.error().stage, Stage::body);
  EXPECT_LT(h.elapsed, 2s);
}

TEST(HttpClient, AbsoluteDeadline) {
  TestServer server(trickles());
  Harness h;
  RequestOptions options;
  options.timeouts.body_idle = 1s;
  options.deadline = std::chrono::steady_clock::now() + 300ms;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::total_timeout);
  EXPECT_EQ(r.error().stage, Stage::body);
  EXPECT_LT(h.elapsed, 2s);
}

TEST(HttpClient, DeadlineAlreadyPassedSendsNothing) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  RequestOptions options;
  options.deadline = std::chrono::steady_clock::now() - 1ms;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::total_timeout);
  EXPECT_EQ(r.error().stage, Stage::connect);
  EXPECT_EQ(server.accepted(), 0);
}

// The connect timeout, deterministically on 127.0.0.1: a listener with backlog 0 that never
// accepts. Once its accept queue is full, Linux drops further SYNs, so the next connect hangs.
TEST(HttpClient, ConnectTimeout) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(endpoint.protocol());
  acceptor.bind(endpoint);
  ASSERT_EQ(::listen(acceptor.native_handle(), 0), 0);
  const auto port = acceptor.local_endpoint().port();
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {  // fill the accept queue (non-blocking connects)
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    fillers.push_back(fd);
  }
  ::usleep(50'000);
  Harness h;
  RequestOptions options;
  options.timeouts.connect = 300ms;
  const auto r = h.send(get("http://127.0.0.1:" + std::to_string(port) + "/"), options);
  for (const int fd : fillers) ::close(fd);
  ASSERT_FALSE(r);
  if (r.error().code == asio::error::connection_refused) {
    GTEST_SKIP() << "this kernel resets connections to a full backlog (net.ipv4.tcp_abort_on_overflow=1)";
  }
  EXPECT_EQ(r.error().code, Errc::connect_timeout);
  EXPECT_EQ(r.error().stage, Stage::connect);
  EXPECT_LT(h.elapsed, 2s);
}

TEST(HttpClient, ConnectTimeoutCoversWaitingForAPooledSlot) {
  TestServer server(never_answers());
  reel::http::ClientOptions client_options;
  client_options.max_connections_per_origin = 1;
  Harness h(client_options);
  // One exchange holds the only slot (stalled); a second one must wait and time out.
  std::optional<reel::test::SendOutcome> first;
  std::optional<reel::test::SendOutcome> second;
  RequestOptions slow;
  slow.timeouts.response_headers = 800ms;
  RequestOptions quick;
  quick.timeouts.connect = 200ms;
  const Request req = get(server.url());
  const reel::http::BodyChooser none;
  asio::co_spawn(h.io, reel::test::send_into(h.client, req, slow, none, first), asio::detached);
  asio::co_spawn(h.io, reel::test::send_into(h.client, req, quick, none, second), asio::detached);
  h.io.run();
  ASSERT_TRUE(first && second);
  ASSERT_FALSE(*second);
  EXPECT_EQ(second->error().code, Errc::connect_timeout);
  ASSERT_FALSE(*first);
  EXPECT_EQ(first->error().code, Errc::response_timeout);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, TlsHandshakeTimeout) {
  TestServer silent([](Peer& peer) -> asio::awaitable<void> { co_await peer.sleep(10s); });
  Harness h;
  RequestOptions options;
  options.timeouts.tls_handshake = 200ms;
  const auto r = h.send(get("https://127.0.0.1:" + std::to_string(silent.port()) + "/"), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::tls_handshake_timeout);
  EXPECT_EQ(r.error().stage, Stage::connect);
  EXPECT_LT(h.elapsed, 2s);
}

// ---- cancellation -----------------------------------------------------------------------------

TEST(HttpClient, CancellationSlotEndsPromptly) {
  TestServer server(never_answers());
  Harness h;
  const auto r = h.send_and_cancel(get(server.url()), {}, 100ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, asio::error::operation_aborted);
  EXPECT_EQ(r.error().stage, Stage::response);
  EXPECT_LT(h.elapsed, 2s);
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(server.port())), 0u);
}

TEST(HttpClient, CancellationDuringTheTlsHandshake) {
  TestServer silent([](Peer& peer) -> asio::awaitable<void> { co_await peer.sleep(10s); });
  Harness h;
  const auto r = h.send_and_cancel(get("https://127.0.0.1:" + std::to_string(silent.port()) + "/"), {}, 100ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, asio::error::operation_aborted);
  EXPECT_EQ(r.error().stage, Stage::connect);
  EXPECT_LT(h.elapsed, 2s);
}

TEST(HttpClient, CancellationWhileWaitingForAPooledSlot) {
  TestServer server(never_answers());
  reel::http::ClientOptions client_options;
  client_options.max_connections_per_origin = 1;
  Harness h(client_options);
  std::optional<reel::test::SendOutcome> first;
  RequestOptions slow;
  slow.timeouts.response_headers = 400ms;
  const Request req = get(server.url());
  const reel::http::BodyChooser none;
  asio::co_spawn(h.io, reel::test::send_into(h.client, req, slow, none, first), asio::detached);
  const auto r = h.send_and_cancel(req, {}, 100ms);  // queued behind `first`, then cancelled
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, asio::error::operation_aborted);
  EXPECT_EQ(r.error().stage, Stage::connect);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->error().code, Errc::response_timeout);
  EXPECT_EQ(server.accepted(), 1);
  // The slot is free again: the next request gets a connection (and then waits for the head).
  RequestOptions quick;
  quick.timeouts.connect = 100ms;
  quick.timeouts.response_headers = 100ms;
  const auto again = h.send(req, quick);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::response_timeout);
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, CancellationMidBody) {
  TestServer server(stalls_mid_body());
  Harness h;
  const auto r = h.send_and_cancel(get(server.url()), {}, 150ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, asio::error::operation_aborted);
  EXPECT_EQ(r.error().stage, Stage::body);
  EXPECT_LT(h.elapsed, 2s);
}

asio::awaitable<void> send_or_timer(reel::http::Client& client, const Request& request,
                                    std::optional<reel::test::SendOutcome>& out, bool& timer_won) {
  using namespace asio::experimental::awaitable_operators;
  const RequestOptions options;
  const reel::http::BodyChooser none;
  asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
  auto send = client.send(request, options, none);
  auto wait = timer.async_wait(asio::use_awaitable);
  auto race = std::move(send) || std::move(wait);
  auto winner = co_await std::move(race);
  timer_won = winner.index() == 1;
  if (winner.index() == 0) out.emplace(std::move(std::get<0>(winner)));
}

TEST(HttpClient, AwaitableOperatorTimerCancelsTheSend) {
  TestServer server(never_answers());
  Harness h;
  std::optional<reel::test::SendOutcome> out;
  bool timer_won = false;
  const Request req = get(server.url());
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(h.io, send_or_timer(h.client, req, out, timer_won), asio::detached);
  h.io.run();
  EXPECT_TRUE(timer_won);
  EXPECT_FALSE(out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(h.client.idle_connections("http://127.0.0.1:" + std::to_string(server.port())), 0u);
  // The client is still usable afterwards.
  TestServer other(TestServer::canned(std::string(ok_hello)));
  EXPECT_TRUE(h.send(get(other.url())));
}

// Timeouts and cancellations landing anywhere (name lookup, connect, write, read) never hang,
// crash or leak; each ends either way.
TEST(HttpClient, TimeoutsAndCancellationsAtAnyPointAreClean) {
  TestServer server(TestServer::canned(std::string(ok_hello)));
  Harness h;
  for (int i = 0; i < 20; ++i) {
    RequestOptions options;
    options.deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(100 * i);
    const auto r = h.send(get(server.url("/", "localhost")), options);
    EXPECT_TRUE(r || r.error().code == Errc::total_timeout) << r.error().code.message();
  }
  for (int i = 0; i < 20; ++i) {
    const auto r = h.send_and_cancel(get(server.url("/", "localhost")), {}, std::chrono::milliseconds(i % 4));
    EXPECT_TRUE(r || r.error().code == asio::error::operation_aborted) << r.error().code.message();
  }
  EXPECT_LT(h.elapsed, 2s);
}

// ---- redirects --------------------------------------------------------------------------------

TEST(HttpClient, RedirectReturnedAsIsWhenNotFollowing) {
  TestServer server(TestServer::canned("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"));
  Harness h;
  const auto r = h.send(get(server.url("/start")));
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.status, 302);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, CrossOriginRedirectDropsCredentials) {
  TestServer target(TestServer::canned(std::string(ok_hello)));
  const std::string response = "HTTP/1.1 302 Found\r\nLocation: " + target.url("/final") +
                               "\r\nContent-Length: 9\r\n\r\nredirect!";
  TestServer origin(TestServer::canned(response));
  Harness h;
  Request req = get(origin.url("/start"));
  req.headers.add("Authorization", "Bearer secret-key");
  req.headers.add("Cookie", "session=1");
  req.headers.add("x-goog-api-key", "goog-secret");
  req.headers.add("X-Trace", "kept");
  RequestOptions options;
  options.max_redirects = 5;
  const auto r = h.send(req, options);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->head.url.port, target.port());
  EXPECT_EQ(r->head.url.target, "/final");
  ASSERT_EQ(origin.requests().size(), 1u);
  EXPECT_TRUE(contains(origin.requests()[0], "Authorization: Bearer secret-key"));
  ASSERT_EQ(target.requests().size(), 1u);
  const std::string forwarded = target.requests()[0];
  EXPECT_FALSE(contains(forwarded, "secret-key"));
  EXPECT_FALSE(contains(forwarded, "Authorization"));
  EXPECT_FALSE(contains(forwarded, "Cookie"));
  EXPECT_FALSE(contains(forwarded, "goog-secret"));  // the Gemini API's key header (GoogleVeo)
  EXPECT_TRUE(contains(forwarded, "X-Trace: kept"));
}

TEST(HttpClient, SameOriginRedirectKeepsAuthorizationAndReusesTheConnection) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    for (;;) {
      const std::string request = co_await peer.read_request();
      if (request.empty()) co_return;
      if (request.starts_with("POST /start ")) {
        co_await peer.write("HTTP/1.1 303 See Other\r\nLocation: /result\r\nContent-Length: 0\r\n\r\n");
      } else {
        co_await peer.write(std::string(ok_hello));
      }
    }
  });
  Harness h;
  Request req = get(server.url("/start"));
  req.method = "POST";
  req.headers.add("Authorization", "Bearer secret-key");
  req.headers.add("Content-Type", "application/json");
  req.body = "{}";
  RequestOptions options;
  options.max_redirects = 1;
  const auto r = h.send(req, options);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->body, "hello");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[1].starts_with("GET /result HTTP/1.1\r\n"));
  EXPECT_TRUE(contains(requests[1], "Authorization: Bearer secret-key"));
  EXPECT_FALSE(contains(requests[1], "Content-Type"));
  EXPECT_FALSE(contains(requests[1], "{}"));
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, Redirect307KeepsMethodAndBody) {
  TestServer server([](Peer& peer) -> asio::awaitable<void> {
    for (;;) {
      const std::string request = co_await peer.read_request();
      if (request.empty()) co_return;
      if (request.starts_with("POST /old ")) {
        co_await peer.write("HTTP/1.1 307 Temporary Redirect\r\nLocation: new\r\nContent-Length: 3\r\n\r\nbye");
      } else {
        co_await peer.write(std::string(ok_hello));
      }
    }
  });
  Harness h;
  Request req = get(server.url("/old"));
  req.method = "POST";
  req.body = "payload";
  RequestOptions options;
  options.max_redirects = 1;
  const auto r = h.send(req, options);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.url.target, "/new");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[1].starts_with("POST /new HTTP/1.1\r\n"));
  EXPECT_TRUE(requests[1].ends_with("\r\n\r\npayload"));
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, RedirectWithoutLocationIsReturnedAsIs) {
  TestServer server(TestServer::canned("HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n"));
  Harness h;
  RequestOptions options;
  options.max_redirects = 3;
  const auto r = h.send(get(server.url()), options);
  ASSERT_TRUE(r) << r.error().code.message();
  EXPECT_EQ(r->head.status, 301);
}

TEST(HttpClient, TooManyRedirects) {
  TestServer server(TestServer::canned("HTTP/1.1 307 Temporary Redirect\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"));
  Harness h;
  RequestOptions options;
  options.max_redirects = 2;
  const auto r = h.send(get(server.url()), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_many_redirects);
  EXPECT_EQ(r.error().stage, Stage::response);
  EXPECT_EQ(server.requests().size(), 3u);
}

// ---- TLS --------------------------------------------------------------------------------------

std::string cert_dir() {
  const char* dir = std::getenv("REEL_TEST_CERTS");
  if (dir == nullptr || !std::filesystem::exists(std::filesystem::path(dir) / "ca.pem")) return {};
  return dir;
}

#define REEL_REQUIRE_CERTS()                                                    \
  const std::string certs = cert_dir();                                         \
  if (certs.empty()) GTEST_SKIP() << "REEL_TEST_CERTS not set or without ca.pem"

reel::test::TlsFiles tls_files(const std::string& certs, const std::string& name) {
  return {certs + "/" + name + ".pem", certs + "/" + name + "-key.pem"};
}

reel::http::ClientOptions trusting_test_ca(const std::string& certs) {
  reel::http::ClientOptions options;
  options.ca_file = certs + "/ca.pem";
  return options;
}

TEST(HttpClientTls, ValidCertificate) {
  REEL_REQUIRE_CERTS();
  TestServer server(TestServer::canned(std::string(ok_hello)), tls_files(certs, "server"));
  Harness h(trusting_test_ca(certs));
  for (int i = 0; i < 2; ++i) {
    const auto r = h.send(get(server.url("/", "localhost")));
    ASSERT_TRUE(r) << r.error().code.message();
    EXPECT_EQ(r->body, "hello");
  }
  EXPECT_EQ(server.accepted(), 1);
  const auto by_ip = h.send(get(server.url("/", "127.0.0.1")));  // SAN IP:127.0.0.1
  ASSERT_TRUE(by_ip) << by_ip.error().code.message();
}

void expect_rejected(const std::string& certs, const std::string& name, const std::string& ca = "ca.pem") {
  TestServer server(TestServer::canned(std::string(ok_hello)), tls_files(certs, name));
  reel::http::ClientOptions options;
  options.ca_file = certs + "/" + ca;
  Harness h(options);
  const auto r = h.send(get(server.url("/", "localhost")));
  ASSERT_FALSE(r) << name;
  EXPECT_EQ(r.error().code, Errc::tls_verification_failed) << name << ": " << r.error().code.message();
  EXPECT_EQ(r.error().stage, Stage::connect);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientTls, UntrustedCaRejected) {
  REEL_REQUIRE_CERTS();
  expect_rejected(certs, "untrusted");
}

TEST(HttpClientTls, WrongHostRejected) {
  REEL_REQUIRE_CERTS();
  expect_rejected(certs, "wronghost");
}

TEST(HttpClientTls, ExpiredRejected) {
  REEL_REQUIRE_CERTS();
  expect_rejected(certs, "expired");
}

TEST(HttpClientTls, NoExtraCaMeansOnlyTheSystemStore) {
  REEL_REQUIRE_CERTS();
  TestServer server(TestServer::canned(std::string(ok_hello)), tls_files(certs, "server"));
  Harness h;
  const auto r = h.send(get(server.url("/", "localhost")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::tls_verification_failed);
}

TEST(HttpClientTls, HttpsToHttpRedirectRefused) {
  REEL_REQUIRE_CERTS();
  TestServer plain(TestServer::canned(std::string(ok_hello)));
  const std::string response = "HTTP/1.1 301 Moved\r\nLocation: " + plain.url("/") + "\r\nContent-Length: 0\r\n\r\n";
  TestServer server(TestServer::canned(response), tls_files(certs, "server"));
  Harness h(trusting_test_ca(certs));
  RequestOptions options;
  options.max_redirects = 3;
  const auto r = h.send(get(server.url("/", "localhost")), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::redirect_refused);
  EXPECT_EQ(plain.accepted(), 0);
}

TEST(HttpClientTls, MissingCaFileFailsHttpsOnly) {
  reel::http::ClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  Harness h(options);
  const auto r = h.send(get("https://127.0.0.1:1/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().stage, Stage::connect);
  TestServer server(TestServer::canned(std::string(ok_hello)));
  EXPECT_TRUE(h.send(get(server.url())));
}

}  // namespace
