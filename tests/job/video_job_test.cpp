// SPDX-License-Identifier: BSL-1.0
// VideoJob over the ScriptedClient in virtual time: both providers' lifecycles, every way a job
// can end, and the guarantees (no duplicate create, no Authorization to download hosts, cleanup
// only after the file is safe, the handle kept on every path).
#include "job_fixture.hpp"

#include <reel/json/read.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>

#include <asio/use_future.hpp>

#include <future>

#include <string>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_test::JobWorld;
using reel_test::quick_options;
using reel_test::video_bytes;

const std::string venice_api = "https://api.venice.ai/api/v1";
const std::string lumenfall_api = "https://api.lumenfall.ai/openai/v1";

using reel_test::lumenfall_request;
using reel_test::venice_request;

using VeniceJob = reel::VideoJob<reel::Venice, reel::testing::ScriptedClient>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, reel::testing::ScriptedClient>;

asio::awaitable<reel::job::Outcome> generate(VeniceJob& job, reel::venice::QueueRequest request, std::filesystem::path out) {
  co_return co_await job.generate(request, out);
}
asio::awaitable<reel::job::Outcome> generate_l(LumenfallJob& job, reel::lumenfall::CreateRequest request,
                                               std::filesystem::path out) {
  co_return co_await job.generate(request, out);
}

std::string json_member(const std::string& body, std::string_view key) {
  reel::json::Value v;
  if (reel::json::read(body, v)) return "<not json>";
  const std::string* s = v.find_string(key);
  return s != nullptr ? *s : "<absent>";
}

void expect_processing(reel::testing::ScriptedClient& c, const std::string& id, int estimate_ms = 20000) {
  c.expect("POST", venice_api + "/video/retrieve")
      .header("Authorization", "Bearer key")
      .body_if([id](std::string_view b) { return b.find(id) != std::string_view::npos; }, "the queue_id")
      .respond(200, R"({"status":"PROCESSING","average_execution_time":)" + std::to_string(estimate_ms) +
                        R"(,"execution_duration":1000})")
      .response_header("Content-Type", "application/json");
}

TEST(VideoJobVenice, InlineVideoLifecycle) {
  JobWorld w;
  const std::string video = video_bytes(100'000);
  w.client.expect("POST", venice_api + "/video/queue")
      .header("Authorization", "Bearer key")
      .respond(200, R"({"model":"wan-2.5-preview-text-to-video","queue_id":"q-1"})");
  expect_processing(w.client, "q-1");
  w.client.expect("POST", venice_api + "/video/retrieve")
      .respond(200, video)
      .response_header("Content-Type", "video/mp4")
      .pieces(16384);
  w.client.expect("POST", venice_api + "/video/complete")
      .header("Authorization", "Bearer key")
      .body(R"({"model":"wan-2.5-preview-text-to-video","queue_id":"q-1"})")
      .respond(200, R"({"success":true})");
  std::vector<reel::job::Stage> stages;
  reel::JobOptions options = quick_options();
  std::optional<reel::job::JobHandle> submitted;
  options.on_submitted = [&](const reel::job::JobHandle& h) { submitted = h; };
  options.on_progress = [&](const reel::job::JobProgress& p) {
    if (stages.empty() || stages.back() != p.stage) stages.push_back(p.stage);
  };
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  const auto start = w.clock.now();
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "out.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(outcome.file, w.dir / "out.mp4");
  EXPECT_EQ(w.read(outcome.file), video);
  EXPECT_FALSE(std::filesystem::exists(w.dir / "out.mp4.part"));
  EXPECT_EQ(outcome.polls, 2);
  EXPECT_EQ(outcome.bytes, video.size());
  EXPECT_TRUE(outcome.cleaned_up);
  EXPECT_EQ(outcome.handle.job_id, "q-1");
  EXPECT_EQ(outcome.handle.provider, "venice");
  EXPECT_EQ(outcome.handle.base_url, venice_api);
  ASSERT_TRUE(submitted.has_value());
  EXPECT_EQ(submitted->job_id, "q-1");
  EXPECT_EQ(w.clock.now() - start, 10s);  // two fixed 5 s polls, no real sleeping
  EXPECT_EQ(stages.front(), reel::job::Stage::submitting);
  EXPECT_EQ(stages.back(), reel::job::Stage::done);
  EXPECT_EQ(w.account.estimate("wan-2.5-preview-text-to-video"), std::chrono::milliseconds(20000));
}

TEST(VideoJobVenice, PrivateModelDownloadsTheLinkWithoutAuthThenRevokesIt) {
  JobWorld w;
  const std::string link = "https://private-share.venice.ai/v1/share/read/tok";
  const std::string video = video_bytes(5000);
  w.client.expect("POST", venice_api + "/video/queue")
      .respond(200, R"({"model":"grok-imagine-text-to-video-private","queue_id":"q-2","download_url":")" + link + "\"}");
  w.client.expect("POST", venice_api + "/video/retrieve")
      .respond(200, R"({"status":"COMPLETED","average_execution_time":1000,"execution_duration":900})");
  w.client.expect("GET", link).no_header("Authorization").respond(200, video).response_header("Content-Type", "video/mp4");
  w.client.expect("DELETE", link).no_header("Authorization").respond(204);
  w.client.expect("POST", venice_api + "/video/complete").respond(200, R"({"success":true})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "p.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "p.mp4"), video);
  EXPECT_EQ(outcome.handle.download_url, link);
}

