// SPDX-License-Identifier: BSL-1.0
// reel::Luma traits against the Dream Machine API as the official Node SDK types it
// (specs/luma/): the create body, every documented generation state, odd answers (missing
// fields, unknown states, unusable ids, cut-off bodies), error bodies; then whole jobs over the
// ScriptedClient in virtual time (ambiguous creates never resent, downloads without the key).
#include "provider_test_support.hpp"
#include "../job/job_fixture.hpp"

#include <reel/providers/luma.hpp>
#include <reel/providers/provider.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using reel::Luma;
using reel::job::Errc;
using reel::job::JobHandle;
using reel::job::OutcomeKind;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;
using namespace std::chrono_literals;

static_assert(reel::Provider<Luma>);
static_assert(reel::CancellingProvider<Luma>);
static_assert(!reel::QuotingProvider<Luma>);
static_assert(!reel::CleaningProvider<Luma>);
static_assert(!reel::DiscoveringProvider<Luma>);

const std::string key = "luma-SECRET-0123456789abcdef";
const std::string api = "https://api.lumalabs.ai";
const std::string id = "0d9b7c1e-5a4f-4f37-9d61-2b9a3c8e7f10";
const std::string generation_url = api + "/dream-machine/v1/generations/" + id;
const std::string cdn = "https://storage.cdn-luma.com/dream_machine/0d9b7c1e/video.mp4";

Luma luma() { return Luma{key}; }

JobHandle handle() {
  JobHandle h;
  h.provider = "luma";
  h.base_url = api;
  h.model = "ray-2";
  h.job_id = id;
  return h;
}

// A Generation object as the SDK types it; `extra` members are appended.
std::string generation(const std::string& state, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","generation_type":"video","state":")" + state +
         R"(","failure_reason":null,"created_at":"2026-12-07T09:00:00.000Z","assets":null,"model":"ray-2",)"
         R"("request":{"generation_type":"video","prompt":"a cat","model":"ray-2"})" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

reel::job::Status status_of(const std::string& body, int http = 200) {
  auto s = Luma::on_status(response(http, body), handle());
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return s ? *s : reel::job::Status{};
}

// ---- requests -------------------------------------------------------------------------------

TEST(LumaRequests, TraitsConstants) {
  EXPECT_EQ(Luma::name, "luma");
  EXPECT_FALSE(Luma::idempotent_create);
  EXPECT_EQ(Luma{}.base_url, "https://api.lumalabs.ai");
  // No documented limits: none client-side.
  EXPECT_TRUE(Luma::default_limits().limits.empty());
  EXPECT_EQ(reel::cancel_bucket_of<Luma>(), reel::policy::Bucket::cancel);
}

TEST(LumaRequests, FromEnvReadsTheKeyAndBaseUrl) {
  ::setenv("LUMAAI_API_KEY", "from-env", 1);
  ::setenv("LUMA_BASE_URL", "http://127.0.0.1:9", 1);
  const Luma l = Luma::from_env();
  EXPECT_EQ(l.api_key, "from-env");
  EXPECT_EQ(l.base_url, "http://127.0.0.1:9");
  ::unsetenv("LUMA_BASE_URL");
  ::unsetenv("LUMAAI_API_KEY");
  const Luma d = Luma::from_env();
  EXPECT_EQ(d.api_key, "");
  EXPECT_EQ(d.base_url, "https://api.lumalabs.ai");
}

TEST(LumaRequests, CreateBodyFromTheNeutralRequest) {
  VideoRequest r{.model = "ray-flash-2",
                 .prompt = "a cat",
                 .duration_seconds = 9,
                 .resolution = "720p",
                 .aspect_ratio = "16:9",
                 .image = "https://example.com/cat.png"};
  const auto req = luma().create_request(Luma::native(r), JobHandle{});
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, api + "/dream-machine/v1/generations/video");
  EXPECT_EQ(req.headers.find("Authorization").value_or(""), "Bearer " + key);
  EXPECT_EQ(req.headers.find("Content-Type").value_or(""), "application/json");
  EXPECT_FALSE(req.headers.find("Idempotency-Key"));
  const auto body = body_json(req);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "aspect_ratio", "duration", "resolution", "keyframes"}));
  EXPECT_EQ(str(body, "model"), "ray-flash-2");
  EXPECT_EQ(str(body, "prompt"), "a cat");
  EXPECT_EQ(str(body, "duration"), "9s");
  EXPECT_EQ(str(body, "resolution"), "720p");
  EXPECT_EQ(str(body, "aspect_ratio"), "16:9");
  const auto* frames = body.find("keyframes");
  ASSERT_NE(frames, nullptr);
  EXPECT_EQ(keys(*frames), (std::vector<std::string>{"frame0"}));
  const auto* frame0 = frames->find("frame0");
  ASSERT_NE(frame0, nullptr);
  EXPECT_EQ(str(*frame0, "type"), "image");
  EXPECT_EQ(str(*frame0, "url"), "https://example.com/cat.png");
  EXPECT_EQ(frame0->find("id"), nullptr);
  EXPECT_TRUE(Luma::warnings_of(r).empty());
}

