// SPDX-License-Identifier: BSL-1.0
// reel::OpenAiVideos traits against openai-videos.yaml (the OpenAPI file) and the error envelope
// (openai-error-response.excerpt.yaml): every request, the answer shapes of create, retrieve and
// delete, odd and unknown values, both error shapes, and where the key goes.
#include "provider_test_support.hpp"

#include <reel/providers/openai_videos.hpp>
#include <reel/providers/provider.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using reel::OpenAiContent;
using reel::OpenAiVideos;
using reel::job::Errc;
using reel::job::JobHandle;
using reel::job::Phase;
using reel::job::VideoRequest;
using namespace reel_provider_test;

static_assert(reel::Provider<OpenAiVideos>);
static_assert(reel::CleaningProvider<OpenAiVideos>);
static_assert(reel::CancellingProvider<OpenAiVideos>);
static_assert(!reel::QuotingProvider<OpenAiVideos>);
static_assert(!reel::DiscoveringProvider<OpenAiVideos>);

const std::string key = "sk-SECRET-0123456789";
const std::string api = "https://gateway.example/v1";

OpenAiVideos provider() {
  OpenAiVideos p;
  p.api_key = key;
  p.base_url = api;
  return p;
}

JobHandle handle() {
  JobHandle h;
  h.provider = "openai";
  h.base_url = api;
  h.job_id = "video_123";
  h.idempotency_key = "reel-abc";
  return h;
}

std::string video(const std::string& status, const std::string& extra = "") {
  return R"({"id":"video_123","object":"video","model":"sora-2","status":")" + status +
         R"(","progress":0,"created_at":1712697600,"completed_at":null,"expires_at":null,"prompt":"cat",)"
         R"("size":"1024x1792","seconds":"8","remixed_from_video_id":null,"error":null)" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

TEST(OpenAiVideosRequests, Defaults) {
  const OpenAiVideos p;
  EXPECT_EQ(OpenAiVideos::name, "openai");
  EXPECT_EQ(p.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(p.auth_header, "Authorization");
  EXPECT_EQ(p.auth_scheme, "Bearer");
  EXPECT_FALSE(p.idempotency_key_honoured);
  EXPECT_FALSE(reel::creates_are_idempotent(p));
  OpenAiVideos q;
  q.idempotency_key_honoured = true;
  EXPECT_TRUE(reel::creates_are_idempotent(q));
}

TEST(OpenAiVideosRequests, NativeMapsTheNeutralRequestAndWarns) {
  VideoRequest r;
  r.model = "some-gateway/model-9";  // any id: data, not an enum
  r.prompt = "A calico cat";
  r.duration_seconds = 8;
  r.resolution = "720p";
  r.aspect_ratio = "9:16";
  r.image = "https://example.com/a.png";
  r.negative_prompt = "blur";
  const auto c = OpenAiVideos::native(r);
  EXPECT_EQ(c.model, "some-gateway/model-9");
  EXPECT_EQ(c.seconds, "8");
  EXPECT_EQ(c.size, "720x1280");
  ASSERT_TRUE(c.input_reference);
  EXPECT_EQ(c.input_reference->image_url, "https://example.com/a.png");
  const auto w = OpenAiVideos::warnings_of(r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_TRUE(contains(w[0], "negative_prompt"));
  VideoRequest bare;
  bare.prompt = "x";
  EXPECT_TRUE(OpenAiVideos::native(bare).model.empty());
  EXPECT_TRUE(OpenAiVideos::warnings_of(bare).empty());
}

TEST(OpenAiVideosRequests, CreateCarriesTheKeyAndTheIdempotencyKeyOnlyWhenHonoured) {
  VideoRequest n;
  n.model = "sora-2";
  n.prompt = "cat";
  n.duration_seconds = 4;
  OpenAiVideos p = provider();
  auto r = p.create_request(OpenAiVideos::native(n), handle());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, api + "/videos");
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  EXPECT_EQ(r.headers.count("Authorization"), 1u);
  EXPECT_FALSE(r.headers.find("Idempotency-Key"));
  const auto body = body_json(r);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"model", "prompt", "seconds"}));
  EXPECT_EQ(str(body, "seconds"), "4");
  p.idempotency_key_honoured = true;
  r = p.create_request(OpenAiVideos::native(n), handle());
  EXPECT_EQ(r.headers.find("Idempotency-Key"), "reel-abc");
  EXPECT_FALSE(contains(r.body, key));
}

