// SPDX-License-Identifier: BSL-1.0
// VideoJob against an independent stand-in: WireMock (npm `wiremock`, a jar on Java 17), started
// on 127.0.0.1 by with_wiremock.sh, which exports REEL_WIREMOCK_URL and stops it afterwards.
// Each test loads provider-shaped stubs through WireMock's admin API, with its own faults
// (CONNECTION_RESET_BY_PEER, EMPTY_RESPONSE, MALFORMED_RESPONSE_CHUNK, RANDOM_DATA_THEN_CLOSE,
// fixed delays, chunked dribble) in sequences (WireMock scenarios), and counts the requests in
// WireMock's journal. Nothing of reel's own simulator is involved, except the sample MP4 bytes.
#include "fault_world.hpp"

#include <reel/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

namespace reel_faults {
namespace {

/// base64 of `bytes` (for WireMock's base64Body).
std::string base64(std::string_view bytes) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    for (int k = 18; k >= 0; k -= 6) out += table[(n >> k) & 63u];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += table[(n >> 18) & 63u];
    out += table[(n >> 12) & 63u];
    out += i + 1 < bytes.size() ? table[(n >> 6) & 63u] : '=';
    out += '=';
  }
  return out;
}

/// The answer of `/__admin/requests/count`.
struct JournalCount {
  std::int64_t count = -1;
};

/// The WireMock the runner started, driven through its admin API with reel's own client.
struct WireMock {
  WireMock() {
    const char* url = std::getenv("REEL_WIREMOCK_URL");
    if (url != nullptr) base = url;
  }

  reel::http::Response admin(const std::string& method, const std::string& path, const std::string& body = {}) {
    reel::http::Request r;
    r.method = method;
    r.url = base + path;
    r.body = body;
    if (!body.empty()) r.headers.set("Content-Type", "application/json");
    auto got = client.send(r);
    if (!got) {
      ADD_FAILURE() << method << " " << path << ": " << got.error().code.message();
      return {};
    }
    return std::move(*got);
  }
  /// Forgets every stub, scenario and journal entry.
  void reset() { EXPECT_EQ(admin("POST", "/__admin/reset").head.status, 200); }
  /// One stub: `method url` answered with `response` (a WireMock response object).
  void stub(const std::string& method, const std::string& url, const std::string& response, const std::string& extra = {}) {
    const auto r = admin("POST", "/__admin/mappings",
                         R"({"request":{"method":")" + method + R"(","url":")" + url + R"("},"response":)" + response +
                             extra + "}");
    EXPECT_EQ(r.head.status, 201) << r.body;
  }
  /// Answers `method url` with `responses` in turn (a WireMock scenario); the last one repeats.
  void sequence(const std::string& method, const std::string& url, const std::vector<std::string>& responses) {
    const std::string scenario = method + " " + url;
    for (std::size_t i = 0; i < responses.size(); ++i) {
      std::string extra = R"(,"scenarioName":")" + scenario + R"(","requiredScenarioState":")" +
                          (i == 0 ? std::string("Started") : "s" + std::to_string(i)) + "\"";
      if (i + 1 < responses.size()) extra += R"(,"newScenarioState":"s)" + std::to_string(i + 1) + "\"";
      stub(method, url, responses[i], extra);
    }
  }
  /// Requests WireMock received matching `pattern` (a WireMock request pattern).
  std::int64_t count(const std::string& pattern) {
    const auto r = admin("POST", "/__admin/requests/count", pattern);
    JournalCount c;
    EXPECT_FALSE(reel::json::read(r.body, c)) << r.body;
    return c.count;
  }
  std::int64_t count(const std::string& method, const std::string& url) {
    return count(R"({"method":")" + method + R"(","url":")" + url + R"("})");
  }

  std::string base;
  reel::test::Harness client;
};

