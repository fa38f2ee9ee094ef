// SPDX-License-Identifier: BSL-1.0
// reel::Replicate traits against Replicate's OpenAPI document (specs/replicate/): the three
// create endpoints, Prefer/Cancel-After, every prediction status and output shape, both error
// body shapes, the 429 body hint; then whole jobs over the ScriptedClient in virtual time
// (sync-mode create, polling urls.get, ambiguous creates never resent, foreign URLs refused).
#include "provider_test_support.hpp"
#include "../job/job_fixture.hpp"

#include <reel/providers/provider.hpp>
#include <reel/providers/replicate.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using reel::Replicate;
using reel::job::Errc;
using reel::job::JobHandle;
using reel::job::OutcomeKind;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;
using namespace std::chrono_literals;

static_assert(reel::Provider<Replicate>);
static_assert(reel::CancellingProvider<Replicate>);
static_assert(!reel::QuotingProvider<Replicate>);
static_assert(!reel::CleaningProvider<Replicate>);
static_assert(!reel::DiscoveringProvider<Replicate>);

const std::string token = "r8_SECRET_0123456789abcdef";
const std::string api = "https://api.replicate.com";
const std::string version = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";

Replicate replicate() { return Replicate{token}; }

JobHandle handle() {
  JobHandle h;
  h.provider = "replicate";
  h.base_url = api;
  h.model = "google/veo-3";
  h.job_id = "gm3qorzdhgbfurvjtvhg6dckhu";
  return h;
}

std::string prediction(const std::string& status, const std::string& extra = "") {
  return R"({"id":"gm3qorzdhgbfurvjtvhg6dckhu","model":"google/veo-3","version":"dp-1","input":{"prompt":"a cat"},)"
         R"("logs":"","output":null,"data_removed":false,"error":null,"status":")" +
         status + R"(","created_at":"2026-12-07T09:00:00.000Z","urls":{"get":")" + api +
         R"(/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu","cancel":")" + api +
         R"(/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel","web":"https://replicate.com/p/gm3qorzdhgbfurvjtvhg6dckhu"})" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

reel::job::Status status_of(const std::string& body, int http = 200) {
  auto s = Replicate::on_status(response(http, body), handle());
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return s ? *s : reel::job::Status{};
}

// ---- requests -------------------------------------------------------------------------------

TEST(ReplicateRequests, TraitsConstants) {
  EXPECT_EQ(Replicate::name, "replicate");
  EXPECT_FALSE(Replicate::idempotent_create);
  EXPECT_EQ(Replicate{}.base_url, "https://api.replicate.com");
  const auto limits = Replicate::default_limits();
  EXPECT_EQ(limits.limits.at(reel::policy::Bucket::create).requests, 600);
  EXPECT_EQ(limits.limits.at(reel::policy::Bucket::status).requests, 3000);
  // One documented limit for every call but creates: cancels count in the status bucket.
  EXPECT_EQ(reel::cancel_bucket_of<Replicate>(), reel::policy::Bucket::status);
  EXPECT_FALSE(limits.limits.contains(reel::policy::Bucket::cancel));
  EXPECT_EQ(limits.limits.at(reel::policy::Bucket::create).window, std::chrono::minutes(1));
}

TEST(ReplicateRequests, OfficialModelEndpointWithInputAndPreferWait) {
  VideoRequest r{.model = "google/veo-3", .prompt = "a cat", .duration_seconds = 8, .aspect_ratio = "16:9"};
  const auto req = replicate().create_request(Replicate::native(r), JobHandle{});
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, api + "/v1/models/google/veo-3/predictions");
  EXPECT_EQ(req.headers.find("Authorization").value_or(""), "Bearer " + token);
  EXPECT_EQ(req.headers.find("Prefer").value_or(""), "wait=5");
  EXPECT_FALSE(req.headers.find("Cancel-After"));
  const auto body = body_json(req);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"input"}));
  const auto* input = body.find("input");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(str(*input, "prompt"), "a cat");
  EXPECT_EQ(integer(*input, "duration"), 8);
  EXPECT_EQ(str(*input, "aspect_ratio"), "16:9");
}

