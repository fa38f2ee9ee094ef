// SPDX-License-Identifier: BSL-1.0
// The simulator's Gemini API for Veo (/gemini): its wire format checked with raw HTTP (create an
// operation, poll it until done, the keyed file download on the API origin, failed and filtered
// operations, the retired model's 404, google.rpc.Status errors, fault rules), then whole
// reel::GoogleVeo jobs against it with VideoJob: the download equal to the served video, the key
// sent to the API origin's file download and never to another host (a uri on the media origin,
// and a download redirected there).
#include "sim_test_support.hpp"

#include <job/run_support.hpp>

#include <reel/engine/video_job.hpp>
#include <reel/http/client.hpp>
#include <reel/providers/google_veo.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;

const std::string model = "veo-3.1-generate-001";
const std::string create_body =
    R"({"instances":[{"prompt":"A capybara in a hot spring"}],"parameters":{"durationSeconds":8,"aspectRatio":"16:9","resolution":"720p"}})";

reel::http::Fields goog_key(const std::string& key = "test-key") {
  reel::http::Fields f;
  f.set("x-goog-api-key", key);
  return f;
}

std::string create_url(SimFixture& f, const std::string& m = model) {
  return f.sim->gemini_url() + "/v1beta/models/" + m + ":predictLongRunning";
}

std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}

// A keyed call (no Authorization).
reel::http::Response call(SimFixture& f, std::string method, std::string url, std::string body = {}) {
  return f.call(std::move(method), std::move(url), std::move(body), "", goog_key());
}

std::string created_name(SimFixture& f, const std::string& body = create_body) {
  const auto r = call(f, "POST", create_url(f), body);
  EXPECT_EQ(r.head.status, 200) << r.body;
  return text_at(r.body, {"name"});
}

// Polls until done (at most `n` times); the last operation body.
std::string poll_until_done(SimFixture& f, const std::string& name, int n = 5) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    const auto s = call(f, "GET", f.sim->gemini_url() + "/v1beta/" + name);
    EXPECT_EQ(s.head.status, 200) << s.body;
    body = s.body;
    if (text_at(body, {"done"}) == "true") break;
  }
  return body;
}

std::string first_uri(const std::string& op) {
  reel::json::Value v;
  if (reel::json::read(op, v)) return "<not json>";
  const auto* samples = reel_sim::test::member(v, {"response", "generateVideoResponse", "generatedSamples"});
  if (samples == nullptr || !samples->if_array() || samples->if_array()->empty()) return "<absent>";
  const std::string* uri = samples->if_array()->front().find("video") ? samples->if_array()->front().find("video")->find_string("uri")
                                                                      : nullptr;
  return uri != nullptr ? *uri : "<absent>";
}

TEST(GoogleVeo, CreateAnswersAnOperationName) {
  SimFixture f(polls_options(2));
  const auto r = call(f, "POST", create_url(f), create_body);
  ASSERT_EQ(r.head.status, 200) << r.body;
  const std::string name = text_at(r.body, {"name"});
  EXPECT_EQ(name.rfind("models/" + model + "/operations/", 0), 0u) << name;
  EXPECT_TRUE(reel::GoogleVeo::is_operation_name(name)) << name;
  EXPECT_EQ(text_at(r.body, {"done"}), "<absent>");
  const auto c = f.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "veo.create 200"), 1);
}

