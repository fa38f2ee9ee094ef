// SPDX-License-Identifier: BSL-1.0
// reel::Lumenfall traits against Lumenfall's documented API (specs/README.md,
// lumenfall-get-video.md) and the OpenAI video object it follows (openai-videos.yaml): every
// request, create/status/cancel/delete/dry-run answers and the error envelope.
#include "provider_test_support.hpp"

#include <reel/providers/lumenfall.hpp>
#include <reel/providers/provider.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using reel::Lumenfall;
using reel::job::Errc;
using reel::job::JobError;
using reel::job::JobHandle;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;

static_assert(reel::Provider<Lumenfall>);
static_assert(reel::QuotingProvider<Lumenfall>);
static_assert(reel::CleaningProvider<Lumenfall>);
static_assert(reel::CancellingProvider<Lumenfall>);

const std::string key = "lf-SECRET-9a8b7c6d";
const std::string video_id = "video_abc123";
const std::string idempotency_key = "3f2c8a4e-1b7d-4e0a-9c55-6d1e2f3a4b5c";

Lumenfall lumenfall() { return Lumenfall{key}; }

JobHandle handle() {
  JobHandle h;
  h.provider = "lumenfall";
  h.base_url = "https://api.lumenfall.ai/openai/v1";
  h.model = "sora-2";
  h.job_id = video_id;
  h.idempotency_key = idempotency_key;
  return h;
}

Lumenfall::Request create_body() {
  Lumenfall::Request c;
  c.model = "sora-2";
  c.prompt = "A capybara lounging in a hot spring";
  c.seconds = "8";
  c.size = "1280x720";
  return c;
}

/// A video object as Lumenfall sends it (the documented example) with `status` and extra
/// members spliced in.
std::string video_json(const std::string& status, const std::string& extra = "") {
  return R"({"id":"video_abc123","object":"video","created_at":1702345678,"completed_at":null,"expires_at":null,)"
         R"("status":")" +
         status +
         R"(","model":"sora-2","prompt":"A capybara lounging in a hot spring","seconds":"10","size":"1920x1080",)"
         R"("remixed_from_video_id":null)" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

// ---- requests -------------------------------------------------------------------------------

TEST(LumenfallRequests, TraitsConstants) {
  EXPECT_EQ(Lumenfall::name, "lumenfall");
  EXPECT_TRUE(Lumenfall::idempotent_create);
  EXPECT_FALSE(Lumenfall::has_models);
  EXPECT_EQ(Lumenfall::create_bucket, reel::policy::Bucket::create);
  EXPECT_EQ(Lumenfall::status_bucket, reel::policy::Bucket::status);
  EXPECT_EQ(reel::policy::to_string(Lumenfall::create_bucket), "create");
  EXPECT_EQ(Lumenfall{}.base_url, "https://api.lumenfall.ai/openai/v1");
}

TEST(LumenfallRequests, NativeMapsSecondsSizeAndImage) {
  VideoRequest common;
  common.model = "sora-2";
  common.prompt = "A capybara";
  common.duration_seconds = 8;
  common.resolution = "1280x720";
  common.aspect_ratio = "16:9";
  common.image = "https://example.com/first-frame.png";
  common.negative_prompt = "blurry";           // not in Lumenfall's own fields: forwarded upstream
  common.audio = "https://example.com/a.mp3";  // likewise, as audio_url
  const Lumenfall::Request c = Lumenfall::native(common);
  EXPECT_EQ(c.model, "sora-2");
  EXPECT_EQ(c.prompt, "A capybara");
  EXPECT_EQ(c.seconds, "8");
  EXPECT_EQ(c.size, "1280x720");  // the resolution wins over the aspect ratio
  ASSERT_TRUE(c.input_reference);
  EXPECT_EQ(c.input_reference->image_url, "https://example.com/first-frame.png");
  EXPECT_FALSE(c.input_reference->file_id);
  EXPECT_FALSE(c.idempotency_key);

  JobHandle h = handle();
  h.idempotency_key.reset();
  const auto body = body_json(lumenfall().create_request(c, h));
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "seconds", "size", "input_reference", "aspect_ratio",
                                                  "negative_prompt", "audio_url"}));
  EXPECT_EQ(str(body, "negative_prompt"), "blurry");
  EXPECT_EQ(str(body, "audio_url"), "https://example.com/a.mp3");
  EXPECT_EQ(str(body, "resolution"), "<absent>");  // a WxH travels as `size` only
  EXPECT_EQ(str(body, "seconds"), "8");  // a string, as OpenAI's VideoSeconds
  EXPECT_EQ(str(body, "size"), "1280x720");
  ASSERT_NE(body.find("input_reference"), nullptr);
  EXPECT_EQ(keys(*body.find("input_reference")), (std::vector<std::string>{"image_url"}));
  EXPECT_EQ(str(*body.find("input_reference"), "image_url"), "https://example.com/first-frame.png");
}

