// SPDX-License-Identifier: BSL-1.0
// reel::GoogleVeo traits against the Gemini API as the official Gen AI SDK's mldev converters
// write it (specs/google-veo/NOTES.md): the predictLongRunning body, operations (running, done
// with a sample, done with an error, done with every sample filtered), odd answers, the
// google.rpc.Status error bodies (a retired model's 404, RESOURCE_EXHAUSTED with RetryInfo),
// the download key rule; then whole jobs over the ScriptedClient in virtual time.
#include "provider_test_support.hpp"
#include "../job/job_fixture.hpp"

#include <reel/json/read.hpp>
#include <reel/json/write.hpp>
#include <reel/providers/google_veo.hpp>
#include <reel/providers/provider.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

using reel::GoogleVeo;
using reel::job::Errc;
using reel::job::JobHandle;
using reel::job::OutcomeKind;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;
using namespace std::chrono_literals;

static_assert(reel::Provider<GoogleVeo>);
static_assert(!reel::CancellingProvider<GoogleVeo>);
static_assert(!reel::QuotingProvider<GoogleVeo>);
static_assert(!reel::CleaningProvider<GoogleVeo>);
static_assert(!reel::DiscoveringProvider<GoogleVeo>);

const std::string key = "AIza-SECRET-0123456789abcdef";
const std::string api = "https://generativelanguage.googleapis.com";
const std::string model = "veo-3.1-generate-001";
const std::string op_name = "models/veo-3.1-generate-001/operations/k2v9x7q1r0ab";
const std::string op_url = api + "/v1beta/" + op_name;
const std::string file_uri = api + "/v1beta/files/f3kq9zt2ab1c:download?alt=media";

GoogleVeo veo() { return GoogleVeo{key}; }

JobHandle handle() {
  JobHandle h;
  h.provider = "google-veo";
  h.base_url = api;
  h.model = model;
  h.job_id = op_name;
  return h;
}

std::string running_op() { return R"({"name":")" + op_name + R"(","metadata":{"@type":"type.googleapis.com/x"}})"; }

std::string done_op(const std::string& uri) {
  return R"({"name":")" + op_name +
         R"(","done":true,"response":{"@type":"type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",)"
         R"("generateVideoResponse":{"generatedSamples":[{"video":{"uri":")" +
         uri + R"("}}]}}})";
}

reel::job::Status status_of(const std::string& body, int http = 200) {
  auto s = GoogleVeo::on_status(response(http, body), handle());
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return s ? *s : reel::job::Status{};
}

// ---- requests -------------------------------------------------------------------------------

TEST(GoogleVeoRequests, TraitsConstants) {
  EXPECT_EQ(GoogleVeo::name, "google-veo");
  EXPECT_FALSE(GoogleVeo::idempotent_create);
  EXPECT_FALSE(GoogleVeo::has_cancel);
  EXPECT_FALSE(GoogleVeo::has_cleanup);
  EXPECT_EQ(GoogleVeo{}.base_url, api);
  const auto limits = GoogleVeo::default_limits().limits;
  ASSERT_EQ(limits.count(reel::policy::Bucket::create), 1u);
  ASSERT_EQ(limits.count(reel::policy::Bucket::status), 1u);
  EXPECT_EQ(limits.at(reel::policy::Bucket::create).requests, 2);
  EXPECT_EQ(limits.at(reel::policy::Bucket::status).requests, 30);
}

TEST(GoogleVeoRequests, FromEnvReadsTheKeyAndBaseUrl) {
  ::unsetenv("GOOGLE_API_KEY");
  ::setenv("GEMINI_API_KEY", "from-env", 1);
  ::setenv("GEMINI_BASE_URL", "http://127.0.0.1:9/gemini", 1);
  const GoogleVeo g = GoogleVeo::from_env();
  EXPECT_EQ(g.api_key, "from-env");
  EXPECT_EQ(g.base_url, "http://127.0.0.1:9/gemini");
  ::unsetenv("GEMINI_API_KEY");
  ::unsetenv("GEMINI_BASE_URL");
  ::setenv("GOOGLE_API_KEY", "fallback", 1);
  EXPECT_EQ(GoogleVeo::from_env().api_key, "fallback");
  ::unsetenv("GOOGLE_API_KEY");
  const GoogleVeo d = GoogleVeo::from_env();
  EXPECT_EQ(d.api_key, "");
  EXPECT_EQ(d.base_url, api);
}

