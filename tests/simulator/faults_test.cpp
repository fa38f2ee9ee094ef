// SPDX-License-Identifier: BSL-1.0
// Failure injection end to end: rules (POST /__sim/rules) make the real simulator reset, cut,
// stall or slow down its replies, or answer with an error status, and reel's own HTTP client (and
// raw sockets, where exact bytes matter) sees the result. Also the Venice rate limit and abuse
// guard, Range requests and resuming on the Lumenfall output URL, TLS, the counters, and the idle
// timeout of the Simulator class.
#include "sim_test_support.hpp"

#include <reel_sim/media.hpp>
#include <reel_sim/simulator.hpp>

#include <reel/http/body.hpp>
#include <reel/http/error.hpp>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <gtest/gtest.h>

#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using reel_sim::Options;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::SimFixture;
using std::chrono::milliseconds;

constexpr std::uint64_t MiB = 1024 * 1024;
constexpr const char* model = "wan-2.5-preview-text-to-video";

/// Jobs finish at the first retrieve and serve an MP4 of `bytes` bytes.
Options media_options(std::int64_t bytes) {
  Options o = polls_options(1);
  o.config.job.output_bytes = bytes;
  return o;
}

/// The bytes of the MP4 the simulator serves for `size`.
std::string mp4_bytes(std::uint64_t size) {
  const reel_sim::Generated g = reel_sim::mp4_of_size(size);
  std::string out(static_cast<std::size_t>(g.size), '\0');
  g.fill(0, std::span<char>(out.data(), out.size()));
  return out;
}

/// Queues a Venice job and returns its queue_id.
std::string queue(SimFixture& fx, const std::string& key = "test-key") {
  const std::string body = std::string(R"({"model":")") + model +
                           R"(","prompt":"a lighthouse at dusk","duration":"5s","aspect_ratio":"16:9"})";
  const reel::http::Response r = fx.venice("/video/queue", body, key);
  EXPECT_EQ(r.head.status, 200) << r.body;
  return parse<reel_sim::venice::QueueResponse>(r.body).queue_id;
}

std::string retrieve_body(const std::string& queue_id) {
  return std::string(R"({"model":")") + model + R"(","queue_id":")" + queue_id + R"("})";
}

/// POST /api/v1/video/retrieve for `queue_id`.
reel::http::Request retrieve_request(SimFixture& fx, const std::string& queue_id, const std::string& key = "test-key") {
  reel::http::Request r;
  r.method = "POST";
  r.url = fx.sim->venice_url() + "/video/retrieve";
  r.body = retrieve_body(queue_id);
  r.headers.set("Content-Type", "application/json");
  r.headers.set("Authorization", "Bearer " + key);
  return r;
}

/// The status of a retrieve (failing the test on transport errors).
int retrieve_status(SimFixture& fx, const std::string& queue_id, const std::string& key = "test-key") {
  return fx.venice("/video/retrieve", retrieve_body(queue_id), key).head.status;
}

/// What one exchange through reel's client gave, with the body bytes seen by the progress callback.
struct Sent {
  reel::test::SendOutcome outcome;
  std::uint64_t progress_bytes = 0;
  std::chrono::steady_clock::duration elapsed{};
};

Sent send(SimFixture& fx, const reel::http::Request& request, reel::http::RequestOptions options = {},
          const reel::http::BodyChooser& choose = {}) {
  std::uint64_t bytes = 0;
  options.on_progress = [&bytes](const reel::http::Progress& p) { bytes = p.bytes; };
  reel::test::SendOutcome outcome = fx.client.send(request, options, choose);
  return Sent{std::move(outcome), bytes, fx.client.elapsed};
}

/// What a raw socket read until the connection ended.
struct Raw {
  std::string bytes;
  std::error_code end;  ///< eof for a clean close, connection_reset for a reset
};

/// Sends `request` as is on a new connection to 127.0.0.1:`port` and reads until the connection ends.
Raw raw_exchange(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  Raw out;
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    std::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    out.bytes.append(buffer.data(), n);
    if (ec) {
      out.end = ec;
      break;
    }
  }
  return out;
}

/// A raw HTTP/1.1 retrieve request that asks to close the connection afterwards.
std::string raw_retrieve(const std::string& queue_id) {
  const std::string body = retrieve_body(queue_id);
  return "POST /api/v1/video/retrieve HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n"
         "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// Reads from `socket` until `bytes` contains `needle` or the connection ends; gives up after
/// `limit` without new bytes (a guard against hanging, not a timing assertion).
bool read_until(asio::ip::tcp::socket& socket, std::string& bytes, std::string_view needle,
                std::chrono::seconds limit = std::chrono::seconds(20)) {
  std::array<char, 16 * 1024> buffer{};
  while (bytes.find(needle) == std::string::npos) {
    pollfd p{socket.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(limit).count())) <= 0) return false;
    std::error_code ec;
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    bytes.append(buffer.data(), n);
    if (ec) return bytes.find(needle) != std::string::npos;
  }
  return true;
}

std::string rule(const std::string& endpoint, const std::string& fault, const std::string& extra = "") {
  return R"({"match":{"endpoint":")" + endpoint + R"("},"fault":{)" + fault + "}" + extra + "}";
}

std::int64_t bytes_served(SimFixture& fx, const std::string& endpoint) {
  const reel_sim::Counters c = fx.counters();
  const auto it = c.bytes_served.find(endpoint);
  return it == c.bytes_served.end() ? 0 : it->second;
}

std::int64_t requests(SimFixture& fx, const std::string& endpoint_status) {
  const reel_sim::Counters c = fx.counters();
  const auto it = c.requests.find(endpoint_status);
  return it == c.requests.end() ? 0 : it->second;
}

