// SPDX-License-Identifier: BSL-1.0
// reel::Luma jobs through the simulator's faults (docs/faults.md, the Luma rows): 5xx and 429
// storms on the create and on the polls, a create that may have reached Luma is ambiguous and
// never resent (Luma has no idempotency key), resets and stalls (per-step timeouts and the
// deadline), expired videos, failed and moderated generations as typed errors, a cancel mid-run,
// and the key never sent to the media origin or to a video URL on a foreign origin.
#include "luma_world.hpp"

namespace reel_faults {
namespace {

// ---- create ----------------------------------------------------------------------------------

TEST(LumaFaults, CreateResetMidAnswerIsAmbiguousAndNeverResent) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.create"},"times":1,"fault":{"reset_at":40}}])");
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, luma_request("reset create"), w.out("a.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "luma.create", "reset create", w.out("a.mp4"));
  EXPECT_EQ(o.handle.model, "ray-2");
}

TEST(LumaFaults, CreateStallAndTruncationAreAmbiguousAndNeverResent) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.create","prompt_contains":"stall"},"fault":{"stall_ms":3000,"stall_at":0}},
                  {"match":{"endpoint":"luma.create","prompt_contains":"truncated"},"fault":{"truncate_at":10}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  LumaJob a(w.http, w.provider(), w.account, options);
  const auto s = w.run(generate(a, luma_request("create stall"), w.out("s.mp4")));
  expect_ending(s, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("s.mp4"), false);
  LumaJob b(w.http, w.provider(), w.account, w.options());
  const auto t = w.run(generate(b, luma_request("create truncated"), w.out("t.mp4")));
  expect_ending(t, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("t.mp4"), false);
  const auto c = w.sim.counters();
  EXPECT_EQ(count_status(c, "luma.create", 0, 999), 2);  // one each, never repeated
  EXPECT_EQ(c.jobs_created_by_prompt.at("create stall"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("create truncated"), 1);
}

// The generation IS created, then a gateway answers 502: Luma may run it, so it is not sent again.
TEST(LumaFaults, Create502AfterTheGenerationWasCreatedIsAmbiguousAndNeverResent) {
  reel_sim::Options so = fast_options();
  so.config.drift.create_error_status = 502;
  LumaWorld w(std::move(so));
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, luma_request("gateway 502"), w.out("g.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "luma.create", "gateway 502", w.out("g.mp4"));
  EXPECT_EQ(o.error.provider.status, 502);
  EXPECT_NE(o.error.message().find("may exist"), std::string::npos) << o.error.message();
}

TEST(LumaFaults, Create5xxStormEndsAtTheFirstAnswerWithoutARetry) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.create"},"times":3,"fault":{"status":500,"message":"Internal Server Error"}}])");
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, luma_request("create 500s"), w.out("n.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("n.mp4"), false);
  EXPECT_EQ(o.error.provider.status, 500);
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "luma.create 500"), 1);
  EXPECT_EQ(count_status(c, "luma.create", 0, 999), 1);
  EXPECT_EQ(c.jobs_created, 0);
}

TEST(LumaFaults, Create429StormHonoursRetryAfterIntoOneGeneration) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.create"},"times":2,"fault":{"status":429,"retry_after":"1"}}])");
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, luma_request("create 429s"), w.out("q.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("q.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "luma.create 429"), 2);
  EXPECT_EQ(count(c, "luma.create 201"), 1);
  EXPECT_EQ(c.jobs_created, 1);
}

// ---- polls -----------------------------------------------------------------------------------

TEST(LumaFaults, PollStormOf5xxResetsTruncationStallAnd429sIsOvercome) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.status"},"times":2,"fault":{"status":502}},
                  {"match":{"endpoint":"luma.status"},"times":1,"fault":{"status":503}},
                  {"match":{"endpoint":"luma.status"},"times":1,"fault":{"reset_at":20}},
                  {"match":{"endpoint":"luma.status"},"times":1,"fault":{"truncate_at":15}},
                  {"match":{"endpoint":"luma.status"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}},
                  {"match":{"endpoint":"luma.status"},"times":2,"fault":{"status":429,"retry_after":"1"}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.timeouts.body_idle = 400ms;
  options.max_failed_polls = 12;
  LumaJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, luma_request("poll storm"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video()) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.faults_injected, 8);
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "luma.status 502"), 2);
  EXPECT_EQ(count(c, "luma.status 503"), 1);
  EXPECT_EQ(count(c, "luma.status 429"), 2);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