TEST(GoogleVeoRequests, CreateBodyFromTheNeutralRequest) {
  VideoRequest r{.model = "gemini-omni-1.1-flash",
                 .prompt = "a cat",
                 .duration_seconds = 8,
                 .resolution = "1080p",
                 .aspect_ratio = "9:16",
                 .negative_prompt = "blur",
                 .image = "data:image/png;base64,iVBORw0KGgo="};
  const auto req = veo().create_request(GoogleVeo::native(r), JobHandle{});
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, api + "/v1beta/models/gemini-omni-1.1-flash:predictLongRunning");
  EXPECT_EQ(req.headers.find("x-goog-api-key").value_or(""), key);
  EXPECT_FALSE(req.headers.find("Authorization"));
  EXPECT_EQ(req.headers.find("Content-Type").value_or(""), "application/json");
  const auto body = body_json(req);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"instances", "parameters"}));
  const auto* instances = body.find("instances");
  ASSERT_TRUE(instances != nullptr && instances->if_array() && instances->if_array()->size() == 1u);
  const auto& in = instances->if_array()->front();
  EXPECT_EQ(keys(in), (std::vector<std::string>{"prompt", "image"}));
  EXPECT_EQ(str(in, "prompt"), "a cat");
  ASSERT_NE(in.find("image"), nullptr);
  EXPECT_EQ(str(*in.find("image"), "bytesBase64Encoded"), "iVBORw0KGgo=");
  EXPECT_EQ(str(*in.find("image"), "mimeType"), "image/png");
  const auto* p = body.find("parameters");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(keys(*p), (std::vector<std::string>{"durationSeconds", "aspectRatio", "resolution", "negativePrompt"}));
  EXPECT_EQ(integer(*p, "durationSeconds"), 8);
  EXPECT_EQ(str(*p, "aspectRatio"), "9:16");
  EXPECT_EQ(str(*p, "resolution"), "1080p");
  EXPECT_EQ(str(*p, "negativePrompt"), "blur");
  EXPECT_TRUE(GoogleVeo::warnings_of(r).empty());
}

TEST(GoogleVeoRequests, MinimalRequestUsesTheDefaultModelAndSaysSo) {
  const VideoRequest r{.prompt = "a dog"};
  const auto req = veo().create_request(GoogleVeo::native(r), JobHandle{});
  EXPECT_EQ(req.url, api + "/v1beta/models/" + model + ":predictLongRunning");
  const auto body = body_json(req);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"instances"}));
  const auto w = GoogleVeo::warnings_of(r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_TRUE(contains(w[0], "no model")) << w[0];
}

TEST(GoogleVeoRequests, ModelIdsAreDataInThePath) {
  GoogleVeo::Request r = GoogleVeo::native(VideoRequest{.prompt = "x"});
  r.model = "models/veo-9-ultra";  // the SDK's "models/" form is not doubled
  EXPECT_EQ(veo().create_request(r, JobHandle{}).url, api + "/v1beta/models/veo-9-ultra:predictLongRunning");
  r.model = "../../files/x?alt=media";  // cannot leave the models collection
  EXPECT_EQ(veo().create_request(r, JobHandle{}).url,
            api + "/v1beta/models/..%2F..%2Ffiles%2Fx%3Falt%3Dmedia:predictLongRunning");
  GoogleVeo prefixed{key, "http://127.0.0.1:9/gemini/"};
  EXPECT_EQ(prefixed.create_request(r, JobHandle{}).url.rfind("http://127.0.0.1:9/gemini/v1beta/models/", 0), 0u);
}

