// SPDX-License-Identifier: BSL-1.0
// reel::Venice traits against venice-swagger.yaml and the video generation guide: every request
// (method, URL, headers, JSON body), every documented answer of queue, retrieve, complete, quote
// and /models, request validation against a model's constraints, and every error shape.
#include "provider_test_support.hpp"

#include <reel/providers/lumenfall.hpp>
#include <reel/providers/provider.hpp>
#include <reel/providers/venice.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>
#include <string>
#include <vector>

namespace {

using reel::Venice;
using reel::job::Errc;
using reel::job::JobError;
using reel::job::JobHandle;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;
using namespace std::chrono_literals;

static_assert(reel::Provider<Venice>);
static_assert(reel::QuotingProvider<Venice>);
static_assert(reel::CleaningProvider<Venice>);
static_assert(!reel::CancellingProvider<Venice>);
static_assert(reel::Provider<reel::Lumenfall>);
static_assert(reel::QuotingProvider<reel::Lumenfall>);
static_assert(reel::CleaningProvider<reel::Lumenfall>);
static_assert(reel::CancellingProvider<reel::Lumenfall>);

const std::string key = "vk-SECRET-4c1d9e0f";
const std::string queue_id = "123e4567-e89b-12d3-a456-426614174000";
const std::string private_link = "https://private-share.venice.ai/v1/share/read/abc123?sig=xyz";

Venice venice() { return Venice{key}; }

JobHandle handle(std::optional<std::string> download_url = std::nullopt) {
  JobHandle h;
  h.provider = "venice";
  h.base_url = "https://api.venice.ai/api/v1";
  h.model = "wan-2.5-preview-text-to-video";
  h.job_id = queue_id;
  h.download_url = std::move(download_url);
  return h;
}

Venice::Request queue_request() {
  Venice::Request q;
  q.model = "wan-2.5-preview-text-to-video";
  q.prompt = "A gondola gliding through Venice canals at sunset";
  q.duration = "5s";
  q.resolution = "720p";
  q.aspect_ratio = "16:9";
  return q;
}

void expect_api_headers(const reel::http::Request& r) {
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  EXPECT_EQ(r.headers.count("Authorization"), 1u);
  EXPECT_EQ(r.headers.find("Content-Type"), "application/json");
}

// ---- the reel.job error category ------------------------------------------------------------

TEST(JobErrors, CategoryIsNamedReelJob) {
  EXPECT_STREQ(reel::job::job_category().name(), "reel.job");
  const std::error_code ec = Errc::rate_limited;  // is_error_code_enum
  EXPECT_EQ(&ec.category(), &reel::job::job_category());
  EXPECT_EQ(ec.value(), static_cast<int>(Errc::rate_limited));
  EXPECT_FALSE(std::error_code(Errc::ok));
  EXPECT_TRUE(std::error_code(Errc::invalid_request));
}

TEST(JobErrors, EveryCodeHasADistinctNonEmptyMessage) {
  std::vector<std::string> seen;
  for (int v = static_cast<int>(Errc::ok); v <= static_cast<int>(Errc::not_supported); ++v) {
    const std::string m = reel::job::job_category().message(v);
    EXPECT_FALSE(m.empty()) << v;
    EXPECT_NE(m, "unknown reel.job error") << v;
    for (const std::string& other : seen) EXPECT_NE(m, other) << v;
    seen.push_back(m);
  }
  EXPECT_EQ(seen.size(), 21u);  // ok and the 20 error codes
  EXPECT_EQ(reel::job::job_category().message(999), "unknown reel.job error");
}

TEST(JobErrors, MessageJoinsCodeAndProviderMessage) {
  JobError e{make_error_code(Errc::insufficient_balance), {}};
  EXPECT_EQ(e.message(), "insufficient balance");
  e.provider.message = "Add funds at venice.ai";
  EXPECT_EQ(e.message(), "insufficient balance: Add funds at venice.ai");
}

// ---- requests -------------------------------------------------------------------------------

TEST(VeniceRequests, TraitsConstants) {
  EXPECT_EQ(Venice::name, "venice");
  EXPECT_FALSE(Venice::idempotent_create);
  EXPECT_EQ(Venice::create_bucket, reel::policy::Bucket::create);
  EXPECT_EQ(Venice::status_bucket, reel::policy::Bucket::status);
  // Venice's documented limits: 40 creates and 120 polls a minute.
  const reel::job::AccountLimits limits = Venice::default_limits();
  EXPECT_EQ(limits.limits.at(reel::policy::Bucket::create).requests, 40);
  EXPECT_EQ(limits.limits.at(reel::policy::Bucket::status).requests, 120);
  EXPECT_EQ(limits.limits.at(reel::policy::Bucket::status).window, std::chrono::minutes(1));
  EXPECT_TRUE(Venice::has_models);
  EXPECT_EQ(Venice{}.base_url, "https://api.venice.ai/api/v1");
  EXPECT_TRUE(Venice{}.revoke_download_url);
}

TEST(VeniceRequests, NativeMapsEveryCommonField) {
  VideoRequest common;
  common.model = "wan-2.5-preview-image-to-video";
  common.prompt = "Camera slowly zooms in";
  common.duration_seconds = 10;
  common.resolution = "1080p";
  common.aspect_ratio = "9:16";
  common.negative_prompt = "low quality";
  common.image = "data:image/jpeg;base64,/9j/4AAQ";
  common.audio = "https://example.com/music.mp3";
  const Venice::Request q = Venice::native(common);
  EXPECT_EQ(q.model, "wan-2.5-preview-image-to-video");
  EXPECT_EQ(q.prompt, "Camera slowly zooms in");
  EXPECT_EQ(q.duration, "10s");
  EXPECT_EQ(q.resolution, "1080p");
  EXPECT_EQ(q.aspect_ratio, "9:16");
  EXPECT_EQ(q.negative_prompt, "low quality");
  EXPECT_EQ(q.image_url, "data:image/jpeg;base64,/9j/4AAQ");
  EXPECT_EQ(q.audio_url, "https://example.com/music.mp3");
  EXPECT_FALSE(q.audio);  // the boolean audio switch is not the audio input
  EXPECT_FALSE(q.consents);

  const auto body = body_json(venice().create_request(q, handle()));
  EXPECT_EQ(str(body, "duration"), "10s");
  EXPECT_EQ(str(body, "image_url"), "data:image/jpeg;base64,/9j/4AAQ");
  EXPECT_EQ(str(body, "audio_url"), "https://example.com/music.mp3");
  EXPECT_EQ(str(body, "negative_prompt"), "low quality");
  EXPECT_EQ(str(body, "resolution"), "1080p");
  EXPECT_EQ(str(body, "aspect_ratio"), "9:16");
  EXPECT_EQ(body.find("audio"), nullptr);
}

TEST(VeniceRequests, NativeDefaultsToFiveSecondsAndLeavesOptionalFieldsOut) {
  VideoRequest common;
  common.model = "wan-2.5-preview-text-to-video";
  common.prompt = "A gondola";
  const Venice::Request q = Venice::native(common);
  EXPECT_EQ(q.duration, "5s");
  const auto body = body_json(venice().create_request(q, handle()));
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "duration"}));
}