TEST(GoogleVeo, OperationRunsThenIsDoneWithAKeyedFileOnTheApiOrigin) {
  SimFixture f(polls_options(2));
  const std::string name = created_name(f);
  const auto first = call(f, "GET", f.sim->gemini_url() + "/v1beta/" + name);
  ASSERT_EQ(first.head.status, 200) << first.body;
  EXPECT_EQ(text_at(first.body, {"done"}), "<absent>");
  EXPECT_EQ(text_at(first.body, {"name"}), name);
  const std::string done = poll_until_done(f, name);
  ASSERT_EQ(text_at(done, {"done"}), "true") << done;
  const std::string uri = first_uri(done);
  ASSERT_EQ(uri.rfind(f.sim->gemini_url() + "/v1beta/files/", 0), 0u) << uri;
  EXPECT_NE(uri.find(":download?alt=media"), std::string::npos) << uri;
  // The file needs the key (it is on the API's own origin) ...
  const auto without = f.call("GET", uri, "", "");
  EXPECT_EQ(without.head.status, 403) << without.body;
  EXPECT_EQ(text_at(without.body, {"error", "status"}), "PERMISSION_DENIED");
  const auto bearer = f.call("GET", uri, "", "test-key");
  EXPECT_EQ(bearer.head.status, 401) << bearer.body;
  // ... and with it, it is the served video.
  const auto m = call(f, "GET", uri);
  ASSERT_EQ(m.head.status, 200);
  EXPECT_TRUE(m.body == reel_sim::sample_mp4());
  EXPECT_EQ(count(f.counters(), "veo.media 200"), 1);
}

TEST(GoogleVeo, FailedAndFilteredOperationsSayWhy) {
  SimFixture f(polls_options(1));
  const std::string failed = poll_until_done(f, created_name(f, R"({"instances":[{"prompt":"[fail] a storm"}]})"));
  EXPECT_EQ(text_at(failed, {"done"}), "true");
  EXPECT_EQ(text_at(failed, {"error", "code"}), "13");
  EXPECT_NE(text_at(failed, {"error", "message"}), "<absent>");
  const std::string filtered = poll_until_done(f, created_name(f, R"({"instances":[{"prompt":"[reject] a celebrity"}]})"));
  EXPECT_EQ(text_at(filtered, {"done"}), "true");
  EXPECT_EQ(text_at(filtered, {"response", "generateVideoResponse", "raiMediaFilteredCount"}), "1");
  EXPECT_EQ(first_uri(filtered), "<absent>");
}