TEST(LumenfallRequests, NativeFallsBackToTheAspectRatioAndLeavesUnsetFieldsOut) {
  VideoRequest common;
  common.model = "veo-3";
  common.prompt = "Waves";
  common.aspect_ratio = "9:16";
  Lumenfall::Request c = Lumenfall::native(common);
  EXPECT_EQ(c.size, "9:16");
  EXPECT_FALSE(c.seconds);
  EXPECT_FALSE(c.input_reference);
  JobHandle h = handle();
  h.idempotency_key.reset();
  EXPECT_EQ(keys(body_json(lumenfall().create_request(c, h))),
            (std::vector<std::string>{"model", "prompt", "size", "aspect_ratio"}));

  common.aspect_ratio.reset();
  c = Lumenfall::native(common);
  EXPECT_FALSE(c.size);
  EXPECT_EQ(keys(body_json(lumenfall().create_request(c, h))), (std::vector<std::string>{"model", "prompt"}));
}

TEST(LumenfallRequests, CreateIsAnAuthenticatedJsonPostWithTheHandlesIdempotencyKey) {
  const auto r = lumenfall().create_request(create_body(), handle());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.lumenfall.ai/openai/v1/videos");
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  EXPECT_EQ(r.headers.count("Authorization"), 1u);
  EXPECT_EQ(r.headers.find("Content-Type"), "application/json");
  const auto body = body_json(r);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "seconds", "size", "idempotency_key"}));
  EXPECT_EQ(str(body, "model"), "sora-2");
  EXPECT_EQ(str(body, "prompt"), "A capybara lounging in a hot spring");
  EXPECT_EQ(str(body, "seconds"), "8");
  EXPECT_EQ(str(body, "size"), "1280x720");
  EXPECT_EQ(str(body, "idempotency_key"), idempotency_key);
  EXPECT_FALSE(contains(r.body, key));
  EXPECT_FALSE(contains(r.url, key));
}

TEST(LumenfallRequests, TheHandlesKeyWinsAndNoKeyMeansNone) {
  Lumenfall::Request c = create_body();
  c.idempotency_key = "from-the-request";
  EXPECT_EQ(str(body_json(lumenfall().create_request(c, handle())), "idempotency_key"), idempotency_key);
  JobHandle keyless = handle();
  keyless.idempotency_key.reset();
  EXPECT_EQ(str(body_json(lumenfall().create_request(c, keyless)), "idempotency_key"), "from-the-request");
  EXPECT_EQ(body_json(lumenfall().create_request(create_body(), keyless)).find("idempotency_key"), nullptr);
}

TEST(LumenfallRequests, CreateCarriesTheOtherOptionalFields) {
  Lumenfall::Request c = create_body();
  c.n = 1;
  c.webhook_url = "https://example.com/hook";
  c.input_reference = reel::lumenfall::InputReference{std::nullopt, std::string("file-123")};
  const auto body = body_json(lumenfall().create_request(c, handle()));
  EXPECT_EQ(integer(body, "n"), 1);
  EXPECT_EQ(str(body, "webhook_url"), "https://example.com/hook");
  ASSERT_NE(body.find("input_reference"), nullptr);
  EXPECT_EQ(keys(*body.find("input_reference")), (std::vector<std::string>{"file_id"}));
  EXPECT_EQ(str(*body.find("input_reference"), "file_id"), "file-123");
}

TEST(LumenfallRequests, StatusIsAnAuthenticatedGetOfTheVideo) {
  const auto r = lumenfall().status_request(handle());
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://api.lumenfall.ai/openai/v1/videos/video_abc123");
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  EXPECT_TRUE(r.body.empty());
}

TEST(LumenfallRequests, CancelAndCleanupAreAnAuthenticatedDelete) {
  for (const auto& r : {lumenfall().cancel_request(handle()), lumenfall().cleanup_request(handle())}) {
    EXPECT_EQ(r.method, "DELETE");
    EXPECT_EQ(r.url, "https://api.lumenfall.ai/openai/v1/videos/video_abc123");
    EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
    EXPECT_TRUE(r.body.empty());
  }
}