TEST(GoogleVeoRequests, WarningsForWhatGeminiCannotTake) {
  const VideoRequest r{.model = model,
                       .prompt = "a cat",
                       .resolution = "540p",
                       .aspect_ratio = "1:1",
                       .image = "https://example.com/cat.png",
                       .audio = "https://example.com/a.mp3"};
  const auto w = GoogleVeo::warnings_of(r);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_TRUE(contains(w[0], "audio"));
  EXPECT_TRUE(contains(w[1], "image"));
  EXPECT_TRUE(contains(w[2], "aspect_ratio 1:1"));
  EXPECT_TRUE(contains(w[3], "resolution 540p"));
  // The URL image is left out, not sent as something Gemini would misread.
  const auto body = body_json(veo().create_request(GoogleVeo::native(r), JobHandle{}));
  EXPECT_EQ(keys(body.find("instances")->if_array()->front()), (std::vector<std::string>{"prompt"}));
}

TEST(GoogleVeoRequests, DataUrls) {
  EXPECT_TRUE(reel::google_veo::parse_data_url("data:image/jpeg;base64,/9j/4AAQ"));
  EXPECT_FALSE(reel::google_veo::parse_data_url("data:image/png,raw"));
  EXPECT_FALSE(reel::google_veo::parse_data_url("data:;base64,AAAA"));
  EXPECT_FALSE(reel::google_veo::parse_data_url("data:image/png;base64,"));
  EXPECT_FALSE(reel::google_veo::parse_data_url("data:image/png;base64,AA\"}AA"));
  EXPECT_FALSE(reel::google_veo::parse_data_url("https://example.com/a.png"));
}

TEST(GoogleVeoRequests, NativeRequestRoundTripsAsJournalJson) {
  GoogleVeo::Request r = GoogleVeo::native(VideoRequest{.model = model, .prompt = "a cat", .duration_seconds = 4});
  r.parameters->sample_count = 1;
  r.parameters->enhance_prompt = false;
  r.instances[0].last_frame = reel::google_veo::Image{"AAAA", "image/png"};
  std::string text;
  ASSERT_FALSE(reel::json::write(r, text));
  EXPECT_TRUE(contains(text, R"("lastFrame":{"bytesBase64Encoded":"AAAA","mimeType":"image/png"})")) << text;
  EXPECT_TRUE(contains(text, R"("sampleCount":1)")) << text;
  EXPECT_TRUE(contains(text, R"("enhancePrompt":false)")) << text;
  GoogleVeo::Request back;
  ASSERT_FALSE(reel::json::read(text, back)) << text;
  EXPECT_EQ(back.model, model);
  ASSERT_EQ(back.instances.size(), 1u);
  EXPECT_EQ(back.instances[0].prompt, "a cat");
  ASSERT_TRUE(back.instances[0].last_frame);
  EXPECT_EQ(back.instances[0].last_frame->mime_type, "image/png");
  ASSERT_TRUE(back.parameters);
  EXPECT_EQ(back.parameters->duration_seconds, 4);
  EXPECT_EQ(back.parameters->sample_count, 1);
}

TEST(GoogleVeoRequests, StatusPollsTheOperationNameOnTheBaseUrl) {
  const auto req = veo().status_request(handle());
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, op_url);
  EXPECT_EQ(req.headers.find("x-goog-api-key").value_or(""), key);
  EXPECT_FALSE(req.headers.find("Authorization"));
  // A name that is not a safe relative path never reaches the URL.
  JobHandle bad = handle();
  bad.job_id = "../../files/abc:download?alt=media";
  EXPECT_FALSE(contains(veo().status_request(bad).url, "files"));
  EXPECT_TRUE(GoogleVeo::is_operation_name("operations/abc-123_x.y"));
  for (const char* n : {"", "/operations/a", "operations//a", "operations/../x", "operations/a?x=1", "operations/a#b",
                        "https://evil.example/x", "operations/./a", "operations/a/"}) {
    EXPECT_FALSE(GoogleVeo::is_operation_name(n)) << n;
  }
}

