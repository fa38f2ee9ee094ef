// SPDX-License-Identifier: BSL-1.0
// reel::OpenAiVideos jobs through the simulator's OpenAI-compatible mode (/oai/v1) and its faults
// (docs/faults.md, the OpenAI rows): without an honoured Idempotency-Key a create that may have
// been received is ambiguous and never resent; with one it is resent into the same video; 429s
// are honoured (an exhausted quota creates nothing); polls retried; the content endpoint's
// and the output URL's downloads resume by Range, the key only ever on the API's origin; failure
// statuses and refusals as typed errors.
#include "openai_world.hpp"

namespace reel_faults {
namespace {

// ---- create ----------------------------------------------------------------------------------

TEST(OpenAiFaults, CreateResetWithoutAnHonouredKeyIsAmbiguousAndNeverResent) {
  OpenAiWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"openai.create"},"times":1,"fault":{"reset_at":40}}])");
  OpenAiJob job(w.http, w.openai(), w.account, w.options());
  const auto o = w.run(generate(job, openai_request("reset create"), w.out("a.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("a.mp4"), false);
  EXPECT_TRUE(o.handle.job_id.empty());
  EXPECT_FALSE(o.handle.idempotency_key.has_value());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created_by_prompt.at("reset create"), 1);  // the video exists ...
  EXPECT_EQ(count_status(c, "openai.create", 0, 999), 1);     // ... and the create was sent once
}

TEST(OpenAiFaults, Create5xxAndStallWithoutAnHonouredKeyAreAmbiguousAndNeverResent) {
  OpenAiWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"openai.create","prompt_contains":"5xx"},"fault":{"status":502}},
                  {"match":{"endpoint":"openai.create","prompt_contains":"stall"},"fault":{"stall_ms":3000,"stall_at":0}}])");
  OpenAiJob a(w.http, w.openai(), w.account, w.options());
  const auto o = w.run(generate(a, openai_request("create 5xx"), w.out("b.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("b.mp4"), false);
  EXPECT_EQ(o.error.provider.status, 502);
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  OpenAiJob b(w.http, w.openai(), w.account, options);
  const auto s = w.run(generate(b, openai_request("create stall"), w.out("s.mp4")));
  expect_ending(s, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("s.mp4"), false);
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "openai.create 502"), 1);
  EXPECT_EQ(count_status(c, "openai.create", 0, 999), 2);  // one each, never repeated
  EXPECT_EQ(c.jobs_created_by_prompt.at("create stall"), 1);
}

TEST(OpenAiFaults, WithAnHonouredKeyAResetOrGatewayErrorIsResentIntoOneVideo) {
  reel_sim::Options so = fast_options();
  so.config.openai.idempotency = true;
  so.config.drift.create_error_status = 502;  // the first create makes the video, then answers 502
  OpenAiWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"openai.create","prompt_contains":"reset"},"times":1,"fault":{"reset_at":40}}])");
  reel::OpenAiVideos provider = w.openai();
  provider.idempotency_key_honoured = true;
  OpenAiJob a(w.http, provider, w.account, w.options());
  const auto gateway = w.run(generate(a, openai_request("gateway error"), w.out("g.mp4")));
  expect_ending(gateway, OutcomeKind::succeeded, std::nullopt, w.out("g.mp4"));
  OpenAiJob b(w.http, provider, w.account, w.options());
  const auto reset = w.run(generate(b, openai_request("reset create"), w.out("r.mp4")));
  expect_ending(reset, OutcomeKind::succeeded, std::nullopt, w.out("r.mp4"));
  EXPECT_TRUE(reel_test::read_file(reset.file) == expected_video());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created_by_prompt.at("gateway error"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("reset create"), 1);
  EXPECT_EQ(count(c, "openai.create 502"), 1);
  EXPECT_EQ(count(c, "openai.create 200"), 3);  // two resends answered with the existing videos, one reset
  ASSERT_TRUE(reset.handle.idempotency_key.has_value());
  EXPECT_EQ(c.create_requests_by_idempotency_key.at(*reset.handle.idempotency_key), 2);
}

TEST(OpenAiFaults, Create429WithRetryAfterIsRetriedIntoOneJob) {
  OpenAiWorld w;
  // A 429 is not a received create: it is sent again once the named wait is over.
  w.sim.rules(R"([{"match":{"endpoint":"openai.create"},"times":2,"fault":{"status":429,"retry_after":"1"}}])");
  OpenAiJob job(w.http, w.openai(), w.account, w.options());
  const auto o = w.run(generate(job, openai_request("429 create"), w.out("h.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("h.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "openai.create 429"), 2);
  EXPECT_EQ(count(c, "openai.create 200"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("429 create"), 1);
}

TEST(OpenAiFaults, AnExhaustedQuotaCreatesNothingAndNeverSucceeds) {
  // 429 insufficient_quota: no video is made or billed, whatever reel does with the 429.
  // (The engine retries every create 429 as a rate limit until its deadline or retry budget; the
  // provider's insufficient_balance mapping applies only once the retries are spent.)
  reel_sim::Options so = fast_options();
  so.config.balance_usd = 0.1;  // a 4 s sora-2 video costs 0.40
  OpenAiWorld w(std::move(so));
  OpenAiJob job(w.http, w.openai(), w.account, w.options(3s));
  const auto o = w.run(generate(job, openai_request("no quota"), w.out("q.mp4")));
  EXPECT_NE(o.kind, OutcomeKind::succeeded);
  EXPECT_TRUE(o.handle.job_id.empty());
  EXPECT_FALSE(std::filesystem::exists(w.out("q.mp4")));
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "openai.create 429"), 1);
  EXPECT_EQ(count_status(c, "openai.create", 200, 299), 0);
  EXPECT_EQ(c.jobs_created, 0);
  EXPECT_EQ(c.jobs_billed, 0);
}