TEST(LumenfallRequests, QuoteIsADryRunCreate) {
  const auto r = lumenfall().quote_request(create_body());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.lumenfall.ai/openai/v1/videos?dryRun=true");
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  EXPECT_EQ(r.headers.find("Content-Type"), "application/json");
  const auto body = body_json(r);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "seconds", "size"}));
  EXPECT_EQ(str(body, "model"), "sora-2");
  EXPECT_EQ(str(body, "seconds"), "8");
}

TEST(LumenfallRequests, BaseUrlIsConfigurable) {
  Lumenfall l{key, "http://127.0.0.1:9000/openai/v1"};
  EXPECT_EQ(l.create_request(create_body(), handle()).url, "http://127.0.0.1:9000/openai/v1/videos");
  EXPECT_EQ(l.status_request(handle()).url, "http://127.0.0.1:9000/openai/v1/videos/video_abc123");
  EXPECT_EQ(l.cancel_request(handle()).url, "http://127.0.0.1:9000/openai/v1/videos/video_abc123");
  EXPECT_EQ(l.quote_request(create_body()).url, "http://127.0.0.1:9000/openai/v1/videos?dryRun=true");
}

TEST(LumenfallRequests, DownloadHasNoAuthorizationAndThereIsNothingToRevoke) {
  const std::string url = "https://media.lumenfall.ai/video_abc123.mp4";
  const auto r = Lumenfall::download_request(url);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, url);
  EXPECT_EQ(r.headers.count("Authorization"), 0u);
  EXPECT_TRUE(r.body.empty());
  JobHandle h = handle();
  h.download_url = url;
  EXPECT_FALSE(lumenfall().revoke_request(h));
  EXPECT_FALSE(Lumenfall::status_body_is_video(response(200, "....", "video/mp4").head));
}

// ---- create ---------------------------------------------------------------------------------

TEST(LumenfallCreate, Accepted202FillsTheHandle) {
  JobHandle h;
  h.model = "sora-2-requested";
  h.idempotency_key = idempotency_key;
  const auto r = Lumenfall::on_created(
      response(202, video_json("queued", R"("progress":0,"metadata":{"cost_estimate":0.4,"cost_currency":"USD"})")), h);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(h.submitted());
  EXPECT_EQ(h.job_id, video_id);
  EXPECT_EQ(h.model, "sora-2");
  EXPECT_EQ(h.idempotency_key, idempotency_key);
}

TEST(LumenfallCreate, ExistingVideo200And201AreAccepted) {
  for (int status : {200, 201}) {
    JobHandle h;
    const auto r = Lumenfall::on_created(response(status, video_json("in_progress", R"("progress":40)")), h);
    ASSERT_TRUE(r) << status << ": " << r.error().message();
    EXPECT_EQ(h.job_id, video_id) << status;
  }
}

TEST(LumenfallCreate, AnAnswerWithoutModelKeepsTheHandlesModel) {
  JobHandle h;
  h.model = "sora-2";
  const auto r = Lumenfall::on_created(response(202, R"({"id":"video_x","object":"video","status":"queued"})"), h);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(h.job_id, "video_x");
  EXPECT_EQ(h.model, "sora-2");
}

TEST(LumenfallCreate, MissingOrEmptyIdIsUnexpected) {
  JobHandle h;
  const auto missing = Lumenfall::on_created(response(202, R"({"object":"video","status":"queued"})"), h);
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), Errc::unexpected_response);
  EXPECT_EQ(missing.error().provider.status, 202);
  EXPECT_TRUE(contains(missing.error().provider.message, "id")) << missing.error().provider.message;
  EXPECT_FALSE(h.submitted());

  const auto empty = Lumenfall::on_created(response(202, R"({"id":"","object":"video","status":"queued"})"), h);
  ASSERT_FALSE(empty);
  EXPECT_EQ(errc(empty.error()), Errc::unexpected_response);
  EXPECT_FALSE(h.submitted());

  const auto html = Lumenfall::on_created(response(202, "<html>Accepted</html>", "text/html"), h);
  ASSERT_FALSE(html);
  EXPECT_EQ(errc(html.error()), Errc::unexpected_response);
  EXPECT_TRUE(contains(html.error().provider.message, "HTTP 202")) << html.error().provider.message;
  EXPECT_TRUE(contains(html.error().provider.message, "syntax error")) << html.error().provider.message;
  EXPECT_FALSE(h.submitted());
}