TEST(GoogleVeoRequests, TheKeyGoesOnlyToTheApisOwnOrigin) {
  const GoogleVeo g = veo();
  const auto own = g.download_request(file_uri, handle());
  EXPECT_EQ(own.url, file_uri);
  EXPECT_EQ(own.headers.find("x-goog-api-key").value_or(""), key);
  EXPECT_FALSE(own.headers.find("Authorization"));
  for (const std::string foreign : {"https://storage.googleapis.com/veo/v.mp4", "http://generativelanguage.googleapis.com/v1beta/files/a",
                                    "https://generativelanguage.googleapis.com.evil.example/v1beta/files/a",
                                    "https://generativelanguage.googleapis.com:8443/v1beta/files/a", "not a url"}) {
    const auto r = g.download_request(foreign, handle());
    EXPECT_FALSE(r.headers.find("x-goog-api-key")) << foreign;
    EXPECT_FALSE(r.headers.find("Authorization")) << foreign;
  }
  EXPECT_FALSE(GoogleVeo::download_request(file_uri).headers.find("x-goog-api-key"));
  // A configured base URL's origin is the API's too (a proxy, the simulator); Google's stays so.
  const GoogleVeo local{key, "http://127.0.0.1:9/gemini"};
  EXPECT_TRUE(local.key_goes_to("http://127.0.0.1:9/gemini/v1beta/files/a:download?alt=media"));
  EXPECT_TRUE(local.key_goes_to(file_uri));
  EXPECT_FALSE(local.key_goes_to("http://127.0.0.1:10/gemini/v1beta/files/a:download?alt=media"));
  EXPECT_FALSE(GoogleVeo{}.key_goes_to(file_uri));  // no key, no header
}

// ---- creates ------------------------------------------------------------------------------------

TEST(GoogleVeoCreated, OperationNameBecomesTheHandleAsGiven) {
  JobHandle h;
  ASSERT_TRUE(GoogleVeo::on_created(response(200, running_op()), h));
  EXPECT_EQ(h.job_id, op_name);
  EXPECT_FALSE(GoogleVeo::status_of_created(response(200, running_op())));
}

TEST(GoogleVeoCreated, CreateAnsweredDoneNeedsNoPoll) {
  const auto s = GoogleVeo::status_of_created(response(200, done_op(file_uri)));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::ready);
  EXPECT_EQ(s->download_url.value_or(""), file_uri);
}

TEST(GoogleVeoCreated, ServerErrorOrNamelessAnswerIsAmbiguous) {
  for (const auto& r : {response(500, R"({"error":{"code":500,"message":"Internal error","status":"INTERNAL"}})"),
                        response(503, R"({"error":{"code":503,"message":"The model is overloaded","status":"UNAVAILABLE"}})"),
                        response(200, R"({"done":false})"), response(200, R"({"name":"../x"})"), response(200, "<html>")}) {
    JobHandle h;
    auto c = GoogleVeo::on_created(r, h);
    ASSERT_FALSE(c) << r.body;
    EXPECT_EQ(errc(c.error()), Errc::ambiguous_submit) << r.body;
    EXPECT_FALSE(h.submitted());
  }
}