std::string header(const reel::http::Response& r, std::string_view name) {
  return std::string(r.head.headers.find(name).value_or("<absent>"));
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- reset ---------------------------------------------------------------------------------------

TEST(Faults, ResetAtByteOffsetIsATransportErrorInTheBody) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("reset_at":5000)") + "]");
  const Sent sent = send(fx, retrieve_request(fx, id));
  ASSERT_FALSE(sent.outcome) << "a reset reply must not succeed";
  EXPECT_EQ(sent.outcome.error().code, asio::error::connection_reset) << sent.outcome.error().code.message();
  EXPECT_EQ(sent.outcome.error().stage, reel::http::Stage::body);
  EXPECT_TRUE(sent.outcome.error().request_may_have_been_sent());
  // Part of the body arrived, never more than the 5000 reply bytes minus the head.
  EXPECT_GT(sent.progress_bytes, 0u);
  EXPECT_LT(sent.progress_bytes, 5000u);
  // The simulator counts exactly the body bytes it wrote.
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), static_cast<std::int64_t>(sent.progress_bytes));
  EXPECT_EQ(fx.counters().faults_injected, 1);
}

TEST(Faults, ResetAtCountsReplyBytesOnTheWire) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("reset_at":5000)") + "]");
  const Raw raw = raw_exchange(fx.sim->port(), raw_retrieve(id));
  EXPECT_EQ(raw.end, asio::error::connection_reset) << raw.end.message();
  // Exactly reset_at bytes of the reply (head included) went out before the reset.
  EXPECT_EQ(raw.bytes.size(), 5000u);
  ASSERT_EQ(raw.bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw.bytes.substr(0, 200);
  const auto head_end = raw.bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::string head = raw.bytes.substr(0, head_end);
  EXPECT_NE(head.find("Content-Length: 1048576\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
  const std::string body = raw.bytes.substr(head_end + 4);
  EXPECT_EQ(body, mp4_bytes(MiB).substr(0, body.size()));
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), static_cast<std::int64_t>(body.size()));
}

TEST(Faults, ResetAtDeliversThatManyBytesEvenDeepIntoTheBody) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("reset_at":300000)") + "]");
  const Raw raw = raw_exchange(fx.sim->port(), raw_retrieve(id));
  EXPECT_EQ(raw.end, asio::error::connection_reset) << raw.end.message();
  const auto head_end = raw.bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::int64_t served = bytes_served(fx, "venice.retrieve");
  EXPECT_EQ(raw.bytes.size(), 300000u) << "the simulator counted " << served << " body bytes as served";
  EXPECT_EQ(served, static_cast<std::int64_t>(raw.bytes.size() - head_end - 4));
}

TEST(Faults, ResetAtZeroSendsNothing) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("reset_at":0)") + "]");
  const Raw raw = raw_exchange(fx.sim->port(), raw_retrieve(id));
  EXPECT_EQ(raw.end, asio::error::connection_reset) << raw.end.message();
  EXPECT_EQ(raw.bytes, "");
  // Through reel's client (on the connection the queue call left open): a POST that got no byte
  // back fails at stage response and is not sent again.
  const Sent sent = send(fx, retrieve_request(fx, id));
  ASSERT_FALSE(sent.outcome);
  EXPECT_EQ(sent.outcome.error().stage, reel::http::Stage::response);
  EXPECT_EQ(sent.outcome.error().code, asio::error::connection_reset) << sent.outcome.error().code.message();
  EXPECT_EQ(requests(fx, "venice.retrieve 200"), 2);  // the raw one and the client's one, no retry
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), 0);
}

TEST(Faults, ResetAtPastTheEndDeliversTheReplyThenCloses) {
  SimFixture fx(media_options(100000));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("reset_at":10000000)") + "]");
  const Raw raw = raw_exchange(fx.sim->port(), raw_retrieve(id));
  EXPECT_EQ(raw.end, asio::error::eof) << raw.end.message();
  const auto head_end = raw.bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_EQ(raw.bytes.substr(head_end + 4), mp4_bytes(100000));
}

// ---- truncation ------------------------------------------------------------------------------------

TEST(Faults, TruncateAtCutsTheChunkedBody) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("truncate_at":100000)") + "]");
  const Sent sent = send(fx, retrieve_request(fx, id));
  ASSERT_FALSE(sent.outcome);
  EXPECT_EQ(sent.outcome.error().stage, reel::http::Stage::body);
  EXPECT_EQ(sent.outcome.error().code, reel::http::Errc::unexpected_eof) << sent.outcome.error().code.message();
  // The cut is clean: every body byte up to the cut arrived.
  EXPECT_EQ(sent.progress_bytes, 100000u);
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), 100000);
}

TEST(Faults, TruncateAtOnTheWire) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("truncate_at":70000)") + "]");
  const Raw raw = raw_exchange(fx.sim->port(), raw_retrieve(id));
  EXPECT_EQ(raw.end, asio::error::eof) << raw.end.message();
  const auto head_end = raw.bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::string head = raw.bytes.substr(0, head_end + 2);
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  // Decode the chunks: 70000 bytes of the MP4, and no last chunk.
  std::string body;
  std::size_t at = head_end + 4;
  bool last_chunk = false;
  while (at < raw.bytes.size()) {
    const auto eol = raw.bytes.find("\r\n", at);
    ASSERT_NE(eol, std::string::npos);
    const std::size_t size = std::stoul(raw.bytes.substr(at, eol - at), nullptr, 16);
    if (size == 0) {
      last_chunk = true;
      break;
    }
    ASSERT_LE(eol + 2 + size + 2, raw.bytes.size());
    body += raw.bytes.substr(eol + 2, size);
    EXPECT_EQ(raw.bytes.substr(eol + 2 + size, 2), "\r\n");
    at = eol + 2 + size + 2;
  }
  EXPECT_FALSE(last_chunk);
  EXPECT_EQ(body, mp4_bytes(MiB).substr(0, 70000));
}