TEST(VeniceRequests, CreateIsAnAuthenticatedJsonPostToQueue) {
  const auto r = venice().create_request(queue_request(), handle());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.venice.ai/api/v1/video/queue");
  expect_api_headers(r);
  const auto body = body_json(r);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "duration", "aspect_ratio", "resolution"}));
  EXPECT_EQ(str(body, "model"), "wan-2.5-preview-text-to-video");
  EXPECT_EQ(str(body, "prompt"), "A gondola gliding through Venice canals at sunset");
  EXPECT_EQ(str(body, "duration"), "5s");
  EXPECT_EQ(str(body, "resolution"), "720p");
  EXPECT_EQ(str(body, "aspect_ratio"), "16:9");
  EXPECT_FALSE(contains(r.body, key));
  EXPECT_FALSE(contains(r.url, key));
}

TEST(VeniceRequests, CreateCarriesProviderSpecificFields) {
  Venice::Request q = queue_request();
  q.upscale_factor = 2;
  q.audio = false;
  q.end_image_url = "https://example.com/end.png";
  q.reference_image_urls = std::vector<std::string>{"https://example.com/a.png", "https://example.com/b.png"};
  q.keyframes = std::vector<reel::venice::Keyframe>{{"https://example.com/k0.png", 0}, {"https://example.com/k1.png", 120}};
  q.elements = std::vector<reel::venice::Element>{{"https://example.com/face.png", std::nullopt, std::nullopt}};
  const auto body = body_json(venice().create_request(q, handle()));
  EXPECT_EQ(integer(body, "upscale_factor"), 2);
  EXPECT_EQ(boolean(body, "audio"), false);
  EXPECT_EQ(str(body, "end_image_url"), "https://example.com/end.png");
  ASSERT_NE(body.find("reference_image_urls"), nullptr);
  ASSERT_TRUE(body.find("reference_image_urls")->is_array());
  EXPECT_EQ(body.find("reference_image_urls")->if_array()->size(), 2u);
  ASSERT_NE(body.find("keyframes"), nullptr);
  const auto& frames = *body.find("keyframes")->if_array();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(str(frames[1], "image_url"), "https://example.com/k1.png");
  EXPECT_EQ(integer(frames[1], "frame_index"), 120);
  ASSERT_NE(body.find("elements"), nullptr);
  const auto& elements = *body.find("elements")->if_array();
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(keys(elements[0]), (std::vector<std::string>{"frontal_image_url"}));
}

TEST(VeniceRequests, BaseUrlIsConfigurable) {
  Venice v{key, "http://127.0.0.1:8080/api/v1"};
  EXPECT_EQ(v.create_request(queue_request(), handle()).url, "http://127.0.0.1:8080/api/v1/video/queue");
  EXPECT_EQ(v.status_request(handle()).url, "http://127.0.0.1:8080/api/v1/video/retrieve");
  EXPECT_EQ(v.cleanup_request(handle()).url, "http://127.0.0.1:8080/api/v1/video/complete");
  EXPECT_EQ(v.quote_request(queue_request()).url, "http://127.0.0.1:8080/api/v1/video/quote");
  EXPECT_EQ(v.models_request().url, "http://127.0.0.1:8080/api/v1/models?type=video");
}

TEST(VeniceRequests, WithConsentsSetsAllThreeSeedanceConsents) {
  const Venice::Request q = Venice::with_consents(queue_request());
  EXPECT_EQ(q.prompt, queue_request().prompt);
  const auto body = body_json(venice().create_request(q, handle()));
  const auto* consents = body.find("consents");
  ASSERT_NE(consents, nullptr);
  EXPECT_EQ(keys(*consents), (std::vector<std::string>{"seedance"}));
  const auto* seedance = consents->find("seedance");
  ASSERT_NE(seedance, nullptr);
  EXPECT_EQ(keys(*seedance).size(), 3u);
  EXPECT_EQ(boolean(*seedance, "confirmed_terms_and_privacy"), true);
  EXPECT_EQ(boolean(*seedance, "confirmed_legal_right"), true);
  EXPECT_EQ(boolean(*seedance, "confirmed_screening_acknowledged"), true);
  EXPECT_EQ(str(body, "model"), "wan-2.5-preview-text-to-video");
  EXPECT_EQ(str(body, "duration"), "5s");
}

TEST(VeniceRequests, StatusIsRetrieveWithModelAndQueueIdOnly) {
  const auto r = venice().status_request(handle());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.venice.ai/api/v1/video/retrieve");
  expect_api_headers(r);
  const auto body = body_json(r);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "queue_id"}));  // no delete_media_on_completion
  EXPECT_EQ(str(body, "model"), "wan-2.5-preview-text-to-video");
  EXPECT_EQ(str(body, "queue_id"), queue_id);
}

TEST(VeniceRequests, CleanupIsCompleteWithModelAndQueueId) {
  const auto r = venice().cleanup_request(handle());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.venice.ai/api/v1/video/complete");
  expect_api_headers(r);
  const auto body = body_json(r);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "queue_id"}));
  EXPECT_EQ(str(body, "model"), "wan-2.5-preview-text-to-video");
  EXPECT_EQ(str(body, "queue_id"), queue_id);
}

TEST(VeniceRequests, QuoteSendsOnlyQuoteVideoRequestFields) {
  Venice::Request q = Venice::with_consents(queue_request());
  q.negative_prompt = "blurry";
  q.image_url = "https://example.com/i.png";
  q.audio_url = "https://example.com/a.mp3";
  q.end_image_url = "https://example.com/e.png";
  q.reference_image_urls = std::vector<std::string>{"https://example.com/r.png"};
  q.upscale_factor = 4;
  q.audio = true;
  q.video_url = "https://example.com/v.mp4";
  const auto r = venice().quote_request(q);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.venice.ai/api/v1/video/quote");
  expect_api_headers(r);
  const auto body = body_json(r);
  const std::vector<std::string> allowed = {"model",          "duration", "aspect_ratio", "resolution",
                                            "upscale_factor", "audio",    "video_url",    "reference_video_total_duration"};
  for (const std::string& k : keys(body)) {
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), k), allowed.end()) << "not a QuoteVideoRequest field: " << k;
  }
  EXPECT_EQ(str(body, "model"), "wan-2.5-preview-text-to-video");
  EXPECT_EQ(str(body, "duration"), "5s");
  EXPECT_EQ(str(body, "aspect_ratio"), "16:9");
  EXPECT_EQ(str(body, "resolution"), "720p");
  EXPECT_EQ(integer(body, "upscale_factor"), 4);
  EXPECT_EQ(boolean(body, "audio"), true);
  EXPECT_EQ(str(body, "video_url"), "https://example.com/v.mp4");
  EXPECT_EQ(body.find("prompt"), nullptr);
  EXPECT_EQ(body.find("consents"), nullptr);
}

TEST(VeniceRequests, QuoteOfAMinimalRequestHasModelAndDurationOnly) {
  Venice::Request q;
  q.model = "wan-2.5-preview-text-to-video";
  q.prompt = "x";
  q.duration = "10s";
  const auto body = body_json(venice().quote_request(q));
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "duration"}));
}

TEST(VeniceRequests, ModelsIsAnAuthenticatedGetOfVideoModels) {
  const auto r = venice().models_request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://api.venice.ai/api/v1/models?type=video");
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  EXPECT_TRUE(r.body.empty());
}

