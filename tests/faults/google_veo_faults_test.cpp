// SPDX-License-Identifier: BSL-1.0
// reel::GoogleVeo jobs through the simulator's faults on its Gemini API (/gemini): a create that
// may have reached Google is ambiguous and never resent (no idempotency key), a 429
// RESOURCE_EXHAUSTED with RetryInfo is waited out into one operation, polls survive 5xx, resets,
// stalls and 429s, the keyed download resumes by Range after a reset or stall, failed and filtered
// operations are typed errors, and the key never leaves the API's origin.
#include "fault_world.hpp"

#include <reel/providers/google_veo.hpp>

#include <filesystem>
#include <string>
#include <utility>

namespace reel_faults {
namespace {

using VeoJob = reel::VideoJob<reel::GoogleVeo, reel::http::Client>;

/// A World with a Google Veo account. No client-side limits here: the defaults (2 creates a
/// minute) would make the suite wait minutes; the 429 tests use the server's own answers.
struct VeoWorld : World {
  using World::World;
  reel::GoogleVeo veo(std::string key = "test-key") { return reel::GoogleVeo{std::move(key), sim.sim->gemini_url()}; }
  reel::job::Account account{reel::steady_clock(), reel::job::AccountLimits::none()};
};

reel::VideoRequest veo_request(std::string prompt) {
  return reel::VideoRequest{.model = "veo-3.1-generate-001", .prompt = std::move(prompt), .duration_seconds = 8};
}

asio::awaitable<reel::job::Outcome> generate(VeoJob& job, reel::VideoRequest r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}

// ---- create ----------------------------------------------------------------------------------

TEST(GoogleVeoFaults, CreateResetMidAnswerIsAmbiguousAndNeverResent) {
  VeoWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"veo.create"},"times":1,"fault":{"reset_at":20}}])");
  VeoJob job(w.http, w.veo(), w.account, w.options());
  const auto o = w.run(generate(job, veo_request("reset create"), w.out("a.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("a.mp4"), false);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created_by_prompt.at("reset create"), 1);  // the operation exists ...
  EXPECT_EQ(count_status(c, "veo.create", 0, 999), 1);        // ... and the create was sent once
}

TEST(GoogleVeoFaults, Create5xxAndStallAreAmbiguousAndNeverResent) {
  VeoWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"veo.create","prompt_contains":"5xx"},"fault":{"status":500}},
                  {"match":{"endpoint":"veo.create","prompt_contains":"stall"},"fault":{"stall_ms":3000,"stall_at":0}}])");
  VeoJob a(w.http, w.veo(), w.account, w.options());
  const auto o = w.run(generate(a, veo_request("create 5xx"), w.out("b.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("b.mp4"), false);
  EXPECT_EQ(o.error.provider.status, 500);
  EXPECT_EQ(o.error.provider.code, "INTERNAL");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  VeoJob b(w.http, w.veo(), w.account, options);
  const auto s = w.run(generate(b, veo_request("create stall"), w.out("s.mp4")));
  expect_ending(s, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("s.mp4"), false);
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "veo.create 500"), 1);
  EXPECT_EQ(count_status(c, "veo.create", 0, 999), 2);  // one each, never repeated
  EXPECT_EQ(c.jobs_created_by_prompt.at("create stall"), 1);
}