TEST(Faults, TruncateAtPastTheEndIsACompleteChunkedBody) {
  SimFixture fx(media_options(50000));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("truncate_at":50000)") + "]");
  const Sent sent = send(fx, retrieve_request(fx, id));
  ASSERT_TRUE(sent.outcome) << sent.outcome.error().code.message();
  EXPECT_EQ(sent.outcome->head.status, 200);
  EXPECT_EQ(header(*sent.outcome, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(sent.outcome->body, mp4_bytes(50000));
}

TEST(Faults, TruncateAtZeroSendsOnlyTheHead) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("truncate_at":0)") + "]");
  const Sent sent = send(fx, retrieve_request(fx, id));
  ASSERT_FALSE(sent.outcome);
  EXPECT_EQ(sent.outcome.error().stage, reel::http::Stage::body);
  EXPECT_EQ(sent.outcome.error().code, reel::http::Errc::unexpected_eof) << sent.outcome.error().code.message();
  EXPECT_EQ(sent.progress_bytes, 0u);
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), 0);
}

// ---- stalls ----------------------------------------------------------------------------------------

TEST(Faults, StallBeforeTheHeadVersusResponseTimeout) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("stall_ms":1000)") + "]");
  {
    reel::http::RequestOptions options;
    options.timeouts.response_headers = milliseconds(200);
    const Sent sent = send(fx, retrieve_request(fx, id), options);
    ASSERT_FALSE(sent.outcome) << "the head came despite a 1 s stall";
    EXPECT_EQ(sent.outcome.error().code, reel::http::Errc::response_timeout) << sent.outcome.error().code.message();
    EXPECT_EQ(sent.outcome.error().stage, reel::http::Stage::response);
    EXPECT_GE(sent.elapsed, milliseconds(200));
  }
  {
    reel::http::RequestOptions options;
    options.timeouts.response_headers = milliseconds(30000);
    const Sent sent = send(fx, retrieve_request(fx, id), options);
    ASSERT_TRUE(sent.outcome) << sent.outcome.error().code.message();
    EXPECT_EQ(sent.outcome->head.status, 200);
    EXPECT_EQ(sent.outcome->body, mp4_bytes(MiB));
    EXPECT_GE(sent.elapsed, milliseconds(1000));
  }
  EXPECT_EQ(fx.counters().faults_injected, 2);
}

TEST(Faults, StallInTheBodyVersusBodyIdleTimeout) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  // Reply byte 20000 is well inside the body (the head is a few hundred bytes).
  fx.rules("[" + rule("venice.retrieve", R"("stall_ms":1000,"stall_at":20000)") + "]");
  {
    reel::http::RequestOptions options;
    options.timeouts.body_idle = milliseconds(200);
    const Sent sent = send(fx, retrieve_request(fx, id), options);
    ASSERT_FALSE(sent.outcome) << "the body came despite a 1 s stall";
    EXPECT_EQ(sent.outcome.error().code, reel::http::Errc::body_idle_timeout) << sent.outcome.error().code.message();
    EXPECT_EQ(sent.outcome.error().stage, reel::http::Stage::body);
    EXPECT_GT(sent.progress_bytes, 0u);
    EXPECT_LT(sent.progress_bytes, 20000u);
  }
  {
    reel::http::RequestOptions options;
    options.timeouts.body_idle = milliseconds(30000);
    const Sent sent = send(fx, retrieve_request(fx, id), options);
    ASSERT_TRUE(sent.outcome) << sent.outcome.error().code.message();
    EXPECT_EQ(sent.outcome->head.status, 200);
    EXPECT_EQ(sent.outcome->body, mp4_bytes(MiB));
    EXPECT_GE(sent.elapsed, milliseconds(1000));
  }
}

// ---- trickle ---------------------------------------------------------------------------------------

TEST(Faults, TrickleDeliversEverythingSlowly) {
  const std::uint64_t size = 24000;
  const std::uint64_t bps = 40000;
  SimFixture fx(media_options(static_cast<std::int64_t>(size)));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("trickle_bps":40000)") + "]");
  const Sent sent = send(fx, retrieve_request(fx, id));
  ASSERT_TRUE(sent.outcome) << sent.outcome.error().code.message();
  EXPECT_EQ(sent.outcome->head.status, 200);
  EXPECT_EQ(sent.outcome->body, mp4_bytes(size));
  // The body alone takes size / bps seconds at that rate (0.6 s); allow for rounding.
  EXPECT_GE(seconds(sent.elapsed), 0.9 * static_cast<double>(size) / static_cast<double>(bps));
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), static_cast<std::int64_t>(size));
}

// ---- injected statuses -----------------------------------------------------------------------------

TEST(Faults, VeniceStatusWithRetryAfter) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("status":503,"message":"Upstream busy","retry_after":"2")") + "]");
  const reel::http::Response r = fx.venice("/video/retrieve", retrieve_body(id));
  EXPECT_EQ(r.head.status, 503);
  EXPECT_EQ(header(r, "Retry-After"), "2");
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  const auto error = parse<reel_sim::venice::StandardError>(r.body);
  EXPECT_EQ(error.error, "Upstream busy");
  EXPECT_EQ(r.body, R"({"error":"Upstream busy"})");

  fx.rules("[" + rule("venice.retrieve", R"("status":429,"retry_after":"Wed, 21 Oct 2026 07:28:00 GMT")") + "]");
  const reel::http::Response limited = fx.venice("/video/retrieve", retrieve_body(id));
  EXPECT_EQ(limited.head.status, 429);
  EXPECT_EQ(header(limited, "Retry-After"), "Wed, 21 Oct 2026 07:28:00 GMT");
  EXPECT_EQ(parse<reel_sim::venice::StandardError>(limited.body).error, "Injected failure");  // the default message

  // Without rules the job's video is there.
  fx.rules("[]");
  const reel::http::Response ok = fx.venice("/video/retrieve", retrieve_body(id));
  EXPECT_EQ(ok.head.status, 200);
  EXPECT_EQ(header(ok, "Content-Type"), "video/mp4");
  EXPECT_EQ(header(ok, "Retry-After"), "<absent>");
}

