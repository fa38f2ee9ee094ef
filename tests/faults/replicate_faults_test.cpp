// SPDX-License-Identifier: BSL-1.0
// reel::Replicate jobs through the simulator's faults (docs/faults.md, the Replicate rows):
// 429s honoured (Retry-After header, retry_after in the body), 5xx retried on idempotent calls
// only, a create that may have reached Replicate is ambiguous and never resent (Replicate has no
// idempotency key), expired outputs, failure statuses as typed errors, resets and stalls during
// the download, and the key never sent to the media origin.
#include "replicate_world.hpp"

#include <thread>

namespace reel_faults {
namespace {

// ---- create ----------------------------------------------------------------------------------

TEST(ReplicateFaults, CreateResetMidAnswerIsAmbiguousAndNeverResent) {
  ReplicateWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"replicate.create"},"times":1,"fault":{"reset_at":40}}])");
  ReplicateJob job(w.http, w.replicate(), w.account, w.options());
  const auto o = w.run(generate(job, replicate_request("reset create"), w.out("a.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "replicate.create", "reset create", w.out("a.mp4"));
}

TEST(ReplicateFaults, Create5xxAndStallAreAmbiguousAndNeverResent) {
  ReplicateWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"replicate.create","prompt_contains":"5xx"},"fault":{"status":502}},
                  {"match":{"endpoint":"replicate.create","prompt_contains":"stall"},"fault":{"stall_ms":3000,"stall_at":0}}])");
  ReplicateJob a(w.http, w.replicate(), w.account, w.options());
  const auto o = w.run(generate(a, replicate_request("create 5xx"), w.out("b.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("b.mp4"), false);
  EXPECT_EQ(o.error.provider.status, 502);
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  ReplicateJob b(w.http, w.replicate(), w.account, options);
  const auto s = w.run(generate(b, replicate_request("create stall"), w.out("s.mp4")));
  expect_ending(s, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("s.mp4"), false);
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "replicate.create 502"), 1);
  EXPECT_EQ(count_status(c, "replicate.create", 0, 999), 2);  // one each, never repeated
  EXPECT_EQ(c.jobs_created_by_prompt.at("create stall"), 1);
}