TEST(VideoJobVenice, CreateThatMayHaveBeenReceivedIsNeverRepeated) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue")
      .fail(make_error_code(asio::error::connection_reset), reel::http::Stage::response);
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "a.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::ambiguous);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::ambiguous_submit);
  EXPECT_NE(outcome.error.message().find("response: "), std::string::npos) << outcome.error.message();  // the stage it broke at
  EXPECT_EQ(w.client.requests().size(), 1u);  // not retried
  EXPECT_EQ(outcome.handle.model, "wan-2.5-preview-text-to-video");
  EXPECT_GT(outcome.handle.created_at, 0);
  EXPECT_FALSE(outcome.handle.submitted());
}

TEST(VideoJobVenice, CreateRetriedWhenNothingWasSentOrOn429) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue")
      .fail(make_error_code(asio::error::connection_refused), reel::http::Stage::connect);
  w.client.expect("POST", venice_api + "/video/queue").respond(429, R"({"error":"Rate limit exceeded"})").response_header("Retry-After", "7");
  w.client.expect("POST", venice_api + "/video/queue").respond(200, R"({"model":"m","queue_id":"q-3"})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto start = w.clock.now();
  const auto r = w.run([&]() -> asio::awaitable<reel::Result<reel::job::JobHandle, reel::job::JobError>> {
    const auto request = venice_request();
    co_return co_await job.submit(request);
  }());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->job_id, "q-3");
  EXPECT_EQ(w.client.requests().size(), 3u);
  EXPECT_GE(w.clock.now() - start, 1s + 7s);  // backoff, then the server's Retry-After
}

TEST(VideoJobVenice, SubmitErrorsAreRefusalsWithTheProvidersDetails) {
  struct Case {
    int status;
    std::string body;
    reel::job::Errc errc;
  };
  const Case cases[] = {
      {400, R"({"error":"Invalid request parameters","details":{"_errors":[]}})", reel::job::Errc::invalid_request},
      {401, R"({"error":"Authentication failed"})", reel::job::Errc::unauthorized},
      {402, R"({"error":"Insufficient balance","code":"INSUFFICIENT_BALANCE"})", reel::job::Errc::insufficient_balance},
      {409,
       R"({"error":{"code":"needs_consent","message":"Consent needed"},"consent_flow":"seedance","face_media_roles":[],"consent":{"consent_version":"v1","policy_text":"You agree."},"docs_url":"x"})",
       reel::job::Errc::needs_consent},
      {413, R"({"code":"PAYLOAD_TOO_LARGE","error":"too big"})", reel::job::Errc::payload_too_large},
      {422, R"({"error":"Content violation","suggested_prompt":"A calm lake"})", reel::job::Errc::content_policy},
  };
  for (const Case& c : cases) {
    JobWorld w;
    w.client.expect("POST", venice_api + "/video/queue").respond(c.status, c.body);
    VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
    const auto outcome = w.run(generate(job, venice_request(), w.dir / "r.mp4"));
    EXPECT_EQ(outcome.kind, OutcomeKind::refused) << c.status;
    EXPECT_EQ(outcome.error.code, c.errc) << c.status;
    EXPECT_EQ(outcome.error.provider.status, c.status);
    EXPECT_EQ(w.client.requests().size(), 1u) << c.status;
    if (c.status == 409) {
      EXPECT_EQ(outcome.error.provider.more().policy_text, "You agree.");
      EXPECT_EQ(outcome.error.provider.code, "needs_consent");
    }
    if (c.status == 422) {
      EXPECT_EQ(outcome.error.provider.more().suggested_prompt, "A calm lake");
    }
    EXPECT_EQ(outcome.error.message().find("Bearer"), std::string::npos);
  }
}