TEST(LumaRequests, MinimalRequestDefaultsToRay2AndLeavesTheRestOut) {
  const auto body = body_json(luma().create_request(Luma::native(VideoRequest{.prompt = "a dog"}), JobHandle{}));
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt"}));
  EXPECT_EQ(str(body, "model"), "ray-2");
}

TEST(LumaRequests, NativeOnlyFieldsAreWritten) {
  Luma::Request r = Luma::native(VideoRequest{.prompt = "a loop"});
  r.loop = true;
  r.callback_url = "https://hooks.example.com/luma?secret=s";
  reel::luma::Keyframes k;
  k.frame1 = reel::luma::Keyframe{"generation", std::nullopt, "prev-gen-id"};
  r.keyframes = k;
  r.concepts = std::vector<reel::luma::Concept>{{"dolly_zoom"}};
  const auto body = body_json(luma().create_request(r, JobHandle{}));
  EXPECT_EQ(boolean(body, "loop"), true);
  EXPECT_EQ(str(body, "callback_url"), "https://hooks.example.com/luma?secret=s");
  const auto* frame1 = body.find("keyframes") ? body.find("keyframes")->find("frame1") : nullptr;
  ASSERT_NE(frame1, nullptr);
  EXPECT_EQ(str(*frame1, "type"), "generation");
  EXPECT_EQ(str(*frame1, "id"), "prev-gen-id");
  EXPECT_EQ(frame1->find("url"), nullptr);
  const auto* concepts = body.find("concepts");
  ASSERT_NE(concepts, nullptr);
  ASSERT_TRUE(concepts->if_array());
  ASSERT_EQ(concepts->if_array()->size(), 1u);
  EXPECT_EQ(str((*concepts->if_array())[0], "key"), "dolly_zoom");
}

TEST(LumaRequests, WarningsForWhatLumaCannotTakeAsGiven) {
  VideoRequest r{.prompt = "x",
                 .duration_seconds = 7,
                 .resolution = "1280x720",
                 .negative_prompt = "blur",
                 .image = "data:image/png;base64,AAAA",
                 .audio = "https://example.com/a.mp3"};
  const auto w = Luma::warnings_of(r);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_TRUE(contains(w[0], "negative_prompt"));
  EXPECT_TRUE(contains(w[1], "audio"));
  EXPECT_TRUE(contains(w[2], "5s and 9s"));
  EXPECT_TRUE(contains(w[3], "1280x720"));
  EXPECT_TRUE(contains(w[4], "data URL"));
  // Sent as given: the API decides (and answers a typed error if it refuses).
  const auto body = body_json(luma().create_request(Luma::native(r), JobHandle{}));
  EXPECT_EQ(str(body, "duration"), "7s");
  EXPECT_EQ(body.find("negative_prompt"), nullptr);
  EXPECT_EQ(body.find("audio"), nullptr);
}

TEST(LumaRequests, StatusAndCancelUseTheIdOnTheBaseUrl) {
  const auto get = luma().status_request(handle());
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.url, generation_url);
  EXPECT_EQ(get.headers.find("Authorization").value_or(""), "Bearer " + key);
  EXPECT_TRUE(get.body.empty());
  const auto del = luma().cancel_request(handle());
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.url, generation_url);
  EXPECT_EQ(del.headers.find("Authorization").value_or(""), "Bearer " + key);
  EXPECT_EQ(del.headers.find("Accept").value_or(""), "*/*");
  EXPECT_TRUE(del.body.empty());
}

