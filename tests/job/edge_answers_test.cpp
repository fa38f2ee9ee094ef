// SPDX-License-Identifier: BSL-1.0
// Answers the providers' documents allow or leave open, each ending a job the right way (issue
// "every answer a provider may give"): over the ScriptedClient in virtual time. The same cases
// against the simulator's drift mode are in tests/faults/drift_test.cpp; docs/errors.md has the
// table of both.
#include "job_fixture.hpp"

#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::Errc;
using reel::job::OutcomeKind;
using reel_test::JobWorld;
using reel_test::quick_options;
using reel_test::video_bytes;

const std::string venice_api = "https://api.venice.ai/api/v1";
const std::string lumenfall_api = "https://api.lumenfall.ai/openai/v1";
const std::string link = "https://media.venice.ai/one-time/abc";
const std::string cdn = "https://media.lumenfall.ai/v.mp4";

using VeniceJob = reel::VideoJob<reel::Venice, reel::testing::ScriptedClient>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, reel::testing::ScriptedClient>;

using reel_test::lumenfall_request;
using reel_test::venice_request;
asio::awaitable<reel::job::Outcome> generate(VeniceJob& job, reel::venice::QueueRequest r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}
asio::awaitable<reel::job::Outcome> generate(LumenfallJob& job, reel::lumenfall::CreateRequest r,
                                             std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}
asio::awaitable<reel::Result<double, reel::job::JobError>> quote(LumenfallJob& job, reel::lumenfall::CreateRequest r) {
  co_return co_await job.quote(r);
}

void queue_private(reel::testing::ScriptedClient& c, const std::string& id = "q-1") {
  c.expect("POST", venice_api + "/video/queue")
      .respond(200, R"({"model":"grok-imagine-text-to-video-private","queue_id":")" + id + R"(","download_url":")" +
                        link + R"("})");
}
void retrieve(reel::testing::ScriptedClient& c, const std::string& status) {
  c.expect("POST", venice_api + "/video/retrieve")
      .no_header("Range")
      .respond(200, R"({"status":")" + status + R"(","average_execution_time":10000,"execution_duration":100})");
}
void lumenfall_created(reel::testing::ScriptedClient& c) {
  c.expect("POST", lumenfall_api + "/videos").respond(202, R"({"id":"video_1","status":"queued"})");
}
void lumenfall_status(reel::testing::ScriptedClient& c, const std::string& body) {
  c.expect("GET", lumenfall_api + "/videos/video_1").respond(200, body);
}
std::string lumenfall_done(std::uint64_t size) {
  return R"({"id":"video_1","status":"completed","output":{"url":")" + cdn + R"(","size_bytes":)" +
         std::to_string(size) + "}}";
}

// ---- after the provider accepted the job, nothing is "refused" --------------------------------

TEST(EdgeAnswers, AKeyRefusedOnAPollLeavesTheJobResumable) {
  for (const int status : {400, 401, 402, 403}) {
    JobWorld w;
    queue_private(w.client);
    w.client.expect("POST", venice_api + "/video/retrieve").respond(status, R"({"error":"no"})");
    VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
    const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "a.mp4"));
    EXPECT_EQ(o.kind, OutcomeKind::error) << status << ": never refused once accepted";
    EXPECT_EQ(o.error.provider.status, status);
    EXPECT_EQ(o.handle.job_id, "q-1");
    EXPECT_TRUE(w.client.done());
  }
}

TEST(EdgeAnswers, ACreateRefusalIsStillRefused) {
  JobWorld w;
  w.client.expect("POST", venice_api + "/video/queue").respond(401, R"({"error":"Authentication failed"})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto o = w.run(generate(job, venice_request(), w.dir / "r.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::refused);
  EXPECT_EQ(o.error.code, Errc::unauthorized);
}

// ---- statuses ---------------------------------------------------------------------------------

TEST(EdgeAnswers, UnknownStatusesKeepWaitingAndAreReportedOnce) {
  JobWorld w;
  queue_private(w.client);
  retrieve(w.client, "preprocessing");
  retrieve(w.client, "preprocessing");
  retrieve(w.client, "QUEUED");
  retrieve(w.client, "finalizing");
  retrieve(w.client, "completed");
  w.client.expect("GET", link).respond(200, video_bytes(4000)).response_header("Content-Type", "video/mp4");
  w.client.expect("DELETE", link).respond(200, "");
  w.client.expect("POST", venice_api + "/video/complete").respond(200, R"({"success":true})");
  reel::JobOptions options = quick_options();
  std::vector<std::string> warnings;
  options.on_progress = [&warnings](const reel::job::JobProgress& p) {
    if (!p.warning.empty()) warnings.push_back(p.warning);
  };
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "u.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(w.client.done());
  ASSERT_EQ(warnings.size(), 2u) << "once per new word";
  EXPECT_NE(warnings[0].find("preprocessing"), std::string::npos);
  EXPECT_NE(warnings[1].find("finalizing"), std::string::npos);
  EXPECT_EQ(o.warnings, warnings);
}