TEST(VideoJobVenice, ContentPolicyAtTheProviderFailsTheJob) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue").respond(200, R"({"model":"m","queue_id":"q-4"})");
  w.client.expect("POST", venice_api + "/video/retrieve")
      .respond(422, R"({"error":{"message":"rejected","type":"provider_content_policy","credits_refunded":true}})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "c.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::content_policy);
  EXPECT_EQ(outcome.error.provider.more().credits_refunded, true);
  EXPECT_EQ(outcome.handle.job_id, "q-4");
  EXPECT_FALSE(std::filesystem::exists(w.dir / "c.mp4"));
}

TEST(VideoJobVenice, CapacityAndServerErrorsAreRidden_NotFoundIsNot) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue").respond(200, R"({"model":"m","queue_id":"q-5"})");
  w.client.expect("POST", venice_api + "/video/retrieve").respond(503, R"({"error":"The model is at capacity"})");
  w.client.expect("POST", venice_api + "/video/retrieve").respond(500, R"({"error":"Inference processing failed"})");
  w.client.expect("POST", venice_api + "/video/retrieve")
      .fail(make_error_code(asio::error::connection_reset), reel::http::Stage::response);
  w.client.expect("POST", venice_api + "/video/retrieve").respond(404, R"({"error":"Media not found"})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "n.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::error);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::job_not_found);
  EXPECT_EQ(outcome.polls, 4);
  EXPECT_EQ(outcome.handle.job_id, "q-5");
}

TEST(VideoJobVenice, DeadlinePassingDuringPollsKeepsTheHandle) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue").respond(200, R"({"model":"m","queue_id":"q-6"})");
  for (int i = 0; i < 6; ++i) expect_processing(w.client, "q-6");
  reel::JobOptions options = quick_options();
  options.deadline = w.clock.now() + 32s;
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "d.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::deadline);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::deadline_exceeded);
  EXPECT_EQ(outcome.handle.job_id, "q-6");
  EXPECT_EQ(outcome.polls, 6);
  EXPECT_EQ(w.clock.now(), *options.deadline);
  EXPECT_TRUE(w.client.done());
}

TEST(VideoJobVenice, CancellationEndsTheWaitWithTheHandle) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue").respond(200, R"({"model":"m","queue_id":"q-7"})");
  expect_processing(w.client, "q-7");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run_and_cancel(generate(job, venice_request(), w.dir / "x.mp4"), 7s);
  EXPECT_EQ(outcome.kind, OutcomeKind::cancelled);
  EXPECT_EQ(outcome.handle.job_id, "q-7");
  EXPECT_EQ(outcome.polls, 1);
}