TEST(ReplicateRequests, VersionAndDeploymentEndpoints) {
  Replicate::Request r;
  r.model = "owner/model:" + version;
  auto req = replicate().create_request(r, JobHandle{});
  EXPECT_EQ(req.url, api + "/v1/predictions");
  EXPECT_EQ(str(body_json(req), "version"), version);

  r.model = version;
  req = replicate().create_request(r, JobHandle{});
  EXPECT_EQ(req.url, api + "/v1/predictions");
  EXPECT_EQ(str(body_json(req), "version"), version);

  r.model = "deployments/acme/my-veo";
  r.wait_seconds = 0;
  req = replicate().create_request(r, JobHandle{});
  EXPECT_EQ(req.url, api + "/v1/deployments/acme/my-veo/predictions");
  EXPECT_EQ(str(body_json(req), "version"), "<absent>");
  EXPECT_FALSE(req.headers.find("Prefer"));  // wait 0: no sync mode

  r.wait_seconds = 600;  // clamped to the documented 60
  req = replicate().create_request(r, JobHandle{});
  EXPECT_EQ(req.headers.find("Prefer").value_or(""), "wait=60");
}

TEST(ReplicateRequests, CancelAfterFromTheRemainingTime) {
  auto req = replicate().create_request(Replicate::Request{.model = "google/veo-3"}, JobHandle{});
  Replicate::bound_by_deadline(req, std::chrono::milliseconds(599'200));
  EXPECT_EQ(req.headers.find("Cancel-After").value_or(""), "600s");
  auto short_one = replicate().create_request(Replicate::Request{.model = "google/veo-3"}, JobHandle{});
  Replicate::bound_by_deadline(short_one, std::chrono::milliseconds(1000));
  EXPECT_EQ(short_one.headers.find("Cancel-After").value_or(""), "5s");  // the documented minimum
}

TEST(ReplicateRequests, NeutralMappingUsesTheModelsInputNamesAndWarns) {
  VideoRequest r{.model = "kwaivgi/kling-v2.1", .prompt = "p", .duration_seconds = 5, .resolution = "1080p",
                 .negative_prompt = "blur", .image = "https://example.com/a.png", .audio = "https://example.com/a.mp3"};
  const auto native = Replicate::native(r);
  ASSERT_TRUE(native.input.is_object());
  EXPECT_EQ(keys(native.input), (std::vector<std::string>{"prompt", "duration", "negative_prompt", "start_image"}));
  const auto w = Replicate::warnings_of(r);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_TRUE(contains(w[0], "resolution")) << w[0];
  EXPECT_TRUE(contains(w[1], "audio")) << w[1];

  // An unknown model: every field under its neutral name, no warnings.
  r.model = "someone/new-video-model";
  EXPECT_EQ(keys(Replicate::native(r).input),
            (std::vector<std::string>{"prompt", "duration", "resolution", "negative_prompt", "image", "audio"}));
  EXPECT_TRUE(Replicate::warnings_of(r).empty());
  // A version suffix does not hide a known model.
  r.model = "minimax/video-01:" + version;
  EXPECT_EQ(keys(Replicate::native(r).input), (std::vector<std::string>{"prompt", "first_frame_image"}));
}

TEST(ReplicateRequests, StatusAndCancelUseTheReturnedUrlsOnTheOwnOriginOnly) {
  JobHandle h = handle();
  EXPECT_EQ(replicate().status_request(h).url, api + "/v1/predictions/" + h.job_id);
  EXPECT_EQ(replicate().cancel_request(h).url, api + "/v1/predictions/" + h.job_id + "/cancel");
  h.status_url = api + "/v1/predictions/abc?x=1";
  h.cancel_url = api + "/v1/predictions/abc/cancel";
  EXPECT_EQ(replicate().status_request(h).url, *h.status_url);
  EXPECT_EQ(replicate().cancel_request(h).method, "POST");
  EXPECT_EQ(replicate().cancel_request(h).url, *h.cancel_url);
  // A handle whose URLs point elsewhere (another host, scheme or port): the token stays home.
  for (const std::string foreign : {"https://evil.example/v1/predictions/abc", "http://api.replicate.com/v1/predictions/abc",
                                    "https://api.replicate.com:8443/v1/predictions/abc"}) {
    h.status_url = foreign;
    h.cancel_url = foreign;
    EXPECT_EQ(replicate().status_request(h).url, api + "/v1/predictions/" + h.job_id) << foreign;
    EXPECT_EQ(replicate().cancel_request(h).url, api + "/v1/predictions/" + h.job_id + "/cancel") << foreign;
  }
  const auto dl = Replicate::download_request("https://replicate.delivery/xezq/out.mp4");
  EXPECT_FALSE(dl.headers.find("Authorization"));
}

// ---- create answers -------------------------------------------------------------------------

TEST(ReplicateCreated, KeepsIdAndUrls) {
  for (int status : {201, 202}) {
    JobHandle h;
    h.base_url = api;
    ASSERT_TRUE(Replicate::on_created(response(status, prediction("starting")), h));
    EXPECT_EQ(h.job_id, "gm3qorzdhgbfurvjtvhg6dckhu");
    EXPECT_EQ(h.status_url, api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu");
    EXPECT_EQ(h.cancel_url, api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel");
  }
}

TEST(ReplicateRequests, OutputFilesGetTheTokenOnlyOnTheAPIsOrigin) {
  const auto cdn = replicate().download_request("https://replicate.delivery/xezq/out.mp4", JobHandle{});
  EXPECT_FALSE(cdn.headers.find("Authorization"));
  const auto own = replicate().download_request(api + "/v1/files/abc/download", JobHandle{});
  EXPECT_EQ(own.headers.find("Authorization").value_or(""), "Bearer " + token);
  const auto other_port = replicate().download_request("https://api.replicate.com:8443/v1/files/abc/download", JobHandle{});
  EXPECT_FALSE(other_port.headers.find("Authorization"));
}

TEST(ReplicateCreated, AFinishedCreateAnswerTellsItsStatus) {
  const auto done = Replicate::status_of_created(response(201, prediction("succeeded", R"("output":"https://replicate.delivery/x/o.mp4")")));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->phase, Phase::ready);
  EXPECT_EQ(done->download_url.value_or(""), "https://replicate.delivery/x/o.mp4");
  const auto failed = Replicate::status_of_created(response(201, prediction("failed", R"("error":"CUDA out of memory")")));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->phase, Phase::failed);
  EXPECT_FALSE(Replicate::status_of_created(response(201, prediction("processing"))));
  EXPECT_FALSE(Replicate::status_of_created(response(202, prediction("starting"))));
  EXPECT_FALSE(Replicate::status_of_created(response(201, prediction("warming"))));  // unknown: polled
  EXPECT_FALSE(Replicate::status_of_created(response(201, "{not json")));
}

TEST(ReplicateCreated, AnswersThatMayHideAPredictionAreAmbiguous) {
  JobHandle h;
  for (const auto& r : {response(500, R"({"detail":"Internal server error"})"), response(502, "<html>bad gateway</html>", "text/html"),
                        response(201, R"({"status":"starting"})"), response(201, R"({"id":"abc","stat)"),
                        response(202, "")}) {
    JobHandle fresh;
    const auto created = Replicate::on_created(r, fresh);
    if (r.body == R"({"id":"abc","stat)") {
      ASSERT_TRUE(created);  // the id is there whole: salvaged
      EXPECT_EQ(fresh.job_id, "abc");
      continue;
    }
    ASSERT_FALSE(created) << r.body;
    EXPECT_EQ(errc(created.error()), Errc::ambiguous_submit) << r.body;
    EXPECT_FALSE(fresh.submitted());
  }
  (void)h;
}

TEST(ReplicateCreated, RefusalsAreTyped) {
  struct Case {
    int status;
    std::string body;
    Errc code;
  };
  const std::vector<Case> cases = {
      {401, R"({"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401})", Errc::unauthorized},
      {402, R"({"title":"Insufficient credit","detail":"You have insufficient credit to run this model.","status":402})",
       Errc::insufficient_balance},
      {404, R"({"title":"Not found","detail":"The requested resource could not be found.","status":404})", Errc::model_not_found},
      {422, R"({"title":"Input validation failed","detail":"- input.duration: must be one of 5, 10","status":422,"invalid_fields":[]})",
       Errc::invalid_request},
      {422, R"({"detail":[{"loc":["body","input"],"msg":"field required","type":"value_error.missing"}]})", Errc::invalid_request},
      {400, R"x({"detail":"Your input was flagged as sensitive (E005)"})x", Errc::content_policy},
      {429, R"({"detail":"Request was throttled. Your rate limit resets in ~30s.","status":429})", Errc::rate_limited},
      {418, "teapot", Errc::unexpected_response},
  };
  for (const Case& c : cases) {
    JobHandle h;
    const auto created = Replicate::on_created(response(c.status, c.body), h);
    ASSERT_FALSE(created) << c.body;
    EXPECT_EQ(errc(created.error()), c.code) << c.body;
    EXPECT_EQ(created.error().provider.status, c.status);
    EXPECT_FALSE(created.error().provider.message.empty());
  }
  JobHandle h;
  const auto fastapi = Replicate::on_created(response(422, cases[4].body), h);
  EXPECT_EQ(fastapi.error().provider.message, "field required");
  const auto problem = Replicate::on_created(response(402, cases[1].body), h);
  EXPECT_EQ(problem.error().provider.code, "Insufficient credit");
}

TEST(ReplicateErrors, ThrottleBodyHints) {
  reel::policy::ServerHints hints;
  Replicate::hints_of(response(429, R"({"detail":"Request was throttled.","status":429,"retry_after":7})"), hints);
  EXPECT_EQ(hints.retry_after, std::chrono::milliseconds(7000));
  reel::policy::ServerHints from_detail;
  Replicate::hints_of(response(429, R"({"detail":"Request was throttled. Your rate limit resets in ~30s."})"), from_detail);
  EXPECT_EQ(from_detail.retry_after, std::chrono::milliseconds(30000));
  reel::policy::ServerHints header_longer;
  header_longer.retry_after = std::chrono::milliseconds(60000);
  Replicate::hints_of(response(429, R"({"retry_after":2})"), header_longer);
  EXPECT_EQ(header_longer.retry_after, std::chrono::milliseconds(60000));
  for (const std::string odd : {R"({"retry_after":-3})", R"({"retry_after":"soon"})", "not json", R"({"retry_after":1e300})"}) {
    reel::policy::ServerHints h;
    Replicate::hints_of(response(429, odd), h);
    EXPECT_LE(h.retry_after.value_or(std::chrono::milliseconds(0)), reel::policy::max_server_wait) << odd;
  }
  reel::policy::ServerHints not_429;
  Replicate::hints_of(response(500, R"({"retry_after":7})"), not_429);
  EXPECT_FALSE(not_429.retry_after);
}

// ---- status answers -------------------------------------------------------------------------

TEST(ReplicateStatus, EveryDocumentedStatus) {
  EXPECT_EQ(status_of(prediction("starting")).phase, Phase::queued);
  const auto running = status_of(prediction("processing", R"("logs":"Loading\n 12%|#         | 6/50 [00:01<00:09]\n 45%|####5     | 22/50 [00:05<00:07]")"));
  EXPECT_EQ(running.phase, Phase::running);
  EXPECT_EQ(running.percent, 45);

  auto done = status_of(prediction("succeeded", R"("output":"https://replicate.delivery/xezq/out.mp4","metrics":{"predict_time":41.5})"));
  EXPECT_EQ(done.phase, Phase::ready);
  EXPECT_EQ(done.download_url, "https://replicate.delivery/xezq/out.mp4");
  EXPECT_EQ(done.elapsed, std::chrono::milliseconds(41500));

  const auto failed = status_of(prediction("failed", R"("error":"CUDA out of memory")"));
  EXPECT_EQ(failed.phase, Phase::failed);
  EXPECT_EQ(errc(failed.error), Errc::failed_at_provider);
  EXPECT_EQ(failed.error.provider.message, "CUDA out of memory");
  const auto nsfw = status_of(prediction("failed", R"("error":"NSFW content detected in the output")"));
  EXPECT_EQ(errc(nsfw.error), Errc::content_policy);

  const auto canceled = status_of(prediction("canceled", R"("deadline":"2026-12-07T09:10:00Z")"));
  EXPECT_EQ(canceled.phase, Phase::failed);
  EXPECT_EQ(errc(canceled.error), Errc::cancelled_at_provider);
  EXPECT_TRUE(contains(canceled.error.provider.message, "deadline")) << canceled.error.provider.message;
  const auto aborted = status_of(prediction("aborted"));
  EXPECT_EQ(errc(aborted.error), Errc::cancelled_at_provider);
  EXPECT_EQ(aborted.error.provider.code, "aborted");
  EXPECT_TRUE(contains(aborted.error.provider.message, "not charged"));
}

TEST(ReplicateStatus, OutputShapes) {
  EXPECT_EQ(status_of(prediction("succeeded", R"("output":["https://r.d/a.png","https://r.d/b.mp4"])")).download_url,
            "https://r.d/b.mp4");
  EXPECT_EQ(status_of(prediction("succeeded", R"("output":["https://r.d/file"])")).download_url, "https://r.d/file");
  EXPECT_EQ(status_of(prediction("succeeded", R"("output":{"video":"https://r.d/v.mp4","thumbnail":"https://r.d/t.jpg"})")).download_url,
            "https://r.d/v.mp4");
  EXPECT_EQ(status_of(prediction("succeeded", R"("output":{"frames":[{"file":"https://r.d/f.mp4"}]})")).download_url,
            "https://r.d/f.mp4");
  for (const std::string odd : {R"("output":null)", R"("output":42)", R"("output":"not a url")", R"("output":[])"}) {
    const auto s = status_of(prediction("succeeded", odd));
    EXPECT_EQ(s.phase, Phase::failed) << odd;
    EXPECT_EQ(errc(s.error), Errc::unexpected_response) << odd;
  }
  const auto removed = status_of(prediction("succeeded", R"("output":"https://r.d/v.mp4","data_removed":true)"));
  EXPECT_EQ(removed.phase, Phase::failed);
  EXPECT_EQ(errc(removed.error), Errc::link_expired);
}

TEST(ReplicateStatus, OddAnswersAreTypedNeverACrash) {
  const auto unknown = status_of(R"({"id":"x","status":"warming"})");
  EXPECT_EQ(unknown.phase, Phase::running);
  EXPECT_EQ(unknown.unknown_status, "warming");
  EXPECT_EQ(status_of(R"({"id":"x","status":""})").unknown_status, "(empty)");
  for (const std::string bad : {R"({"id":"x"})", "", "[]", "{", R"({"id":5,"status":"starting"})", "null"}) {
    const auto s = Replicate::on_status(response(200, bad), handle());
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(errc(s.error()), Errc::unexpected_response) << bad;
  }
  const auto gone = Replicate::on_status(response(404, R"({"detail":"Not found."})"), handle());
  ASSERT_FALSE(gone);
  EXPECT_EQ(errc(gone.error()), Errc::job_not_found);
  EXPECT_EQ(gone.error().provider.message, "Not found.");
  const auto busy = Replicate::on_status(response(503, ""), handle());
  EXPECT_EQ(errc(busy.error()), Errc::at_capacity);
}

TEST(ReplicateStatus, TqdmPercentages) {
  EXPECT_EQ(Replicate::percent_of("100%|##########| 50/50"), 100);
  EXPECT_EQ(Replicate::percent_of("  0%|          | 0/50"), 0);
  EXPECT_EQ(Replicate::percent_of("no progress here"), std::nullopt);
  EXPECT_EQ(Replicate::percent_of("%|"), std::nullopt);
  EXPECT_EQ(Replicate::percent_of("1234%| odd"), std::nullopt);  // 234 (three digits at most): not a percentage
  EXPECT_EQ(Replicate::percent_of("7%|#"), 7);
}

TEST(ReplicateCancel, Answers) {
  EXPECT_TRUE(Replicate::on_cancel(response(200, prediction("canceled"))));
  const auto gone = Replicate::on_cancel(response(404, R"({"detail":"Not found."})"));
  ASSERT_FALSE(gone);
  EXPECT_EQ(errc(gone.error()), Errc::job_not_found);
}

// ---- whole jobs over the ScriptedClient ---------------------------------------------------------

using ReplicateJob = reel::VideoJob<Replicate, reel::testing::ScriptedClient>;

asio::awaitable<reel::job::Outcome> generate(ReplicateJob& job, VideoRequest request, std::filesystem::path out) {
  co_return co_await job.generate(request, out);
}

TEST(ReplicateJobs, SyncModeCreateAnsweredFinishedIsDownloadedWithoutAPoll) {
  reel_test::JobWorld w;
  const std::string video = reel_test::video_bytes(30'000);
  const std::string cdn = "https://replicate.delivery/xezq/out.mp4";
  w.client.expect("POST", api + "/v1/models/google/veo-3/predictions")
      .header("Authorization", "Bearer " + token)
      .header("Prefer", "wait=5")
      .header("Cancel-After", "600s")
      .respond(201, prediction("succeeded", R"("output":")" + cdn + R"(")"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", cdn).no_header("Authorization").respond(200, video).response_header("Content-Type", "video/mp4");
  reel::JobOptions options = reel_test::quick_options();
  options.deadline = w.clock.now() + 10min;
  ReplicateJob job(w.client, replicate(), w.account, options);
  const auto outcome = w.run(generate(job, VideoRequest{.model = "google/veo-3", .prompt = "a cat"}, w.dir / "r.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "r.mp4"), video);
  EXPECT_EQ(outcome.handle.status_url, api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu");
  EXPECT_EQ(outcome.polls, 0);
}

TEST(ReplicateJobs, CreateThatMayHaveBeenReceivedIsNeverResent) {
  reel_test::JobWorld w;
  w.client.expect("POST", api + "/v1/models/google/veo-3/predictions")
      .fail(make_error_code(asio::error::connection_reset), reel::http::Stage::response);
  ReplicateJob job(w.client, replicate(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.model = "google/veo-3", .prompt = "a cat"}, w.dir / "a.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::ambiguous);
  EXPECT_EQ(outcome.error.code, Errc::ambiguous_submit);
  EXPECT_EQ(w.client.requests().size(), 1u);
  EXPECT_FALSE(outcome.handle.submitted());
}

TEST(ReplicateJobs, ThrottledCreateWaitsForTheBodysRetryAfter) {
  reel_test::JobWorld w;
  const std::string video = reel_test::video_bytes(20'000);
  const std::string cdn = "https://replicate.delivery/xezq/out.mp4";
  w.client.expect("POST", api + "/v1/models/google/veo-3/predictions")
      .respond(429, R"({"title":"Request was throttled.","detail":"Request was throttled.","status":429,"retry_after":20})")
      .response_header("Content-Type", "application/json");
  w.client.expect("POST", api + "/v1/models/google/veo-3/predictions")
      .respond(201, prediction("processing"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu")
      .respond(200, prediction("succeeded", R"("output":")" + cdn + R"(")"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", cdn).no_header("Authorization").respond(200, video).response_header("Content-Type", "video/mp4");
  ReplicateJob job(w.client, replicate(), w.account, reel_test::quick_options());
  const auto start = w.clock.now();
  const auto outcome = w.run(generate(job, VideoRequest{.model = "google/veo-3", .prompt = "a cat"}, w.dir / "t.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done());
  // The second create came after the 20 s the body asked for (not the 1 s retry base): virtual time.
  EXPECT_GE(w.clock.now() - start, 20s);
}

TEST(ReplicateJobs, ForeignUrlsAreDroppedAndTheJobGoesOnAtTheAPI) {
  reel_test::JobWorld w;
  const std::string video = reel_test::video_bytes(20'000);
  const std::string cdn = "https://replicate.delivery/xezq/out.mp4";
  std::string body = prediction("starting");
  for (const std::string& own : {api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu/cancel\"", api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu\""}) {
    body.replace(body.find(own), own.size(), "https://attacker.example/steal\"");
  }
  w.client.expect("POST", api + "/v1/models/google/veo-3/predictions").respond(201, body).response_header("Content-Type", "application/json");
  w.client.expect("GET", api + "/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu")
      .header("Authorization", "Bearer " + token)
      .respond(200, prediction("succeeded", R"("output":")" + cdn + R"(")"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", cdn).no_header("Authorization").respond(200, video).response_header("Content-Type", "video/mp4");
  std::optional<JobHandle> journaled;
  reel::JobOptions options = reel_test::quick_options();
  options.on_submitted = [&journaled](const JobHandle& h) { journaled = h; };
  ReplicateJob job(w.client, replicate(), w.account, options);
  const auto outcome = w.run(generate(job, VideoRequest{.model = "google/veo-3", .prompt = "a cat"}, w.dir / "f.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  ASSERT_TRUE(journaled);  // the paid job's handle reached the journal
  EXPECT_EQ(journaled->job_id, "gm3qorzdhgbfurvjtvhg6dckhu");
  EXPECT_FALSE(journaled->status_url);
  EXPECT_FALSE(journaled->cancel_url);
  for (const auto& r : w.client.requests()) EXPECT_EQ(r.request.url.find("attacker"), std::string::npos) << r.request.url;
  ASSERT_EQ(outcome.warnings.size(), 1u);
  EXPECT_NE(outcome.warnings[0].find("another origin"), std::string::npos) << outcome.warnings[0];
}

}  // namespace