TEST(GoogleVeo, RetiredAndUnknownModelsAre404s) {
  SimFixture f;
  const auto retired = call(f, "POST", create_url(f, "veo-3.1-generate-preview"), create_body);
  EXPECT_EQ(retired.head.status, 404);
  EXPECT_EQ(text_at(retired.body, {"error", "status"}), "NOT_FOUND");
  EXPECT_NE(text_at(retired.body, {"error", "message"}).find("is no longer available"), std::string::npos) << retired.body;
  const auto unknown = call(f, "POST", create_url(f, "veo-0"), create_body);
  EXPECT_EQ(unknown.head.status, 404);
  EXPECT_EQ(text_at(unknown.body, {"error", "message"}).find("is no longer available"), std::string::npos);
  EXPECT_EQ(call(f, "POST", create_url(f, "gemini-omni-1.1-flash"), create_body).head.status, 200);
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(GoogleVeo, BadRequestsGetGoogleRpcStatusErrors) {
  SimFixture f;
  struct Case {
    std::string body;
    std::string key;
    int status;
    std::string rpc;
  };
  const std::vector<Case> cases = {
      {"{", "test-key", 400, "INVALID_ARGUMENT"},
      {R"({"instances":[]})", "test-key", 400, "INVALID_ARGUMENT"},
      {R"({"instances":[{"prompt":"x"}],"parameters":{"fps":24}})", "test-key", 400, "INVALID_ARGUMENT"},
      {R"({"instances":[{"prompt":"x"}],"parameters":{"durationSeconds":7}})", "test-key", 400, "INVALID_ARGUMENT"},
      {R"({"instances":[{"prompt":"x"}],"parameters":{"aspectRatio":"1:1"}})", "test-key", 400, "INVALID_ARGUMENT"},
      {R"({"instances":[{"prompt":"x","image":{"gcsUri":"gs://b/a.png"}}]})", "test-key", 400, "INVALID_ARGUMENT"},
      {R"({"instances":[{"prompt":"[blocked] x"}]})", "test-key", 400, "INVALID_ARGUMENT"},
      {create_body, "", 403, "PERMISSION_DENIED"},
  };
  for (const Case& c : cases) {
    const auto r = f.call("POST", create_url(f), c.body, "", c.key.empty() ? reel::http::Fields{} : goog_key(c.key));
    EXPECT_EQ(r.head.status, c.status) << c.body;
    EXPECT_EQ(text_at(r.body, {"error", "status"}), c.rpc) << r.body;
    EXPECT_EQ(text_at(r.body, {"error", "code"}), std::to_string(c.status)) << r.body;
  }
  EXPECT_EQ(f.counters().jobs_created, 0);
  // A wrong operation name, and another key's operation, are not found.
  const std::string name = created_name(f);
  EXPECT_EQ(call(f, "GET", f.sim->gemini_url() + "/v1beta/models/" + model + "/operations/nope").head.status, 404);
  EXPECT_EQ(f.call("GET", f.sim->gemini_url() + "/v1beta/" + name, "", "", goog_key("other-key")).head.status, 404);
}

TEST(GoogleVeo, InvalidKeyIsApiKeyInvalid) {
  Options o;
  o.config.api_keys = {"test-key"};
  SimFixture f(std::move(o));
  const auto r = f.call("POST", create_url(f), create_body, "", goog_key("wrong"));
  EXPECT_EQ(r.head.status, 400);
  EXPECT_NE(r.body.find("API_KEY_INVALID"), std::string::npos) << r.body;
}

TEST(GoogleVeo, RateLimitIsResourceExhaustedWithRetryInfo) {
  Options o;
  o.config.rate_limits = {{"veo.create", 1}};
  SimFixture f(std::move(o));
  EXPECT_EQ(call(f, "POST", create_url(f), create_body).head.status, 200);
  const auto r = call(f, "POST", create_url(f), create_body);
  EXPECT_EQ(r.head.status, 429);
  EXPECT_EQ(text_at(r.body, {"error", "status"}), "RESOURCE_EXHAUSTED");
  EXPECT_NE(r.body.find("RetryInfo"), std::string::npos) << r.body;
  reel::policy::ServerHints hints;
  reel::GoogleVeo::hints_of(r, hints);
  EXPECT_TRUE(hints.retry_after);
}

TEST(GoogleVeo, FaultRulesApplyToItsEndpoints) {
  SimFixture f(polls_options(1));
  f.rules(R"([{"match":{"endpoint":"veo.status"},"times":1,"fault":{"status":503}}])");
  const std::string name = created_name(f);
  const auto first = call(f, "GET", f.sim->gemini_url() + "/v1beta/" + name);
  EXPECT_EQ(first.head.status, 503);
  EXPECT_EQ(text_at(first.body, {"error", "status"}), "UNAVAILABLE");
  EXPECT_EQ(call(f, "GET", f.sim->gemini_url() + "/v1beta/" + name).head.status, 200);
  EXPECT_EQ(count(f.counters(), "veo.status 503"), 1);
}

// ---- whole reel::GoogleVeo jobs -------------------------------------------------------------

using VeoJob = reel::VideoJob<reel::GoogleVeo, reel::http::Client>;

/// A simulator, a client on this thread's io_context, an account, a directory.
struct World {
  explicit World(Options options = polls_options(2)) : sim(std::move(options)) {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() / ("reel-veo-sim-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir);
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static reel::JobOptions options() {
    reel::JobOptions o;
    o.poll = reel::policy::FixedInterval{50ms};
    o.poll_bounds = {10ms, 1s};
    o.retry = reel::policy::RetryPolicy{5, 50ms, 2.0, 400ms, 0.0};
    o.deadline = reel::steady_clock().now() + 60s;
    return o;
  }
  reel::GoogleVeo veo() {
    reel::GoogleVeo g;
    g.api_key = "test-key";
    g.base_url = sim.sim->gemini_url();
    return g;
  }

  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), reel_test::store_into(out));
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  SimFixture sim;
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  // No client-side pacing in these tests (the defaults allow 2 creates a minute).
  reel::job::Account account{reel::steady_clock(), reel::job::AccountLimits::none()};
  std::filesystem::path dir;
};

asio::awaitable<reel::job::Outcome> go(VeoJob& job, reel::VideoRequest r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}

reel::VideoRequest veo_request(std::string prompt = "A capybara in a hot spring") {
  return reel::VideoRequest{.model = model, .prompt = std::move(prompt), .duration_seconds = 8, .aspect_ratio = "16:9"};
}

TEST(GoogleVeoJob, GenerateSubmitsPollsAndDownloadsTheServedVideoWithTheKeyFromTheApiOrigin) {
  World w(polls_options(3));
  VeoJob job(w.http, w.veo(), w.account, World::options());
  const auto o = w.run(go(job, veo_request(), w.dir / "v.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  EXPECT_EQ(o.bytes, reel_sim::sample_mp4().size());
  EXPECT_EQ(o.handle.provider, "google-veo");
  EXPECT_EQ(o.handle.job_id.rfind("models/" + model + "/operations/", 0), 0u) << o.handle.job_id;
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "veo.create 200"), 1);
  EXPECT_EQ(count(c, "veo.status 200"), 3);
  // The keyed download: without the key the API origin answers 403, so 200 means it was sent.
  EXPECT_EQ(count(c, "veo.media 200"), 1);
  EXPECT_EQ(count(c, "veo.media 403"), 0);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(c.jobs.at(0).download_fetches, 1);
}

TEST(GoogleVeoJob, AVideoUriOnAnotherHostGetsNoKey) {
  Options opts = polls_options(1);
  opts.config.drift.veo_uri_on_media_origin = true;
  World w(std::move(opts));
  VeoJob job(w.http, w.veo(), w.account, World::options());
  const auto o = w.run(go(job, veo_request(), w.dir / "f.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "veo.media 200"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // neither x-goog-api-key nor Authorization reached it
}

TEST(GoogleVeoJob, ARedirectToAnotherHostDropsTheKey) {
  Options opts = polls_options(1);
  opts.config.drift.veo_download_redirect = true;
  World w(std::move(opts));
  VeoJob job(w.http, w.veo(), w.account, World::options());
  const auto o = w.run(go(job, veo_request(), w.dir / "r.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "veo.media 302"), 1);  // the keyed GET on the API origin
  EXPECT_EQ(count(c, "veo.media 200"), 1);  // the media origin, reached without the key
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

TEST(GoogleVeoJob, FilteredOperationIsAContentPolicyFailure) {
  World w(polls_options(1));
  VeoJob job(w.http, w.veo(), w.account, World::options());
  const auto o = w.run(go(job, veo_request("[reject] someone famous"), w.dir / "c.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::failed);
  EXPECT_EQ(o.error.code, reel::job::Errc::content_policy);
  EXPECT_FALSE(o.handle.job_id.empty());
  EXPECT_FALSE(std::filesystem::exists(w.dir / "c.mp4"));
}

TEST(GoogleVeoJob, RetiredModelIsModelNotFound) {
  World w;
  VeoJob job(w.http, w.veo(), w.account, World::options());
  reel::VideoRequest r = veo_request();
  r.model = "veo-3.1-generate-preview";
  const auto o = w.run(go(job, r, w.dir / "m.mp4"));
  EXPECT_EQ(o.error.code, reel::job::Errc::model_not_found);
  EXPECT_NE(o.error.provider.message.find("no longer available"), std::string::npos) << o.error.provider.message;
  EXPECT_TRUE(o.handle.job_id.empty());
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
}

TEST(GoogleVeoJob, AGatewayErrorAfterTheCreateIsAmbiguousAndNotResent) {
  Options o = polls_options(1);
  o.config.drift.create_error_status = 502;
  World w(std::move(o));
  VeoJob job(w.http, w.veo(), w.account, World::options());
  const auto out = w.run(go(job, veo_request(), w.dir / "a.mp4"));
  EXPECT_EQ(out.kind, OutcomeKind::ambiguous);
  EXPECT_TRUE(out.handle.job_id.empty());
  EXPECT_EQ(out.error.code, reel::job::Errc::ambiguous_submit);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "veo.create 502"), 1);
  EXPECT_EQ(count(c, "veo.create 200"), 0);
}

}  // namespace