TEST(Faults, RawBodyReplacesTheReply) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("status":502,"body":"<html>Bad gateway</html>")") + "]");
  const reel::http::Response r = fx.venice("/video/retrieve", retrieve_body(id));
  EXPECT_EQ(r.head.status, 502);
  EXPECT_EQ(r.body, "<html>Bad gateway</html>");
  EXPECT_EQ(r.head.content_length, std::string("<html>Bad gateway</html>").size());
}

TEST(Faults, VeniceStatusOnQueueCreatesNoJob) {
  SimFixture fx(media_options(MiB));
  fx.rules("[" + rule("venice.queue", R"("status":500,"message":"boom")") + "]");
  const std::string body = std::string(R"({"model":")") + model +
                           R"(","prompt":"a lighthouse at dusk","duration":"5s","aspect_ratio":"16:9"})";
  const reel::http::Response r = fx.venice("/video/queue", body);
  EXPECT_EQ(r.head.status, 500);
  EXPECT_EQ(r.body, R"({"error":"boom"})");
  EXPECT_EQ(fx.counters().jobs_created, 0);
}

struct LumenfallOutput {
  std::string url;
  std::int64_t size_bytes = 0;
};

struct LumenfallVideo {
  std::string id;
  std::string status;
  std::optional<LumenfallOutput> output;
};

/// Creates a Lumenfall job and polls it once (polls_options(1): then it is done).
LumenfallVideo lumenfall_done(SimFixture& fx) {
  const reel::http::Response created =
      fx.call("POST", fx.sim->lumenfall_url() + "/videos", R"({"model":"sora-2","prompt":"a paper boat"})");
  EXPECT_EQ(created.head.status, 202) << created.body;
  const auto video = parse<LumenfallVideo>(created.body);
  const reel::http::Response polled = fx.call("GET", fx.sim->lumenfall_url() + "/videos/" + video.id);
  EXPECT_EQ(polled.head.status, 200) << polled.body;
  auto done = parse<LumenfallVideo>(polled.body);
  EXPECT_EQ(done.status, "completed") << polled.body;
  EXPECT_TRUE(done.output) << polled.body;
  return done;
}

TEST(Faults, LumenfallStatusWithRetryAfter) {
  SimFixture fx(media_options(MiB));
  const LumenfallVideo video = lumenfall_done(fx);
  fx.rules("[" + rule("lumenfall.retrieve", R"("status":429,"message":"Slow down","retry_after":"3")") + "," +
           rule("lumenfall.media", R"("status":503)") + "]");
  const reel::http::Response r = fx.call("GET", fx.sim->lumenfall_url() + "/videos/" + video.id);
  EXPECT_EQ(r.head.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "3");
  const auto envelope = parse<reel_sim::lumenfall::Envelope>(r.body);
  EXPECT_EQ(envelope.error.message, "Slow down");
  EXPECT_EQ(envelope.error.type, "rate_limit_error");
  EXPECT_EQ(envelope.error.code, "RATE_LIMITED");

  ASSERT_TRUE(video.output);
  const reel::http::Response media = fx.call("GET", video.output->url, "", "");
  EXPECT_EQ(media.head.status, 503);
  const auto unavailable = parse<reel_sim::lumenfall::Envelope>(media.body);
  EXPECT_EQ(unavailable.error.type, "api_error");
  EXPECT_EQ(unavailable.error.code, "SERVICE_UNAVAILABLE");
  EXPECT_EQ(header(media, "Retry-After"), "<absent>");
}

TEST(Faults, WildcardEndpointMatchesOnlyThatProvider) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.*", R"("status":502)") + "]");
  EXPECT_EQ(retrieve_status(fx, id), 502);
  const std::string body = std::string(R"({"model":")") + model +
                           R"(","prompt":"another","duration":"5s","aspect_ratio":"16:9"})";
  EXPECT_EQ(fx.venice("/video/queue", body).head.status, 502);
  const reel::http::Response created =
      fx.call("POST", fx.sim->lumenfall_url() + "/videos", R"({"model":"sora-2","prompt":"a paper boat"})");
  EXPECT_EQ(created.head.status, 202) << created.body;
  EXPECT_EQ(fx.counters().faults_injected, 2);
}

// ---- skip, times, probability -----------------------------------------------------------------------

TEST(Faults, SkipAndTimes) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("status":503)", R"(,"skip":1,"times":2)") + "]");
  std::vector<int> statuses;
  for (int i = 0; i < 6; ++i) statuses.push_back(retrieve_status(fx, id));
  EXPECT_EQ(statuses, (std::vector<int>{200, 503, 503, 200, 200, 200}));
  EXPECT_EQ(fx.counters().faults_injected, 2);
  // Replacing the rules starts their bookkeeping afresh.
  fx.rules("[" + rule("venice.retrieve", R"("status":503)", R"(,"times":1)") + "]");
  EXPECT_EQ(retrieve_status(fx, id), 503);
  EXPECT_EQ(retrieve_status(fx, id), 200);
  EXPECT_EQ(fx.counters().faults_injected, 3);
}

TEST(Faults, RulesOnlyApplyToMatchingRequests) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  // Another key's rule and another endpoint's rule do not fire.
  fx.rules(R"([{"match":{"endpoint":"venice.retrieve","key":"someone-else"},"fault":{"status":503}},)" +
           rule("venice.complete", R"("status":503)") + "]");
  EXPECT_EQ(retrieve_status(fx, id), 200);
  EXPECT_EQ(retrieve_status(fx, id), 200);
  EXPECT_EQ(fx.counters().faults_injected, 0);
  // A model match fires.
  fx.rules(std::string(R"([{"match":{"model":")") + model + R"("},"fault":{"status":504}}])");
  EXPECT_EQ(retrieve_status(fx, id), 504);
}