std::string fault(const char* name) { return std::string(R"({"fault":")") + name + "\"}"; }
std::string json(int status, const std::string& body, const std::string& more = {}) {
  std::string escaped;
  for (char c : body) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return R"({"status":)" + std::to_string(status) + R"(,"headers":{"Content-Type":"application/json"},"body":")" +
         escaped + "\"" + more + "}";
}

/// A Lumenfall-shaped world on WireMock: create, status (completed), media, delete.
struct LumenfallStandIn {
  explicit LumenfallStandIn(WireMock& mock) : wm(mock) {
    video = expected_video();
    media_url = wm.base + "/cdn/video_wm1.mp4";
  }
  std::string created() const {
    return json(202, R"({"id":"video_wm1","object":"video","status":"queued","model":"sora-2","created_at":1700000000})");
  }
  std::string completed() const {
    return json(200, R"({"id":"video_wm1","object":"video","status":"completed","model":"sora-2","progress":100,)"
                     R"("created_at":1700000000,"completed_at":1700000060,"expires_at":4100000000,)"
                     R"("output":{"url":")" + media_url + R"(","content_type":"video/mp4","size_bytes":)" +
                         std::to_string(video.size()) + "}}");
  }
  std::string media(const std::string& more = {}) const {
    return R"({"status":200,"headers":{"Content-Type":"video/mp4"},"base64Body":")" + base64(video) + "\"" + more + "}";
  }
  std::string deleted() const { return json(200, R"({"id":"video_wm1","object":"video.deleted","deleted":true})"); }
  /// Stubs every endpoint with its plain answer, except those set already by the test.
  void stub_rest(bool create = true, bool status = true, bool content = true, bool remove = true) {
    if (create) wm.stub("POST", "/openai/v1/videos", created());
    if (status) wm.stub("GET", "/openai/v1/videos/video_wm1", completed());
    if (content) wm.stub("GET", "/cdn/video_wm1.mp4", media());
    if (remove) wm.stub("DELETE", "/openai/v1/videos/video_wm1", deleted());
  }
  reel::Lumenfall provider() const { return reel::Lumenfall{"test-key", wm.base + "/openai/v1"}; }

  WireMock& wm;
  std::string video;
  std::string media_url;
};

/// A client world without the simulator.
struct Local {
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  reel::job::Account account{reel::steady_clock(), reel::job::AccountLimits::none()};
  ScratchDir dir;
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), reel_test::store_into(out));
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  reel::JobOptions options(std::chrono::milliseconds deadline = 20s) {
    reel::JobOptions o;
    o.poll = reel::policy::FixedInterval{50ms};
    o.poll_bounds = {10ms, 1s};
    o.retry = reel::policy::RetryPolicy{5, 50ms, 2.0, 400ms, 0.0};
    o.timeouts.connect = 2s;
    o.timeouts.response_headers = 2s;
    o.timeouts.body_idle = 2s;
    o.deadline = reel::steady_clock().now() + deadline;
    return o;
  }
  std::filesystem::path out(const std::string& name) const { return dir.path / name; }
};

#define REEL_NEED_WIREMOCK(wm)                                                                  \
  do {                                                                                         \
    if ((wm).base.empty()) GTEST_SKIP() << "REEL_WIREMOCK_URL is not set (run through ctest)"; \
    (wm).reset();                                                                              \
  } while (false)