TEST(LumaRequests, DownloadsNeverCarryTheKey) {
  const auto r = Luma::download_request(cdn);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, cdn);
  EXPECT_FALSE(r.headers.find("Authorization"));
  EXPECT_FALSE(luma().revoke_request(handle()));
}

// ---- create answers -------------------------------------------------------------------------

TEST(LumaCreated, QueuedGenerationGivesTheHandleItsId) {
  JobHandle h;
  ASSERT_TRUE(Luma::on_created(response(201, generation("queued")), h));
  EXPECT_EQ(h.job_id, id);
  EXPECT_FALSE(h.status_url);
  EXPECT_FALSE(h.cancel_url);
  EXPECT_FALSE(Luma::status_of_created(response(201, generation("queued"))));
  EXPECT_FALSE(Luma::status_of_created(response(201, generation("dreaming"))));
}

TEST(LumaCreated, CreateAnsweredFinishedNeedsNoPoll) {
  const auto s = Luma::status_of_created(response(201, generation("completed", R"("assets":{"video":")" + cdn + R"("})")));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::ready);
  EXPECT_EQ(s->download_url, cdn);
}

TEST(LumaCreated, ServerErrorOrIdlessAnswerIsAmbiguous) {
  for (int status : {500, 502, 503, 504}) {
    JobHandle h;
    auto r = Luma::on_created(response(status, R"({"detail":"Internal Server Error"})"), h);
    ASSERT_FALSE(r) << status;
    EXPECT_EQ(errc(r.error()), Errc::ambiguous_submit) << status;
    EXPECT_TRUE(contains(r.error().provider.message, "Internal Server Error"));
    EXPECT_TRUE(h.job_id.empty());
  }
  for (const std::string& body : {std::string(R"({"state":"queued"})"), std::string(R"({"id":"","state":"queued"})"),
                                 std::string(R"({"id":"../../credits?x=","state":"queued"})"), std::string("not json"),
                                 std::string(R"({"id":42})")}) {
    JobHandle h;
    auto r = Luma::on_created(response(201, body), h);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(errc(r.error()), Errc::ambiguous_submit) << body;
    EXPECT_TRUE(h.job_id.empty()) << body;
  }
}

TEST(LumaCreated, CutOffBodyStillYieldsTheId) {
  JobHandle h;
  const std::string full = generation("queued");
  ASSERT_TRUE(Luma::on_created(response(201, full.substr(0, full.size() / 2)), h));
  EXPECT_EQ(h.job_id, id);
}

TEST(LumaCreated, ClientErrorsAreTypedAndNotAmbiguous) {
  struct Case {
    int status;
    std::string body;
    Errc want;
  };
  const std::vector<Case> cases = {
      {400, R"({"detail":"Invalid request: duration must be one of 5s, 9s"})", Errc::invalid_request},
      {401, R"({"detail":"Invalid API key"})", Errc::unauthorized},
      {402, R"({"detail":"Insufficient credits"})", Errc::insufficient_balance},
      {403, R"({"detail":"Forbidden"})", Errc::unauthorized},
      {422, R"({"detail":[{"loc":["body","model"],"msg":"field required","type":"value_error.missing"}]})", Errc::invalid_request},
      {400, R"({"detail":"Prompt not allowed because of moderation"})", Errc::content_policy},
      {429, R"({"detail":"Too many requests"})", Errc::rate_limited},
  };
  for (const Case& c : cases) {
    JobHandle h;
    auto r = Luma::on_created(response(c.status, c.body), h);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(errc(r.error()), c.want) << c.body;
    EXPECT_EQ(r.error().provider.status, c.status);
    EXPECT_TRUE(h.job_id.empty());
  }
}

// ---- statuses -------------------------------------------------------------------------------