TEST(GoogleVeoFaults, Create429WithRetryInfoIsWaitedOutIntoOneOperation) {
  VeoWorld w(fast_options());
  // A 429 is not a received create: it is sent again once the RetryInfo delay is over.
  w.sim.rules(R"([{"match":{"endpoint":"veo.create"},"times":1,
                   "fault":{"status":429,"body":"{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"1s\"}]}}"}}])");
  VeoJob job(w.http, w.veo(), w.account, w.options());
  const auto o = w.run(generate(job, veo_request("429 retry info"), w.out("r.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("r.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "veo.create 429"), 1);
  EXPECT_EQ(count(c, "veo.create 200"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("429 retry info"), 1);
}

// ---- polls -----------------------------------------------------------------------------------

TEST(GoogleVeoFaults, Poll5xxResetsStallAnd429sAreRetried) {
  VeoWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"veo.status"},"times":2,"fault":{"status":500}},
                  {"match":{"endpoint":"veo.status"},"times":1,"fault":{"status":503}},
                  {"match":{"endpoint":"veo.status"},"times":1,"fault":{"reset_at":30}},
                  {"match":{"endpoint":"veo.status"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}},
                  {"match":{"endpoint":"veo.status"},"times":1,"fault":{"status":429,"retry_after":"1"}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.max_failed_polls = 10;
  VeoJob job(w.http, w.veo(), w.account, options);
  const auto o = w.run(generate(job, veo_request("poll storm"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "veo.status 500"), 2);
  EXPECT_EQ(count(c, "veo.status 503"), 1);
  EXPECT_EQ(count(c, "veo.status 429"), 1);
  EXPECT_EQ(c.jobs_created, 1);
}

// ---- download --------------------------------------------------------------------------------

TEST(GoogleVeoFaults, KeyedDownloadResumesByRangeAfterResetAndStall) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 3'000'000;
  VeoWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"veo.media"},"times":1,"fault":{"reset_at":1000000}},
                  {"match":{"endpoint":"veo.media"},"times":1,"fault":{"stall_ms":3000,"stall_at":200000}}])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  VeoJob job(w.http, w.veo(), w.account, options);
  const auto o = w.run(generate(job, veo_request("download faults"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(3'000'000)) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "veo.media 206"), 1);
  EXPECT_EQ(count_status(c, "veo.media", 400, 499), 0);  // every GET carried the key to the API origin
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

TEST(GoogleVeoFaults, ResetOnTheMediaOriginAfterARedirectStillSendsNoKeyThere) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 2'000'000;
  so.config.drift.veo_download_redirect = true;
  VeoWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"veo.media"},"skip":1,"times":1,"fault":{"reset_at":500000}}])");
  VeoJob job(w.http, w.veo(), w.account, w.options());
  const auto o = w.run(generate(job, veo_request("redirect reset"), w.out("x.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("x.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(2'000'000));
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "veo.media 302"), 2);  // the retry starts again at the API origin, keyed
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

// ---- failures --------------------------------------------------------------------------------

TEST(GoogleVeoFaults, FailedAndFilteredOperationsAreTypedErrors) {
  VeoWorld w(fast_options());
  w.sim.rules(R"([{"match":{"prompt_contains":"[fail]"},"job":{"outcome":"fail","fail_message":"Video generation failed"}},
                  {"match":{"prompt_contains":"[reject]"},"job":{"outcome":"content_policy","fail_message":"celebrity likeness"}}])");
  VeoJob a(w.http, w.veo(), w.account, w.options());
  const auto failed = w.run(generate(a, veo_request("please [fail]"), w.out("f.mp4")));
  expect_ending(failed, OutcomeKind::failed, Errc::failed_at_provider, w.out("f.mp4"));
  EXPECT_EQ(failed.error.provider.message, "Video generation failed");
  VeoJob b(w.http, w.veo(), w.account, w.options());
  const auto filtered = w.run(generate(b, veo_request("[reject] someone famous"), w.out("c.mp4")));
  expect_ending(filtered, OutcomeKind::failed, Errc::content_policy, w.out("c.mp4"));
  EXPECT_NE(filtered.error.provider.message.find("celebrity likeness"), std::string::npos) << filtered.error.provider.message;
  VeoJob c(w.http, w.veo(), w.account, w.options());
  const auto blocked = w.run(generate(c, veo_request("a [blocked] scene"), w.out("b.mp4")));
  EXPECT_EQ(blocked.error.provider.status, 400);
  EXPECT_EQ(blocked.error.code, Errc::content_policy) << blocked.error.message();
  EXPECT_TRUE(blocked.handle.job_id.empty());
  EXPECT_EQ(w.sim.counters().jobs_created, 2);
}

TEST(GoogleVeoFaults, WrongKeyIsRefusedAndNeverRepeatedInTheError) {
  reel_sim::Options so = fast_options();
  so.config.api_keys = {"the-real-key"};
  VeoWorld w(std::move(so));
  VeoJob job(w.http, w.veo("a-wrong-key"), w.account, w.options());
  const auto o = w.run(generate(job, veo_request("wrong key"), w.out("k.mp4")));
  EXPECT_NE(o.kind, OutcomeKind::succeeded);
  EXPECT_EQ(o.error.code, Errc::unauthorized) << o.error.message();
  EXPECT_EQ(o.error.provider.status, 400);
  EXPECT_EQ(o.error.message().find("a-wrong-key"), std::string::npos) << "the key is in the error";
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
  EXPECT_EQ(count(w.sim.counters(), "veo.create 400"), 1);
}

}  // namespace
}  // namespace reel_faults