TEST(EdgeAnswers, OnlyUnknownStatusesEndResumableAtTheCapWithoutADeadline) {
  JobWorld w;
  queue_private(w.client);
  for (int i = 0; i < 8; ++i) retrieve(w.client, "WEIRD");
  reel::JobOptions options = quick_options();
  options.unknown_status_limit = 30s;
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "w.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::error) << "resumable, never failed";
  EXPECT_EQ(o.error.code, Errc::unexpected_response);
  EXPECT_NE(o.error.message().find("WEIRD"), std::string::npos) << o.error.message();
  EXPECT_EQ(o.handle.job_id, "q-1");
  EXPECT_LE(o.polls, 8);
}

TEST(EdgeAnswers, ACancelledStatusIsACancelledOutcome) {
  JobWorld w;
  lumenfall_created(w.client);
  lumenfall_status(w.client, R"({"id":"video_1","status":"canceled"})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto o = w.run(generate(job, lumenfall_request(), w.dir / "c.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::cancelled);
  EXPECT_EQ(o.error.code, Errc::cancelled_at_provider);
}

TEST(EdgeAnswers, VeniceInferenceFailed500EndsAsFailedAfterAFewConfirmations) {
  JobWorld w;
  queue_private(w.client);
  for (int i = 0; i < 3; ++i) {
    w.client.expect("POST", venice_api + "/video/retrieve").respond(500, R"({"error":"Inference processing failed"})");
  }
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "f.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::failed) << o.error.message();
  EXPECT_EQ(o.error.code, Errc::failed_at_provider);
  EXPECT_EQ(o.polls, 3);
  EXPECT_TRUE(w.client.done());
}

TEST(EdgeAnswers, A503AtCapacityWaitKeepsWaitingWithBackoff) {
  JobWorld w;
  queue_private(w.client);
  for (int i = 0; i < 30; ++i) {
    w.client.expect("POST", venice_api + "/video/retrieve").respond(503, R"({"error":"The model is at capacity."})");
  }
  retrieve(w.client, "COMPLETED");
  w.client.expect("GET", link).respond(200, video_bytes(1000)).response_header("Content-Type", "video/mp4");
  w.client.expect("DELETE", link).respond(200, "");
  w.client.expect("POST", venice_api + "/video/complete").respond(200, R"({"success":true})");
  reel::JobOptions options = quick_options();
  options.max_failed_polls = 5;  // a 503 wait is not a failure: 30 of them do not end the job
  const auto start = w.clock.now();
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "b.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_GT(w.clock.now() - start, 30 * 5s) << "the waits backed off beyond the 5 s interval";
}

// ---- creates ----------------------------------------------------------------------------------

TEST(EdgeAnswers, AVenice5xxAfterTheCreateIsAmbiguousAndNotRepeated) {
  for (const int status : {500, 502, 504, 524}) {
    JobWorld w;
    w.client.expect("POST", venice_api + "/video/queue").respond(status, "<html>gateway</html>");
    VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
    const auto o = w.run(generate(job, venice_request(), w.dir / "g.mp4"));
    EXPECT_EQ(o.kind, OutcomeKind::ambiguous) << status;
    EXPECT_EQ(o.error.code, Errc::ambiguous_submit) << status;
    EXPECT_TRUE(w.client.done()) << status << ": sent once";
  }
}

// ---- quotes -----------------------------------------------------------------------------------

TEST(EdgeAnswers, AQuoteThatCreatedAJobIsReportedWithItsIdAndCancelled) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos?dryRun=true").respond(202, R"({"id":"video_9","status":"queued"})");
  w.client.expect("DELETE", lumenfall_api + "/videos/video_9").respond(200, R"({"id":"video_9","deleted":true})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto q = w.run(quote(job, lumenfall_request()));
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, Errc::quote_created_job);
  EXPECT_EQ(q.error().provider.code, "video_9");
  EXPECT_NE(q.error().message().find("cancelled"), std::string::npos) << q.error().message();
  EXPECT_TRUE(w.client.done());
}

