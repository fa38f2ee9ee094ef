// SPDX-License-Identifier: BSL-1.0
// reel::Runway traits against Runway's API reference and Node SDK (specs/runway/): the create
// endpoints and the X-Runway-Version header, the neutral mapping, every task status, the 404 of a
// fresh task, failure codes, error bodies and odd answers (missing fields, unknown words, junk).
#include "provider_test_support.hpp"

#include <reel/providers/provider.hpp>
#include <reel/providers/runway.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using reel::Runway;
using reel::job::Errc;
using reel::job::JobHandle;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;

static_assert(reel::Provider<Runway>);
static_assert(reel::CancellingProvider<Runway>);
static_assert(reel::CleaningProvider<Runway>);
static_assert(!reel::QuotingProvider<Runway>);
static_assert(!reel::DiscoveringProvider<Runway>);

const std::string key = "key_SECRET_0123456789abcdef";
const std::string api = "https://api.dev.runwayml.com";
const std::string task_id = "17f20503-6c24-4c16-946b-35dbbce2af2f";

Runway runway() { return Runway{key}; }

// A handle submitted long ago (no 404 grace).
JobHandle handle() {
  JobHandle h;
  h.provider = "runway";
  h.base_url = api;
  h.model = "gen4.5";
  h.job_id = task_id;
  h.created_at = 1'700'000'000;
  return h;
}

std::string task(const std::string& status, const std::string& extra = "") {
  return R"({"id":")" + task_id + R"(","status":")" + status + R"(","createdAt":"2026-12-07T09:00:00.000Z")" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

reel::job::Status status_of(const std::string& body, int http = 200) {
  auto s = Runway::on_status(response(http, body), handle());
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return s ? *s : reel::job::Status{};
}

std::int64_t now_s() { return reel::providers::unix_seconds(std::chrono::system_clock::now()); }

// ---- requests -------------------------------------------------------------------------------

TEST(RunwayRequests, TraitsConstants) {
  EXPECT_EQ(Runway::name, "runway");
  EXPECT_FALSE(Runway::idempotent_create);
  EXPECT_EQ(Runway{}.base_url, api);
  EXPECT_TRUE(Runway::default_limits().limits.empty());
}

TEST(RunwayRequests, TextToVideoCreateWithVersionHeader) {
  VideoRequest r{.model = "gen4.5", .prompt = "a cat", .duration_seconds = 5, .aspect_ratio = "16:9"};
  const auto req = runway().create_request(Runway::native(r), JobHandle{});
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, api + "/v1/text_to_video");
  EXPECT_EQ(req.headers.find("Authorization").value_or(""), "Bearer " + key);
  EXPECT_EQ(req.headers.find("X-Runway-Version").value_or(""), "2024-11-06");
  EXPECT_FALSE(req.headers.find("Idempotency-Key"));
  const auto body = body_json(req);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "promptText", "ratio", "duration"}));
  EXPECT_EQ(str(body, "model"), "gen4.5");
  EXPECT_EQ(str(body, "promptText"), "a cat");
  EXPECT_EQ(str(body, "ratio"), "1280:720");
  EXPECT_EQ(integer(body, "duration"), 5);
  EXPECT_TRUE(Runway::warnings_of(r).empty());
}

TEST(RunwayRequests, ImageToVideoAndRatios) {
  VideoRequest r{.model = "gen4_turbo", .prompt = "slow dolly-in", .aspect_ratio = "832:1104",
                 .image = "https://example.com/cover.jpg"};
  const auto native = Runway::native(r);
  EXPECT_EQ(native.endpoint, "image_to_video");
  EXPECT_EQ(str(native.body, "promptImage"), "https://example.com/cover.jpg");
  EXPECT_EQ(str(native.body, "ratio"), "832:1104");  // a pixel ratio is kept
  EXPECT_EQ(runway().create_request(native, JobHandle{}).url, api + "/v1/image_to_video");

  VideoRequest sized{.model = "gen4.5", .prompt = "p", .duration_seconds = 10, .resolution = "720x1280"};
  EXPECT_EQ(str(Runway::native(sized).body, "ratio"), "720:1280");
  EXPECT_TRUE(Runway::warnings_of(sized).empty());

  // An endpoint the mapping does not choose can be named directly.
  Runway::Request v2v{.endpoint = "video_to_video", .body = reel::json::Object{{"model", "gen4_aleph"}}};
  EXPECT_EQ(runway().create_request(v2v, JobHandle{}).url, api + "/v1/video_to_video");
}