// A status poll never carries Range (it is not a download): the next poll brings the whole video.
TEST(VideoJobVenice, BrokenInlineVideoComesWholeWithTheNextPoll) {
  JobWorld w;
  const std::string video = video_bytes(50'000);
  w.client.expect("POST", venice_api + "/video/queue").respond(200, R"({"model":"m","queue_id":"q-8"})");
  w.client.expect("POST", venice_api + "/video/retrieve")
      .no_header("Range")
      .respond(200, video)
      .response_header("Content-Type", "video/mp4")
      .fail_after(20'000, make_error_code(asio::error::connection_reset));
  w.client.expect("POST", venice_api + "/video/retrieve")
      .no_header("Range")
      .respond(200, video)
      .response_header("Content-Type", "video/mp4");
  w.client.expect("POST", venice_api + "/video/complete").respond(200, R"({"success":true})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "b.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "b.mp4"), video);
}

TEST(VideoJobVenice, CleanupNeverBeforeTheFileIsSafe) {
  JobWorld w;
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto r = w.run([&]() -> asio::awaitable<reel::Result<void, reel::job::JobError>> { co_return co_await job.cleanup(); }());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, reel::job::Errc::file_error);
  EXPECT_TRUE(w.client.requests().empty());
}

TEST(VideoJobVenice, QuoteAndValidation) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/quote")
      .body(R"({"model":"wan-2.5-preview-text-to-video","duration":"5s","aspect_ratio":"16:9"})")
      .respond(200, R"({"quote":0.25})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto q = w.run([&]() -> asio::awaitable<reel::Result<double, reel::job::JobError>> {
    const auto request = venice_request();
    co_return co_await job.quote(request);
  }());
  ASSERT_TRUE(q) << q.error().message();
  EXPECT_DOUBLE_EQ(*q, 0.25);
}

TEST(VideoJobVenice, ResumedJobIsNeverSubmittedAgain) {
  JobWorld w;
  reel::job::JobHandle h;
  h.provider = "venice";
  h.base_url = venice_api;
  h.model = "m";
  h.job_id = "q-9";
  w.client.expect("POST", venice_api + "/video/retrieve").respond(200, "video").response_header("Content-Type", "video/mp4");
  w.client.expect("POST", venice_api + "/video/complete").respond(200, R"({"success":true})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, h, quick_options());
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "resumed.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done());
  for (const auto& r : w.client.requests()) EXPECT_EQ(r.request.url.find("/video/queue"), std::string::npos);
}

TEST(VideoJobLumenfall, LifecycleWithIdempotentRetriedCreate) {
  JobWorld w;
  const std::string video = video_bytes(30'000);
  const std::string cdn = "https://media.lumenfall.ai/video_1.mp4";
  w.client.expect("POST", lumenfall_api + "/videos")
      .header("Authorization", "Bearer lkey")
      .fail(make_error_code(asio::error::connection_reset), reel::http::Stage::response);
  w.client.expect("POST", lumenfall_api + "/videos")
      .respond(202, R"({"id":"video_1","object":"video","status":"queued","model":"sora-2","progress":0})");
  w.client.expect("GET", lumenfall_api + "/videos/video_1")
      .header("Authorization", "Bearer lkey")
      .respond(200, R"({"id":"video_1","status":"in_progress","progress":40,"metadata":{"cost_estimate":0.4}})")
      .response_header("openai-poll-after-ms", "9000");
  w.client.expect("GET", lumenfall_api + "/videos/video_1")
      .respond(200, R"({"id":"video_1","status":"completed","progress":100,"expires_at":1800000000,"output":{"url":")" +
                        cdn + R"(","content_type":"video/mp4","size_bytes":30000},"metadata":{"cost":0.4}})");
  w.client.expect("GET", cdn).no_header("Authorization").respond(200, video);
  w.client.expect("DELETE", lumenfall_api + "/videos/video_1").respond(200, R"({"id":"video_1","deleted":true})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto start = w.clock.now();
  const auto outcome = w.run(generate_l(job, lumenfall_request(), w.dir / "l.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "l.mp4"), video);
  EXPECT_EQ(outcome.cost, 0.4);
  EXPECT_EQ(outcome.handle.expires_at, 1800000000);
  // Both creates carried the same idempotency key, minted once.
  const auto& reqs = w.client.requests();
  const std::string key1 = json_member(reqs[0].request.body, "idempotency_key");
  EXPECT_EQ(key1.rfind("reel-", 0), 0u) << key1;
  EXPECT_EQ(json_member(reqs[1].request.body, "idempotency_key"), key1);
  EXPECT_EQ(outcome.handle.idempotency_key, key1);
  // The poll after the in_progress answer honoured openai-poll-after-ms (9 s, not 5 s).
  EXPECT_GE(w.clock.now() - start, 1s + 5s + 9s);
}

TEST(VideoJobLumenfall, FailedStatusEndsTheJob) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_2","status":"queued"})");
  w.client.expect("GET", lumenfall_api + "/videos/video_2")
      .respond(200, R"({"id":"video_2","status":"failed","error":{"code":"GENERATION_FAILED","message":"boom"}})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto outcome = w.run(generate_l(job, lumenfall_request(), w.dir / "f.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::failed);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::failed_at_provider);
  EXPECT_EQ(outcome.error.provider.code, "GENERATION_FAILED");
  EXPECT_EQ(outcome.error.provider.message, "boom");
  EXPECT_EQ(outcome.handle.job_id, "video_2");
}

