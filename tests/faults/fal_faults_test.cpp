// SPDX-License-Identifier: BSL-1.0
// reel::Fal through the simulator's faults in every phase (submit, status, result, download):
// 429s with Retry-After, 5xx retried on idempotent calls only, a submit that may have reached fal
// is `ambiguous` and never sent again (fal has no idempotency key), expired output URLs, fal's
// failure answers as typed errors, resets and stalls mid-download, and the key never sent to the
// media origin. Each case ends in success or its documented outcome (docs/faults.md).
#include "fault_world.hpp"

#include <reel/providers/fal.hpp>

namespace reel_faults {

/// reel::Fal on the simulator's /fal.
inline reel::Fal make_provider(For<reel::Fal>, reel_sim::test::SimFixture& sim, std::string key) {
  return reel::Fal{std::move(key), sim.sim->fal_url()};
}

namespace {

using FalWorld = ProviderWorld<reel::Fal>;
using FalJob = FalWorld::Job;

const std::string kling = "fal-ai/kling-video/v2.1/master/text-to-video";

reel::fal::SubmitRequest fal_request(std::string prompt) {
  reel::fal::SubmitRequest r;
  r.model = kling;
  r.input.prompt = std::move(prompt);
  r.input.duration = "5";
  return r;
}

// ---- submit --------------------------------------------------------------------------------------

TEST(FalFaults, SubmitResetMidAnswerIsAmbiguousAndNeverResent) {
  FalWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"fal.create"},"times":1,"fault":{"reset_at":40}}])");
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("reset mid answer"), w.out("a.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "fal.create", "reset mid answer", w.out("a.mp4"));
  EXPECT_EQ(o.handle.model, kling);
  EXPECT_NE(o.error.message().find("cannot be repeated"), std::string::npos) << o.error.message();
}

TEST(FalFaults, SubmitStallPastTheResponseTimeoutIsAmbiguousAndNeverResent) {
  FalWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"fal.create"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  FalJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, fal_request("stalled submit"), w.out("s.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "fal.create", "stalled submit", w.out("s.mp4"));
}

TEST(FalFaults, SubmitTruncatedAnswerIsAmbiguousAndNeverResent) {
  FalWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"fal.create"},"times":1,"fault":{"truncate_at":10}}])");
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("truncated submit"), w.out("t.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "fal.create", "truncated submit", w.out("t.mp4"));
}

// The request IS created, then a gateway answers 502 with an HTML page: fal may run it.
TEST(FalFaults, SubmitGateway502AfterTheRequestWasCreatedIsNeverResent) {
  reel_sim::Options so = fast_options();
  so.config.drift.create_error_status = 502;
  FalWorld w(std::move(so));
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("gateway 502"), w.out("g.mp4")));
  EXPECT_NE(o.kind, OutcomeKind::succeeded);
  EXPECT_FALSE(std::filesystem::exists(w.out("g.mp4")));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created_by_prompt.at("gateway 502"), 1);
  EXPECT_EQ(count_status(c, "fal.create", 0, 999), 1);  // a 5xx on the create is not retried
}

// fal's own answers carry `{"detail", "error_type"}` / X-Fal-Error-Type; a 5xx without them (a
// gateway's page) may follow a queued request: ambiguous, so nobody resubmits a paid request.
TEST(FalFaults, SubmitGateway5xxWithoutFalsErrorShapeIsAmbiguous) {
  reel_sim::Options so = fast_options();
  so.config.drift.create_error_status = 502;
  FalWorld w(std::move(so));
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("gateway 502"), w.out("g.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("g.mp4"), false);
  EXPECT_EQ(count_status(w.sim.counters(), "fal.create", 0, 999), 1);
}

// A 503 without fal's error type cannot prove nothing was queued: ambiguous, sent once.
TEST(FalFaults, Submit503WithoutAnErrorTypeIsAmbiguousAndNotRetried) {
  FalWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"fal.create"},"times":1,"fault":{"status":503,"message":"no runner"}}])");
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("submit 503"), w.out("n.mp4")));
  EXPECT_EQ(o.kind, OutcomeKind::ambiguous);
  EXPECT_EQ(o.error.code, Errc::ambiguous_submit);
  EXPECT_EQ(o.error.provider.status, 503);
  EXPECT_NE(o.error.provider.message.find("no runner"), std::string::npos) << o.error.provider.message;
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 0);
  EXPECT_EQ(count(c, "fal.create 503"), 1);
}

TEST(FalFaults, Submit429StormHonoursRetryAfterAndCreatesOneJob) {
  FalWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"fal.create"},"times":2,"fault":{"status":429,"retry_after":"1"}}])");
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, fal_request("submit 429s"), w.out("q.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("q.mp4"));
  EXPECT_GE(since(start), 2s) << "the Retry-After of both 429s was not honoured";  // a lower bound only
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "fal.create 429"), 2);
  EXPECT_EQ(count(c, "fal.create 200"), 1);
}

// ---- status and result -------------------------------------------------------------------------

TEST(FalFaults, StatusResetsTruncationStall5xxAnd429AreOvercome) {
  FalWorld w;
  w.sim.rules(R"([
    {"match":{"endpoint":"fal.status"},"times":1,"fault":{"reset_at":0}},
    {"match":{"endpoint":"fal.status"},"times":1,"fault":{"truncate_at":15}},
    {"match":{"endpoint":"fal.status"},"times":1,"fault":{"stall_ms":3000,"stall_at":20}},
    {"match":{"endpoint":"fal.status"},"times":2,"fault":{"status":503}},
    {"match":{"endpoint":"fal.status"},"times":1,"fault":{"status":429,"retry_after":"1"}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.timeouts.body_idle = 400ms;
  FalJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, fal_request("status faults"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("p.mp4")), expected_video());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.faults_injected, 6);
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "fal.status 503"), 2);
  EXPECT_EQ(count(c, "fal.status 429"), 1);
}