TEST(GoogleVeoCreated, CutOffBodyStillYieldsTheName) {
  JobHandle h;
  ASSERT_TRUE(GoogleVeo::on_created(response(200, R"({"name":")" + op_name + R"(","metadata":{"@ty)"), h));
  EXPECT_EQ(h.job_id, op_name);
}

TEST(GoogleVeoCreated, RetiredModelIsAClearModelNotFound) {
  JobHandle h;
  auto c = GoogleVeo::on_created(
      response(404, R"({"error":{"code":404,"message":"models/veo-3.1-generate-preview is no longer available.","status":"NOT_FOUND"}})"),
      h);
  ASSERT_FALSE(c);
  EXPECT_EQ(errc(c.error()), Errc::model_not_found);
  EXPECT_EQ(c.error().provider.code, "NOT_FOUND");
  EXPECT_TRUE(contains(c.error().provider.message, "veo-3.1-generate-preview is no longer available"));
  EXPECT_TRUE(contains(c.error().provider.message, "retired"));
}

TEST(GoogleVeoCreated, ClientErrorsAreTypedAndNotAmbiguous) {
  struct Case {
    int status;
    std::string body;
    Errc want;
  };
  const std::vector<Case> cases = {
      {400, R"({"error":{"code":400,"message":"durationSeconds must be 4, 6 or 8","status":"INVALID_ARGUMENT"}})", Errc::invalid_request},
      {400,
       R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",)"
       R"("details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}})",
       Errc::unauthorized},
      {400,
       R"({"error":{"code":400,"message":"The prompt could not be submitted. It violates the usage guidelines.","status":"INVALID_ARGUMENT"}})",
       Errc::content_policy},
      {403, R"({"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}})", Errc::unauthorized},
      {404, R"({"error":{"code":404,"message":"models/nope is not found","status":"NOT_FOUND"}})", Errc::model_not_found},
      {429, R"({"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}})", Errc::rate_limited},
  };
  for (const Case& c : cases) {
    JobHandle h;
    auto r = GoogleVeo::on_created(response(c.status, c.body), h);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(errc(r.error()), c.want) << c.body;
    EXPECT_EQ(r.error().provider.status, c.status);
    EXPECT_FALSE(contains(r.error().provider.message, key));
  }
}

// ---- operations ---------------------------------------------------------------------------------

TEST(GoogleVeoStatus, RunningThenDone) {
  EXPECT_EQ(status_of(running_op()).phase, Phase::running);
  EXPECT_EQ(status_of(R"({"name":"operations/a","done":false})").phase, Phase::running);
  const auto ready = status_of(done_op(file_uri));
  EXPECT_EQ(ready.phase, Phase::ready);
  EXPECT_EQ(ready.download_url.value_or(""), file_uri);
  EXPECT_EQ(ready.percent, 100);
}

TEST(GoogleVeoStatus, DoneWithAnErrorFails) {
  const auto s = status_of(R"({"name":"operations/a","done":true,"error":{"code":13,"message":"Video generation failed"}})");
  EXPECT_EQ(s.phase, Phase::failed);
  EXPECT_EQ(errc(s.error), Errc::failed_at_provider);
  EXPECT_EQ(s.error.provider.code, "13");
  EXPECT_EQ(s.error.provider.message, "Video generation failed");
  const auto safety = status_of(
      R"({"name":"operations/a","done":true,"error":{"code":3,"message":"The prompt was blocked by safety filters"}})");
  EXPECT_EQ(errc(safety.error), Errc::content_policy);
}

TEST(GoogleVeoStatus, EverySampleFilteredIsAContentPolicyFailureNotAHang) {
  const auto s = status_of(R"({"name":"operations/a","done":true,"response":{"generateVideoResponse":{)"
                           R"("raiMediaFilteredCount":1,"raiMediaFilteredReasons":["The video was filtered: celebrity likeness"]}}})");
  EXPECT_EQ(s.phase, Phase::failed);
  EXPECT_EQ(errc(s.error), Errc::content_policy);
  EXPECT_TRUE(contains(s.error.provider.message, "celebrity likeness")) << s.error.provider.message;
  // Reasons without a count, and a count with an empty sample list, say the same.
  EXPECT_EQ(errc(status_of(R"({"done":true,"response":{"generateVideoResponse":{"generatedSamples":[],"raiMediaFilteredCount":2}}})").error),
            Errc::content_policy);
  EXPECT_EQ(errc(status_of(R"({"done":true,"response":{"generateVideoResponse":{"raiMediaFilteredReasons":["r"]}}})").error),
            Errc::content_policy);
}