TEST(VideoJobLumenfall, DownloadResetResumesAndSizeIsChecked) {
  JobWorld w;
  const std::string video = video_bytes(40'000);
  const std::string cdn = "https://media.lumenfall.ai/video_3.mp4";
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_3","status":"queued"})");
  w.client.expect("GET", lumenfall_api + "/videos/video_3")
      .respond(200, R"({"id":"video_3","status":"completed","output":{"url":")" + cdn + R"(","size_bytes":40000}})");
  w.client.expect("GET", cdn).respond(200, video).fail_after(10'000, make_error_code(asio::error::connection_reset));
  w.client.expect("GET", cdn)
      .header("Range", "bytes=10000-")
      .respond(206, video.substr(10'000))
      .response_header("Content-Range", "bytes 10000-39999/40000");
  w.client.expect("DELETE", lumenfall_api + "/videos/video_3").respond(200, R"({"id":"video_3","deleted":true})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto outcome = w.run(generate_l(job, lumenfall_request(), w.dir / "r.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(w.client.done()) << (w.client.mismatches().empty() ? "" : w.client.mismatches()[0]);
  EXPECT_EQ(w.read(w.dir / "r.mp4"), video);
}

// A complete, self-consistent body (Content-Length honoured) whose size disagrees with the
// announced one: fetched once, kept as received and reported; not safe, so no cleanup.
TEST(VideoJobLumenfall, WrongAnnouncedSizeIsReportedOnceAndTheProviderCopyKept) {
  JobWorld w;
  const std::string cdn = "https://media.lumenfall.ai/video_4.mp4";
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_4","status":"queued"})");
  w.client.expect("GET", lumenfall_api + "/videos/video_4")
      .respond(200, R"({"id":"video_4","status":"completed","output":{"url":")" + cdn + R"(","size_bytes":999}})");
  w.client.expect("GET", cdn).respond(200, video_bytes(500)).response_header("Content-Type", "video/mp4");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto outcome = w.run(generate_l(job, lumenfall_request(), w.dir / "w.mp4"));
  EXPECT_TRUE(w.client.done()) << "exactly one GET, no DELETE";
  EXPECT_EQ(outcome.kind, OutcomeKind::error);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::size_mismatch);
  EXPECT_NE(outcome.error.message().find("received 500 bytes"), std::string::npos) << outcome.error.message();
  EXPECT_EQ(outcome.file, w.dir / "w.mp4");
  EXPECT_EQ(w.read(w.dir / "w.mp4"), video_bytes(500));
  EXPECT_FALSE(outcome.cleaned_up);
  EXPECT_EQ(outcome.handle.job_id, "video_4");
}

TEST(VideoJobLumenfall, ExpiredOutputLinkIsAnErrorWithTheHandle) {
  JobWorld w;
  const std::string cdn = "https://media.lumenfall.ai/video_5.mp4";
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_5","status":"queued"})");
  w.client.expect("GET", lumenfall_api + "/videos/video_5")
      .respond(200, R"({"id":"video_5","status":"completed","output":{"url":")" + cdn + R"("}})");
  w.client.expect("GET", cdn).respond(410, R"({"error":{"message":"expired","type":"x","code":"GONE"}})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto outcome = w.run(generate_l(job, lumenfall_request(), w.dir / "e.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::error);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::link_expired);
  EXPECT_EQ(outcome.handle.job_id, "video_5");
}