TEST(WireMockFaults, LumenfallCreateResetByPeerIsRetriedWithTheSameKey) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  LumenfallStandIn lf(wm);
  wm.sequence("POST", "/openai/v1/videos",
              {fault("CONNECTION_RESET_BY_PEER"), fault("EMPTY_RESPONSE"), lf.created()});
  lf.stub_rest(false);
  Local l;
  LumenfallJob job(l.http, lf.provider(), l.account, l.options());
  const auto o = l.run(generate(job, lumenfall_request("wiremock create"), l.out("c.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, l.out("c.mp4"));
  EXPECT_EQ(reel_test::read_file(l.out("c.mp4")), lf.video);
  ASSERT_TRUE(o.handle.idempotency_key);
  EXPECT_EQ(wm.count(R"({"method":"POST","url":"/openai/v1/videos","bodyPatterns":[{"contains":")" +
                     *o.handle.idempotency_key + R"("}]})"),
            3);  // every attempt carried the one key
  EXPECT_EQ(wm.count(R"({"method":"GET","url":"/cdn/video_wm1.mp4","headers":{"Authorization":{"absent":true}}})"), 1);
  EXPECT_EQ(wm.count("DELETE", "/openai/v1/videos/video_wm1"), 1);
}

TEST(WireMockFaults, LumenfallPollEmptyMalformedGarbageAndDelayThenCompletes) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  LumenfallStandIn lf(wm);
  wm.sequence("GET", "/openai/v1/videos/video_wm1",
              {fault("EMPTY_RESPONSE"), fault("MALFORMED_RESPONSE_CHUNK"), fault("RANDOM_DATA_THEN_CLOSE"),
               json(200, R"({"id":"video_wm1","object":"video","status":"in_progress","progress":50})",
                    R"(,"fixedDelayMilliseconds":3000)"),
               lf.completed()});
  lf.stub_rest(true, false);
  Local l;
  reel::JobOptions options = l.options();
  options.timeouts.response_headers = 500ms;
  LumenfallJob job(l.http, lf.provider(), l.account, options);
  const auto o = l.run(generate(job, lumenfall_request("wiremock poll"), l.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, l.out("p.mp4"));
  // Five answers; the empty one came on the connection kept from the create, so the client
  // re-sent that GET by itself (a reused connection closed before any byte): four or five polls.
  EXPECT_GE(o.polls, 4);
  EXPECT_EQ(wm.count("GET", "/openai/v1/videos/video_wm1"), 5);
}

TEST(WireMockFaults, LumenfallMediaGarbageMalformedThenDribbledCompletes) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  LumenfallStandIn lf(wm);
  wm.sequence("GET", "/cdn/video_wm1.mp4",
              {fault("RANDOM_DATA_THEN_CLOSE"), fault("MALFORMED_RESPONSE_CHUNK"), fault("CONNECTION_RESET_BY_PEER"),
               lf.media(R"(,"chunkedDribbleDelay":{"numberOfChunks":5,"totalDuration":600})")});
  lf.stub_rest(true, true, false);
  Local l;
  LumenfallJob job(l.http, lf.provider(), l.account, l.options());
  const auto o = l.run(generate(job, lumenfall_request("wiremock media"), l.out("m.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, l.out("m.mp4"));
  EXPECT_EQ(reel_test::read_file(l.out("m.mp4")), lf.video);
  EXPECT_EQ(wm.count("GET", "/cdn/video_wm1.mp4"), 4);
  EXPECT_TRUE(o.cleaned_up);
}

TEST(WireMockFaults, LumenfallMediaAlwaysBrokenKeepsTheHandleAndTheRemoteCopy) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  LumenfallStandIn lf(wm);
  wm.stub("GET", "/cdn/video_wm1.mp4", fault("RANDOM_DATA_THEN_CLOSE"));
  lf.stub_rest(true, true, false);
  Local l;
  LumenfallJob job(l.http, lf.provider(), l.account, l.options());
  const auto o = l.run(generate(job, lumenfall_request("wiremock broken"), l.out("b.mp4")));
  expect_ending(o, OutcomeKind::error, reel::http::Errc::bad_status_line, l.out("b.mp4"));
  EXPECT_EQ(o.handle.job_id, "video_wm1");
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_EQ(wm.count("GET", "/cdn/video_wm1.mp4"), 5);  // the retry policy's attempts
  EXPECT_EQ(wm.count("DELETE", "/openai/v1/videos/video_wm1"), 0);  // never cleaned without the file
}

TEST(WireMockFaults, DribbleAgainstTheDeadline) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  LumenfallStandIn lf(wm);
  wm.stub("GET", "/cdn/video_wm1.mp4", lf.media(R"(,"chunkedDribbleDelay":{"numberOfChunks":20,"totalDuration":10000})"));
  lf.stub_rest(true, true, false);
  Local l;
  const auto start = std::chrono::steady_clock::now();
  LumenfallJob job(l.http, lf.provider(), l.account, l.options(1500ms));
  const auto o = l.run(generate(job, lumenfall_request("wiremock dribble"), l.out("d.mp4")));
  EXPECT_LT(since(start), 5s) << "the deadline did not bound the dribble";
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, l.out("d.mp4"));
  EXPECT_EQ(wm.count("DELETE", "/openai/v1/videos/video_wm1"), 0);
}