TEST(LumaStatus, EveryDocumentedState) {
  EXPECT_EQ(status_of(generation("queued")).phase, Phase::queued);
  const auto dreaming = status_of(generation("dreaming"));
  EXPECT_EQ(dreaming.phase, Phase::running);
  EXPECT_FALSE(dreaming.unknown_status);

  const auto done = status_of(generation(
      "completed", R"("assets":{"video":")" + cdn + R"(","image":"https://storage.cdn-luma.com/t.jpg","progress_video":null})"));
  EXPECT_EQ(done.phase, Phase::ready);
  EXPECT_EQ(done.download_url, cdn);
  EXPECT_EQ(done.percent, 100);

  std::string failed = generation("failed");
  failed.replace(failed.find(R"("failure_reason":null)"), 21, R"("failure_reason":"400: Invalid keyframe image")");
  const auto f = status_of(failed);
  EXPECT_EQ(f.phase, Phase::failed);
  EXPECT_EQ(errc(f.error), Errc::failed_at_provider);
  EXPECT_EQ(f.error.provider.message, "400: Invalid keyframe image");
  EXPECT_EQ(f.error.provider.code, "failed");
}

TEST(LumaStatus, FailedByModerationIsContentPolicy) {
  std::string failed = generation("failed");
  failed.replace(failed.find(R"("failure_reason":null)"), 21, R"("failure_reason":"Prompt failed moderation")");
  const auto f = status_of(failed);
  EXPECT_EQ(f.phase, Phase::failed);
  EXPECT_EQ(errc(f.error), Errc::content_policy);
}

TEST(LumaStatus, OddAnswers) {
  // failed without a reason
  const auto f = status_of(generation("failed"));
  EXPECT_EQ(f.phase, Phase::failed);
  EXPECT_EQ(errc(f.error), Errc::failed_at_provider);
  EXPECT_TRUE(contains(f.error.provider.message, "failure_reason"));
  // completed without assets, with assets but no video, with a non-URL video
  for (const std::string& extra : {std::string(), std::string(R"("assets":{"image":"https://x/t.jpg"})"),
                                  std::string(R"("assets":{"video":""})"), std::string(R"("assets":{"video":"file:///etc/passwd"})")}) {
    std::string body = generation("completed");
    if (!extra.empty()) body.replace(body.find(R"("assets":null)"), 13, extra);
    const auto s = status_of(body);
    EXPECT_EQ(s.phase, Phase::failed) << body;
    EXPECT_EQ(errc(s.error), Errc::unexpected_response) << body;
    EXPECT_FALSE(s.download_url) << body;
  }
  // an unknown state, and none at all, read as still running and say so
  const auto unknown = status_of(generation("upscaling"));
  EXPECT_EQ(unknown.phase, Phase::running);
  EXPECT_EQ(unknown.unknown_status, "upscaling");
  const auto none = status_of(R"({"id":")" + id + R"("})");
  EXPECT_EQ(none.phase, Phase::running);
  EXPECT_EQ(none.unknown_status, "(missing)");
  // a state of another case still means the documented word
  EXPECT_EQ(status_of(generation("DREAMING")).phase, Phase::running);
}

TEST(LumaStatus, BadBodiesAndErrorAnswersAreTyped) {
  auto garbage = Luma::on_status(response(200, "<html>oops</html>"), handle());
  ASSERT_FALSE(garbage);
  EXPECT_EQ(errc(garbage.error()), Errc::unexpected_response);
  auto wrong_type = Luma::on_status(response(200, R"({"id":1,"state":["queued"]})"), handle());
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(errc(wrong_type.error()), Errc::unexpected_response);

  auto gone = Luma::on_status(response(404, R"({"detail":"Generation not found"})"), handle());
  ASSERT_FALSE(gone);
  EXPECT_EQ(errc(gone.error()), Errc::job_not_found);
  EXPECT_EQ(gone.error().provider.message, "Generation not found");
  auto busy = Luma::on_status(response(503, ""), handle());
  ASSERT_FALSE(busy);
  EXPECT_EQ(errc(busy.error()), Errc::at_capacity);
  EXPECT_EQ(busy.error().provider.message, "HTTP 503");
  auto limited = Luma::on_status(response(429, R"({"error":{"message":"rate limited","code":"too_many"}})"), handle());
  ASSERT_FALSE(limited);
  EXPECT_EQ(errc(limited.error()), Errc::rate_limited);
  EXPECT_EQ(limited.error().provider.message, "rate limited");
  EXPECT_EQ(limited.error().provider.code, "too_many");
}

TEST(LumaErrors, EveryBodyShape) {
  EXPECT_EQ(Luma::error_of(response(400, R"({"detail":"bad"})")).provider.message, "bad");
  EXPECT_EQ(Luma::error_of(response(400, R"({"detail":[{"msg":"a"},{"msg":"b"}]})")).provider.message, "a; b");
  EXPECT_EQ(Luma::error_of(response(400, R"({"error":"plain"})")).provider.message, "plain");
  EXPECT_EQ(Luma::error_of(response(400, R"({"message":"msg","code":"c1"})")).provider.message, "msg");
  EXPECT_EQ(Luma::error_of(response(400, R"({"message":"msg","code":"c1"})")).provider.code, "c1");
  EXPECT_EQ(Luma::error_of(response(400, R"([1,2])")).provider.message, "HTTP 400");
  EXPECT_EQ(Luma::error_of(response(400, "text", "text/plain")).provider.message, "HTTP 400");
  EXPECT_EQ(errc(Luma::error_of(response(418, "{}"))), Errc::unexpected_response);
  // The key never appears in an error.
  const auto e = Luma::error_of(response(401, R"({"detail":"Invalid API key"})"));
  EXPECT_FALSE(contains(e.message(), key));
}

TEST(LumaCancel, DeleteAnswers) {
  EXPECT_TRUE(Luma::on_cancel(response(200, "")));
  EXPECT_TRUE(Luma::on_cancel(response(204, "")));
  auto gone = Luma::on_cancel(response(404, R"({"detail":"Not found"})"));
  ASSERT_FALSE(gone);
  EXPECT_EQ(errc(gone.error()), Errc::job_not_found);
  auto denied = Luma::on_cancel(response(401, R"({"detail":"Invalid API key"})"));
  ASSERT_FALSE(denied);
  EXPECT_EQ(errc(denied.error()), Errc::unauthorized);
}

// ---- whole jobs over the ScriptedClient ---------------------------------------------------------

using LumaJob = reel::VideoJob<Luma, reel::testing::ScriptedClient>;

asio::awaitable<reel::job::Outcome> generate(LumaJob& job, VideoRequest request, std::filesystem::path out) {
  co_return co_await job.generate(request, out);
}

TEST(LumaJobs, QueuedDreamingCompletedIsDownloadedWithoutTheKey) {
  reel_test::JobWorld w;
  const std::string video = reel_test::video_bytes(30'000);
  w.client.expect("POST", api + "/dream-machine/v1/generations/video")
      .header("Authorization", "Bearer " + key)
      .respond(201, generation("queued"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", generation_url)
      .header("Authorization", "Bearer " + key)
      .respond(200, generation("dreaming"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", generation_url)
      .respond(200, generation("completed", R"("assets":{"video":")" + cdn + R"("})"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", cdn).no_header("Authorization").respond(200, video).response_header("Content-Type", "video/mp4");
  LumaJob job(w.client, luma(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.model = "ray-2", .prompt = "a cat"}, w.dir / "l.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "l.mp4"), video);
  EXPECT_EQ(outcome.handle.job_id, id);
}

TEST(LumaJobs, CreateThatMayHaveBeenReceivedIsNeverResent) {
  reel_test::JobWorld w;
  w.client.expect("POST", api + "/dream-machine/v1/generations/video")
      .fail(make_error_code(asio::error::connection_reset), reel::http::Stage::response);
  LumaJob job(w.client, luma(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.prompt = "a cat"}, w.dir / "a.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::ambiguous);
  EXPECT_EQ(outcome.error.code, Errc::ambiguous_submit);
  EXPECT_EQ(w.client.requests().size(), 1u);
  EXPECT_FALSE(outcome.handle.submitted());
}

TEST(LumaJobs, FailedGenerationEndsTheJobWithTheReason) {
  reel_test::JobWorld w;
  std::string failed = generation("failed");
  failed.replace(failed.find(R"("failure_reason":null)"), 21, R"("failure_reason":"Internal generation error")");
  w.client.expect("POST", api + "/dream-machine/v1/generations/video")
      .respond(201, generation("queued"))
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", generation_url).respond(200, failed).response_header("Content-Type", "application/json");
  LumaJob job(w.client, luma(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.prompt = "a cat"}, w.dir / "f.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(outcome.error.code, Errc::failed_at_provider);
  EXPECT_TRUE(contains(outcome.error.provider.message, "Internal generation error"));
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(outcome.handle.job_id, id);
}

}  // namespace