// ---- polls -----------------------------------------------------------------------------------

TEST(OpenAiFaults, Poll5xxResetsStallAnd429sAreRetried) {
  OpenAiWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"openai.status"},"times":2,"fault":{"status":500}},
                  {"match":{"endpoint":"openai.status"},"times":1,"fault":{"status":503}},
                  {"match":{"endpoint":"openai.status"},"times":1,"fault":{"reset_at":30}},
                  {"match":{"endpoint":"openai.status"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}},
                  {"match":{"endpoint":"openai.status"},"times":1,"fault":{"status":429,"retry_after":"1"}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.max_failed_polls = 10;
  OpenAiJob job(w.http, w.openai(), w.account, options);
  const auto o = w.run(generate(job, openai_request("poll storm"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video()) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "openai.status 500"), 2);
  EXPECT_EQ(count(c, "openai.status 503"), 1);
  EXPECT_EQ(count(c, "openai.status 429"), 1);
}

// ---- download --------------------------------------------------------------------------------

TEST(OpenAiFaults, ContentDownloadResetAndStallResumeByRangeOnTheApiOrigin) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 3'000'000;
  OpenAiWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"openai.content"},"times":1,"fault":{"reset_at":1000000}},
                  {"match":{"endpoint":"openai.content"},"times":1,"fault":{"stall_ms":3000,"stall_at":200000}}])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  OpenAiJob job(w.http, w.openai(), w.account, options);
  const auto o = w.run(generate(job, openai_request("content faults"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(3'000'000)) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "openai.content 206"), 1);
  EXPECT_EQ(count_status(c, "openai.content", 401, 401), 0);  // every range request carried the key
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

TEST(OpenAiFaults, OutputUrlDownloadFaultsResumeWithoutTheKey) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 3'000'000;
  so.config.openai.output_url = true;
  OpenAiWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"openai.media"},"times":1,"fault":{"reset_at":1000000}},
                  {"match":{"endpoint":"openai.media"},"times":1,"fault":{"status":503}}])");
  OpenAiJob job(w.http, w.openai(), w.account, w.options());
  const auto o = w.run(generate(job, openai_request("media faults"), w.out("m.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("m.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(3'000'000)) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "openai.media 503"), 1);
  EXPECT_GE(count(c, "openai.media 206"), 1);
  EXPECT_EQ(count_status(c, "openai.content", 0, 999), 0);
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // the key never went to the media origin
}

// ---- failures --------------------------------------------------------------------------------

TEST(OpenAiFaults, FailedRefusedAndBlockedVideosAreTypedErrors) {
  OpenAiWorld w;
  struct Case {
    const char* prompt;
    OutcomeKind kind;
    std::error_code code;
    bool submitted;
  };
  const Case cases[] = {{"please [fail]", OutcomeKind::failed, Errc::failed_at_provider, true},
                        {"a [reject] scene", OutcomeKind::failed, Errc::content_policy, true},
                        {"a [blocked] scene", OutcomeKind::refused, Errc::content_policy, false}};
  int i = 0;
  for (const Case& c : cases) {
    OpenAiJob job(w.http, w.openai(), w.account, w.options());
    const auto out = w.out("f" + std::to_string(i++) + ".mp4");
    const auto o = w.run(generate(job, openai_request(c.prompt), out));
    expect_ending(o, c.kind, c.code, out, c.submitted);
    EXPECT_FALSE(o.error.provider.message.empty());
  }
  EXPECT_EQ(w.sim.counters().jobs_created, 2);
}

TEST(OpenAiFaults, WrongKeyIsRefusedAndNothingIsCreated) {
  reel_sim::Options so = fast_options();
  so.config.api_keys = {"the-real-key"};
  OpenAiWorld w(std::move(so));
  OpenAiJob job(w.http, w.openai("a-wrong-key"), w.account, w.options());
  const auto o = w.run(generate(job, openai_request("wrong key"), w.out("k.mp4")));
  expect_ending(o, OutcomeKind::refused, Errc::unauthorized, w.out("k.mp4"), false);
  EXPECT_EQ(o.error.provider.status, 401) << o.error.message();
  EXPECT_EQ(o.error.message().find("a-wrong-key"), std::string::npos) << "the key is in the error";
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
  EXPECT_EQ(count(w.sim.counters(), "openai.create 401"), 1);
}

}  // namespace
}  // namespace reel_faults