std::vector<int> probability_pattern(std::uint64_t seed, int n) {
  Options options = media_options(MiB);
  options.config.seed = seed;
  options.config.abuse_guard = false;
  SimFixture fx(std::move(options));
  const std::string id = queue(fx);
  fx.rules("[" + rule("venice.retrieve", R"("status":503)", R"(,"probability":0.5)") + "]");
  std::vector<int> statuses;
  for (int i = 0; i < n; ++i) statuses.push_back(retrieve_status(fx, id));
  std::int64_t failures = 0;
  for (int s : statuses) failures += s == 503 ? 1 : 0;
  EXPECT_EQ(fx.counters().faults_injected, failures);
  return statuses;
}

TEST(Faults, ProbabilityIsDeterministicForASeed) {
  const std::vector<int> a = probability_pattern(42, 24);
  const std::vector<int> b = probability_pattern(42, 24);
  EXPECT_EQ(a, b) << "two simulators with the same seed disagree";
  const auto failures = std::count(a.begin(), a.end(), 503);
  const auto successes = std::count(a.begin(), a.end(), 200);
  EXPECT_EQ(failures + successes, 24);
  EXPECT_GT(failures, 0);
  EXPECT_GT(successes, 0);
  const std::vector<int> c = probability_pattern(4242, 24);
  EXPECT_NE(a, c) << "the seed does not change the pattern";
}

// ---- Venice rate limit and abuse guard ---------------------------------------------------------------

TEST(Faults, VeniceRateLimitHeaders) {
  Options options = media_options(MiB);
  options.config.rate_limits = {{"venice.retrieve", 3}};
  SimFixture fx(std::move(options));
  // Fixed one-minute windows: if a window ends between the four requests, try once more with a
  // fresh key (the next window is a whole minute long).
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::string key = "rate-key-" + std::to_string(attempt);
    const std::string id = queue(fx, key);
    const std::int64_t before = reel_sim::unix_now();
    std::vector<reel::http::Response> replies;
    for (int i = 0; i < 4; ++i) replies.push_back(fx.venice("/video/retrieve", retrieve_body(id), key));
    const std::int64_t after = reel_sim::unix_now();
    bool one_window = true;
    for (const auto& r : replies) one_window = one_window && header(r, "x-ratelimit-reset-requests") == header(replies[0], "x-ratelimit-reset-requests");
    if (!one_window && attempt == 0) continue;
    ASSERT_TRUE(one_window);

    const std::vector<int> expected_status = {200, 200, 200, 429};
    const std::vector<std::string> expected_remaining = {"2", "1", "0", "0"};
    for (std::size_t i = 0; i < replies.size(); ++i) {
      SCOPED_TRACE("request " + std::to_string(i + 1));
      EXPECT_EQ(replies[i].head.status, expected_status[i]) << replies[i].body;
      EXPECT_EQ(header(replies[i], "x-ratelimit-limit-requests"), "3");
      EXPECT_EQ(header(replies[i], "x-ratelimit-remaining-requests"), expected_remaining[i]);
    }
    EXPECT_EQ(parse<reel_sim::venice::StandardError>(replies[3].body).error, "Rate limit exceeded");
    const std::int64_t reset = std::atoll(header(replies[0], "x-ratelimit-reset-requests").c_str());
    EXPECT_GT(reset, before);
    EXPECT_LE(reset, after + 60);
    EXPECT_EQ(reset % 60, 0);

    // Another key has its own window.
    const reel::http::Response other = fx.venice("/video/retrieve", retrieve_body(id), "other-key");
    EXPECT_EQ(other.head.status, 200);
    EXPECT_EQ(header(other, "x-ratelimit-remaining-requests"), "2");
    // Endpoints without a limit carry no rate-limit headers.
    const reel::http::Response completed =
        fx.venice("/video/complete", std::string(R"({"model":")") + model + R"(","queue_id":")" + id + R"("})", key);
    EXPECT_EQ(completed.head.status, 200) << completed.body;
    EXPECT_EQ(header(completed, "x-ratelimit-limit-requests"), "<absent>");
    break;
  }
}

TEST(Faults, VeniceAbuseGuardBlocksAKeyAfterTwentyOneFailures) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx, "key-a");
  for (int i = 0; i < 20; ++i) ASSERT_EQ(retrieve_status(fx, "no-such-job", "key-a"), 404);
  // Twenty failures are tolerated, and a success does not count.
  EXPECT_EQ(retrieve_status(fx, id, "key-a"), 200);
  // The 21st failure blocks the key: even valid requests are refused.
  EXPECT_EQ(retrieve_status(fx, "no-such-job", "key-a"), 404);
  const reel::http::Response blocked = fx.venice("/video/retrieve", retrieve_body(id), "key-a");
  EXPECT_EQ(blocked.head.status, 429);
  EXPECT_NE(parse<reel_sim::venice::StandardError>(blocked.body).error.find("blocked"), std::string::npos) << blocked.body;
  const std::string body = std::string(R"({"model":")") + model +
                           R"(","prompt":"again","duration":"5s","aspect_ratio":"16:9"})";
  EXPECT_EQ(fx.venice("/video/queue", body, "key-a").head.status, 429);
  // Another key is unaffected.
  EXPECT_EQ(retrieve_status(fx, id, "key-b"), 200);
  EXPECT_EQ(fx.venice("/video/queue", body, "key-b").head.status, 200);
}

TEST(Faults, VeniceAbuseGuardCanBeTurnedOff) {
  Options options = media_options(MiB);
  options.config.abuse_guard = false;
  SimFixture fx(std::move(options));
  const std::string id = queue(fx, "key-a");
  for (int i = 0; i < 25; ++i) ASSERT_EQ(retrieve_status(fx, "no-such-job", "key-a"), 404);
  EXPECT_EQ(retrieve_status(fx, id, "key-a"), 200);
}

// ---- Range and resuming on the Lumenfall output URL ------------------------------------------------