TEST(ReplicateFaults, Create429WithRetryAfterHeaderOrBodyIsRetriedIntoOneJob) {
  ReplicateWorld w;
  // A 429 is not a received create: it is sent again once the wait the answer names is over.
  w.sim.rules(R"([{"match":{"endpoint":"replicate.create","prompt_contains":"header"},"times":2,
                   "fault":{"status":429,"retry_after":"1"}},
                  {"match":{"endpoint":"replicate.create","prompt_contains":"body"},"times":1,
                   "fault":{"status":429,"body":"{\"title\":\"Request was throttled.\",\"detail\":\"Request was throttled. Your rate limit resets in ~1s.\",\"status\":429,\"retry_after\":1}"}}])");
  ReplicateJob a(w.http, w.replicate(), w.account, w.options());
  const auto oa = w.run(generate(a, replicate_request("429 header"), w.out("h.mp4")));
  expect_ending(oa, OutcomeKind::succeeded, std::nullopt, w.out("h.mp4"));
  ReplicateJob b(w.http, w.replicate(), w.account, w.options());
  const auto ob = w.run(generate(b, replicate_request("429 body"), w.out("b.mp4")));
  expect_ending(ob, OutcomeKind::succeeded, std::nullopt, w.out("b.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "replicate.create 429"), 3);
  EXPECT_EQ(count(c, "replicate.create 201"), 2);
  EXPECT_EQ(c.jobs_created_by_prompt.at("429 header"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("429 body"), 1);
}

// ---- polls -----------------------------------------------------------------------------------

TEST(ReplicateFaults, Poll5xxResetsStallAnd429sAreRetried) {
  ReplicateWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"replicate.status"},"times":2,"fault":{"status":500}},
                  {"match":{"endpoint":"replicate.status"},"times":1,"fault":{"status":503}},
                  {"match":{"endpoint":"replicate.status"},"times":1,"fault":{"reset_at":30}},
                  {"match":{"endpoint":"replicate.status"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}},
                  {"match":{"endpoint":"replicate.status"},"times":1,"fault":{"status":429,"retry_after":"1"}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.max_failed_polls = 10;
  ReplicateJob job(w.http, w.replicate(), w.account, options);
  const auto o = w.run(generate(job, replicate_request("poll storm"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video()) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "replicate.status 500"), 2);
  EXPECT_EQ(count(c, "replicate.status 503"), 1);
  EXPECT_EQ(count(c, "replicate.status 429"), 1);
}

// ---- download --------------------------------------------------------------------------------

TEST(ReplicateFaults, DownloadResetAndStallResumeByRangeWithoutTheKey) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 3'000'000;
  ReplicateWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"replicate.media"},"times":1,"fault":{"reset_at":1000000}},
                  {"match":{"endpoint":"replicate.media"},"times":1,"fault":{"stall_ms":3000,"stall_at":200000}}])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  ReplicateJob job(w.http, w.replicate(), w.account, options);
  const auto o = w.run(generate(job, replicate_request("download faults"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(3'000'000)) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "replicate.media 206"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // the key never went to the media origin
}

asio::awaitable<bool> wait_ready(ReplicateJob& job) {
  auto status = co_await job.wait();
  co_return status && status->phase == reel::job::Phase::ready;
}
asio::awaitable<reel::Result<std::filesystem::path, reel::job::JobError>> download(ReplicateJob& job, std::filesystem::path out) {
  co_return co_await job.download(out);
}

TEST(ReplicateFaults, OutputRemovedBeforeTheDownloadIsLinkExpired) {
  reel_sim::Options so = fast_options();
  so.config.download_ttl_s = 1;
  ReplicateWorld w(std::move(so));
  ReplicateJob job(w.http, w.replicate(), w.account, w.options());
  ASSERT_TRUE(w.run(submit(job, replicate_request("expired output"))));
  ASSERT_TRUE(w.run(wait_ready(job)));
  std::this_thread::sleep_for(2100ms);  // the output's 1 s lifetime passes
  const auto got = w.run(download(job, w.out("x.mp4")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::link_expired) << got.error().message();
  EXPECT_FALSE(std::filesystem::exists(w.out("x.mp4")));
  EXPECT_FALSE(job.handle().job_id.empty());
  // A poll now says so too: data_removed.
  reel_sim::Options again = fast_options();
  again.config.download_ttl_s = 0;
  ReplicateWorld v(std::move(again));
  ReplicateJob late(v.http, v.replicate(), v.account, v.options());
  const auto o = v.run(generate(late, replicate_request("removed output"), v.out("r.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::link_expired, v.out("r.mp4"));
  EXPECT_EQ(v.sim.counters().media_requests_with_authorization, 0);
}

// ---- failure statuses ------------------------------------------------------------------------

TEST(ReplicateFaults, FailedFlaggedCanceledAndAbortedPredictionsAreTypedErrors) {
  ReplicateWorld w;
  w.sim.rules(R"([{"match":{"prompt_contains":"[fail]"},"job":{"outcome":"fail","fail_message":"CUDA out of memory"}},
                  {"match":{"prompt_contains":"[canceled]"},"job":{"outcome":"canceled"}},
                  {"match":{"prompt_contains":"[aborted]"},"job":{"outcome":"aborted"}}])");
  struct Case {
    const char* prompt;
    OutcomeKind kind;
    std::error_code code;
  };
  const Case cases[] = {{"please [fail]", OutcomeKind::failed, Errc::failed_at_provider},
                        {"a [blocked] scene", OutcomeKind::failed, Errc::content_policy},
                        {"[canceled] elsewhere", OutcomeKind::cancelled, Errc::cancelled_at_provider},
                        {"[aborted] before it started", OutcomeKind::cancelled, Errc::cancelled_at_provider}};
  int i = 0;
  for (const Case& c : cases) {
    ReplicateJob job(w.http, w.replicate(), w.account, w.options());
    const auto out = w.out("f" + std::to_string(i++) + ".mp4");
    const auto o = w.run(generate(job, replicate_request(c.prompt), out));
    expect_ending(o, c.kind, c.code, out);
    if (c.kind == OutcomeKind::failed) {
      EXPECT_FALSE(o.error.provider.message.empty());
    }
  }
  EXPECT_EQ(w.sim.counters().jobs_created, 4);
}

TEST(ReplicateFaults, WrongKeyIsRefusedAndNothingIsCreated) {
  reel_sim::Options so = fast_options();
  so.config.api_keys = {"the-real-key"};
  ReplicateWorld w(std::move(so));
  ReplicateJob job(w.http, w.replicate("a-wrong-key"), w.account, w.options());
  const auto o = w.run(generate(job, replicate_request("wrong key"), w.out("k.mp4")));
  EXPECT_NE(o.kind, OutcomeKind::succeeded);
  EXPECT_EQ(o.error.provider.status, 401) << o.error.message();
  EXPECT_EQ(o.error.message().find("a-wrong-key"), std::string::npos) << "the key is in the error";
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
  EXPECT_EQ(count(w.sim.counters(), "replicate.create 401"), 1);
}

}  // namespace
}  // namespace reel_faults