TEST(VideoJobLumenfall, CancelDeletesTheRunningJob) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_6","status":"queued"})");
  w.client.expect("DELETE", lumenfall_api + "/videos/video_6")
      .header("Authorization", "Bearer lkey")
      .respond(200, R"({"id":"video_6","object":"video.deleted","deleted":true})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto r = w.run([&]() -> asio::awaitable<reel::Result<void, reel::job::JobError>> {
    const auto request = lumenfall_request();
    auto submitted = co_await job.submit(request);
    if (!submitted) co_return reel::fail(submitted.error());
    co_return co_await job.cancel();
  }());
  EXPECT_TRUE(r) << r.error().message();
  EXPECT_TRUE(w.client.done());
}

}  // namespace

namespace {

const std::string models_body = R"({"object":"list","type":"video","data":[
  {"id":"wan-2.5-preview-text-to-video","object":"model","owned_by":"venice.ai","type":"video","model_spec":{
    "name":"Wan","privacy":"anonymized","constraints":{"aspect_ratios":["16:9"],"resolutions":["720p"],
    "durations":["5s","10s"],"model_type":"text-to-video","audio":true,"audio_configurable":true}}}]})";

TEST(VideoJobVenice, ModelsAndValidationBeforeAnyMoneyIsSpent) {
  JobWorld w;
  w.client.expect("GET", venice_api + "/models?type=video").respond(200, models_body);
  reel::JobOptions options = quick_options();
  options.validate_before_submit = true;
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  auto bad = venice_request();
  bad.duration = "7s";
  const auto outcome = w.run(generate(job, bad, w.dir / "v.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::refused);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::invalid_request);
  EXPECT_NE(outcome.error.message().find("duration 7s"), std::string::npos) << outcome.error.message();
  EXPECT_TRUE(w.client.done());  // no queue request was sent

  w.client.expect("GET", venice_api + "/models?type=video").respond(200, models_body);
  const auto list = w.run([&]() -> asio::awaitable<reel::Result<std::vector<reel::venice::Model>, reel::job::JobError>> {
    co_return co_await job.models();
  }());
  ASSERT_TRUE(list) << list.error().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].model_spec->constraints->durations, (std::vector<std::string>{"5s", "10s"}));

  w.client.expect("GET", venice_api + "/models?type=video").respond(200, models_body);
  const auto unknown = w.run([&]() -> asio::awaitable<reel::Result<void, reel::job::JobError>> {
    const auto request = venice_request("no-such-model");
    co_return co_await job.validate(request);
  }());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, reel::job::Errc::model_not_found);
}

TEST(VideoJobLumenfall, QuoteIsTheDryRun) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos?dryRun=true").respond(200, R"({"total_cost_micros":400000})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto q = w.run([&]() -> asio::awaitable<reel::Result<double, reel::job::JobError>> {
    const auto request = lumenfall_request();
    co_return co_await job.quote(request);
  }());
  ASSERT_TRUE(q) << q.error().message();
  EXPECT_DOUBLE_EQ(*q, 0.4);
}

TEST(VideoJob, AsyncGenerateTakesCallbacksAndFutures) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_a","status":"queued"})");
  w.client.expect("GET", lumenfall_api + "/videos/video_a").respond(200, R"({"id":"video_a","status":"failed","error":{"code":"X","message":"y"}})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  std::optional<reel::job::Outcome> got;
  job.async_generate(lumenfall_request(), w.dir / "a.mp4", [&got](std::exception_ptr e, reel::job::Outcome o) {
    EXPECT_FALSE(e);
    got = std::move(o);
  });
  w.clock.run(w.io);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->kind, OutcomeKind::failed);
  EXPECT_EQ(got->handle.job_id, "video_a");

  w.client.expect("POST", lumenfall_api + "/videos").respond(402, R"({"error":{"message":"no","type":"billing","code":"INSUFFICIENT_BALANCE"}})");
  LumenfallJob second(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  std::future<reel::job::Outcome> future = second.async_generate(lumenfall_request(), w.dir / "b.mp4", asio::use_future);
  w.clock.run(w.io);
  const auto outcome = future.get();
  EXPECT_EQ(outcome.kind, OutcomeKind::refused);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::insufficient_balance);
}