TEST(Faults, LumenfallOutputRange) {
  SimFixture fx(media_options(MiB));
  const LumenfallVideo video = lumenfall_done(fx);
  ASSERT_TRUE(video.output);
  EXPECT_EQ(video.output->size_bytes, static_cast<std::int64_t>(MiB));
  EXPECT_EQ(video.output->url.rfind(fx.sim->media_url() + "/lumenfall/", 0), 0u) << video.output->url;
  const std::string all = mp4_bytes(MiB);

  reel::http::Fields range;
  range.set("Range", "bytes=1000-1999");
  const reel::http::Response part = fx.call("GET", video.output->url, "", "", range);
  EXPECT_EQ(part.head.status, 206);
  EXPECT_EQ(header(part, "Content-Range"), "bytes 1000-1999/1048576");
  EXPECT_EQ(part.head.content_length, 1000u);
  EXPECT_EQ(part.body, all.substr(1000, 1000));

  range.set("Range", "bytes=-100");
  const reel::http::Response tail = fx.call("GET", video.output->url, "", "", range);
  EXPECT_EQ(tail.head.status, 206);
  EXPECT_EQ(header(tail, "Content-Range"), "bytes 1048476-1048575/1048576");
  EXPECT_EQ(tail.body, all.substr(all.size() - 100));

  range.set("Range", "bytes=1048576-");
  const reel::http::Response beyond = fx.call("GET", video.output->url, "", "", range);
  EXPECT_EQ(beyond.head.status, 416);
  EXPECT_EQ(header(beyond, "Content-Range"), "bytes */1048576");

  const reel::http::Response head = fx.call("HEAD", video.output->url, "", "");
  EXPECT_EQ(head.head.status, 200);
  EXPECT_EQ(head.head.content_length, MiB);
  EXPECT_EQ(head.body, "");

  const reel::http::Response full = fx.call("GET", video.output->url, "", "");
  EXPECT_EQ(full.head.status, 200);
  EXPECT_EQ(header(full, "Accept-Ranges"), "bytes");
  EXPECT_EQ(full.body, all);
  EXPECT_EQ(fx.counters().media_requests_with_authorization, 0);
}

TEST(Faults, LumenfallDownloadResumesAfterReset) {
  SimFixture fx(media_options(MiB));
  const LumenfallVideo video = lumenfall_done(fx);
  ASSERT_TRUE(video.output);
  fx.rules("[" + rule("lumenfall.media", R"("reset_at":300000)", R"(,"times":1)") + "]");
  const std::string all = mp4_bytes(MiB);

  reel::http::Request get;
  get.url = video.output->url;
  reel::http::StringSink first;
  const reel::http::BodyChooser to_first = [&first](const reel::http::ResponseHead&) {
    return std::optional<reel::http::SinkRef>(first);
  };
  const Sent cut = send(fx, get, {}, to_first);
  ASSERT_FALSE(cut.outcome) << "the first download should have been reset";
  EXPECT_EQ(cut.outcome.error().stage, reel::http::Stage::body);
  EXPECT_EQ(cut.outcome.error().code, asio::error::connection_reset) << cut.outcome.error().code.message();
  const std::uint64_t have = first.data().size();
  EXPECT_EQ(have, cut.progress_bytes);
  EXPECT_GT(have, 0u);
  EXPECT_LT(have, 300000u);
  EXPECT_EQ(first.data(), all.substr(0, static_cast<std::size_t>(have)));

  // Resume from where the first attempt stopped.
  get.headers.set("Range", "bytes=" + std::to_string(have) + "-");
  reel::http::StringSink rest;
  const reel::http::BodyChooser to_rest = [&rest](const reel::http::ResponseHead&) {
    return std::optional<reel::http::SinkRef>(rest);
  };
  const Sent resumed = send(fx, get, {}, to_rest);
  ASSERT_TRUE(resumed.outcome) << resumed.outcome.error().code.message();
  EXPECT_EQ(resumed.outcome->head.status, 206);
  EXPECT_EQ(header(*resumed.outcome, "Content-Range"),
            "bytes " + std::to_string(have) + "-1048575/1048576");
  EXPECT_TRUE(resumed.outcome->streamed);
  EXPECT_EQ(first.data() + rest.data(), all);
  // At least the whole file was served; more when the reset discarded bytes the kernel had not
  // sent yet (see ResetAtDeliversThatManyBytesEvenDeepIntoTheBody).
  EXPECT_GE(bytes_served(fx, "lumenfall.media"), static_cast<std::int64_t>(MiB));
  EXPECT_EQ(fx.counters().faults_injected, 1);
}

TEST(Faults, VeniceDownloadLinkFaultsAndRange) {
  SimFixture fx(media_options(MiB));
  const reel::http::Response queued = fx.venice(
      "/video/queue", R"({"model":"grok-imagine-text-to-video-private","prompt":"a fox","duration":"6s","aspect_ratio":"16:9"})");
  ASSERT_EQ(queued.head.status, 200) << queued.body;
  const auto q = parse<reel_sim::venice::QueueResponse>(queued.body);
  ASSERT_TRUE(q.download_url) << queued.body;
  EXPECT_EQ(q.download_url->rfind(fx.sim->media_url() + "/share/read/", 0), 0u) << *q.download_url;
  const reel::http::Response done =
      fx.venice("/video/retrieve", R"({"model":"grok-imagine-text-to-video-private","queue_id":")" + q.queue_id + R"("})");
  ASSERT_EQ(done.head.status, 200) << done.body;
  EXPECT_NE(done.body.find("COMPLETED"), std::string::npos) << done.body;

  fx.rules("[" + rule("venice.download", R"("status":503,"retry_after":"1")", R"(,"times":1)") + "]");
  const reel::http::Response unavailable = fx.call("GET", *q.download_url, "", "");
  EXPECT_EQ(unavailable.head.status, 503);
  EXPECT_EQ(header(unavailable, "Retry-After"), "1");

  reel::http::Fields range;
  range.set("Range", "bytes=-1000");
  const reel::http::Response tail = fx.call("GET", *q.download_url, "", "", range);
  EXPECT_EQ(tail.head.status, 206);
  EXPECT_EQ(header(tail, "Content-Range"), "bytes 1047576-1048575/1048576");
  EXPECT_EQ(tail.body, mp4_bytes(MiB).substr(MiB - 1000));
  EXPECT_EQ(fx.counters().faults_injected, 1);
}