TEST(VeniceRequests, DownloadHasNoAuthorization) {
  const auto r = Venice::download_request(private_link);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, private_link);
  EXPECT_EQ(r.headers.count("Authorization"), 0u);
  EXPECT_TRUE(r.body.empty());
}

TEST(VeniceRequests, RevokeDeletesTheDownloadUrlWithoutAuthorization) {
  const auto r = venice().revoke_request(handle(private_link));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "DELETE");
  EXPECT_EQ(r->url, private_link);
  EXPECT_EQ(r->headers.count("Authorization"), 0u);
  EXPECT_TRUE(r->body.empty());
}

TEST(VeniceRequests, RevokeOnlyWhenConfiguredAndALinkExists) {
  EXPECT_FALSE(venice().revoke_request(handle()));
  Venice keep = venice();
  keep.revoke_download_url = false;
  EXPECT_FALSE(keep.revoke_request(handle(private_link)));
}

// ---- queue ------------------------------------------------------------------------------------

TEST(VeniceQueue, OnCreatedReadsQueueIdAndModel) {
  JobHandle h = handle();
  h.job_id.clear();
  h.model = "requested-model";
  const auto r = Venice::on_created(
      response(200, R"({"model":"wan-2.5-preview-text-to-video","queue_id":")" + queue_id + R"("})"), h);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(h.submitted());
  EXPECT_EQ(h.job_id, queue_id);
  EXPECT_EQ(h.model, "wan-2.5-preview-text-to-video");
  EXPECT_FALSE(h.download_url);
}

TEST(VeniceQueue, OnCreatedKeepsThePrivateDownloadUrl) {
  JobHandle h;
  h.model = "grok-imagine-text-to-video-private";
  const auto r = Venice::on_created(response(200, R"({"model":"grok-imagine-text-to-video-private","queue_id":")" +
                                                      queue_id + R"(","download_url":")" + private_link + R"("})"),
                                    h);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(h.job_id, queue_id);
  EXPECT_EQ(h.download_url, private_link);
}

// A 200 to the create without a queue_id: the job may exist (Venice has no idempotency key).
TEST(VeniceQueue, OnCreatedWithoutQueueIdIsAmbiguous) {
  JobHandle h;
  const auto missing = Venice::on_created(response(200, R"({"model":"wan-2.5-preview-text-to-video"})"), h);
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), Errc::ambiguous_submit);
  EXPECT_EQ(missing.error().provider.status, 200);
  EXPECT_TRUE(contains(missing.error().provider.message, "queue_id")) << missing.error().provider.message;
  EXPECT_FALSE(h.submitted());

  const auto empty = Venice::on_created(response(200, R"({"model":"m","queue_id":""})"), h);
  ASSERT_FALSE(empty);
  EXPECT_EQ(errc(empty.error()), Errc::ambiguous_submit);
  EXPECT_TRUE(contains(empty.error().provider.message, "queue_id"));
  EXPECT_FALSE(h.submitted());
}

TEST(VeniceQueue, OnCreatedWithANonJsonBodyIsAmbiguousAndNamesTheJsonError) {
  JobHandle h;
  const auto r = Venice::on_created(response(200, "<html>Bad Gateway</html>", "text/html"), h);
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::ambiguous_submit);
  EXPECT_EQ(r.error().provider.status, 200);
  const std::string& m = r.error().provider.message;
  EXPECT_TRUE(contains(m, "HTTP 200")) << m;
  EXPECT_TRUE(contains(m, "syntax error")) << m;
  EXPECT_FALSE(h.submitted());
}