TEST(VideoJob, HandleRoundTripsThroughJson) {
  reel::job::JobHandle h;
  h.provider = "venice";
  h.base_url = venice_api;
  h.model = "grok-imagine-text-to-video-private";
  h.job_id = "q-1";
  h.download_url = "https://private-share.venice.ai/v1/share/read/tok";
  h.created_at = 1795305600;
  h.completed_at = 1795305700;
  const auto text = reel::json::write_string(h);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->find("key"), std::string::npos);  // no API key, no idempotency key when none
  const auto back = reel::json::read_as<reel::job::JobHandle>(*text);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->job_id, h.job_id);
  EXPECT_EQ(back->download_url, h.download_url);
  EXPECT_EQ(back->completed_at, h.completed_at);
  EXPECT_FALSE(back->expires_at.has_value());
  EXPECT_EQ(reel::json::write_string(*back).value(), *text);
}

}  // namespace

namespace {

TEST(VideoJobLumenfall, EveryCreateErrorOfTheEnvelopeIsARefusalOrError) {
  struct Case {
    int status;
    std::string code;
    reel::job::Errc errc;
    OutcomeKind kind;
  };
  const Case cases[] = {
      {400, "INVALID_REQUEST", reel::job::Errc::invalid_request, OutcomeKind::refused},
      {400, "CONTENT_POLICY_VIOLATION", reel::job::Errc::content_policy, OutcomeKind::refused},
      {401, "AUTHENTICATION_FAILED", reel::job::Errc::unauthorized, OutcomeKind::refused},
      {402, "INSUFFICIENT_BALANCE", reel::job::Errc::insufficient_balance, OutcomeKind::refused},
      {404, "MODEL_NOT_FOUND", reel::job::Errc::model_not_found, OutcomeKind::refused},
  };
  for (const Case& c : cases) {
    JobWorld w;
    w.client.expect("POST", lumenfall_api + "/videos")
        .respond(c.status, R"({"error":{"message":"m","type":"t","code":")" + c.code + "\"}}");
    LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
    const auto outcome = w.run(generate_l(job, lumenfall_request(), w.dir / "e.mp4"));
    EXPECT_EQ(outcome.kind, c.kind) << c.code;
    EXPECT_EQ(outcome.error.code, c.errc) << c.code;
    EXPECT_EQ(outcome.error.provider.code, c.code);
    EXPECT_EQ(w.client.requests().size(), 1u) << c.code;  // refusals are not retried
  }
}

TEST(VideoJobLumenfall, RateLimitedAndExhaustedCreatesAreRetriedWithTheSameKey) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos")
      .respond(429, R"({"error":{"message":"slow down","type":"rate_limit_error","code":"RATE_LIMITED"}})")
      .response_header("Retry-After", "3");
  w.client.expect("POST", lumenfall_api + "/videos")
      .respond(502, R"({"error":{"message":"none left","type":"api_error","code":"ALL_PROVIDERS_EXHAUSTED"}})");
  w.client.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_r","status":"queued"})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto start = w.clock.now();
  const auto r = w.run([&]() -> asio::awaitable<reel::Result<reel::job::JobHandle, reel::job::JobError>> {
    const auto request = lumenfall_request();
    co_return co_await job.submit(request);
  }());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->job_id, "video_r");
  const auto& reqs = w.client.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(json_member(reqs[0].request.body, "idempotency_key"), json_member(reqs[2].request.body, "idempotency_key"));
  EXPECT_GE(w.clock.now() - start, 3s + 2s);  // Retry-After, then the backoff
}

TEST(VideoJobVenice, ForbiddenModelIsARefusal) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue")
      .respond(403, R"({"error":"The specified model is unavailable in your region."})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto outcome = w.run(generate(job, venice_request(), w.dir / "f.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::refused);
  EXPECT_EQ(outcome.error.code, reel::job::Errc::unauthorized);
  EXPECT_NE(outcome.error.message().find("region"), std::string::npos);
}

}  // namespace