TEST(FalFaults, ResultResetAnd5xxAreRetried) {
  FalWorld w;
  w.sim.rules(R"([
    {"match":{"endpoint":"fal.result"},"times":1,"fault":{"reset_at":10}},
    {"match":{"endpoint":"fal.result"},"times":2,"fault":{"status":502}}
  ])");
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("result faults"), w.out("r.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("r.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "fal.result 502"), 2);
  EXPECT_EQ(count(c, "fal.result 200"), 2);  // the reset one was answered 200, then cut
  EXPECT_EQ(c.jobs_created, 1);
}

TEST(FalFaults, FailureAnswersMapToTypedErrors) {
  reel_sim::Options so = fast_options();
  reel_sim::Rule runner;
  runner.match.prompt_contains = "[runner]";
  runner.job = reel_sim::JobSpec{};
  runner.job->outcome = "fail";
  runner.job->fail_code = "runner_disconnected";
  so.config.rules.push_back(runner);
  FalWorld w(std::move(so));
  auto ending = [&](const std::string& prompt, const std::string& file) {
    FalJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, fal_request(prompt), w.out(file)));
  };
  const auto failed = ending("please [fail]", "f.mp4");
  expect_ending(failed, OutcomeKind::failed, Errc::failed_at_provider, w.out("f.mp4"));
  EXPECT_EQ(failed.error.provider.code, "internal_error");
  const auto rejected = ending("please [reject]", "r.mp4");
  expect_ending(rejected, OutcomeKind::failed, Errc::content_policy, w.out("r.mp4"));
  EXPECT_EQ(rejected.error.provider.code, "content_policy_violation");
  const auto disconnected = ending("a [runner] crash", "d.mp4");
  expect_ending(disconnected, OutcomeKind::failed, Errc::failed_at_provider, w.out("d.mp4"));
  EXPECT_EQ(disconnected.error.provider.code, "runner_disconnected");
  // Refused at submit: fal's 422 validation list.
  const auto blocked = ending("a [blocked] prompt", "b.mp4");
  EXPECT_EQ(blocked.error.code, Errc::content_policy) << blocked.error.message();
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 3);
  EXPECT_EQ(count(c, "fal.create 422"), 1);
}

TEST(FalFaults, WrongKeyIsUnauthorizedAndNothingIsCreated) {
  expect_wrong_key_refused<reel::Fal>(fal_request("wrong key"), "fal.create");
}

// ---- download ------------------------------------------------------------------------------------

TEST(FalFaults, OutputUrlExpiredBeforeTheDownloadIsLinkExpired) {
  reel_sim::Options so = fast_options();
  so.config.download_ttl_s = 0;
  FalWorld w(std::move(so));
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("expired output"), w.out("e.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::link_expired, w.out("e.mp4"));
  EXPECT_EQ(count(w.sim.counters(), "fal.media 410"), 1);
}

TEST(FalFaults, MediaResetTruncationAndStallMidDownloadResume) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 300'000;
  FalWorld w(std::move(so));
  w.sim.rules(R"([
    {"match":{"endpoint":"fal.media"},"times":1,"fault":{"reset_at":100000}},
    {"match":{"endpoint":"fal.media"},"times":1,"fault":{"truncate_at":70000}},
    {"match":{"endpoint":"fal.media"},"times":1,"fault":{"stall_ms":3000,"stall_at":40000}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  FalJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, fal_request("media faults"), w.out("m.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("m.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("m.mp4")), expected_video(300'000));
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "fal.media 206"), 1);  // resumed with Range, not restarted
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

// ---- the key -------------------------------------------------------------------------------------

TEST(FalFaults, TheKeyIsNeverSentToTheMediaHost) {
  FalWorld w;
  FalJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, fal_request("key stays home"), w.out("k.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("k.mp4"));
  EXPECT_EQ(count(w.sim.counters(), "fal.media 200"), 1);
  // A submit answer whose URLs point at the media host: the job drops them (a warning) and asks
  // the documented URLs on the API's origin, where this made-up request id is unknown.
  const std::string media = w.sim.sim->media_url();
  w.sim.rules(R"([{"match":{"endpoint":"fal.create"},"times":1,"fault":{"body":"{\"request_id\":\"abc-1\",\"status\":\"IN_QUEUE\",\"status_url\":\")" +
              media + R"(/steal/status\",\"response_url\":\")" + media + R"(/steal\",\"cancel_url\":\")" + media +
              R"(/steal/cancel\"}"}}])");
  FalJob redirected(w.http, w.provider(), w.account, w.options());
  const auto r = w.run(generate(redirected, fal_request("foreign urls"), w.out("f.mp4")));
  expect_ending(r, OutcomeKind::error, Errc::job_not_found, w.out("f.mp4"));
  EXPECT_EQ(r.handle.job_id, "abc-1");  // the id is kept
  EXPECT_FALSE(r.handle.status_url);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("another origin"), std::string::npos) << r.warnings[0];
  const auto c = w.sim.counters();
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(count(c, "media.other 404"), 0);  // nothing was sent to the foreign URLs at all
}

}  // namespace
}  // namespace reel_faults