std::string envelope(const std::string& message, const std::string& type, const std::string& code) {
  return R"({"error":{"message":")" + message + R"(","type":")" + type + R"(","code":")" + code + R"("}})";
}

TEST(LumenfallCreate, ErrorsLeaveTheHandleUnsubmitted) {
  struct Case {
    int status;
    std::string body;
    Errc expected;
  };
  const Case cases[] = {
      {400, envelope("seconds must be one of 4, 8, 12", "invalid_request_error", "INVALID_REQUEST"), Errc::invalid_request},
      {400, envelope("The prompt violates the content policy", "invalid_request_error", "CONTENT_POLICY_VIOLATION"),
       Errc::content_policy},
      {401, envelope("Invalid API key", "authentication_error", "AUTHENTICATION_FAILED"), Errc::unauthorized},
      {402, envelope("Insufficient balance", "billing_error", "INSUFFICIENT_BALANCE"), Errc::insufficient_balance},
      {404, envelope("Model not found: sora-9", "not_found_error", "MODEL_NOT_FOUND"), Errc::model_not_found},
      {429, envelope("Too many requests", "rate_limit_error", "RATE_LIMITED"), Errc::rate_limited},
      {502, envelope("All providers failed", "api_error", "ALL_PROVIDERS_EXHAUSTED"), Errc::provider_error},
  };
  for (const Case& c : cases) {
    JobHandle h;
    const auto r = Lumenfall::on_created(response(c.status, c.body), h);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(errc(r.error()), c.expected) << c.body;
    EXPECT_EQ(r.error().provider.status, c.status);
    EXPECT_FALSE(r.error().provider.code.empty());
    EXPECT_FALSE(h.submitted());
  }
}

// ---- status ---------------------------------------------------------------------------------

TEST(LumenfallStatus, QueuedWithACostEstimate) {
  const auto r = Lumenfall::on_status(
      response(200, video_json("queued", R"("progress":0,"output":null,"error":null,"metadata":{"model":"sora-2","executed_model":"openai/sora-2","provider":"openai","provider_name":"OpenAI","cost_estimate":0.21,"cost_currency":"USD"})")),
      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::queued);
  EXPECT_EQ(r->percent, 0);
  EXPECT_EQ(r->cost_estimate, 0.21);
  EXPECT_FALSE(r->cost);
  EXPECT_FALSE(r->download_url);
  EXPECT_FALSE(r->expires_at);
  EXPECT_FALSE(r->error.code);
}

TEST(LumenfallStatus, InProgressReportsProgress) {
  const auto r = Lumenfall::on_status(response(200, video_json("in_progress", R"("progress":42,"output":null,"error":null)")),
                                      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::running);
  EXPECT_EQ(r->percent, 42);
  EXPECT_FALSE(r->download_url);

  const auto null_progress = Lumenfall::on_status(response(200, video_json("in_progress", R"("progress":null)")), handle());
  ASSERT_TRUE(null_progress) << null_progress.error().message();
  EXPECT_FALSE(null_progress->percent);

  const auto without = Lumenfall::on_status(response(200, video_json("in_progress")), handle());
  ASSERT_TRUE(without) << without.error().message();
  EXPECT_EQ(without->phase, Phase::running);
  EXPECT_FALSE(without->percent);
}

TEST(LumenfallStatus, ProgressIsClampedToAPercentage) {
  const auto high = Lumenfall::on_status(response(200, video_json("in_progress", R"("progress":250)")), handle());
  ASSERT_TRUE(high);
  EXPECT_EQ(high->percent, 100);
  const auto low = Lumenfall::on_status(response(200, video_json("in_progress", R"("progress":-7)")), handle());
  ASSERT_TRUE(low);
  EXPECT_EQ(low->percent, 0);
}

TEST(LumenfallStatus, CompletedCarriesTheOutputAndCost) {
  // The documented "Completed" example, verbatim.
  const auto r = Lumenfall::on_status(response(200, R"({
    "id": "video_abc123",
    "object": "video",
    "created_at": 1702345678,
    "completed_at": 1702345720,
    "expires_at": 1702432120,
    "status": "completed",
    "model": "sora-2",
    "prompt": "A capybara lounging in a hot spring, steam rising gently, slow camera pan",
    "seconds": "10",
    "size": "1920x1080",
    "output": {
      "url": "https://media.lumenfall.ai/video_abc123.mp4",
      "content_type": "video/mp4",
      "size_bytes": 15728640
    },
    "error": null,
    "metadata": {
      "model": "sora-2",
      "executed_model": "openai/sora-2",
      "provider": "openai",
      "provider_name": "OpenAI",
      "cost": 0.21,
      "cost_currency": "USD"
    }
  })"),
                                      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::ready);
  EXPECT_EQ(r->download_url, "https://media.lumenfall.ai/video_abc123.mp4");
  EXPECT_EQ(r->size_bytes, 15728640u);
  EXPECT_EQ(r->expires_at, 1702432120);
  EXPECT_EQ(r->cost, 0.21);
  EXPECT_FALSE(r->cost_estimate);
  EXPECT_FALSE(r->video_inline);
  EXPECT_FALSE(r->error.code);
}