// A 200 whose body broke off after the queue_id: the id is salvaged, the job is not lost.
TEST(VeniceQueue, OnCreatedSalvagesTheQueueIdOfATruncatedBody) {
  JobHandle h;
  const auto r = Venice::on_created(
      response(200, R"({"model":"grok-imagine-text-to-video-private","queue_id":"q-77","download_url":"htt)"), h);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(h.job_id, "q-77");
  EXPECT_EQ(h.model, "grok-imagine-text-to-video-private");
  EXPECT_FALSE(h.download_url) << "a link cut off mid-way is no link";
  JobHandle cut;
  EXPECT_EQ(errc(Venice::on_created(response(200, R"({"model":"m","queue_id":"q-7)"), cut).error()),
            Errc::ambiguous_submit)
      << "an id without its closing quote may be cut short: not trusted";
}

// Any 5xx after the create was sent (500, gateway 502/504/524): the job may exist.
TEST(VeniceQueue, OnCreatedFiveHundredsAreAmbiguous) {
  for (const int status : {500, 502, 503, 504, 524}) {
    JobHandle h;
    const auto r = Venice::on_created(response(status, "<html>gateway</html>", "text/html"), h);
    ASSERT_FALSE(r) << status;
    EXPECT_EQ(errc(r.error()), Errc::ambiguous_submit) << status;
    EXPECT_EQ(r.error().provider.status, status);
    EXPECT_TRUE(contains(r.error().provider.message, "may exist")) << r.error().provider.message;
  }
}

TEST(VeniceQueue, OnCreatedMapsErrorStatuses) {
  struct Case {
    int status;
    const char* body;
    Errc expected;
  };
  const Case cases[] = {
      {400, R"({"error":"Invalid request","details":{"_errors":[],"duration":{"_errors":["Invalid enum value"]}}})",
       Errc::invalid_request},
      {401, R"({"error":"Authentication failed"})", Errc::unauthorized},
      {402, R"({"error":"Insufficient USD or Diem balance","code":"INSUFFICIENT_BALANCE"})", Errc::insufficient_balance},
      {403, R"({"error":"The specified model is unavailable in your region."})", Errc::unauthorized},
      {409, R"({"error":{"code":"needs_consent","message":"Consent required"},"consent_flow":"seedance","face_media_roles":[],"consent":{"consent_version":"v1","policy_text":"..."},"docs_url":"https://docs.venice.ai"})",
       Errc::needs_consent},
      {413, R"({"code":"PAYLOAD_TOO_LARGE","error":"File exceeds the maximum allowed size of 25 MB."})",
       Errc::payload_too_large},
      {422, R"({"error":"Your prompt violates the content policy"})", Errc::content_policy},
      {500, R"({"error":"Inference processing failed"})", Errc::ambiguous_submit},
  };
  for (const Case& c : cases) {
    JobHandle h;
    const auto r = Venice::on_created(response(c.status, c.body), h);
    ASSERT_FALSE(r) << c.status;
    EXPECT_EQ(errc(r.error()), c.expected) << c.status;
    EXPECT_EQ(r.error().provider.status, c.status);
    EXPECT_FALSE(r.error().provider.message.empty()) << c.status;
    EXPECT_FALSE(h.submitted()) << c.status;
  }
}

// ---- retrieve ---------------------------------------------------------------------------------

TEST(VeniceRetrieve, ProcessingReportsEstimateAndElapsedInMilliseconds) {
  const auto r = Venice::on_status(
      response(200, R"({"status":"PROCESSING","average_execution_time":145000,"execution_duration":53200})"), handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::running);
  EXPECT_EQ(r->estimate, 145000ms);
  EXPECT_EQ(r->elapsed, 53200ms);
  EXPECT_FALSE(r->download_url);
  EXPECT_FALSE(r->video_inline);
  EXPECT_FALSE(r->error.code);
}

TEST(VeniceRetrieve, ProcessingTimesAreRoundedAndImplausibleOnesDropped) {
  const auto r = Venice::on_status(
      response(200, R"({"status":"PROCESSING","average_execution_time":1499.6,"execution_duration":-3})"), handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->estimate, 1500ms);
  EXPECT_FALSE(r->elapsed);
  const auto bare = Venice::on_status(response(200, R"({"status":"PROCESSING"})"), handle());
  ASSERT_TRUE(bare) << bare.error().message();
  EXPECT_EQ(bare->phase, Phase::running);
  EXPECT_FALSE(bare->estimate);
  EXPECT_FALSE(bare->elapsed);
}

TEST(VeniceRetrieve, CompletedPointsAtTheHandlesDownloadUrl) {
  const auto r = Venice::on_status(
      response(200, R"({"status":"COMPLETED","average_execution_time":145000,"execution_duration":150000})"),
      handle(private_link));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::ready);
  EXPECT_EQ(r->download_url, private_link);
  EXPECT_FALSE(r->video_inline);
  EXPECT_EQ(r->elapsed, 150000ms);
}

// Done without the video or a link: not ready (nothing to download), still running, reported.
TEST(VeniceRetrieve, CompletedWithoutADownloadUrlKeepsWaiting) {
  const auto r = Venice::on_status(
      response(200, R"({"status":"COMPLETED","average_execution_time":1,"execution_duration":2})"), handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::running);
  ASSERT_TRUE(r->unknown_status);
  EXPECT_TRUE(contains(*r->unknown_status, "download_url")) << *r->unknown_status;
}

TEST(VeniceRetrieve, Mp4BodyIsTheVideoInline) {
  reel::http::Response mp4 = response(200, std::string("\0\0\0\x18" "ftypmp42", 12), "video/mp4");
  mp4.head.content_length = 1234567;
  EXPECT_TRUE(Venice::status_body_is_video(mp4.head));
  const auto r = Venice::on_status(mp4, handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::ready);
  EXPECT_TRUE(r->video_inline);
  EXPECT_EQ(r->size_bytes, 1234567u);
  EXPECT_FALSE(r->download_url);
}

TEST(VeniceRetrieve, Mp4MediaTypeIsMatchedCaseInsensitivelyWithParameters) {
  for (const char* type : {"video/mp4; charset=binary", "Video/MP4;charset=UTF-8", "VIDEO/MP4 ; foo=bar"}) {
    reel::http::Response mp4 = response(200, "....", type);
    mp4.head.content_length = std::nullopt;
    EXPECT_TRUE(Venice::status_body_is_video(mp4.head)) << type;
    const auto r = Venice::on_status(mp4, handle());
    ASSERT_TRUE(r) << type;
    EXPECT_EQ(r->phase, Phase::ready) << type;
    EXPECT_TRUE(r->video_inline) << type;
    EXPECT_FALSE(r->size_bytes) << type;
  }
  for (const char* type : {"application/json", "video/mp4x", "video/webm", "application/json; charset=utf-8"}) {
    EXPECT_FALSE(Venice::status_body_is_video(response(200, "{}", type).head)) << type;
  }
  EXPECT_FALSE(Venice::status_body_is_video(response(200, "{}", "").head));
  EXPECT_FALSE(Venice::status_body_is_video(response(404, "{}", "video/mp4").head));
}

TEST(VeniceRetrieve, Mp4MediaTypeAllowsTabsBeforeParameters) {
  // RFC 9110 8.3.1: parameters = *( OWS ";" OWS [ parameter ] ), OWS = *( SP / HTAB ).
  EXPECT_TRUE(Venice::status_body_is_video(response(200, "....", "video/mp4\t; charset=binary").head))
      << "trait bug: providers::has_media_type trims only spaces before ';', not HTAB";
}

// Status words in any case; synonyms map; a new word is read as running and named.
TEST(VeniceRetrieve, StatusWordsInAnyCaseAndUnknownOnesAreRunning) {
  const auto queued = Venice::on_status(response(200, R"({"status":"QUEUED","average_execution_time":1})"), handle());
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->phase, Phase::queued);
  EXPECT_FALSE(queued->unknown_status);
  const auto lower = Venice::on_status(response(200, R"({"status":"processing"})"), handle());
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->phase, Phase::running);
  const auto done = Venice::on_status(response(200, R"({"status":"completed"})"), handle(private_link));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->phase, Phase::ready);
  for (const char* word : {"preprocessing", "finalizing", "UPSCALING"}) {
    const auto r = Venice::on_status(response(200, std::string(R"({"status":")") + word + R"("})"), handle());
    ASSERT_TRUE(r) << word;
    EXPECT_EQ(r->phase, Phase::running) << word;
    EXPECT_EQ(r->unknown_status, word);
  }
  const auto cancelled = Venice::on_status(response(200, R"({"status":"CANCELED"})"), handle());
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->phase, Phase::failed);
  EXPECT_EQ(errc(cancelled->error), Errc::cancelled_at_provider);

  const auto no_status = Venice::on_status(response(200, R"({"average_execution_time":1})"), handle());
  ASSERT_FALSE(no_status);
  EXPECT_EQ(errc(no_status.error()), Errc::unexpected_response);

  const auto not_json = Venice::on_status(response(200, "PROCESSING"), handle());
  ASSERT_FALSE(not_json);
  EXPECT_EQ(errc(not_json.error()), Errc::unexpected_response);
  EXPECT_TRUE(contains(not_json.error().provider.message, "HTTP 200"));
}

TEST(VeniceRetrieve, ProviderContentPolicy422IsAFailedStatusWithDetails) {
  const auto r = Venice::on_status(response(422, R"({"error":{
      "message":"The selected model provider rejected this request due to its content policies. Credits have been refunded. Try using wan-2-7-text-to-video instead.",
      "type":"provider_content_policy","recommended_model":"wan-2-7-text-to-video","credits_refunded":true}})"),
                                   handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::failed);
  EXPECT_EQ(errc(r->error), Errc::content_policy);
  EXPECT_EQ(r->error.provider.status, 422);
  EXPECT_EQ(r->error.provider.code, "provider_content_policy");
  EXPECT_TRUE(contains(r->error.provider.message, "Credits have been refunded"));
  EXPECT_EQ(r->error.provider.more().recommended_model, "wan-2-7-text-to-video");
  EXPECT_EQ(r->error.provider.more().credits_refunded, true);
}

TEST(VeniceRetrieve, ProviderContentPolicy422WithoutRefundOrRecommendation) {
  const auto r = Venice::on_status(
      response(422, R"({"error":{"message":"Rejected.","type":"provider_content_policy","credits_refunded":false}})"),
      handle());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->phase, Phase::failed);
  EXPECT_EQ(errc(r->error), Errc::content_policy);
  EXPECT_EQ(r->error.provider.more().credits_refunded, false);
  EXPECT_FALSE(r->error.provider.more().recommended_model);
  EXPECT_EQ(r->error.provider.message, "Rejected.");
}