TEST(GoogleVeoStatus, OddAnswers) {
  // Done without anything usable: a typed failure, never ready without a URL.
  for (const char* body : {R"({"done":true})", R"({"done":true,"response":{}})",
                           R"({"done":true,"response":{"generateVideoResponse":{"generatedSamples":[{"video":{"uri":"files/abc"}}]}}})",
                           R"({"done":true,"response":{"generateVideoResponse":{"generatedSamples":[{}]}}})"}) {
    const auto s = status_of(body);
    EXPECT_EQ(s.phase, Phase::failed) << body;
    EXPECT_EQ(errc(s.error), Errc::unexpected_response) << body;
  }
  const auto inline_video =
      status_of(R"({"done":true,"response":{"generateVideoResponse":{"generatedSamples":[{"video":{"encodedVideo":"AAAA"}}]}}})");
  EXPECT_EQ(inline_video.phase, Phase::failed);
  EXPECT_TRUE(contains(inline_video.error.provider.message, "inline"));
  // The SDK's own renamed shape (generatedSamples directly under response) is read too.
  EXPECT_EQ(status_of(R"({"done":true,"response":{"generatedSamples":[{"video":{"uri":")" + file_uri + R"("}}]}})").phase,
            Phase::ready);
  const auto odd = status_of(R"({"done":"yes"})");
  EXPECT_EQ(odd.phase, Phase::running);
  EXPECT_TRUE(odd.unknown_status);
  // The first sample with a URI wins.
  EXPECT_EQ(status_of(R"({"done":true,"response":{"generateVideoResponse":{"generatedSamples":[{"video":{}},{"video":{"uri":")" +
                      file_uri + R"("}}]}}})")
                .download_url.value_or(""),
            file_uri);
}

TEST(GoogleVeoStatus, BadBodiesAndErrorAnswersAreTyped) {
  for (const char* body : {"", "[]", "{", "null"}) {
    auto s = GoogleVeo::on_status(response(200, body), handle());
    ASSERT_FALSE(s) << body;
    EXPECT_EQ(errc(s.error()), Errc::unexpected_response);
  }
  auto gone = GoogleVeo::on_status(response(404, R"({"error":{"code":404,"message":"Operation not found","status":"NOT_FOUND"}})"), handle());
  ASSERT_FALSE(gone);
  EXPECT_EQ(errc(gone.error()), Errc::job_not_found);
  auto busy = GoogleVeo::on_status(response(503, R"({"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}})"), handle());
  ASSERT_FALSE(busy);
  EXPECT_EQ(errc(busy.error()), Errc::at_capacity);
  auto internal = GoogleVeo::on_status(response(500, "oops", "text/plain"), handle());
  ASSERT_FALSE(internal);
  EXPECT_EQ(errc(internal.error()), Errc::provider_error);
  EXPECT_EQ(internal.error().provider.message, "HTTP 500");
}

TEST(GoogleVeoErrors, RetryInfoBecomesAHint) {
  const auto r = response(429, R"({"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[)"
                               R"({"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},)"
                               R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37.5s"}]}})");
  reel::policy::ServerHints hints;
  GoogleVeo::hints_of(r, hints);
  ASSERT_TRUE(hints.retry_after);
  EXPECT_EQ(*hints.retry_after, 37500ms);
  reel::policy::ServerHints none;
  GoogleVeo::hints_of(response(429, R"({"error":{"code":429,"details":[{"@type":"x.RetryInfo","retryDelay":"soon"}]}})"), none);
  EXPECT_FALSE(none.retry_after);
  EXPECT_EQ(GoogleVeo::duration_of("2s"), std::optional<std::chrono::milliseconds>(2000ms));
  EXPECT_EQ(GoogleVeo::duration_of("0.25s"), std::optional<std::chrono::milliseconds>(250ms));
  EXPECT_FALSE(GoogleVeo::duration_of("s"));
  EXPECT_FALSE(GoogleVeo::duration_of("-1s"));
  EXPECT_FALSE(GoogleVeo::duration_of("99999999999999s"));
}

// ---- whole jobs over the ScriptedClient ---------------------------------------------------------

using VeoJob = reel::VideoJob<GoogleVeo, reel::testing::ScriptedClient>;

asio::awaitable<reel::job::Outcome> generate(VeoJob& job, VideoRequest request, std::filesystem::path out) {
  co_return co_await job.generate(request, out);
}