TEST(LumenfallStatus, NumericSecondsAreAccepted) {
  const auto r = Lumenfall::on_status(
      response(200, R"({"id":"video_abc123","status":"completed","seconds":8,"output":{"url":"https://media.lumenfall.ai/v.mp4"}})"),
      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::ready);
  EXPECT_EQ(r->download_url, "https://media.lumenfall.ai/v.mp4");
  EXPECT_FALSE(r->size_bytes);
}

// Done without a video to fetch is not ready: still running (bounded by the deadline), named.
TEST(LumenfallStatus, CompletedWithoutOutputKeepsWaiting) {
  for (const std::string& extra : {std::string(R"("output":null)"), std::string(), std::string(R"("output":{"url":""})")}) {
    const auto r = Lumenfall::on_status(response(200, video_json("completed", extra)), handle());
    ASSERT_TRUE(r) << extra;
    EXPECT_EQ(r->phase, Phase::running) << extra;
    ASSERT_TRUE(r->unknown_status) << extra;
    EXPECT_TRUE(contains(*r->unknown_status, "output")) << *r->unknown_status;
  }
  const auto succeeded = Lumenfall::on_status(
      response(200, video_json("succeeded", R"("output":{"url":"https://media.lumenfall.ai/v.mp4"})")), handle());
  ASSERT_TRUE(succeeded);
  EXPECT_EQ(succeeded->phase, Phase::ready);
}

// Fields reel does not need never break a poll: fractions, nulls, missing optional members.
TEST(LumenfallStatus, FractionalNumbersNullsAndMissingFieldsAreRead) {
  const auto r = Lumenfall::on_status(
      response(200, R"({"id":"video_1","object":"video","status":"IN_PROGRESS","model":null,"progress":12.5,)"
                    R"("created_at":1764800000.25,"completed_at":null,"expires_at":null,"seconds":8.0,"size":null,)"
                    R"("error":null,"output":null,"metadata":null})"),
      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::running);
  EXPECT_EQ(r->percent, 12);
  const auto failed = Lumenfall::on_status(
      response(200, R"({"id":"video_1","status":"failed","error":{"message":"no code here"}})"), handle());
  ASSERT_TRUE(failed) << failed.error().message();
  EXPECT_EQ(errc(failed->error), Errc::failed_at_provider);
  EXPECT_EQ(failed->error.provider.message, "no code here");
  const auto null_code = Lumenfall::on_status(
      response(200, R"({"id":"video_1","status":"failed","error":{"code":null,"message":null}})"), handle());
  ASSERT_TRUE(null_code) << null_code.error().message();
  EXPECT_EQ(null_code->phase, Phase::failed);
}

TEST(LumenfallStatus, GenerationFailedIsFailedAtProvider) {
  const auto r = Lumenfall::on_status(
      response(200, video_json("failed", R"("progress":0,"output":null,"error":{"code":"GENERATION_FAILED","message":"The upstream provider could not generate the video."})")),
      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::failed);
  EXPECT_EQ(errc(r->error), Errc::failed_at_provider);
  EXPECT_EQ(r->error.provider.code, "GENERATION_FAILED");
  EXPECT_EQ(r->error.provider.message, "The upstream provider could not generate the video.");
  EXPECT_EQ(r->error.provider.status, 0);  // a job's failed status, not an HTTP error
  EXPECT_EQ(r->error.message(), "the job failed at the provider: The upstream provider could not generate the video.");
  EXPECT_FALSE(r->cost);
}

TEST(LumenfallStatus, ContentPolicyFailureIsContentPolicy) {
  const auto r = Lumenfall::on_status(
      response(200, video_json("failed", R"("error":{"code":"CONTENT_POLICY_VIOLATION","message":"The output was flagged."})")),
      handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::failed);
  EXPECT_EQ(errc(r->error), Errc::content_policy);
  EXPECT_EQ(r->error.provider.code, "CONTENT_POLICY_VIOLATION");
  EXPECT_EQ(r->error.provider.message, "The output was flagged.");
}

TEST(LumenfallStatus, FailedWithoutAnErrorObjectStillFails) {
  for (const std::string& extra : {std::string(R"("error":null)"), std::string()}) {
    const auto r = Lumenfall::on_status(response(200, video_json("failed", extra)), handle());
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->phase, Phase::failed);
    EXPECT_EQ(errc(r->error), Errc::failed_at_provider);
    EXPECT_TRUE(r->error.provider.code.empty());
    EXPECT_FALSE(r->error.provider.message.empty());
  }
}

TEST(LumenfallStatus, UnknownStatusesRunAndCancelledIsCancelled) {
  for (const char* word : {"cancelled", "canceled", "CANCELLED"}) {
    const auto r = Lumenfall::on_status(response(200, video_json(word)), handle());
    ASSERT_TRUE(r) << word;
    EXPECT_EQ(r->phase, Phase::failed) << word;
    EXPECT_EQ(errc(r->error), Errc::cancelled_at_provider) << word;
  }
  for (const char* word : {"preprocessing", "finalizing", "paused"}) {
    const auto r = Lumenfall::on_status(response(200, video_json(word)), handle());
    ASSERT_TRUE(r) << word;
    EXPECT_EQ(r->phase, Phase::running) << word;
    EXPECT_EQ(r->unknown_status, word);
  }
  const auto queued = Lumenfall::on_status(response(200, video_json("QUEUED")), handle());
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->phase, Phase::queued);
  const auto missing = Lumenfall::on_status(response(200, R"({"id":"video_abc123"})"), handle());
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), Errc::unexpected_response);
  const auto html = Lumenfall::on_status(response(200, "<html></html>", "text/html"), handle());
  ASSERT_FALSE(html);
  EXPECT_EQ(errc(html.error()), Errc::unexpected_response);
}