TEST(WireMockFaults, LumenfallDeleteResetThenDone) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  LumenfallStandIn lf(wm);
  wm.sequence("DELETE", "/openai/v1/videos/video_wm1", {fault("CONNECTION_RESET_BY_PEER"), lf.deleted()});
  lf.stub_rest(true, true, true, false);
  Local l;
  LumenfallJob job(l.http, lf.provider(), l.account, l.options());
  const auto o = l.run(generate(job, lumenfall_request("wiremock delete"), l.out("x.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, l.out("x.mp4"));
  EXPECT_TRUE(o.cleaned_up);
  EXPECT_EQ(wm.count("DELETE", "/openai/v1/videos/video_wm1"), 2);
}

TEST(WireMockFaults, VeniceQueueEmptyResponseIsAmbiguousAndSentOnce) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  wm.stub("POST", "/api/v1/video/queue", fault("EMPTY_RESPONSE"));
  Local l;
  reel::job::Account venice_account(reel::steady_clock(), World::venice_limits());
  VeniceJob job(l.http, reel::Venice{"test-key", wm.base + "/api/v1"}, venice_account, l.options());
  const auto o = l.run(generate(job, venice_request("wiremock queue", "wan-2.5-preview-text-to-video"), l.out("q.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, l.out("q.mp4"), false);
  EXPECT_EQ(wm.count("POST", "/api/v1/video/queue"), 1);
}

TEST(WireMockFaults, VeniceRetrieveFaultsThenInlineVideo) {
  WireMock wm;
  REEL_NEED_WIREMOCK(wm);
  const std::string video = expected_video();
  wm.stub("POST", "/api/v1/video/queue", json(200, R"({"model":"wan-2.5-preview-text-to-video","queue_id":"q-wm-1"})"));
  wm.sequence("POST", "/api/v1/video/retrieve",
              {fault("MALFORMED_RESPONSE_CHUNK"),
               json(200, R"({"status":"PROCESSING","average_execution_time":100,"execution_duration":50})"),
               fault("CONNECTION_RESET_BY_PEER"),
               R"({"status":200,"headers":{"Content-Type":"video/mp4"},"base64Body":")" + base64(video) + "\"}"});
  wm.stub("POST", "/api/v1/video/complete", json(200, R"({"success":true})"));
  Local l;
  reel::job::Account venice_account(reel::steady_clock(), World::venice_limits());
  VeniceJob job(l.http, reel::Venice{"test-key", wm.base + "/api/v1"}, venice_account, l.options());
  const auto o = l.run(generate(job, venice_request("wiremock retrieve", "wan-2.5-preview-text-to-video"), l.out("v.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, l.out("v.mp4"));
  EXPECT_EQ(reel_test::read_file(l.out("v.mp4")), video);
  EXPECT_EQ(o.handle.job_id, "q-wm-1");
  EXPECT_EQ(wm.count("POST", "/api/v1/video/queue"), 1);
  EXPECT_EQ(wm.count("POST", "/api/v1/video/complete"), 1);
}

}  // namespace
}  // namespace reel_faults