TEST(VeniceRetrieve, Old422ShapeIsAFailedStatusWithTheMessage) {
  const auto r = Venice::on_status(response(422, R"({"error":"Your prompt violates the content policy of Venice.ai"})"),
                                   handle());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->phase, Phase::failed);
  EXPECT_EQ(errc(r->error), Errc::content_policy);
  EXPECT_EQ(r->error.provider.status, 422);
  EXPECT_EQ(r->error.provider.message, "Your prompt violates the content policy of Venice.ai");
  EXPECT_TRUE(r->error.provider.code.empty());
  EXPECT_FALSE(r->error.provider.more().recommended_model);
  EXPECT_FALSE(r->error.provider.more().credits_refunded);
}

TEST(VeniceRetrieve, ErrorStatusesAreErrors) {
  struct Case {
    int status;
    const char* body;
    Errc expected;
  };
  const Case cases[] = {
      {400, R"({"error":"Invalid request","details":{"queue_id":{"_errors":["Required"]}}})", Errc::invalid_request},
      {401, R"({"error":"Authentication failed"})", Errc::unauthorized},
      {402, R"({"error":"Insufficient balance","code":"INSUFFICIENT_BALANCE"})", Errc::insufficient_balance},
      {403, R"({"error":"The specified model is unavailable in your region."})", Errc::unauthorized},
      {404, R"({"error":"Media could not be found. Request may be invalid, expired, or deleted."})",
       Errc::job_not_found},
      {429, R"({"error":"Rate limit exceeded"})", Errc::rate_limited},
      {500, R"({"error":"Inference processing failed"})", Errc::provider_error},
      {503, R"({"error":"The model is at capacity. Please try again later."})", Errc::at_capacity},
  };
  for (const Case& c : cases) {
    const auto r = Venice::on_status(response(c.status, c.body), handle());
    ASSERT_FALSE(r) << c.status;
    EXPECT_EQ(errc(r.error()), c.expected) << c.status;
    EXPECT_EQ(r.error().provider.status, c.status);
    EXPECT_FALSE(r.error().provider.message.empty()) << c.status;
  }
  const auto gone = Venice::on_status(response(404, R"({"error":"Media could not be found."})"), handle());
  EXPECT_EQ(gone.error().provider.message, "Media could not be found.");
  EXPECT_EQ(gone.error().message(), "the job is unknown, expired or deleted: Media could not be found.");
}

// ---- complete, quote, models ------------------------------------------------------------------

TEST(VeniceComplete, SuccessTrueIsDone) {
  const auto r = Venice::on_cleanup(response(200, R"({"success":true})"));
  EXPECT_TRUE(r) << r.error().message();
}