// ---- TLS -------------------------------------------------------------------------------------------

TEST(Faults, TlsRequest) {
  const char* dir = std::getenv("REEL_TEST_CERTS");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "REEL_TEST_CERTS is not set (run through ctest)";
  const std::filesystem::path certs(dir);
  for (const char* name : {"ca.pem", "server.pem", "server-key.pem"}) {
    if (!std::filesystem::exists(certs / name)) GTEST_SKIP() << (certs / name).string() << " is missing";
  }
  Options options = media_options(MiB);
  options.tls = reel_sim::TlsFiles{(certs / "server.pem").string(), (certs / "server-key.pem").string()};
  SimFixture fx(std::move(options));
  EXPECT_EQ(fx.sim->base_url().rfind("https://127.0.0.1:", 0), 0u) << fx.sim->base_url();
  EXPECT_EQ(fx.sim->media_url().rfind("https://127.0.0.1:", 0), 0u) << fx.sim->media_url();

  reel::http::ClientOptions client_options;
  client_options.ca_file = (certs / "ca.pem").string();
  reel::test::Harness tls_client(client_options);

  reel::http::Request models;
  models.url = fx.sim->venice_url() + "/models?type=video";
  models.headers.set("Authorization", "Bearer test-key");
  const auto listed = tls_client.send(models);
  ASSERT_TRUE(listed) << listed.error().code.message() << " at " << reel::http::to_string(listed.error().stage);
  EXPECT_EQ(listed->head.status, 200);
  EXPECT_NE(listed->body.find(model), std::string::npos) << listed->body;

  // A whole job over https: queue, then retrieve the video.
  reel::http::Request queued;
  queued.method = "POST";
  queued.url = fx.sim->venice_url() + "/video/queue";
  queued.body = std::string(R"({"model":")") + model + R"(","prompt":"tls","duration":"5s","aspect_ratio":"16:9"})";
  queued.headers.set("Content-Type", "application/json");
  queued.headers.set("Authorization", "Bearer test-key");
  const auto q = tls_client.send(queued);
  ASSERT_TRUE(q) << q.error().code.message();
  ASSERT_EQ(q->head.status, 200) << q->body;
  const std::string id = parse<reel_sim::venice::QueueResponse>(q->body).queue_id;
  reel::http::Request retrieve = retrieve_request(fx, id);
  const auto video = tls_client.send(retrieve);
  ASSERT_TRUE(video) << video.error().code.message();
  EXPECT_EQ(video->head.status, 200);
  EXPECT_EQ(video->body, mp4_bytes(MiB));

  // A client that does not trust the test CA refuses the simulator's certificate.
  const auto untrusted = fx.client.send(models);
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code, reel::http::Errc::tls_verification_failed) << untrusted.error().code.message();
  EXPECT_EQ(untrusted.error().stage, reel::http::Stage::connect);
}

// ---- the wire: 100-continue and refused requests ------------------------------------------------------

TEST(Faults, ExpectContinueOnTheWire) {
  SimFixture fx(media_options(MiB));
  const std::string body = std::string(R"({"model":")") + model +
                           R"(","prompt":"continue","duration":"5s","aspect_ratio":"16:9"})";
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), fx.sim->port()));
  const std::string head = "POST /api/v1/video/queue HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer test-key\r\n"
                           "Content-Type: application/json\r\nExpect: 100-continue\r\nConnection: close\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  asio::write(socket, asio::buffer(head));
  std::string in;
  ASSERT_TRUE(read_until(socket, in, "\r\n\r\n")) << in;
  EXPECT_EQ(in, "HTTP/1.1 100 Continue\r\n\r\n");
  asio::write(socket, asio::buffer(body));
  in.clear();
  ASSERT_TRUE(read_until(socket, in, "}")) << in;
  EXPECT_EQ(in.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << in;
  EXPECT_NE(in.find("\"queue_id\""), std::string::npos) << in;
  EXPECT_EQ(fx.counters().jobs_created, 1);
}

TEST(Faults, MalformedRequestsAreAnsweredAndClosed) {
  SimFixture fx(media_options(MiB));
  struct Case {
    std::string request;
    std::string status_line;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"GET /api/v1/models HTTP/1.1\r\nBad Name: x\r\n\r\n", "HTTP/1.1 400 Bad Request", "malformed header field name"},
      {"GET /api/v1/models HTTP/3\r\n\r\n", "HTTP/1.1 400 Bad Request", "unsupported HTTP version"},
      {"POST /api/v1/video/queue HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 501 Not Implemented",
       "unsupported transfer coding"},
      {"POST /api/v1/video/queue HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n", "HTTP/1.1 413 Payload Too Large",
       "request body too large"},
      {"POST /openai/v1/videos HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", "HTTP/1.1 400 Bad Request",
       "repeated Content-Length"},
  };
  for (const Case& c : cases) {
    const Raw raw = raw_exchange(fx.sim->port(), c.request);
    EXPECT_EQ(raw.end, asio::error::eof) << c.request << ": " << raw.end.message();
    EXPECT_EQ(raw.bytes.rfind(c.status_line + "\r\n", 0), 0u) << raw.bytes;
    EXPECT_NE(raw.bytes.find("Connection: close\r\n"), std::string::npos) << raw.bytes;
    // The body is the API's JSON error shape and names the problem.
    const auto body_start = raw.bytes.find("\r\n\r\n");
    ASSERT_NE(body_start, std::string::npos) << raw.bytes;
    const std::string body = raw.bytes.substr(body_start + 4);
    reel::json::Value json;
    EXPECT_FALSE(reel::json::read(body, json)) << body;
    EXPECT_NE(body.find(c.error), std::string::npos) << body;
  }
  const reel_sim::Counters counters = fx.counters();
  EXPECT_EQ(counters.requests.at("malformed 400"), 3);
  EXPECT_EQ(counters.requests.at("malformed 501"), 1);
  EXPECT_EQ(counters.requests.at("malformed 413"), 1);
}