TEST(RunwayRequests, FieldsRunwayLacksAreWarnedAbout) {
  VideoRequest r{.model = "gen4.5", .prompt = "p", .resolution = "1080p", .aspect_ratio = "5:4",
                 .negative_prompt = "blur", .audio = "https://example.com/a.mp3"};
  const auto native = Runway::native(r);
  EXPECT_EQ(str(native.body, "ratio"), "1280:720");
  EXPECT_EQ(str(native.body, "negativePrompt"), "<absent>");
  const auto w = Runway::warnings_of(r);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_TRUE(contains(w[0], "negative_prompt")) << w[0];
  EXPECT_TRUE(contains(w[1], "audio")) << w[1];
  EXPECT_TRUE(contains(w[2], "5:4")) << w[2];
  EXPECT_TRUE(contains(w[3], "duration")) << w[3];

  // gen4.5 requires a duration (2 to 10 s, the SDK's types): 5 s when none is named.
  VideoRequest bare{.model = "gen4.5", .prompt = "p"};
  EXPECT_EQ(str(Runway::native(bare).body, "ratio"), "1280:720");
  const auto bare_warnings = Runway::warnings_of(bare);
  ASSERT_EQ(bare_warnings.size(), 2u);
  EXPECT_TRUE(contains(bare_warnings[0], "ratio")) << bare_warnings[0];
  EXPECT_TRUE(contains(bare_warnings[1], "requires a duration")) << bare_warnings[1];
  EXPECT_EQ(integer(Runway::native(bare).body, "duration"), 5);
  // A model without that rule gets no duration it did not ask for.
  VideoRequest turbo{.model = "gen4_turbo", .prompt = "p", .aspect_ratio = "16:9", .image = "https://example.com/a.png"};
  EXPECT_EQ(integer(Runway::native(turbo).body, "duration"), std::nullopt);
  EXPECT_TRUE(Runway::warnings_of(turbo).empty());
}

TEST(RunwayRequests, TheModelIsReadFromTheBodyForTheHandle) {
  EXPECT_EQ(Runway::model_of(Runway::native(VideoRequest{.model = "gen4.5", .prompt = "p"})), "gen4.5");
  EXPECT_EQ(Runway::model_of(Runway::Request{.endpoint = "text_to_video", .body = reel::json::Object{}}), "");
  EXPECT_EQ(Runway::model_of(Runway::Request{.endpoint = "text_to_video", .body = reel::json::Value(std::int64_t{1})}), "");
}

TEST(RunwayRequests, Gen45TextToVideoTakesOnlyTheTwo720pRatios) {
  // The SDK's TextToVideoCreateParams.Gen4_5: ratio '1280:720' | '720:1280'.
  VideoRequest square{.model = "gen4.5", .prompt = "p", .duration_seconds = 5, .aspect_ratio = "1:1"};
  EXPECT_EQ(str(Runway::native(square).body, "ratio"), "960:960");  // sent as given ...
  const auto w = Runway::warnings_of(square);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_TRUE(contains(w[0], "takes only 1280:720 and 720:1280")) << w[0];  // ... with a warning
  VideoRequest portrait{.model = "gen4.5", .prompt = "p", .duration_seconds = 5, .aspect_ratio = "9:16"};
  EXPECT_TRUE(Runway::warnings_of(portrait).empty());
  // On image_to_video gen4.5 takes every common ratio.
  VideoRequest image{.model = "gen4.5", .prompt = "p", .duration_seconds = 5, .aspect_ratio = "1:1",
                     .image = "https://example.com/a.png"};
  EXPECT_TRUE(Runway::warnings_of(image).empty());
}