TEST(EdgeAnswers, AQuoteIsNeverRepeatedAfterA5xx) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos?dryRun=true").respond(502, "bad gateway");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto q = w.run(quote(job, lumenfall_request()));
  ASSERT_FALSE(q);
  EXPECT_TRUE(w.client.done()) << "one request only";
}

// ---- downloads --------------------------------------------------------------------------------

TEST(EdgeAnswers, AMediaHost403Or404Or410IsAnExpiredLinkNotAKeyProblem) {
  for (const int status : {403, 404, 410}) {
    JobWorld w;
    lumenfall_created(w.client);
    lumenfall_status(w.client, lumenfall_done(1000));
    w.client.expect("GET", cdn).no_header("Authorization").respond(status, "<Error>AccessDenied</Error>");
    LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
    const auto o = w.run(generate(job, lumenfall_request(), w.dir / "e.mp4"));
    EXPECT_EQ(o.kind, OutcomeKind::error) << status;
    EXPECT_EQ(o.error.code, Errc::link_expired) << status;
    EXPECT_NE(o.error.message().find("link"), std::string::npos) << o.error.message();
    EXPECT_TRUE(w.client.done()) << status;
  }
}

TEST(EdgeAnswers, AOneTimeLinkIsFetchedAtMostThreeTimesAcrossCalls) {
  JobWorld w;
  queue_private(w.client);
  retrieve(w.client, "COMPLETED");
  for (int i = 0; i < 3; ++i) w.client.expect("GET", link).respond(500, "busy");
  reel::JobOptions options = quick_options();
  std::vector<int> persisted;
  options.on_handle_changed = [&persisted](const reel::job::JobHandle& h) { persisted.push_back(h.link_fetches); };
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, options);
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "l.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::error);
  EXPECT_EQ(o.handle.link_fetches, 3);
  EXPECT_EQ(persisted, (std::vector<int>{1, 2, 3})) << "each count persisted before its GET";
  EXPECT_TRUE(w.client.done());
  // A later process with the same handle sends no fourth GET.
  VeniceJob again(w.client, reel::Venice{"key"}, w.account, o.handle, quick_options());
  retrieve(w.client, "COMPLETED");
  const auto second = w.run([](VeniceJob& j, std::filesystem::path out) -> asio::awaitable<reel::job::Outcome> {
    co_return co_await j.finish(out);
  }(again, w.dir / "l.mp4"));
  EXPECT_EQ(second.error.code, Errc::link_budget_spent);
  EXPECT_EQ(second.kind, OutcomeKind::error);
  EXPECT_TRUE(w.client.done());
}

TEST(EdgeAnswers, ALinkAnswering429GetsOnePacedRetry) {
  JobWorld w;
  queue_private(w.client);
  retrieve(w.client, "COMPLETED");
  w.client.expect("GET", link).respond(429, "slow down").response_header("Retry-After", "7");
  w.client.expect("GET", link).respond(429, "slow down");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto start = w.clock.now();
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "s.mp4"));
  EXPECT_EQ(o.error.code, Errc::rate_limited);
  EXPECT_EQ(o.handle.job_id, "q-1");
  EXPECT_GE(w.clock.now() - start, 7s) << "the Retry-After was honoured";
  EXPECT_TRUE(w.client.done()) << "two GETs, no third";
}

TEST(EdgeAnswers, AnHtmlOrJson200IsNotAVideoAndTheProviderCopyIsKept) {
  for (const char* type : {"text/html", "application/json"}) {
    JobWorld w;
    lumenfall_created(w.client);
    lumenfall_status(w.client, lumenfall_done(25));
    w.client.expect("GET", cdn).respond(200, "<html>sign in first</html>").response_header("Content-Type", type);
    LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
    const auto o = w.run(generate(job, lumenfall_request(), w.dir / "h.mp4"));
    EXPECT_EQ(o.kind, OutcomeKind::error) << type;
    EXPECT_EQ(o.error.code, Errc::not_a_video) << type;
    EXPECT_FALSE(o.cleaned_up);
    EXPECT_FALSE(std::filesystem::exists(w.dir / "h.mp4"));
    EXPECT_TRUE(w.client.done()) << "no DELETE of the provider's copy";
  }
}