TEST(LumenfallStatus, ErrorStatusesAreErrors) {
  struct Case {
    int status;
    std::string body;
    Errc expected;
  };
  const Case cases[] = {
      {401, envelope("Invalid API key", "authentication_error", "AUTHENTICATION_FAILED"), Errc::unauthorized},
      {404, envelope("Video not found", "not_found_error", "NOT_FOUND"), Errc::job_not_found},
      {429, envelope("Too many requests", "rate_limit_error", "RATE_LIMITED"), Errc::rate_limited},
      {500, envelope("Internal error", "api_error", "INTERNAL_ERROR"), Errc::provider_error},
      {502, envelope("All providers failed", "api_error", "ALL_PROVIDERS_EXHAUSTED"), Errc::provider_error},
      {503, envelope("Unavailable", "api_error", "SERVICE_UNAVAILABLE"), Errc::at_capacity},
  };
  for (const Case& c : cases) {
    const auto r = Lumenfall::on_status(response(c.status, c.body), handle());
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(errc(r.error()), c.expected) << c.body;
    EXPECT_EQ(r.error().provider.status, c.status);
  }
}

// ---- cancel, cleanup, quote -----------------------------------------------------------------

TEST(LumenfallCancel, OkAndNoContentAreDone) {
  EXPECT_TRUE(Lumenfall::on_cancel(response(200, R"({"id":"video_abc123","object":"video.deleted","deleted":true})")));
  EXPECT_TRUE(Lumenfall::on_cancel(response(204, "", "")));
}

TEST(LumenfallCancel, NotFoundAndOtherErrorsAreErrors) {
  const auto gone = Lumenfall::on_cancel(response(404, envelope("Video not found", "not_found_error", "NOT_FOUND")));
  ASSERT_FALSE(gone);
  EXPECT_EQ(errc(gone.error()), Errc::job_not_found);
  EXPECT_EQ(gone.error().provider.message, "Video not found");
  const auto auth = Lumenfall::on_cancel(response(401, envelope("Invalid API key", "authentication_error", "AUTHENTICATION_FAILED")));
  ASSERT_FALSE(auth);
  EXPECT_EQ(errc(auth.error()), Errc::unauthorized);
  const auto limited = Lumenfall::on_cancel(response(429, envelope("Slow down", "rate_limit_error", "RATE_LIMITED")));
  ASSERT_FALSE(limited);
  EXPECT_EQ(errc(limited.error()), Errc::rate_limited);
}