TEST(VeniceComplete, SuccessFalseOrAMalformedAnswerIsUnexpected) {
  const auto no = Venice::on_cleanup(response(200, R"({"success":false})"));
  ASSERT_FALSE(no);
  EXPECT_EQ(errc(no.error()), Errc::unexpected_response);
  EXPECT_TRUE(contains(no.error().provider.message, "success"));
  const auto missing = Venice::on_cleanup(response(200, R"({})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), Errc::unexpected_response);
  const auto html = Venice::on_cleanup(response(200, "<html></html>", "text/html"));
  ASSERT_FALSE(html);
  EXPECT_EQ(errc(html.error()), Errc::unexpected_response);
}

TEST(VeniceComplete, ErrorStatuses) {
  const auto bad = Venice::on_cleanup(response(400, R"({"error":"Invalid request","details":{}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::invalid_request);
  const auto auth = Venice::on_cleanup(response(401, R"({"error":"Authentication failed"})"));
  ASSERT_FALSE(auth);
  EXPECT_EQ(errc(auth.error()), Errc::unauthorized);
  const auto money = Venice::on_cleanup(response(402, R"({"error":"Insufficient balance","code":"INSUFFICIENT_BALANCE"})"));
  ASSERT_FALSE(money);
  EXPECT_EQ(errc(money.error()), Errc::insufficient_balance);
  const auto failed = Venice::on_cleanup(response(500, R"({"error":"Inference processing failed"})"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(errc(failed.error()), Errc::provider_error);
  EXPECT_EQ(failed.error().provider.message, "Inference processing failed");
}

TEST(VeniceQuote, ReadsTheUsdQuote) {
  const auto r = Venice::on_quote(response(200, R"({"quote":0.085})"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_DOUBLE_EQ(*r, 0.085);
  const auto whole = Venice::on_quote(response(200, R"({"quote":2})"));
  ASSERT_TRUE(whole);
  EXPECT_DOUBLE_EQ(*whole, 2.0);
}

TEST(VeniceQuote, ErrorsAndMalformedAnswers) {
  const auto bad = Venice::on_quote(
      response(400, R"({"error":"Invalid request","details":{"_errors":[],"duration":{"_errors":["Invalid enum value"]}}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::invalid_request);
  EXPECT_EQ(bad.error().provider.message, "Invalid request");
  const auto region = Venice::on_quote(response(403, R"({"error":"The specified model is unavailable in your region."})"));
  ASSERT_FALSE(region);
  EXPECT_EQ(errc(region.error()), Errc::unauthorized);
  const auto missing = Venice::on_quote(response(200, R"({"price":1})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(errc(missing.error()), Errc::unexpected_response);
  EXPECT_TRUE(contains(missing.error().provider.message, "quote")) << missing.error().provider.message;
  const auto text = Venice::on_quote(response(200, R"({"quote":"0.085"})"));
  ASSERT_FALSE(text);
  EXPECT_EQ(errc(text.error()), Errc::unexpected_response);
}

// A /models?type=video answer shaped as the swagger's ModelResponse, with the fields reel does
// not read (pricing, capabilities, traits, ...) present.
const char* const models_body = R"({
  "object": "list",
  "type": "video",
  "data": [
    {
      "created": 1740000000,
      "id": "wan-2.5-preview-text-to-video",
      "model_spec": {
        "constraints": {
          "aspect_ratios": ["16:9", "9:16", "1:1"],
          "resolutions": ["1080p", "720p", "480p"],
          "durations": ["5s", "10s"],
          "model_type": "text-to-video",
          "audio": true,
          "audio_configurable": true,
          "prompt_character_limit": 1500
        },
        "description": "Wan 2.5 text to video",
        "name": "Wan 2.5 Preview",
        "modelSource": "https://example.com",
        "offline": false,
        "privacy": "anonymized",
        "pricing": {"generation": {"usd": 0.1, "diem": 0.1}},
        "traits": ["default"],
        "beta": false
      },
      "object": "model",
      "owned_by": "venice.ai",
      "type": "video"
    },
    {
      "created": 1740000001,
      "id": "wan-2.5-preview-image-to-video",
      "model_spec": {
        "constraints": {
          "aspect_ratios": [],
          "resolutions": ["720p"],
          "durations": ["5s"],
          "model_type": "image-to-video",
          "audio": false,
          "audio_configurable": false
        },
        "name": "Wan 2.5 Preview I2V",
        "offline": true,
        "privacy": "private"
      },
      "object": "model",
      "owned_by": "venice.ai",
      "type": "video"
    },
    {
      "id": "topaz-video-upscale",
      "model_spec": {"privacy": "private"},
      "object": "model",
      "owned_by": "venice.ai",
      "type": "video"
    }
  ]
})";

TEST(VeniceModels, ReadsVideoModelsAndTheirConstraints) {
  const auto r = Venice::on_models(response(200, models_body));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 3u);
  const reel::venice::Model& t2v = (*r)[0];
  EXPECT_EQ(t2v.id, "wan-2.5-preview-text-to-video");
  EXPECT_EQ(t2v.type, "video");
  ASSERT_TRUE(t2v.model_spec);
  EXPECT_EQ(t2v.model_spec->name, "Wan 2.5 Preview");
  EXPECT_EQ(t2v.model_spec->privacy, "anonymized");
  EXPECT_EQ(t2v.model_spec->offline, false);
  ASSERT_TRUE(t2v.model_spec->constraints);
  const auto& c = *t2v.model_spec->constraints;
  EXPECT_EQ(c.aspect_ratios, (std::vector<std::string>{"16:9", "9:16", "1:1"}));
  EXPECT_EQ(c.resolutions, (std::vector<std::string>{"1080p", "720p", "480p"}));
  EXPECT_EQ(c.durations, (std::vector<std::string>{"5s", "10s"}));
  EXPECT_EQ(c.model_type, "text-to-video");
  EXPECT_TRUE(c.audio);
  EXPECT_TRUE(c.audio_configurable);
  EXPECT_EQ(c.prompt_character_limit, 1500.0);

  const reel::venice::Model& i2v = (*r)[1];
  ASSERT_TRUE(i2v.model_spec && i2v.model_spec->constraints);
  ASSERT_TRUE(i2v.model_spec->constraints->aspect_ratios);
  EXPECT_TRUE(i2v.model_spec->constraints->aspect_ratios->empty());
  EXPECT_EQ(i2v.model_spec->constraints->model_type, "image-to-video");
  EXPECT_FALSE(i2v.model_spec->constraints->prompt_character_limit);
  EXPECT_EQ(i2v.model_spec->offline, true);

  const reel::venice::Model& upscale = (*r)[2];
  EXPECT_EQ(upscale.id, "topaz-video-upscale");
  ASSERT_TRUE(upscale.model_spec);
  EXPECT_FALSE(upscale.model_spec->constraints);
}

TEST(VeniceModels, ErrorsAndMalformedAnswers) {
  const auto auth = Venice::on_models(response(401, R"({"error":"Authentication failed"})"));
  ASSERT_FALSE(auth);
  EXPECT_EQ(errc(auth.error()), Errc::unauthorized);
  const auto html = Venice::on_models(response(200, "<!doctype html>", "text/html"));
  ASSERT_FALSE(html);
  EXPECT_EQ(errc(html.error()), Errc::unexpected_response);
  const auto no_data = Venice::on_models(response(200, R"({"object":"list"})"));
  ASSERT_FALSE(no_data);
  EXPECT_EQ(errc(no_data.error()), Errc::unexpected_response);
}

// ---- validate ---------------------------------------------------------------------------------

reel::venice::Model t2v_model() {
  const auto models = Venice::on_models(response(200, models_body));
  EXPECT_TRUE(models);
  return (*models)[0];
}
reel::venice::Model i2v_model() {
  const auto models = Venice::on_models(response(200, models_body));
  EXPECT_TRUE(models);
  return (*models)[1];
}

Errc validate_errc(const Venice::Request& q, const reel::venice::Model& m) {
  const auto r = Venice::validate(q, m);
  if (r) return Errc::ok;
  EXPECT_FALSE(r.error().provider.message.empty());
  return errc(r.error());
}

TEST(VeniceModels, AnEntryMissingKeysOrWithAWronglyTypedOneIsReadOnWhatItHas) {
  const char* body = R"({"object":"list","data":[
    {"id":"partial","type":"video","model_spec":{"constraints":{"durations":["5s"],"model_type":"text-to-video"}}},
    {"id":"odd","type":"video","model_spec":{"constraints":{"durations":"5s","resolutions":["720p"],"prompt_character_limit":"x"}}},
    {"type":"video"},
    {"id":"plain","type":"video","model_spec":null}
  ]})";
  const auto r = Venice::on_models(response(200, body));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 3u) << "an entry without an id is skipped; the others are read";
  const auto& partial = *(*r)[0].model_spec->constraints;
  EXPECT_EQ(partial.durations, (std::vector<std::string>{"5s"}));
  EXPECT_FALSE(partial.resolutions) << "absent: unknown";
  EXPECT_FALSE(partial.aspect_ratios);
  const auto& odd = *(*r)[1].model_spec->constraints;
  EXPECT_FALSE(odd.durations) << "a string where a list was expected: unknown, not checked";
  EXPECT_EQ(odd.resolutions, (std::vector<std::string>{"720p"}));
  EXPECT_FALSE((*r)[2].model_spec && (*r)[2].model_spec->constraints);

  Venice::Request q = queue_request();
  q.model = "partial";
  q.resolution = "4k";    // not known: not checked
  q.aspect_ratio = "7:3";
  EXPECT_EQ(validate_errc(q, (*r)[0]), Errc::ok);
  q.duration = "10s";     // known: checked
  EXPECT_EQ(validate_errc(q, (*r)[0]), Errc::invalid_request);
}

TEST(VeniceValidate, AnEmptyListMeansTheParameterIsNotTaken) {
  reel::venice::Model m = t2v_model();
  m.model_spec->constraints->resolutions = std::vector<std::string>{};
  m.model_spec->constraints->aspect_ratios = std::vector<std::string>{};
  Venice::Request q = queue_request();
  q.aspect_ratio.reset();
  q.resolution.reset();
  EXPECT_EQ(validate_errc(q, m), Errc::ok) << "left out: fine";
  q.resolution = "720p";
  EXPECT_EQ(validate_errc(q, m), Errc::invalid_request);
  q.resolution.reset();
  q.aspect_ratio = "16:9";
  EXPECT_EQ(validate_errc(q, m), Errc::invalid_request);
}

TEST(VeniceValidate, AcceptsARequestWithinTheConstraints) {
  EXPECT_EQ(validate_errc(queue_request(), t2v_model()), Errc::ok);
  Venice::Request q = queue_request();
  q.resolution.reset();  // optional: the model's default
  q.audio = false;       // configurable on this model
  q.duration = "10s";
  EXPECT_EQ(validate_errc(q, t2v_model()), Errc::ok);
}

TEST(VeniceValidate, RejectsAnotherModel) {
  Venice::Request q = queue_request();
  q.model = "other-model";
  const auto r = Venice::validate(q, t2v_model());
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(r.error().provider.message, "other-model"));
}

TEST(VeniceValidate, ModelsWithoutConstraintsAcceptAnything) {
  reel::venice::Model m;
  m.id = queue_request().model;
  m.type = "video";
  EXPECT_EQ(validate_errc(queue_request(), m), Errc::ok);
  m.model_spec = reel::venice::ModelSpec{};
  Venice::Request q = queue_request();
  q.duration = "30s";
  q.aspect_ratio = "21:9";
  EXPECT_EQ(validate_errc(q, m), Errc::ok);
}

TEST(VeniceValidate, PromptMustBeNonEmptyAndWithinTheLimit) {
  Venice::Request q = queue_request();
  q.prompt.clear();
  EXPECT_EQ(validate_errc(q, t2v_model()), Errc::invalid_request);
  q.prompt = std::string(1500, 'a');  // the model's prompt_character_limit
  EXPECT_EQ(validate_errc(q, t2v_model()), Errc::ok);
  q.prompt = std::string(1501, 'a');
  const auto r = Venice::validate(q, t2v_model());
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(r.error().provider.message, "1500")) << r.error().provider.message;
}

TEST(VeniceValidate, PromptLimitDefaultsTo2500) {
  Venice::Request q = queue_request();
  q.model = "wan-2.5-preview-image-to-video";
  q.aspect_ratio.reset();
  q.image_url = "https://example.com/i.png";
  q.prompt = std::string(2500, 'a');
  EXPECT_EQ(validate_errc(q, i2v_model()), Errc::ok);
  q.prompt = std::string(2501, 'a');
  EXPECT_EQ(validate_errc(q, i2v_model()), Errc::invalid_request);
}

TEST(VeniceValidate, PromptLimitCountsCharactersNotBytes) {
  // prompt_character_limit is a number of characters; 1500 "é" (2 bytes each in UTF-8) fit.
  Venice::Request q = queue_request();
  std::string accented;
  for (int i = 0; i < 1500; ++i) accented += "\xC3\xA9";
  q.prompt = accented;
  EXPECT_EQ(validate_errc(q, t2v_model()), Errc::ok)
      << "trait bug: validate() compares prompt.size() (bytes) with prompt_character_limit (characters)";
}

TEST(VeniceValidate, AnOutOfRangePromptLimitFromTheServerIsNotTrustedAsASize) {
  // prompt_character_limit is a JSON number from the server; converting 1e30 to std::size_t is
  // undefined behaviour (in practice 0 or a wrapped value), which turns every prompt away.
  reel::venice::Model m = t2v_model();
  m.model_spec->constraints->prompt_character_limit = 1e30;
  EXPECT_EQ(validate_errc(queue_request(), m), Errc::ok)
      << "trait bug: validate() casts an out-of-range prompt_character_limit to std::size_t";
}

TEST(VeniceValidate, DurationMustBeOffered) {
  Venice::Request q = queue_request();
  q.duration = "15s";
  const auto r = Venice::validate(q, t2v_model());
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(r.error().provider.message, "15s"));
  reel::venice::Model any = t2v_model();
  any.model_spec->constraints->durations.reset();  // an absent list is unknown: not checked
  EXPECT_EQ(validate_errc(q, any), Errc::ok);
  reel::venice::Model none = t2v_model();
  none.model_spec->constraints->durations.emplace();  // empty: "does not support a defined duration"
  EXPECT_EQ(validate_errc(q, none), Errc::invalid_request);
  q.duration = "auto";
  EXPECT_EQ(validate_errc(q, none), Errc::ok);
}

TEST(VeniceValidate, ResolutionMustBeOffered) {
  Venice::Request q = queue_request();
  q.resolution = "4k";
  const auto r = Venice::validate(q, t2v_model());
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(r.error().provider.message, "4k"));
  q.resolution = "480p";
  EXPECT_EQ(validate_errc(q, t2v_model()), Errc::ok);
}

TEST(VeniceValidate, AspectRatioRequiredExactlyWhenTheModelHasThem) {
  Venice::Request q = queue_request();
  q.aspect_ratio.reset();
  const auto needs = Venice::validate(q, t2v_model());
  ASSERT_FALSE(needs);
  EXPECT_EQ(errc(needs.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(needs.error().provider.message, "aspect_ratio"));

  q.aspect_ratio = "4:3";
  const auto unlisted = Venice::validate(q, t2v_model());
  ASSERT_FALSE(unlisted);
  EXPECT_TRUE(contains(unlisted.error().provider.message, "4:3"));

  Venice::Request i = queue_request();
  i.model = "wan-2.5-preview-image-to-video";
  i.image_url = "https://example.com/i.png";
  i.aspect_ratio = "16:9";
  const auto takes_none = Venice::validate(i, i2v_model());
  ASSERT_FALSE(takes_none);
  EXPECT_EQ(errc(takes_none.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(takes_none.error().provider.message, "aspect_ratio"));
  i.aspect_ratio.reset();
  EXPECT_EQ(validate_errc(i, i2v_model()), Errc::ok);
}

TEST(VeniceValidate, AudioOnlyWhenConfigurable) {
  Venice::Request q = queue_request();
  q.model = "wan-2.5-preview-image-to-video";
  q.aspect_ratio.reset();
  q.image_url = "https://example.com/i.png";
  q.audio = true;
  const auto r = Venice::validate(q, i2v_model());
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(r.error().provider.message, "audio"));
  Venice::Request t = queue_request();
  t.audio = true;
  EXPECT_EQ(validate_errc(t, t2v_model()), Errc::ok);
}

TEST(VeniceValidate, ImageToVideoNeedsAnImage) {
  Venice::Request q = queue_request();
  q.model = "wan-2.5-preview-image-to-video";
  q.aspect_ratio.reset();
  const auto r = Venice::validate(q, i2v_model());
  ASSERT_FALSE(r);
  EXPECT_EQ(errc(r.error()), Errc::invalid_request);
  EXPECT_TRUE(contains(r.error().provider.message, "image_url"));
  q.image_url = "data:image/png;base64,iVBORw0K";
  EXPECT_EQ(validate_errc(q, i2v_model()), Errc::ok);
}

// ---- error_of ---------------------------------------------------------------------------------

TEST(VeniceErrors, DetailedError400) {
  const JobError e = Venice::error_of(response(
      400, R"({"details":{"_errors":[],"duration":{"_errors":["Invalid enum value. Expected '5s' | '10s'"]}},"error":"Invalid request parameters"})"));
  EXPECT_EQ(errc(e), Errc::invalid_request);
  EXPECT_EQ(e.provider.status, 400);
  EXPECT_EQ(e.provider.message, "Invalid request parameters");
  EXPECT_TRUE(e.provider.code.empty());
  EXPECT_EQ(e.message(), "the provider refused the request's parameters: Invalid request parameters");
}

TEST(VeniceErrors, StandardErrorStatuses) {
  struct Case {
    int status;
    Errc expected;
  };
  const Case cases[] = {{401, Errc::unauthorized},   {403, Errc::unauthorized}, {404, Errc::job_not_found},
                        {410, Errc::link_expired},   {429, Errc::rate_limited}, {500, Errc::provider_error},
                        {502, Errc::provider_error}, {503, Errc::at_capacity}};
  for (const Case& c : cases) {
    const JobError e = Venice::error_of(response(c.status, R"({"error":"words from Venice"})"));
    EXPECT_EQ(errc(e), c.expected) << c.status;
    EXPECT_EQ(e.provider.status, c.status);
    EXPECT_EQ(e.provider.message, "words from Venice") << c.status;
    EXPECT_TRUE(e.provider.code.empty());
  }
}

TEST(VeniceErrors, InsufficientBalance402KeepsTheCode) {
  const JobError e =
      Venice::error_of(response(402, R"({"error":"Insufficient USD or Diem balance to complete request","code":"INSUFFICIENT_BALANCE"})"));
  EXPECT_EQ(errc(e), Errc::insufficient_balance);
  EXPECT_EQ(e.provider.code, "INSUFFICIENT_BALANCE");
  EXPECT_EQ(e.provider.message, "Insufficient USD or Diem balance to complete request");
}

TEST(VeniceErrors, X402PaymentRequired402IsInsufficientBalance) {
  const JobError e = Venice::error_of(response(
      402,
      R"({"x402Version":2,"error":"Payment required","resource":{"url":"https://api.venice.ai/api/v1/video/queue","description":"queue","mimeType":"application/json"},"accepts":[{"scheme":"exact","network":"base","asset":"0x0","amount":"1000","payTo":"0x1","maxTimeoutSeconds":60,"extra":{}}]})"));
  EXPECT_EQ(errc(e), Errc::insufficient_balance);
  EXPECT_EQ(e.provider.message, "Payment required");
  const JobError wallet =
      Venice::error_of(response(402, R"({"error":"Insufficient x402 credit","code":"PAYMENT_REQUIRED","topUpInstructions":{}})"));
  EXPECT_EQ(errc(wallet), Errc::insufficient_balance);
  EXPECT_EQ(wallet.provider.code, "PAYMENT_REQUIRED");
}

TEST(VeniceErrors, NeedsConsent409CarriesThePolicy) {
  const JobError e = Venice::error_of(response(409, R"({
    "error": {"code": "needs_consent", "message": "This model requires consent before processing media with faces."},
    "consent_flow": "seedance",
    "face_media_roles": ["image", "reference_image"],
    "consent": {"consent_version": "2026-07-01", "policy_text": "By continuing you confirm ..."},
    "docs_url": "https://docs.venice.ai/consents"
  })"));
  EXPECT_EQ(errc(e), Errc::needs_consent);
  EXPECT_EQ(e.provider.status, 409);
  EXPECT_EQ(e.provider.code, "needs_consent");
  EXPECT_EQ(e.provider.message, "This model requires consent before processing media with faces.");
  EXPECT_EQ(e.provider.more().policy_text, "By continuing you confirm ...");
  EXPECT_EQ(e.provider.more().consent_version, "2026-07-01");
  EXPECT_FALSE(e.provider.more().suggested_prompt);
}

TEST(VeniceErrors, PayloadTooLarge413KeepsTheCode) {
  const JobError e = Venice::error_of(
      response(413, R"({"code":"PAYLOAD_TOO_LARGE","error":"File exceeds the maximum allowed size of 25 MB."})"));
  EXPECT_EQ(errc(e), Errc::payload_too_large);
  EXPECT_EQ(e.provider.code, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(e.provider.message, "File exceeds the maximum allowed size of 25 MB.");
}

TEST(VeniceErrors, ContentViolation422OnQueueKeepsTheSuggestedPrompt) {
  const JobError e = Venice::error_of(response(
      422,
      R"({"error":"Your prompt violates the content policy","suggested_prompt":"A cinematic instrumental track inspired by stormy weather."})"));
  EXPECT_EQ(errc(e), Errc::content_policy);
  EXPECT_EQ(e.provider.message, "Your prompt violates the content policy");
  EXPECT_EQ(e.provider.more().suggested_prompt, "A cinematic instrumental track inspired by stormy weather.");
  EXPECT_FALSE(e.provider.more().recommended_model);
  EXPECT_FALSE(e.provider.more().credits_refunded);
}

TEST(VeniceErrors, ProviderContentPolicy422OnRetrieve) {
  const JobError e = Venice::error_of(response(
      422,
      R"({"error":{"message":"Rejected; try wan-2-7-text-to-video.","type":"provider_content_policy","recommended_model":"wan-2-7-text-to-video","credits_refunded":true}})"));
  EXPECT_EQ(errc(e), Errc::content_policy);
  EXPECT_EQ(e.provider.code, "provider_content_policy");
  EXPECT_EQ(e.provider.message, "Rejected; try wan-2-7-text-to-video.");
  EXPECT_EQ(e.provider.more().recommended_model, "wan-2-7-text-to-video");
  EXPECT_EQ(e.provider.more().credits_refunded, true);
  EXPECT_FALSE(e.provider.more().suggested_prompt);
}

TEST(VeniceErrors, NonJsonBodiesKeepTheStatus) {
  const JobError html = Venice::error_of(response(502, "<html><body>Bad Gateway</body></html>", "text/html"));
  EXPECT_EQ(errc(html), Errc::provider_error);
  EXPECT_EQ(html.provider.status, 502);
  EXPECT_EQ(html.provider.message, "HTTP 502");
  const JobError empty = Venice::error_of(response(503, "", ""));
  EXPECT_EQ(errc(empty), Errc::at_capacity);
  EXPECT_EQ(empty.provider.message, "HTTP 503");
  const JobError array = Venice::error_of(response(429, R"(["rate limited"])"));
  EXPECT_EQ(errc(array), Errc::rate_limited);
  EXPECT_EQ(array.provider.message, "HTTP 429");
  const JobError truncated = Venice::error_of(response(401, R"({"error":"Authentic)"));
  EXPECT_EQ(errc(truncated), Errc::unauthorized);
  EXPECT_EQ(truncated.provider.message, "HTTP 401");
}

TEST(VeniceErrors, UndocumentedStatusesAreUnexpected) {
  EXPECT_EQ(errc(Venice::error_of(response(418, R"({"error":"teapot"})"))), Errc::unexpected_response);
  EXPECT_EQ(errc(Venice::error_of(response(302, ""))), Errc::unexpected_response);
}

TEST(VeniceErrors, TheApiKeyNeverAppearsInErrors) {
  const Venice v = venice();
  std::vector<JobError> errors;
  errors.push_back(Venice::error_of(response(401, R"({"error":"Authentication failed"})")));
  errors.push_back(Venice::error_of(response(500, "<html>oops</html>", "text/html")));
  JobHandle h;
  errors.push_back(Venice::on_created(response(200, "not json"), h).error());
  errors.push_back(Venice::on_created(response(200, R"({"model":"m","queue_id":""})"), h).error());
  errors.push_back(Venice::on_status(response(200, R"({"no":"status"})"), handle()).error());
  errors.push_back(Venice::on_status(response(503, R"({"error":"at capacity"})"), handle()).error());
  errors.push_back(Venice::on_status(response(422, R"({"error":"no"})"), handle())->error);
  errors.push_back(Venice::on_cleanup(response(200, R"({"success":false})")).error());
  errors.push_back(Venice::on_quote(response(400, R"({"error":"bad"})")).error());
  Venice::Request q = queue_request();
  q.prompt.clear();
  errors.push_back(Venice::validate(q, t2v_model()).error());
  for (const JobError& e : errors) {
    EXPECT_TRUE(e.code);
    EXPECT_FALSE(contains(e.message(), v.api_key)) << e.message();
  }
  // The key goes only into the Authorization header of requests to base_url.
  for (const auto& r : {v.create_request(queue_request(), handle()), v.status_request(handle()),
                        v.cleanup_request(handle()), v.quote_request(queue_request()), v.models_request()}) {
    EXPECT_FALSE(contains(r.body, v.api_key));
    EXPECT_FALSE(contains(r.url, v.api_key));
    EXPECT_EQ(r.url.rfind(v.base_url, 0), 0u);
  }
}

}  // namespace