TEST(EdgeAnswers, AVideoContentTypeIsMatchedWithoutRegardToCase) {
  // A WebM body has no ftyp box: only its Content-Type says it is a video, in whatever case.
  std::string webm(25, 'w');
  webm.replace(0, 4, "\x1a\x45\xdf\xa3");
  for (const char* type : {"video/webm", "vIdEo/WebM", "VIDEO/WEBM"}) {
    JobWorld w;
    lumenfall_created(w.client);
    lumenfall_status(w.client, lumenfall_done(25));
    w.client.expect("GET", cdn).respond(200, webm).response_header("Content-Type", type);
    w.client.expect("DELETE", lumenfall_api + "/videos/video_1").respond(200, R"({"id":"video_1","deleted":true})");
    LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
    const auto o = w.run(generate(job, lumenfall_request(), w.dir / "w.webm"));
    EXPECT_EQ(o.kind, OutcomeKind::succeeded) << type << ": " << o.error.message();
    EXPECT_EQ(o.bytes, webm.size()) << type;
    EXPECT_TRUE(w.client.done()) << type;
  }
  for (const char* type : {"video", "videos/webm", "audio/webm"}) {
    JobWorld w;
    lumenfall_created(w.client);
    lumenfall_status(w.client, lumenfall_done(25));
    w.client.expect("GET", cdn).respond(200, webm).response_header("Content-Type", type);
    LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
    const auto o = w.run(generate(job, lumenfall_request(), w.dir / "w.webm"));
    EXPECT_EQ(o.error.code, Errc::not_a_video) << type;
    EXPECT_TRUE(w.client.done()) << type << ": no DELETE of the provider's copy";
  }
}

// ---- cleanup ----------------------------------------------------------------------------------