TEST(OpenAiVideosRequests, ACustomAuthHeaderAndScheme) {
  OpenAiVideos p = provider();
  p.auth_header = "api-key";
  p.auth_scheme = "";
  const auto r = p.status_request(handle());
  EXPECT_EQ(r.url, api + "/videos/video_123");
  EXPECT_EQ(r.headers.find("api-key"), key);
  EXPECT_FALSE(r.headers.find("Authorization"));
  const auto c = p.create_request(OpenAiVideos::native(VideoRequest{.model = "m", .prompt = "p"}), handle());
  EXPECT_EQ(c.headers.find("api-key"), key);
  EXPECT_FALSE(c.headers.find("Authorization"));
}

TEST(OpenAiVideosRequests, CancelAndCleanupAreADelete) {
  for (const auto& r : {provider().cancel_request(handle()), provider().cleanup_request(handle())}) {
    EXPECT_EQ(r.method, "DELETE");
    EXPECT_EQ(r.url, api + "/videos/video_123");
    EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
  }
}

TEST(OpenAiVideosRequests, TheKeyGoesToTheContentEndpointButNeverToAnotherOrigin) {
  const OpenAiVideos p = provider();
  const auto own = p.download_request(api + "/videos/video_123/content", handle());
  EXPECT_EQ(own.headers.find("Authorization"), "Bearer " + key);
  for (const std::string url : {"https://cdn.example/v.mp4", "http://gateway.example/v1/videos/video_123/content",
                                "https://gateway.example:8443/v1/x", "not a url"}) {
    EXPECT_FALSE(p.download_request(url, handle()).headers.find("Authorization")) << url;
  }
  EXPECT_FALSE(OpenAiVideos::download_request(api + "/videos/video_123/content").headers.find("Authorization"));
  OpenAiVideos forced = provider();
  forced.content = OpenAiContent::content_endpoint;
  const auto r = forced.download_request("https://cdn.example/v.mp4", handle());
  EXPECT_EQ(r.url, api + "/videos/video_123/content");
  EXPECT_EQ(r.headers.find("Authorization"), "Bearer " + key);
}

TEST(OpenAiVideosAnswers, CreateReadsTheIdAndModel) {
  JobHandle h = handle();
  h.job_id.clear();
  ASSERT_TRUE(OpenAiVideos::on_created(response(200, video("queued")), h));
  EXPECT_EQ(h.job_id, "video_123");
  EXPECT_EQ(h.model, "sora-2");
  JobHandle cut;
  ASSERT_TRUE(OpenAiVideos::on_created(response(200, R"({"id":"video_9","status":"que)"), cut));
  EXPECT_EQ(cut.job_id, "video_9");
  JobHandle none;
  const auto bad = OpenAiVideos::on_created(response(200, R"({"status":"queued","id":""})"), none);
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::unexpected_response);
  const auto garbage = OpenAiVideos::on_created(response(200, "<html>"), none);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(errc(garbage.error()), Errc::unexpected_response);
}

TEST(OpenAiVideosAnswers, A5xxCreateAnswerIsAmbiguous) {
  // A gateway's 502 after the create was sent: the video may exist, so it is never a plain failure.
  JobHandle h = handle();
  h.job_id.clear();
  const auto bad = OpenAiVideos::on_created(response(502, R"({"error":{"message":"upstream","type":"server_error","param":null,"code":null}})"), h);
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::ambiguous_submit);
  EXPECT_EQ(bad.error().provider.status, 502);
  EXPECT_TRUE(h.job_id.empty());
  const auto page = OpenAiVideos::on_created(response(504, "<html>gateway timeout</html>"), h);
  ASSERT_FALSE(page);
  EXPECT_EQ(errc(page.error()), Errc::ambiguous_submit);
  // A 4xx is a refusal, not ambiguous.
  const auto refused = OpenAiVideos::on_created(response(400, R"({"error":{"message":"bad","type":"invalid_request_error"}})"), h);
  ASSERT_FALSE(refused);
  EXPECT_NE(errc(refused.error()), Errc::ambiguous_submit);
}

