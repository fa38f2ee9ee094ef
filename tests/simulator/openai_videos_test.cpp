// SPDX-License-Identifier: BSL-1.0
// The simulator's OpenAI-compatible video API (/oai/v1, openai-videos.yaml) driven through reel's
// HTTP client: the video object through every status, the content endpoint with the key, the
// output URL mode, the configurable auth header, Idempotency-Key, delete, errors and faults; then
// whole reel::OpenAiVideos jobs against it with VideoJob.
#include "sim_test_support.hpp"

#include <faults/openai_world.hpp>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_faults::count;
using reel_faults::OpenAiJob;
using reel_faults::OpenAiWorld;
using reel_faults::openai_request;
using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::form;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;

const std::string create_body = R"({"model":"sora-2","prompt":"A capybara in a hot spring","seconds":"4","size":"1280x720"})";

/// Every member VideoResource requires (nullable ones as raw JSON), and `output`.
struct VideoView {
  std::string id;
  std::string object;
  std::string model;
  std::string status;
  std::int64_t progress = -1;
  std::int64_t created_at = 0;
  reel::json::Value completed_at;
  reel::json::Value expires_at;
  reel::json::Value prompt;
  std::string size;
  std::string seconds;
  reel::json::Value remixed_from_video_id;
  reel::json::Value error;
  std::optional<reel::json::Value> output;
};

/// One header field.
reel::http::Fields header(std::string_view name, std::string_view value) {
  reel::http::Fields fields;
  fields.set(name, value);
  return fields;
}

std::string videos(SimFixture& f) { return f.sim->openai_url() + "/videos"; }
reel::http::Response create(SimFixture& f, const std::string& body = create_body, std::string key = "test-key",
                            reel::http::Fields extra = {}) {
  return f.call("POST", videos(f), body, std::move(key), std::move(extra));
}
reel::http::Response retrieve(SimFixture& f, const std::string& id, std::string key = "test-key") {
  return f.call("GET", videos(f) + "/" + id, "", std::move(key));
}
std::string created_id(SimFixture& f, const std::string& body = create_body) {
  const auto r = create(f, body);
  EXPECT_EQ(r.head.status, 200) << r.body;
  return text_at(r.body, {"id"});
}