TEST(EdgeAnswers, ALinkDeleteRefusalIsAWarningAndTheCompleteStillRuns) {
  JobWorld w;
  const std::string video = video_bytes(3000);
  queue_private(w.client);
  retrieve(w.client, "COMPLETED");
  w.client.expect("GET", link).respond(200, video).response_header("Content-Type", "video/mp4");
  w.client.expect("DELETE", link).respond(403, "<Error>AccessDenied</Error>");
  w.client.expect("POST", venice_api + "/video/complete").respond(200, R"({"success":true})");
  VeniceJob job(w.client, reel::Venice{"key"}, w.account, quick_options());
  const auto o = w.run(generate(job, venice_request("grok-imagine-text-to-video-private"), w.dir / "k.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(o.cleaned_up);
  EXPECT_EQ(o.bytes, video.size()) << "the DELETE's answer did not overwrite the video's byte count";
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_NE(o.warnings[0].find("403"), std::string::npos);
  EXPECT_TRUE(w.client.done());
}

TEST(EdgeAnswers, ALumenfallDelete4xxOfASavedVideoIsSettled) {
  JobWorld w;
  lumenfall_created(w.client);
  lumenfall_status(w.client, lumenfall_done(2000));
  w.client.expect("GET", cdn).respond(200, video_bytes(2000)).response_header("Content-Type", "video/mp4");
  w.client.expect("DELETE", lumenfall_api + "/videos/video_1").respond(409, R"({"error":{"message":"locked"}})");
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto o = w.run(generate(job, lumenfall_request(), w.dir / "d.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded);
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_TRUE(o.cleanup_settled) << "nothing left to retry: the journal finishes it";
  EXPECT_TRUE(w.client.done());
}

TEST(EdgeAnswers, AStalledCleanupNeverKeepsTheCallerWaitingLong) {
  JobWorld w;
  lumenfall_created(w.client);
  lumenfall_status(w.client, lumenfall_done(2000));
  w.client.expect("GET", cdn).respond(200, video_bytes(2000)).response_header("Content-Type", "video/mp4");
  for (int i = 0; i < 10; ++i) w.client.expect("DELETE", lumenfall_api + "/videos/video_1").respond(503, "busy");
  reel::JobOptions options = quick_options();
  options.retry = reel::policy::RetryPolicy{10, 20s, 1.0, 20s, 0.0};
  options.cleanup_timeout = 30s;
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, options);
  const auto start = w.clock.now();
  const auto o = w.run(generate(job, lumenfall_request(), w.dir / "t.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded);
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_EQ(o.error.code, Errc::deadline_exceeded) << o.error.message();
  // Ten 20 s pauses would be 200 s; the cleanup step's own 30 s bound ends it first.
  EXPECT_LT(w.clock.now() - start, std::chrono::seconds(90));
}

// ---- messages --------------------------------------------------------------------------------

TEST(EdgeAnswers, ALongRetryPauseIsAProgressLineNotAWarningOfTheOutcome) {
  JobWorld w;
  w.client.expect("POST", lumenfall_api + "/videos").respond(503, R"({"error":{"message":"busy"}})").response_header("Retry-After", "20");
  lumenfall_created(w.client);
  lumenfall_status(w.client, lumenfall_done(2000));
  w.client.expect("GET", cdn).respond(200, video_bytes(2000)).response_header("Content-Type", "video/mp4");
  w.client.expect("DELETE", lumenfall_api + "/videos/video_1").respond(200, R"({"id":"video_1","deleted":true})");
  std::vector<std::string> lines;
  reel::JobOptions options = quick_options();
  options.on_progress = [&lines](const reel::job::JobProgress& p) {
    if (!p.warning.empty()) lines.push_back(p.warning);
  };
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, options);
  const auto o = w.run(generate(job, lumenfall_request(), w.dir / "p.mp4"));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("retrying create in 20 s"), std::string::npos) << lines[0];
  EXPECT_TRUE(o.warnings.empty()) << "a pause that ended well is not a warning of the outcome";
}

// ---- the neutral request ----------------------------------------------------------------------

TEST(EdgeAnswers, TheNeutralRequestReachesLumenfallWhole) {
  reel::job::VideoRequest r;
  r.model = "sora-2";
  r.prompt = "p";
  r.resolution = "720p";
  r.aspect_ratio = "9:16";
  r.negative_prompt = "blur";
  r.audio = "https://example.com/a.mp3";
  reel::lumenfall::CreateRequest c = reel::Lumenfall::native(r);
  EXPECT_EQ(c.size, "720x1280");
  EXPECT_EQ(c.aspect_ratio, "9:16");
  EXPECT_EQ(c.resolution, "720p");
  c.extra.emplace_back("enhance_prompt", reel::json::Value(true));
  reel::job::JobHandle h;
  const reel::http::Request create = reel::Lumenfall{"k"}.create_request(c, h);
  reel::json::Value body;
  ASSERT_FALSE(reel::json::read(create.body, body)) << create.body;
  EXPECT_EQ(*body.find_string("negative_prompt"), "blur");
  EXPECT_EQ(*body.find_string("audio_url"), "https://example.com/a.mp3");
  ASSERT_NE(body.find("enhance_prompt"), nullptr);
  EXPECT_TRUE(*body.find("enhance_prompt")->if_bool());
  EXPECT_EQ(reel::Lumenfall::size_of(std::string("1080p"), std::string("16:9")), "1920x1080");
  EXPECT_EQ(reel::Lumenfall::size_of(std::string("1280x720"), std::string("9:16")), "1280x720");
  EXPECT_EQ(reel::Lumenfall::size_of(std::nullopt, std::string("1:1")), "1:1");
}

TEST(EdgeAnswers, ANeutralFieldLumenfallCannotHonourIsAWarningNotASilentDrop) {
  JobWorld w;
  lumenfall_created(w.client);
  reel::job::VideoRequest r;
  r.model = "sora-2";
  r.prompt = "p";
  r.resolution = "1280x720";  // landscape ...
  r.aspect_ratio = "9:16";    // ... asked portrait
  LumenfallJob job(w.client, reel::Lumenfall{"lkey"}, w.account, quick_options());
  const auto submitted = w.run([&]() -> asio::awaitable<bool> {
    auto h = co_await job.submit(r);
    co_return static_cast<bool>(h);
  }());
  ASSERT_TRUE(submitted);
  ASSERT_EQ(job.warnings().size(), 1u);
  EXPECT_NE(job.warnings()[0].find("9:16"), std::string::npos) << job.warnings()[0];
  reel::json::Value body;
  ASSERT_FALSE(reel::json::read(w.client.requests().at(0).request.body, body));
  EXPECT_EQ(*body.find_string("size"), "1280x720");
  EXPECT_EQ(body.find("resolution"), nullptr) << "a WxH travels as `size` only";
  // Shapes that agree say nothing.
  r.aspect_ratio = "16:9";
  EXPECT_TRUE(reel::Lumenfall::warnings_of(r).empty());
  r.resolution = "1024x1792";
  r.aspect_ratio = "9:16";
  EXPECT_TRUE(reel::Lumenfall::warnings_of(r).empty());
}

}  // namespace