TEST(OpenAiVideosAnswers, TheFourStatusesAndProgress) {
  auto s = OpenAiVideos::on_status(response(200, video("queued")), handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::queued);
  s = OpenAiVideos::on_status(response(200, video("in_progress", R"("x":1)").replace(video("in_progress").find("\"progress\":0"), 12, "\"progress\":42")), handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::running);
  EXPECT_EQ(s->percent, 42);
  s = OpenAiVideos::on_status(response(200, video("completed")), handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::ready);
  EXPECT_EQ(s->download_url, api + "/videos/video_123/content");
  s = OpenAiVideos::on_status(
      response(200, video("failed").replace(video("failed").find("\"error\":null"), 12,
                                            R"("error":{"code":"moderation_blocked","message":"no"})")),
      handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::failed);
  EXPECT_EQ(errc(s->error), Errc::content_policy);
  EXPECT_EQ(s->error.provider.message, "no");
  s = OpenAiVideos::on_status(response(200, R"({"id":"v","status":"failed"})"), handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(errc(s->error), Errc::failed_at_provider);
}

TEST(OpenAiVideosAnswers, OutputUrlUnknownStatusesAndOddNumbers) {
  auto s = OpenAiVideos::on_status(
      response(200, R"({"id":"v","status":"completed","progress":100.0,"output":{"url":"https://cdn.example/v.mp4","size_bytes":5000}})"),
      handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->download_url, "https://cdn.example/v.mp4");
  EXPECT_EQ(s->size_bytes, 5000u);
  s = OpenAiVideos::on_status(response(200, R"({"id":"v","status":"upscaling","progress":250})"), handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phase, Phase::running);
  EXPECT_EQ(s->unknown_status, "upscaling");
  EXPECT_EQ(s->percent, 100);
  s = OpenAiVideos::on_status(response(200, R"({"id":"v","status":"cancelled","progress":null})"), handle());
  ASSERT_TRUE(s);
  EXPECT_EQ(errc(s->error), Errc::cancelled_at_provider);
  EXPECT_FALSE(s->percent);
  const auto bad = OpenAiVideos::on_status(response(200, R"({"id":"v"})"), handle());
  ASSERT_FALSE(bad);
  EXPECT_EQ(errc(bad.error()), Errc::unexpected_response);
}

TEST(OpenAiVideosAnswers, BothErrorShapes) {
  auto e = OpenAiVideos::error_of(response(
      429, R"({"error":{"message":"You exceeded your quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})"));
  EXPECT_EQ(errc(e), Errc::insufficient_balance);
  EXPECT_EQ(e.provider.status, 429);
  EXPECT_EQ(e.provider.message, "You exceeded your quota");
  e = OpenAiVideos::error_of(response(429, R"({"error":{"message":"slow","type":"requests","param":null,"code":"rate_limit_exceeded"}})"));
  EXPECT_EQ(errc(e), Errc::rate_limited);
  e = OpenAiVideos::error_of(response(401, R"({"error":{"message":"bad key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})"));
  EXPECT_EQ(errc(e), Errc::unauthorized);
  e = OpenAiVideos::error_of(response(400, R"({"error":{"message":"refused","type":"invalid_request_error","param":null,"code":"moderation_blocked"}})"));
  EXPECT_EQ(errc(e), Errc::content_policy);
  e = OpenAiVideos::error_of(response(404, R"({"error":{"message":"no","type":"model_not_found","param":"model","code":null}})"));
  EXPECT_EQ(errc(e), Errc::model_not_found);
  e = OpenAiVideos::error_of(response(400, R"({"error":"plain text"})"));
  EXPECT_EQ(errc(e), Errc::invalid_request);
  EXPECT_EQ(e.provider.message, "plain text");
  e = OpenAiVideos::error_of(response(502, "<html>bad gateway</html>", "text/html"));
  EXPECT_EQ(errc(e), Errc::provider_error);
  EXPECT_EQ(e.provider.message, "HTTP 502");
  EXPECT_TRUE(OpenAiVideos::on_cleanup(response(404, "")));
  EXPECT_TRUE(OpenAiVideos::on_cancel(response(200, R"({"id":"video_123","object":"video.deleted","deleted":true})")));
  EXPECT_FALSE(OpenAiVideos::on_cancel(response(500, "")));
}

}  // namespace