TEST(LumenfallCleanup, OkNoContentAndNotFoundAreDone) {
  EXPECT_TRUE(Lumenfall::on_cleanup(response(200, R"({"id":"video_abc123","object":"video.deleted","deleted":true})")));
  EXPECT_TRUE(Lumenfall::on_cleanup(response(204, "", "")));
  EXPECT_TRUE(Lumenfall::on_cleanup(response(404, envelope("Video not found", "not_found_error", "NOT_FOUND"))));
}

TEST(LumenfallCleanup, OtherErrorsAreErrors) {
  const auto failed = Lumenfall::on_cleanup(response(500, envelope("Internal error", "api_error", "INTERNAL_ERROR")));
  ASSERT_FALSE(failed);
  EXPECT_EQ(errc(failed.error()), Errc::provider_error);
  const auto auth = Lumenfall::on_cleanup(response(401, envelope("Invalid API key", "authentication_error", "AUTHENTICATION_FAILED")));
  ASSERT_FALSE(auth);
  EXPECT_EQ(errc(auth.error()), Errc::unauthorized);
}

TEST(LumenfallQuote, TotalCostMicrosIsUsd) {
  const auto r = Lumenfall::on_quote(response(
      200,
      R"({"object":"video.estimate","model":"sora-2","seconds":"8","size":"1280x720","total_cost_micros":800000,"currency":"USD"})"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_DOUBLE_EQ(*r, 0.8);
  const auto cents = Lumenfall::on_quote(response(200, R"({"total_cost_micros":12345})"));
  ASSERT_TRUE(cents);
  EXPECT_DOUBLE_EQ(*cents, 0.012345);
  const auto free = Lumenfall::on_quote(response(200, R"({"total_cost_micros":0})"));
  ASSERT_TRUE(free);
  EXPECT_DOUBLE_EQ(*free, 0.0);
}

TEST(LumenfallQuote, ErrorsAndMalformedAnswers) {
  const auto bad = Lumenfall::on_quote(response(400, envelope("size is not supported", "invalid_request_error", "INVALID_REQUEST")));
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::invalid_request);
  EXPECT_EQ(bad.error().provider.message, "size is not supported");
  const auto model = Lumenfall::on_quote(response(404, envelope("Model not found", "not_found_error", "MODEL_NOT_FOUND")));
  ASSERT_FALSE(model);
  EXPECT_EQ(errc(model.error()), Errc::model_not_found);
  const auto missing = Lumenfall::on_quote(response(200, R"({"object":"video.estimate"})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), Errc::unexpected_response);
  EXPECT_TRUE(contains(missing.error().provider.message, "total_cost_micros")) << missing.error().provider.message;
}

// ---- error_of -------------------------------------------------------------------------------

TEST(LumenfallErrors, EnvelopeCodesRefineTheStatus) {
  struct Case {
    int status;
    const char* type;
    const char* code;
    Errc expected;
  };
  const Case cases[] = {
      {401, "authentication_error", "AUTHENTICATION_FAILED", Errc::unauthorized},
      {402, "billing_error", "INSUFFICIENT_BALANCE", Errc::insufficient_balance},
      {400, "invalid_request_error", "INVALID_REQUEST", Errc::invalid_request},
      {400, "invalid_request_error", "CONTENT_POLICY_VIOLATION", Errc::content_policy},
      {404, "not_found_error", "MODEL_NOT_FOUND", Errc::model_not_found},
      {404, "not_found_error", "NOT_FOUND", Errc::job_not_found},
      {429, "rate_limit_error", "RATE_LIMITED", Errc::rate_limited},
      {502, "api_error", "ALL_PROVIDERS_EXHAUSTED", Errc::provider_error},
  };
  for (const Case& c : cases) {
    const JobError e = Lumenfall::error_of(response(c.status, envelope("words from Lumenfall", c.type, c.code)));
    EXPECT_EQ(errc(e), c.expected) << c.code;
    EXPECT_EQ(e.provider.status, c.status) << c.code;
    EXPECT_EQ(e.provider.code, c.code);
    EXPECT_EQ(e.provider.message, "words from Lumenfall") << c.code;
  }
}

TEST(LumenfallErrors, CodesWinOverAnUnusualStatus) {
  // The envelope's code decides even when the status alone would say something else.
  EXPECT_EQ(errc(Lumenfall::error_of(response(403, envelope("no", "authentication_error", "AUTHENTICATION_FAILED")))),
            Errc::unauthorized);
  EXPECT_EQ(errc(Lumenfall::error_of(response(422, envelope("no", "invalid_request_error", "CONTENT_POLICY_VIOLATION")))),
            Errc::content_policy);
  EXPECT_EQ(errc(Lumenfall::error_of(response(400, envelope("no", "billing_error", "INSUFFICIENT_BALANCE")))),
            Errc::insufficient_balance);
  EXPECT_EQ(errc(Lumenfall::error_of(response(503, envelope("no", "api_error", "ALL_PROVIDERS_EXHAUSTED")))),
            Errc::provider_error);
  EXPECT_EQ(errc(Lumenfall::error_of(response(400, envelope("no", "rate_limit_error", "RATE_LIMITED")))),
            Errc::rate_limited);
}

TEST(LumenfallErrors, Conflict409IsNotVeniceConsent) {
  // needs_consent is Venice's 409 (error.hpp: "409 (Venice)"); a Lumenfall 409 (an idempotency
  // key reused with a different body) has no consent flow to offer.
  const JobError e = Lumenfall::error_of(
      response(409, envelope("Idempotency key reused with different parameters", "invalid_request_error", "CONFLICT")));
  EXPECT_EQ(e.provider.status, 409);
  EXPECT_EQ(e.provider.code, "CONFLICT");
  EXPECT_NE(errc(e), Errc::needs_consent)
      << "trait bug: Lumenfall::error_of maps every 409 to needs_consent through providers::errc_for_status";
}

TEST(LumenfallErrors, AStringErrorIsTheMessage) {
  const JobError e = Lumenfall::error_of(response(400, R"({"error":"prompt is required"})"));
  EXPECT_EQ(errc(e), Errc::invalid_request);
  EXPECT_EQ(e.provider.message, "prompt is required");
  EXPECT_TRUE(e.provider.code.empty());
  EXPECT_EQ(e.message(), "the provider refused the request's parameters: prompt is required");
}

TEST(LumenfallErrors, NonJsonAndShapelessBodiesKeepTheStatus) {
  const JobError html = Lumenfall::error_of(response(502, "<html><body>502 Bad Gateway</body></html>", "text/html"));
  EXPECT_EQ(errc(html), Errc::provider_error);
  EXPECT_EQ(html.provider.status, 502);
  EXPECT_EQ(html.provider.message, "HTTP 502");
  const JobError empty = Lumenfall::error_of(response(429, "", ""));
  EXPECT_EQ(errc(empty), Errc::rate_limited);
  EXPECT_EQ(empty.provider.message, "HTTP 429");
  const JobError other = Lumenfall::error_of(response(401, R"({"message":"Unauthorized"})"));
  EXPECT_EQ(errc(other), Errc::unauthorized);
  EXPECT_EQ(other.provider.message, "HTTP 401");
  EXPECT_EQ(errc(Lumenfall::error_of(response(418, "{}"))), Errc::unexpected_response);
}

TEST(LumenfallErrors, TheApiKeyNeverAppearsInErrors) {
  const Lumenfall l = lumenfall();
  std::vector<JobError> errors;
  errors.push_back(Lumenfall::error_of(response(401, envelope("Invalid API key", "authentication_error", "AUTHENTICATION_FAILED"))));
  errors.push_back(Lumenfall::error_of(response(500, "oops", "text/plain")));
  JobHandle h;
  errors.push_back(Lumenfall::on_created(response(202, "not json"), h).error());
  errors.push_back(Lumenfall::on_created(response(202, R"({"id":"","status":"queued"})"), h).error());
  errors.push_back(Lumenfall::on_status(response(200, R"({"status":"queued"})"), handle()).error());
  errors.push_back(Lumenfall::on_status(response(404, "oops", "text/plain"), handle()).error());
  errors.push_back(Lumenfall::on_status(response(200, video_json("failed")), handle())->error);
  errors.push_back(Lumenfall::on_cancel(response(404, "")).error());
  errors.push_back(Lumenfall::on_quote(response(200, "{}")).error());
  for (const JobError& e : errors) {
    EXPECT_TRUE(e.code);
    EXPECT_FALSE(contains(e.message(), l.api_key)) << e.message();
  }
  for (const auto& r : {l.create_request(create_body(), handle()), l.status_request(handle()), l.cancel_request(handle()),
                        l.cleanup_request(handle()), l.quote_request(create_body())}) {
    EXPECT_FALSE(contains(r.body, l.api_key));
    EXPECT_FALSE(contains(r.url, l.api_key));
    EXPECT_EQ(r.url.rfind(l.base_url, 0), 0u);
  }
}

}  // namespace