TEST(RunwayRequests, PollCancelCleanupAndDownload) {
  const auto poll = runway().status_request(handle());
  EXPECT_EQ(poll.method, "GET");
  EXPECT_EQ(poll.url, api + "/v1/tasks/" + task_id);
  EXPECT_EQ(poll.headers.find("X-Runway-Version").value_or(""), "2024-11-06");
  EXPECT_EQ(poll.headers.find("Authorization").value_or(""), "Bearer " + key);
  const auto cancel = runway().cancel_request(handle());
  EXPECT_EQ(cancel.method, "DELETE");
  EXPECT_EQ(cancel.url, api + "/v1/tasks/" + task_id);
  EXPECT_EQ(cancel.headers.find("X-Runway-Version").value_or(""), "2024-11-06");
  EXPECT_EQ(cancel.headers.find("Accept").value_or(""), "*/*");  // the answer has no body (the SDK's Accept)
  EXPECT_EQ(runway().cleanup_request(handle()).method, "DELETE");

  // Outputs live on a CDN: the key never goes there.
  const std::string cdn = "https://dnznrvs05pmza.cloudfront.net/abc/video.mp4?_jwt=x";
  EXPECT_FALSE(Runway::download_request(cdn).headers.find("Authorization"));
  EXPECT_FALSE(runway().download_request(cdn, handle()).headers.find("Authorization"));
  EXPECT_FALSE(runway().download_request(cdn, handle()).headers.find("X-Runway-Version"));
  EXPECT_FALSE(runway().download_request("https://api.dev.runwayml.com.evil.example/v.mp4", handle()).headers.find("Authorization"));
  EXPECT_EQ(runway().download_request(api + "/v1/files/v.mp4", handle()).headers.find("Authorization").value_or(""), "Bearer " + key);
  EXPECT_FALSE(Runway::revoke_request(handle()));
}

TEST(RunwayRequests, FromEnv) {
  ::setenv("RUNWAYML_API_SECRET", "env-key", 1);
  ::setenv("RUNWAY_BASE_URL", "http://127.0.0.1:9", 1);
  const Runway r = Runway::from_env();
  EXPECT_EQ(r.api_key, "env-key");
  EXPECT_EQ(r.base_url, "http://127.0.0.1:9");
  ::unsetenv("RUNWAY_BASE_URL");
  EXPECT_EQ(Runway::from_env().base_url, api);
  ::unsetenv("RUNWAYML_API_SECRET");
  EXPECT_EQ(Runway::from_env().api_key, "");
}

// ---- create answers -------------------------------------------------------------------------