TEST(OpenAiSim, CreateAnswers200WithTheSpecsVideoObject) {
  SimFixture f(polls_options(2));
  const auto r = create(f);
  ASSERT_EQ(r.head.status, 200) << r.body;
  const auto v = parse<VideoView>(r.body);
  EXPECT_EQ(v.id.rfind("video_", 0), 0u) << v.id;
  EXPECT_EQ(v.object, "video");
  EXPECT_EQ(v.model, "sora-2");
  EXPECT_EQ(v.status, "queued");
  EXPECT_EQ(v.progress, 0);
  EXPECT_GT(v.created_at, 0);
  EXPECT_TRUE(v.completed_at.is_null());
  EXPECT_TRUE(v.expires_at.is_null());
  EXPECT_TRUE(v.remixed_from_video_id.is_null());
  EXPECT_TRUE(v.error.is_null());
  EXPECT_FALSE(v.output.has_value());  // OpenAI's shape has none
  EXPECT_EQ(v.size, "1280x720");
  EXPECT_EQ(v.seconds, "4");
  EXPECT_EQ(text_at(r.body, {"prompt"}), "A capybara in a hot spring");
  EXPECT_EQ(count(f.counters(), "openai.create 200"), 1);
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(OpenAiSim, RetrieveGoesInProgressThenCompletedWithPollAfter) {
  Options o = polls_options(3);
  o.config.poll_after_ms = 1234;
  SimFixture f(std::move(o));
  const std::string id = created_id(f);
  const auto first = retrieve(f, id);
  ASSERT_EQ(first.head.status, 200) << first.body;
  EXPECT_EQ(first.head.headers.find("openai-poll-after-ms").value_or(""), "1234");
  EXPECT_EQ(text_at(first.body, {"status"}), "in_progress");
  EXPECT_EQ(text_at(first.body, {"progress"}), "33");
  EXPECT_EQ(text_at(retrieve(f, id).body, {"progress"}), "66");
  const auto done = retrieve(f, id);
  const auto v = parse<VideoView>(done.body);
  EXPECT_EQ(v.status, "completed");
  EXPECT_EQ(v.progress, 100);
  EXPECT_FALSE(v.completed_at.is_null());
  EXPECT_FALSE(v.expires_at.is_null());
  EXPECT_TRUE(v.error.is_null());
  EXPECT_FALSE(v.output.has_value());
  EXPECT_EQ(count(f.counters(), "openai.status 200"), 3);
}

TEST(OpenAiSim, ContentIsOnTheSameOriginAndNeedsTheKey) {
  SimFixture f(polls_options(1));
  const std::string id = created_id(f);
  const std::string content = videos(f) + "/" + id + "/content";
  EXPECT_EQ(f.call("GET", content).head.status, 404);  // not ready yet
  EXPECT_EQ(text_at(retrieve(f, id).body, {"status"}), "completed");
  EXPECT_EQ(f.call("GET", content, "", "").head.status, 401);
  const auto r = f.call("GET", content + "?variant=video");
  ASSERT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.headers.find("Content-Type").value_or(""), "video/mp4");
  EXPECT_TRUE(r.body == reel_sim::sample_mp4());
  const auto part = f.call("GET", content, "", "test-key", header("Range", "bytes=10-19"));
  EXPECT_EQ(part.head.status, 206);
  EXPECT_EQ(part.body, std::string(reel_sim::sample_mp4().substr(10, 10)));
  EXPECT_EQ(f.call("GET", content + "?variant=thumbnail").head.status, 404);
  const auto bad = f.call("GET", content + "?variant=poster");
  EXPECT_EQ(bad.head.status, 400);
  EXPECT_EQ(text_at(bad.body, {"error", "type"}), "invalid_request_error");
  EXPECT_EQ(f.counters().jobs.at(0).download_fetches, 2);
}