TEST(LumaFaults, PollStallAgainstTheDeadlineEndsWithTheHandle) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.status"},"fault":{"stall_ms":10000,"stall_at":0}}])");
  reel::JobOptions options = w.options(1500ms);
  options.timeouts.response_headers = 30s;
  LumaJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, luma_request("poll vs deadline"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("d.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

// A generation Luma no longer knows (deleted elsewhere): job_not_found, not polled forever.
TEST(LumaFaults, AGenerationThatIsGoneIsJobNotFound) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"luma.status"},"fault":{"status":404,"message":"Generation not found"}}])");
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, luma_request("gone"), w.out("g.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::job_not_found, w.out("g.mp4"));
  EXPECT_EQ(count(w.sim.counters(), "luma.status 404"), 1);
}

// ---- failed and refused generations ----------------------------------------------------------

TEST(LumaFaults, FailedModeratedAndRefusedGenerationsAreTypedErrors) {
  LumaWorld w;
  w.sim.rules(R"([{"match":{"prompt_contains":"[fail]"},"job":{"outcome":"fail","fail_message":"Internal generation error"}},
                  {"match":{"endpoint":"luma.status","prompt_contains":"[moderated]"},
                   "fault":{"body":"{\"id\":\"g-1\",\"state\":\"failed\",\"failure_reason\":\"The output was flagged by moderation\"}"}}])");
  const auto failed = [&] {
    LumaJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, luma_request("it will [fail]"), w.out("f.mp4")));
  }();
  expect_ending(failed, OutcomeKind::failed, Errc::failed_at_provider, w.out("f.mp4"));
  EXPECT_FALSE(failed.error.provider.message.empty());
  const auto moderated = [&] {
    LumaJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, luma_request("a [moderated] one"), w.out("m.mp4")));
  }();
  expect_ending(moderated, OutcomeKind::failed, Errc::content_policy, w.out("m.mp4"));
  // Refused at the create (Luma's 400 with its moderation detail): nothing was made.
  const auto refused = [&] {
    LumaJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, luma_request("a [blocked] prompt"), w.out("b.mp4")));
  }();
  EXPECT_NE(refused.kind, OutcomeKind::succeeded);
  EXPECT_EQ(refused.error.code, Errc::content_policy) << refused.error.message();
  EXPECT_FALSE(std::filesystem::exists(w.out("b.mp4")));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 2);
  EXPECT_EQ(count(c, "luma.create 400"), 1);
}

// A cancel mid-run stops and removes the generation; a 503 on the first DELETE is retried.
TEST(LumaFaults, CancelMidRunStopsTheGenerationThroughA503) {
  reel_sim::Options so;
  so.config.job.duration_ms = 60'000;
  LumaWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"luma.cancel"},"times":1,"fault":{"status":503}}])");
  LumaJob job(w.http, w.provider(), w.account, w.options());
  EXPECT_TRUE(w.run(submit_then_cancel(job, luma_request("cancel me"))));
  EXPECT_FALSE(job.handle().job_id.empty());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count(c, "luma.cancel 503"), 1);
  EXPECT_EQ(count(c, "luma.cancel 204"), 1);
}

// ---- download --------------------------------------------------------------------------------

TEST(LumaFaults, DownloadResetTruncationAndStallResumeByRangeWithoutTheKey) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 3'000'000;
  LumaWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"luma.media"},"times":1,"fault":{"reset_at":1000000}},
                  {"match":{"endpoint":"luma.media"},"times":1,"fault":{"truncate_at":700000}},
                  {"match":{"endpoint":"luma.media"},"times":1,"fault":{"stall_ms":3000,"stall_at":200000}}])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  LumaJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, luma_request("download faults"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(3'000'000)) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "luma.media 206"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

TEST(LumaFaults, AnExpiredVideoIsLinkExpired) {
  expect_expired_output_is_link_expired<reel::Luma>(luma_request("expired video"), "luma.media 410");
}

// A video URL on a foreign origin is fetched without the key: the key goes only to Luma's API.
TEST(LumaFaults, AForeignOriginVideoUrlGetsNoKey) {
  expect_foreign_output_gets_no_key<reel::Luma>(luma_request("foreign video"), "luma.status", [](const std::string& url) {
    return R"({"id":"g-1","state":"completed","assets":{"video":")" + url + R"("}})";
  });
}

TEST(LumaFaults, WrongKeyIsUnauthorizedAndNothingIsCreated) {
  expect_wrong_key_refused<reel::Luma>(luma_request("wrong key"), "luma.create");
}

}  // namespace
}  // namespace reel_faults