TEST(RunwayCreated, IdFromTheAnswer) {
  JobHandle h;
  ASSERT_TRUE(Runway::on_created(response(200, R"({"id":")" + task_id + R"("})"), h));
  EXPECT_EQ(h.job_id, task_id);

  JobHandle routed;  // the router's answer adds routing{...}
  ASSERT_TRUE(Runway::on_created(response(200, R"({"id":"t-2","routing":{"model":"gen4.5"}})"), routed));
  EXPECT_EQ(routed.job_id, "t-2");

  JobHandle cut;  // a body cut off after the id: the id is kept
  ASSERT_TRUE(Runway::on_created(response(200, R"({"id":"t-3","rout)"), cut));
  EXPECT_EQ(cut.job_id, "t-3");
}

TEST(RunwayCreated, MaybeCreatedIsAmbiguousNeverAPlainFailure) {
  for (int status : {500, 502, 503, 504}) {
    JobHandle h;
    auto r = Runway::on_created(response(status, R"({"error":"overloaded"})"), h);
    ASSERT_FALSE(r);
    EXPECT_EQ(errc(r.error()), Errc::ambiguous_submit) << status;
    EXPECT_TRUE(contains(r.error().provider.message, "overloaded"));
    EXPECT_FALSE(contains(r.error().provider.message, key));
  }
  for (const std::string body : {"{}", R"({"id":""})", "not json", R"({"id":42})"}) {
    JobHandle h;
    auto r = Runway::on_created(response(200, body), h);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(errc(r.error()), Errc::ambiguous_submit) << body;
    EXPECT_TRUE(h.job_id.empty());
  }
}

TEST(RunwayCreated, RefusedCreatesAreTypedErrors) {
  JobHandle h;
  auto bad = Runway::on_created(response(400, R"({"error":"Validation of body failed","issues":[{"message":"ratio is required"}]})"), h);
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(bad.error().provider.message, "Validation of body failed"));
  EXPECT_TRUE(contains(bad.error().provider.message, "ratio is required"));
  EXPECT_EQ(errc(Runway::on_created(response(401, R"({"error":"Invalid API key"})"), h).error()), Errc::unauthorized);
  EXPECT_EQ(errc(Runway::on_created(response(429, R"({"error":"daily limit"})"), h).error()), Errc::rate_limited);
  EXPECT_EQ(errc(Runway::on_created(response(404, "", ""), h).error()), Errc::model_not_found);
  EXPECT_EQ(errc(Runway::on_created(response(405, "", ""), h).error()), Errc::unexpected_response);
  EXPECT_TRUE(h.job_id.empty());
}

// ---- task statuses --------------------------------------------------------------------------

TEST(RunwayStatus, EveryDocumentedStatus) {
  EXPECT_EQ(status_of(task("PENDING")).phase, Phase::queued);
  EXPECT_EQ(status_of(task("THROTTLED")).phase, Phase::queued);

  const auto running = status_of(task("RUNNING", R"("progress":0.42)"));
  EXPECT_EQ(running.phase, Phase::running);
  EXPECT_EQ(running.percent, 42);
  EXPECT_FALSE(running.unknown_status);

  const auto ready = status_of(task("SUCCEEDED", R"("output":["https://dnznrvs05pmza.cloudfront.net/v.mp4?_jwt=x"])"));
  EXPECT_EQ(ready.phase, Phase::ready);
  EXPECT_EQ(ready.download_url.value_or(""), "https://dnznrvs05pmza.cloudfront.net/v.mp4?_jwt=x");
  EXPECT_EQ(ready.percent, 100);

  const auto failed = status_of(task("FAILED", R"("failure":"Internal error","failureCode":"INTERNAL.BAD_OUTPUT.CODE01")"));
  EXPECT_EQ(failed.phase, Phase::failed);
  EXPECT_EQ(errc(failed.error), Errc::failed_at_provider);
  EXPECT_EQ(failed.error.provider.code, "INTERNAL.BAD_OUTPUT.CODE01");
  EXPECT_EQ(failed.error.provider.message, "Internal error");

  const auto cancelled = status_of(task("CANCELLED"));
  EXPECT_EQ(cancelled.phase, Phase::failed);
  EXPECT_EQ(errc(cancelled.error), Errc::cancelled_at_provider);
}

TEST(RunwayStatus, SafetyFailuresAreContentPolicy) {
  for (const std::string code : {"SAFETY.INPUT.TEXT", "SAFETY.OUTPUT.VIDEO", "INPUT_PREPROCESSING.SAFETY.TEXT"}) {
    const auto s = status_of(task("FAILED", R"("failure":"moderated","failureCode":")" + code + "\""));
    EXPECT_EQ(s.phase, Phase::failed);
    EXPECT_EQ(errc(s.error), Errc::content_policy) << code;
  }
  const auto pre = status_of(task("FAILED", R"("failure":"x","failureCode":"INPUT_PREPROCESSING.INTERNAL")"));
  EXPECT_EQ(errc(pre.error), Errc::failed_at_provider);
  const auto bare = status_of(task("FAILED"));  // failureCode is optional, failure may be missing
  EXPECT_EQ(errc(bare.error), Errc::failed_at_provider);
  EXPECT_FALSE(bare.error.provider.message.empty());
}

TEST(RunwayStatus, OddAnswers) {
  const auto unknown = status_of(task("FINALIZING"));
  EXPECT_EQ(unknown.phase, Phase::running);
  EXPECT_EQ(unknown.unknown_status.value_or(""), "FINALIZING");

  for (const std::string extra : {"", R"("output":[])", R"("output":"https://x.example/v.mp4")", R"("output":[7,"ftp://x/v.mp4"])"}) {
    const auto s = status_of(task("SUCCEEDED", extra));
    EXPECT_EQ(s.phase, Phase::failed) << extra;
    EXPECT_EQ(errc(s.error), Errc::unexpected_response) << extra;
  }
  // Progress that is no 0..1 number is no percentage.
  EXPECT_EQ(status_of(task("RUNNING", R"("progress":"half")")).percent, std::nullopt);
  EXPECT_EQ(status_of(task("RUNNING", R"("progress":7)")).percent, std::nullopt);
  EXPECT_EQ(status_of(task("RUNNING")).percent, std::nullopt);

  for (const std::string body : {R"({"id":"x"})", "[]", "<html>", R"({"status":3})"}) {
    auto s = Runway::on_status(response(200, body), handle());
    ASSERT_FALSE(s) << body;
    EXPECT_EQ(errc(s.error()), Errc::unexpected_response) << body;
  }
}

TEST(RunwayStatus, FreshTaskNotFoundIsPolledAgain) {
  JobHandle fresh = handle();
  fresh.created_at = now_s();
  auto s = Runway::on_status(response(404, R"({"error":"Task not found"})"), fresh);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::running);
  EXPECT_FALSE(s->unknown_status);

  auto old = Runway::on_status(response(404, R"({"error":"Task not found"})"), handle());
  ASSERT_FALSE(old);
  EXPECT_EQ(errc(old.error()), Errc::job_not_found);
  EXPECT_EQ(old.error().provider.message, "Task not found");

  JobHandle unknown = handle();
  unknown.created_at = 0;
  EXPECT_FALSE(Runway::on_status(response(404, ""), unknown));

  // The grace window itself, without the clock.
  JobHandle at = handle();
  EXPECT_TRUE(Runway::is_fresh(at, at.created_at + 3));
  EXPECT_TRUE(Runway::is_fresh(at, at.created_at + 10));
  EXPECT_FALSE(Runway::is_fresh(at, at.created_at + 11));
  EXPECT_FALSE(Runway::is_fresh(at, at.created_at - 3600));
}

TEST(RunwayStatus, HttpErrorsOfPolls) {
  EXPECT_EQ(errc(Runway::on_status(response(401, R"({"error":"bad key"})"), handle()).error()), Errc::unauthorized);
  EXPECT_EQ(errc(Runway::on_status(response(429, "{}"), handle()).error()), Errc::rate_limited);
  EXPECT_EQ(errc(Runway::on_status(response(502, "<html>bad gateway</html>", "text/html"), handle()).error()), Errc::provider_error);
  EXPECT_EQ(errc(Runway::on_status(response(503, ""), handle()).error()), Errc::at_capacity);
  const auto e = Runway::error_of(response(400, R"({"error":"Invalid ratio"})"));
  EXPECT_EQ(errc(e), Errc::invalid_request);
  EXPECT_EQ(e.provider.status, 400);
  EXPECT_EQ(e.provider.message, "Invalid ratio");
  EXPECT_EQ(Runway::error_of(response(504, "")).provider.message, "HTTP 504");
}

TEST(RunwayCancel, CancelAndDeleteAnswers) {
  EXPECT_TRUE(Runway::on_cancel(response(204, "", "")));
  EXPECT_TRUE(Runway::on_cancel(response(200, "", "")));
  EXPECT_EQ(errc(Runway::on_cancel(response(404, R"({"error":"Task not found"})")).error()), Errc::job_not_found);
  EXPECT_TRUE(Runway::on_cleanup(response(204, "", "")));
  EXPECT_TRUE(Runway::on_cleanup(response(404, "", "")));  // already deleted
  EXPECT_EQ(errc(Runway::on_cleanup(response(500, "")).error()), Errc::provider_error);
}

}  // namespace