TEST(GoogleVeoJobs, RunningThenDoneIsDownloadedWithTheKeyFromTheApi) {
  reel_test::JobWorld w;
  const std::string video = reel_test::video_bytes(30'000);
  w.client.expect("POST", api + "/v1beta/models/" + model + ":predictLongRunning")
      .header("x-goog-api-key", key)
      .no_header("Authorization")
      .respond(200, running_op())
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", op_url).header("x-goog-api-key", key).respond(200, running_op()).response_header("Content-Type", "application/json");
  w.client.expect("GET", op_url).respond(200, done_op(file_uri)).response_header("Content-Type", "application/json");
  w.client.expect("GET", file_uri).header("x-goog-api-key", key).respond(200, video).response_header("Content-Type", "video/mp4");
  VeoJob job(w.client, veo(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.model = model, .prompt = "a cat"}, w.dir / "v.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "v.mp4"), video);
  EXPECT_EQ(outcome.handle.job_id, op_name);
}

TEST(GoogleVeoJobs, AForeignHostVideoGetsNoKey) {
  reel_test::JobWorld w;
  const std::string video = reel_test::video_bytes(20'000);
  const std::string foreign = "https://storage.googleapis.com/veo-out/v.mp4";
  w.client.expect("POST", api + "/v1beta/models/" + model + ":predictLongRunning")
      .respond(200, running_op())
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", op_url).respond(200, done_op(foreign)).response_header("Content-Type", "application/json");
  w.client.expect("GET", foreign).no_header("x-goog-api-key").no_header("Authorization").respond(200, video).response_header(
      "Content-Type", "video/mp4");
  VeoJob job(w.client, veo(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.model = model, .prompt = "a cat"}, w.dir / "f.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "f.mp4"), video);
}

TEST(GoogleVeoJobs, CreateThatMayHaveBeenReceivedIsNeverResent) {
  reel_test::JobWorld w;
  w.client.expect("POST", api + "/v1beta/models/" + model + ":predictLongRunning")
      .fail(make_error_code(asio::error::connection_reset), reel::http::Stage::response);
  VeoJob job(w.client, veo(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.prompt = "a cat"}, w.dir / "a.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::ambiguous);
  EXPECT_EQ(outcome.error.code, Errc::ambiguous_submit);
  EXPECT_EQ(w.client.requests().size(), 1u);
  EXPECT_FALSE(outcome.handle.submitted());
}

TEST(GoogleVeoJobs, FilteredOperationEndsTheJobAsContentPolicy) {
  reel_test::JobWorld w;
  w.client.expect("POST", api + "/v1beta/models/" + model + ":predictLongRunning")
      .respond(200, running_op())
      .response_header("Content-Type", "application/json");
  w.client.expect("GET", op_url)
      .respond(200, R"({"name":")" + op_name +
                        R"(","done":true,"response":{"generateVideoResponse":{"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["unsafe"]}}})")
      .response_header("Content-Type", "application/json");
  VeoJob job(w.client, veo(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.prompt = "a cat"}, w.dir / "c.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(outcome.error.code, Errc::content_policy);
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(outcome.handle.job_id, op_name);
}

TEST(GoogleVeoJobs, RetiredModelFailsAtTheCreateWithoutAHandle) {
  reel_test::JobWorld w;
  w.client.expect("POST", api + "/v1beta/models/veo-3.1-generate-preview:predictLongRunning")
      .respond(404, R"({"error":{"code":404,"message":"models/veo-3.1-generate-preview is no longer available.","status":"NOT_FOUND"}})")
      .response_header("Content-Type", "application/json");
  VeoJob job(w.client, veo(), w.account, reel_test::quick_options());
  const auto outcome = w.run(generate(job, VideoRequest{.model = "veo-3.1-generate-preview", .prompt = "a cat"}, w.dir / "r.mp4"));
  EXPECT_EQ(outcome.error.code, Errc::model_not_found);
  EXPECT_EQ(w.client.requests().size(), 1u);
  EXPECT_FALSE(outcome.handle.submitted());
}

}  // namespace