TEST(OpenAiSim, FailedAndRefusedVideosCarryErrorCodeAndMessage) {
  SimFixture f(polls_options(1));
  const std::string failed = created_id(f, R"({"prompt":"please [fail]"})");
  const auto a = parse<VideoView>(retrieve(f, failed).body);
  EXPECT_EQ(a.status, "failed");
  EXPECT_EQ(a.model, "sora-2");  // the first configured model is the default
  EXPECT_EQ(text_at(retrieve(f, failed).body, {"error", "code"}), "GENERATION_FAILED");
  EXPECT_NE(text_at(retrieve(f, failed).body, {"error", "message"}), "<absent>");
  const std::string refused = created_id(f, R"({"prompt":"a [reject] scene"})");
  EXPECT_EQ(text_at(retrieve(f, refused).body, {"error", "code"}), "moderation_blocked");
  const auto blocked = create(f, R"({"prompt":"a [blocked] scene"})");
  EXPECT_EQ(blocked.head.status, 400);
  EXPECT_EQ(text_at(blocked.body, {"error", "code"}), "moderation_blocked");
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(OpenAiSim, CreateAcceptsMultipartWithAFileOrAReferenceObject) {
  SimFixture f;
  const std::string boundary = "----reel-oai-boundary";
  reel::http::Request request;
  request.method = "POST";
  request.url = videos(f);
  request.headers.set("Authorization", "Bearer test-key");
  request.headers.set("Content-Type", "multipart/form-data; boundary=" + boundary);
  request.body = form(boundary, {{"model", "sora-2-pro"}, {"prompt", "multi\r\npart"}, {"seconds", "8"}, {"size", "1792x1024"}});
  auto r = f.client.send(request);
  ASSERT_TRUE(r) << r.error().code.message();
  ASSERT_EQ(r->head.status, 200) << r->body;
  const auto v = parse<VideoView>(r->body);
  EXPECT_EQ(v.model, "sora-2-pro");
  EXPECT_EQ(v.seconds, "8");
  EXPECT_EQ(v.size, "1792x1024");
  EXPECT_EQ(text_at(r->body, {"prompt"}), "multi\r\npart");
  // JSON: input_reference needs exactly one of image_url and file_id; seconds as a number is read too.
  EXPECT_EQ(create(f, R"({"prompt":"p","seconds":8,"input_reference":{"image_url":"https://example.com/a.png"}})").head.status, 200);
  const auto both = create(f, R"({"prompt":"p","input_reference":{"image_url":"https://x/a.png","file_id":"file-1"}})");
  EXPECT_EQ(both.head.status, 400);
  EXPECT_EQ(text_at(both.body, {"error", "code"}), "invalid_value");
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(OpenAiSim, ErrorsUseTheEnvelopeWithTypeParamAndCode) {
  SimFixture f;
  const auto missing = create(f, R"({"model":"sora-2"})");
  EXPECT_EQ(missing.head.status, 400);
  EXPECT_EQ(text_at(missing.body, {"error", "type"}), "invalid_request_error");
  EXPECT_EQ(text_at(missing.body, {"error", "param"}), "null");
  EXPECT_EQ(text_at(missing.body, {"error", "code"}), "missing_required_parameter");
  const auto model = create(f, R"({"model":"no-such-model","prompt":"p"})");
  EXPECT_EQ(model.head.status, 404);
  EXPECT_EQ(text_at(model.body, {"error", "code"}), "model_not_found");
  EXPECT_EQ(create(f, R"({"prompt":"p","seconds":"5"})").head.status, 400);
  EXPECT_EQ(create(f, R"({"prompt":"p","size":"1920x1080"})").head.status, 400);
  EXPECT_EQ(create(f, R"({"prompt":)").head.status, 400);
  const auto unknown = retrieve(f, "video_nope");
  EXPECT_EQ(unknown.head.status, 404);
  EXPECT_EQ(text_at(unknown.body, {"error", "code"}), "not_found");
  const auto unauthorized = create(f, create_body, "");
  EXPECT_EQ(unauthorized.head.status, 401);
  EXPECT_EQ(text_at(unauthorized.body, {"error", "code"}), "invalid_api_key");
  EXPECT_EQ(f.call("PUT", videos(f) + "/x").head.status, 405);
  // Another API key does not see the video.
  const std::string id = created_id(f);
  EXPECT_EQ(retrieve(f, id, "other-key").head.status, 404);
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(OpenAiSim, AConfiguredAuthHeaderIsTheOnlyOneAccepted) {
  Options o = polls_options(1);
  o.config.openai.auth_header = "api-key";
  o.config.openai.auth_scheme = "";
  SimFixture f(std::move(o));
  EXPECT_EQ(create(f).head.status, 401);  // Authorization: Bearer is not this gateway's header
  const auto r = create(f, create_body, "", header("api-key", "test-key"));
  ASSERT_EQ(r.head.status, 200) << r.body;
  const std::string id = text_at(r.body, {"id"});
  EXPECT_EQ(f.call("GET", videos(f) + "/" + id, "", "", header("api-key", "test-key")).head.status, 200);
  EXPECT_EQ(f.call("GET", videos(f) + "/" + id, "", "", header("api-key", "Bearer test-key")).head.status, 404);
  EXPECT_EQ(f.counters().jobs_created, 1);
}

TEST(OpenAiSim, IdempotencyKeyHonouredOnlyWhenConfigured) {
  Options on = polls_options(2);
  on.config.openai.idempotency = true;
  SimFixture f(std::move(on));
  const auto a = create(f, create_body, "test-key", header("Idempotency-Key", "k-1"));
  const auto b = create(f, create_body, "test-key", header("Idempotency-Key", "k-1"));
  ASSERT_EQ(a.head.status, 200) << a.body;
  ASSERT_EQ(b.head.status, 200) << b.body;
  EXPECT_EQ(text_at(a.body, {"id"}), text_at(b.body, {"id"}));
  const auto other = create(f, R"({"model":"sora-2","prompt":"another prompt"})", "test-key", header("Idempotency-Key", "k-1"));
  EXPECT_EQ(other.head.status, 422);
  EXPECT_EQ(text_at(other.body, {"error", "code"}), "idempotency_key_reused");
  EXPECT_EQ(f.counters().jobs_created, 1);
  EXPECT_EQ(f.counters().create_requests_by_idempotency_key.at("k-1"), 3);

  SimFixture g(polls_options(2));  // not honoured: the header is ignored
  const auto c = create(g, create_body, "test-key", header("Idempotency-Key", "k-1"));
  const auto d = create(g, create_body, "test-key", header("Idempotency-Key", "k-1"));
  EXPECT_NE(text_at(c.body, {"id"}), text_at(d.body, {"id"}));
  EXPECT_EQ(g.counters().jobs_created, 2);
  EXPECT_TRUE(g.counters().create_requests_by_idempotency_key.empty());
}

TEST(OpenAiSim, OutputUrlModeServesTheVideoOnTheMediaOriginWithoutTheKey) {
  Options o = polls_options(1);
  o.config.openai.output_url = true;
  SimFixture f(std::move(o));
  const std::string id = created_id(f);
  const auto v = parse<VideoView>(retrieve(f, id).body);
  ASSERT_EQ(v.status, "completed");
  ASSERT_TRUE(v.output.has_value());
  const std::string url = text_at(retrieve(f, id).body, {"output", "url"});
  EXPECT_EQ(url, f.sim->media_url() + "/openai/" + id + ".mp4");
  EXPECT_EQ(text_at(retrieve(f, id).body, {"output", "size_bytes"}), std::to_string(reel_sim::sample_mp4().size()));
  const auto media = f.call("GET", url, "", "");
  ASSERT_EQ(media.head.status, 200);
  EXPECT_TRUE(media.body == reel_sim::sample_mp4());
  EXPECT_EQ(f.counters().media_requests_with_authorization, 0);
  // The content endpoint stays (with the key).
  EXPECT_EQ(f.call("GET", videos(f) + "/" + id + "/content").head.status, 200);
  // After DELETE the URL is gone too, and the request is counted as one after cleanup.
  const auto deleted = f.call("DELETE", videos(f) + "/" + id);
  EXPECT_EQ(deleted.head.status, 200);
  EXPECT_EQ(text_at(deleted.body, {"object"}), "video.deleted");
  EXPECT_EQ(text_at(deleted.body, {"deleted"}), "true");
  EXPECT_EQ(f.call("GET", url, "", "").head.status, 404);
  const auto c = f.counters();
  EXPECT_EQ(c.jobs_deleted, 1);
  EXPECT_EQ(c.requests_after_cleanup, 1);
  EXPECT_EQ(count(c, "openai.media 200"), 1);
  EXPECT_EQ(count(c, "openai.media 404"), 1);
}

TEST(OpenAiSim, DeleteCancelsARunningVideoAndLaterRequestsAre404) {
  Options o;
  o.config.job.duration_ms = 60'000;
  SimFixture f(std::move(o));
  const std::string id = created_id(f);
  const auto r = f.call("DELETE", videos(f) + "/" + id);
  ASSERT_EQ(r.head.status, 200) << r.body;
  EXPECT_EQ(text_at(r.body, {"id"}), id);
  EXPECT_EQ(retrieve(f, id).head.status, 404);
  const auto c = f.counters();
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(c.requests_after_cleanup, 1);
  EXPECT_EQ(count(c, "openai.delete 200"), 1);
}

TEST(OpenAiSim, FaultRulesAndRateLimitsApplyByEndpointName) {
  Options o = polls_options(1);
  o.config.rate_limits["openai.create"] = 1;
  SimFixture f(std::move(o));
  const std::string id = created_id(f);
  const auto limited = create(f);
  EXPECT_EQ(limited.head.status, 429);
  EXPECT_EQ(text_at(limited.body, {"error", "code"}), "rate_limit_exceeded");
  EXPECT_TRUE(limited.head.headers.find("Retry-After").has_value());
  f.rules(R"([{"match":{"endpoint":"openai.status"},"times":1,"fault":{"status":503,"message":"busy"}},
              {"match":{"endpoint":"openai.content"},"times":1,"fault":{"status":500}}])");
  const auto busy = retrieve(f, id);
  EXPECT_EQ(busy.head.status, 503);
  EXPECT_EQ(text_at(busy.body, {"error", "message"}), "busy");
  EXPECT_EQ(text_at(busy.body, {"error", "type"}), "server_error");
  EXPECT_EQ(retrieve(f, id).head.status, 200);
  EXPECT_EQ(f.call("GET", videos(f) + "/" + id + "/content").head.status, 500);
  EXPECT_EQ(f.call("GET", videos(f) + "/" + id + "/content").head.status, 200);
  const auto c = f.counters();
  EXPECT_EQ(c.faults_injected, 2);
  EXPECT_EQ(count(c, "openai.status 503"), 1);
  EXPECT_EQ(count(c, "openai.content 500"), 1);
  EXPECT_EQ(count(c, "openai.create 429"), 1);
}

TEST(OpenAiSim, LumenfallsEndpointsDoNotSeeTheseVideos) {
  SimFixture f;
  const std::string id = created_id(f);
  EXPECT_EQ(f.call("GET", f.sim->lumenfall_url() + "/videos/" + id).head.status, 404);
  EXPECT_EQ(f.call("GET", videos(f) + "/" + text_at(f.call("POST", f.sim->lumenfall_url() + "/videos", create_body).body, {"id"}))
                .head.status,
            404);
}

// ---- whole reel::OpenAiVideos jobs -----------------------------------------------------------

TEST(OpenAiVideosJob, GenerateReadsTheContentEndpointWithTheKey) {
  OpenAiWorld w(polls_options(2));
  OpenAiJob job(w.http, w.openai(), w.account, w.options());
  const auto o = w.run(reel_faults::generate(job, openai_request("A capybara in a hot spring"), w.out("a.mp4")));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  EXPECT_EQ(o.bytes, reel_sim::sample_mp4().size());
  EXPECT_EQ(o.handle.provider, "openai");
  EXPECT_EQ(o.handle.job_id.rfind("video_", 0), 0u);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "openai.create 200"), 1);
  EXPECT_EQ(count(c, "openai.content 200"), 1);  // it needs the key: it was sent there
  EXPECT_EQ(count(c, "openai.media 200"), 0);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(c.jobs.at(0).download_fetches, 1);
  EXPECT_TRUE(c.jobs.at(0).cleaned);  // cleaned up with DELETE after the download
  EXPECT_EQ(count(c, "openai.delete 200"), 1);
}

TEST(OpenAiVideosJob, OutputUrlIsFetchedWithoutTheKeyEvenInACustomHeader) {
  Options o = polls_options(2);
  o.config.openai.output_url = true;
  o.config.openai.auth_header = "api-key";
  o.config.openai.auth_scheme = "";
  OpenAiWorld w(std::move(o));
  reel::OpenAiVideos provider = w.openai();
  provider.auth_header = "api-key";
  provider.auth_scheme = "";
  OpenAiJob job(w.http, provider, w.account, w.options());
  const auto out = w.run(reel_faults::generate(job, openai_request("via the output url"), w.out("u.mp4")));
  ASSERT_EQ(out.kind, OutcomeKind::succeeded) << out.error.message();
  EXPECT_TRUE(reel_test::read_file(out.file) == reel_sim::sample_mp4());
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "openai.create 200"), 1);  // the custom header was accepted ...
  EXPECT_EQ(count(c, "openai.media 200"), 1);
  EXPECT_EQ(count(c, "openai.content 200"), 0);
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // ... and never sent to the media origin
}

TEST(OpenAiVideosJob, TheWrongAuthHeaderIsRefusedAndNothingIsCreated) {
  Options o = polls_options(2);
  o.config.openai.auth_header = "api-key";
  o.config.openai.auth_scheme = "";
  OpenAiWorld w(std::move(o));
  OpenAiJob job(w.http, w.openai(), w.account, w.options());  // Authorization: Bearer
  const auto out = w.run(reel_faults::generate(job, openai_request("wrong header"), w.out("w.mp4")));
  EXPECT_EQ(out.kind, OutcomeKind::refused) << out.error.message();
  EXPECT_EQ(out.error.code, reel::job::Errc::unauthorized);
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
}

TEST(OpenAiVideosJob, PollAfterHintSpacesThePolls) {
  // The job runs 1.5 s; reel's own interval is 10 ms, the hint 400 ms: a handful of polls, not ~150.
  Options o;
  o.config.job.duration_ms = 1500;
  o.config.poll_after_ms = 400;
  OpenAiWorld w(std::move(o));
  reel::JobOptions options = w.options();
  options.poll = reel::policy::FixedInterval{10ms};
  options.poll_bounds = {10ms, 2s};
  OpenAiJob job(w.http, w.openai(), w.account, options);
  const auto out = w.run(reel_faults::generate(job, openai_request("hinted"), w.out("h.mp4")));
  ASSERT_EQ(out.kind, OutcomeKind::succeeded) << out.error.message();
  EXPECT_GE(out.polls, 1);
  EXPECT_LE(out.polls, 12) << "the openai-poll-after-ms hint was not honoured";
}

TEST(OpenAiVideosJob, AResetCreateIsResentWithTheSameIdempotencyKeyIntoOneVideo) {
  Options o = polls_options(2);
  o.config.openai.idempotency = true;
  OpenAiWorld w(std::move(o));
  w.sim.rules(R"([{"match":{"endpoint":"openai.create"},"times":1,"fault":{"reset_at":20}}])");
  reel::OpenAiVideos provider = w.openai();
  provider.idempotency_key_honoured = true;
  OpenAiJob job(w.http, provider, w.account, w.options());
  const auto out = w.run(reel_faults::generate(job, openai_request("reset then resent"), w.out("r.mp4")));
  ASSERT_EQ(out.kind, OutcomeKind::succeeded) << out.error.message();
  ASSERT_TRUE(out.handle.idempotency_key.has_value());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs_created_by_idempotency_key.at(*out.handle.idempotency_key), 1);
  EXPECT_EQ(c.create_requests_by_idempotency_key.at(*out.handle.idempotency_key), 2);
  EXPECT_EQ(c.jobs.at(0).id, out.handle.job_id);
}

TEST(OpenAiVideosJob, FailedAndRefusedVideosAreTypedOutcomes) {
  OpenAiWorld w(polls_options(1));
  OpenAiJob a(w.http, w.openai(), w.account, w.options());
  const auto failed = w.run(reel_faults::generate(a, openai_request("please [fail]"), w.out("f.mp4")));
  EXPECT_EQ(failed.kind, OutcomeKind::failed);
  EXPECT_EQ(failed.error.code, reel::job::Errc::failed_at_provider);
  EXPECT_EQ(failed.error.provider.code, "GENERATION_FAILED");
  OpenAiJob b(w.http, w.openai(), w.account, w.options());
  const auto refused = w.run(reel_faults::generate(b, openai_request("a [reject] scene"), w.out("r.mp4")));
  EXPECT_EQ(refused.kind, OutcomeKind::failed);
  EXPECT_EQ(refused.error.code, reel::job::Errc::content_policy);
  EXPECT_FALSE(std::filesystem::exists(w.out("f.mp4")));
  EXPECT_FALSE(std::filesystem::exists(w.out("r.mp4")));
}

}  // namespace