TEST(Faults, OversizedHeadIsAnswered431) {
  Options options = media_options(MiB);
  options.limits.max_head = 1024;
  SimFixture fx(std::move(options));
  const std::string request = "GET /api/v1/models HTTP/1.1\r\nX-Big: " + std::string(1100, 'a') + "\r\n\r\n";
  const Raw raw = raw_exchange(fx.sim->port(), request);
  EXPECT_EQ(raw.bytes.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u)
      << raw.bytes << " (ended with " << raw.end.message() << ")";
  EXPECT_EQ(raw.end, asio::error::eof) << raw.end.message();
}

// ---- counters ----------------------------------------------------------------------------------------

TEST(Faults, CountersBytesServedAndFaultsInjected) {
  SimFixture fx(media_options(MiB));
  const std::string id = queue(fx);
  EXPECT_EQ(fx.counters().faults_injected, 0);
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), 0);
  EXPECT_GT(bytes_served(fx, "venice.queue"), 0);  // the JSON answer

  const Sent whole = send(fx, retrieve_request(fx, id));
  ASSERT_TRUE(whole.outcome);
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), static_cast<std::int64_t>(MiB));

  // A skipped rule and a rule for another endpoint inject nothing.
  fx.rules("[" + rule("venice.retrieve", R"("truncate_at":1000)", R"(,"skip":1)") + "," +
           rule("lumenfall.media", R"("status":500)") + "]");
  ASSERT_TRUE(send(fx, retrieve_request(fx, id)).outcome);
  EXPECT_EQ(fx.counters().faults_injected, 0);
  EXPECT_EQ(bytes_served(fx, "venice.retrieve"), static_cast<std::int64_t>(2 * MiB));

  const Sent cut = send(fx, retrieve_request(fx, id));
  ASSERT_FALSE(cut.outcome);
  const reel_sim::Counters c = fx.counters();
  EXPECT_EQ(c.faults_injected, 1);
  EXPECT_EQ(c.bytes_served.at("venice.retrieve"), static_cast<std::int64_t>(2 * MiB + 1000));
  EXPECT_EQ(c.requests.at("venice.retrieve 200"), 3);

  // Statuses count as faults too, and their error bodies as bytes served.
  fx.rules("[" + rule("venice.retrieve", R"("status":503,"message":"x")") + "]");
  EXPECT_EQ(retrieve_status(fx, id), 503);
  const reel_sim::Counters after = fx.counters();
  EXPECT_EQ(after.faults_injected, 2);
  EXPECT_EQ(after.requests.at("venice.retrieve 503"), 1);
  EXPECT_EQ(after.bytes_served.at("venice.retrieve"),
            static_cast<std::int64_t>(2 * MiB + 1000 + std::string(R"({"error":"x"})").size()));
}

// ---- idle timeout --------------------------------------------------------------------------------

TEST(Faults, SimulatorStopsWhenIdle) {
  asio::io_context io;
  Options options;
  options.idle_timeout = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  reel_sim::Simulator sim(io, std::move(options));
  const std::uint16_t port = sim.port();
  int idle_calls = 0;
  sim.on_idle = [&idle_calls] { ++idle_calls; };
  std::promise<void> returned;
  std::future<void> done = returned.get_future();
  std::thread runner([&io, &returned] {
    io.run();
    returned.set_value();
  });
  // A generous guard against hanging the test run; the timeout itself is 1 s.
  const bool stopped = done.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (!stopped) io.stop();
  runner.join();
  ASSERT_TRUE(stopped) << "io.run() did not return after the idle timeout";
  EXPECT_EQ(idle_calls, 1);
  EXPECT_GE(elapsed, std::chrono::seconds(1));
  // The listening sockets are closed.
  asio::io_context probe;
  asio::ip::tcp::socket socket(probe);
  std::error_code ec;
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_TRUE(ec) << "the simulator still accepts connections";
}

TEST(Faults, SimulatorStopsWhenIdleDespiteAnOpenConnection) {
  asio::io_context io;
  Options options;
  options.idle_timeout = std::chrono::seconds(1);
  reel_sim::Simulator sim(io, std::move(options));
  int idle_calls = 0;
  sim.on_idle = [&idle_calls] { ++idle_calls; };
  std::promise<void> returned;
  std::future<void> done = returned.get_future();
  std::thread runner([&io, &returned] {
    io.run();
    returned.set_value();
  });
  // A client that made one keep-alive request and then just keeps the connection open.
  asio::io_context client_io;
  asio::ip::tcp::socket socket(client_io);
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), sim.port()));
  asio::write(socket, asio::buffer(std::string("GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
  std::string in;
  ASSERT_TRUE(read_until(socket, in, "{\"ok\":true}")) << in;
  const bool stopped = done.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  std::error_code ec;
  socket.close(ec);  // lets a simulator that waits for this connection finish
  runner.join();
  EXPECT_EQ(idle_calls, 1);
  EXPECT_TRUE(stopped) << "io.run() kept running after the idle timeout while a client held a connection open";
}

TEST(Faults, SimulatorWithoutIdleTimeoutKeepsRunning) {
  asio::io_context io;
  reel_sim::Simulator sim(io, Options{});
  bool idle = false;
  sim.on_idle = [&idle] { idle = true; };
  // run_for returns when the time is up, not because the simulator stopped.
  io.run_for(std::chrono::milliseconds(1200));
  EXPECT_FALSE(idle);
  EXPECT_FALSE(io.stopped());
  sim.close();
  io.run();  // closing leaves no work behind
  EXPECT_TRUE(io.stopped());
}

}  // namespace
