// SPDX-License-Identifier: BSL-1.0
// VideoJob through the simulator's faults in every phase of a job (create, poll, download,
// cleanup): resets, stalls against per-step timeouts and the deadline, truncated bodies, 5xx and
// 429 storms, expired and revoked links, a slow trickle. Each case ends in success or its
// documented outcome (docs/faults.md), with the handle kept and no partial file under the final
// name. tests/job/simulator_test.cpp has the simpler cases (a 503, a reset during the inline
// video or the Lumenfall download, a create reset).
#include "fault_world.hpp"

#include <thread>

namespace reel_faults {
namespace {

// ---- create --------------------------------------------------------------------------------------

TEST(SimFaults, VeniceQueueResetMidAnswerIsAmbiguousAndNotRepeated) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"venice.queue"},"times":1,"fault":{"reset_at":40}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("reset mid answer"), w.out("a.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "venice.queue", "reset mid answer", w.out("a.mp4"));
  EXPECT_EQ(o.handle.model, venice_private_model);
}

TEST(SimFaults, VeniceQueueStallPastTheResponseTimeoutIsAmbiguous) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"venice.queue"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto o = w.run(generate(job, venice_request("stalled queue"), w.out("s.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("s.mp4"), false);
  EXPECT_EQ(w.sim.counters().jobs_created_by_prompt.at("stalled queue"), 1);
}

TEST(SimFaults, LumenfallCreateTruncatedStalledAnd502StormIsOneJob) {
  World w;
  w.sim.rules(R"([
    {"match":{"endpoint":"lumenfall.create"},"times":1,"fault":{"truncate_at":10}},
    {"match":{"endpoint":"lumenfall.create"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}},
    {"match":{"endpoint":"lumenfall.create"},"times":2,"fault":{"status":502}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto o = w.run(generate(job, lumenfall_request("create storm"), w.out("c.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("c.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  ASSERT_TRUE(o.handle.idempotency_key);
  EXPECT_EQ(c.create_requests_by_idempotency_key.at(*o.handle.idempotency_key), 5);  // one key for all
  EXPECT_EQ(count(c, "lumenfall.create 502"), 2);
}

TEST(SimFaults, VeniceQueue429StormIsRetriedAndCreatesOneJob) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"venice.queue"},"times":3,"fault":{"status":429}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("queue 429s"), w.out("q.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("q.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "venice.queue 429"), 3);
}

TEST(SimFaults, LumenfallCreateStallAgainstTheDeadlineKeepsTheIdempotencyKey) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.create"},"fault":{"stall_ms":8000,"stall_at":0}}])");
  reel::JobOptions options = w.options(1200ms);
  options.timeouts.response_headers = 30s;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, lumenfall_request("create vs deadline"), w.out("d.mp4")));
  EXPECT_LT(since(start), 4s) << "the deadline did not bound the stalled create";
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("d.mp4"), false);
  // The key is kept: a resubmit with it returns the job the stalled create made.
  ASSERT_TRUE(o.handle.idempotency_key);
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

// ---- poll ----------------------------------------------------------------------------------------

TEST(SimFaults, VenicePollResetsTruncationAndStallAreOvercome) {
  World w(fast_options());
  w.sim.rules(R"([
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"reset_at":0}},
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"reset_at":30}},
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"truncate_at":10}},
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto o = w.run(generate(job, venice_request("poll faults"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("p.mp4")), expected_video());
  EXPECT_GE(o.polls, 5);  // four failed polls (the simulator counts them too), then the good ones
  const auto c = w.sim.counters();
  EXPECT_EQ(c.faults_injected, 4);
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_TRUE(c.jobs.at(0).cleaned);
}

TEST(SimFaults, LumenfallPollResetsTruncationStallAnd503sAreOvercome) {
  World w(fast_options());
  w.sim.rules(R"([
    {"match":{"endpoint":"lumenfall.retrieve"},"times":1,"fault":{"reset_at":0}},
    {"match":{"endpoint":"lumenfall.retrieve"},"times":1,"fault":{"truncate_at":15}},
    {"match":{"endpoint":"lumenfall.retrieve"},"times":1,"fault":{"stall_ms":3000,"stall_at":20}},
    {"match":{"endpoint":"lumenfall.retrieve"},"times":3,"fault":{"status":503}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.timeouts.body_idle = 400ms;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto o = w.run(generate(job, lumenfall_request("poll faults"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.faults_injected, 6);
  EXPECT_TRUE(c.jobs.at(0).cleaned);
  EXPECT_EQ(c.requests_after_cleanup, 0);
}

TEST(SimFaults, PollStallAgainstTheDeadlineEndsOnTimeWithTheHandle) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"venice.retrieve"},"fault":{"stall_ms":10000,"stall_at":0}}])");
  reel::JobOptions options = w.options(1500ms);
  options.timeouts.response_headers = 30s;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, venice_request("poll vs deadline"), w.out("d.mp4")));
  EXPECT_LT(since(start), 4s) << "the deadline did not bound the stalled poll";
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("d.mp4"));
  ASSERT_TRUE(o.handle.download_url);  // the one-time link survives in the handle
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

// ---- download ------------------------------------------------------------------------------------

TEST(SimFaults, VeniceDownloadLinkResetAndStallResumeByRange) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 400'000;
  World w(std::move(so));
  w.sim.rules(R"([
    {"match":{"endpoint":"venice.download"},"times":1,"fault":{"reset_at":100000}},
    {"match":{"endpoint":"venice.download"},"times":1,"fault":{"stall_ms":3000,"stall_at":50000}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto o = w.run(generate(job, venice_request("download faults"), w.out("v.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("v.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("v.mp4")), expected_video(400'000));
  EXPECT_FALSE(std::filesystem::exists(w.out("v.mp4.part")));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "venice.download 206"), 2);  // both resumed, not restarted
  EXPECT_EQ(c.jobs.at(0).download_fetches, 3);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_TRUE(o.cleaned_up);
}

TEST(SimFaults, LumenfallMediaTruncatedResetAndStalledStillCompletes) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 300'000;
  World w(std::move(so));
  w.sim.rules(R"([
    {"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"truncate_at":70000}},
    {"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"reset_at":0}},
    {"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"stall_ms":3000,"stall_at":40000}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto o = w.run(generate(job, lumenfall_request("media faults"), w.out("l.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("l.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("l.mp4")), expected_video(300'000));
  EXPECT_EQ(w.sim.counters().media_requests_with_authorization, 0);
}

TEST(SimFaults, VeniceDownloadCutShortEveryTimeEndsBeforeTheFetchLimitWithoutAFile) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 400'000;
  World w(std::move(so));
  // Every GET of the one-time link breaks off after 1000 bytes; the link allows 5 fetches.
  w.sim.rules(R"([{"match":{"endpoint":"venice.download"},"fault":{"truncate_at":1000}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("always short"), w.out("t.mp4")));
  expect_ending(o, OutcomeKind::error, reel::http::Errc::unexpected_eof, w.out("t.mp4"));
  EXPECT_FALSE(o.cleaned_up);
  const auto c = w.sim.counters();
  EXPECT_FALSE(c.jobs.at(0).cleaned);  // the provider's copy is kept: nothing safe on disk yet
  EXPECT_EQ(count(c, "venice.complete 200"), 0);
  EXPECT_EQ(count(c, "venice.download.delete 204"), 0);
}

TEST(SimFaults, DownloadStallAgainstTheDeadlineThenResumeFromTheHandle) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 200'000;
  World w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"stall_ms":10000,"stall_at":50000}}])");
  reel::JobOptions options = w.options(2s);
  options.timeouts.body_idle = 30s;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, lumenfall_request("download vs deadline"), w.out("r.mp4")));
  EXPECT_LT(since(start), 5s) << "the deadline did not bound the stalled download";
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("r.mp4"));
  EXPECT_FALSE(o.cleaned_up);
  // Another job object (another process, say) resumes from the handle: no second create.
  LumenfallJob resumed(w.http, w.lumenfall(), w.lumenfall_account, o.handle, w.options());
  const auto again = w.run(finish(resumed, w.out("r.mp4")));
  expect_ending(again, OutcomeKind::succeeded, std::nullopt, w.out("r.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("r.mp4")), expected_video(200'000));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_TRUE(c.jobs.at(0).cleaned);
}

TEST(SimFaults, SlowTrickleAgainstTheDeadlineAndWithinIt) {
  World w(fast_options());
  // The 15 KiB sample at 4000 bytes/s takes ~4 s: past a 1.5 s deadline.
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"trickle_bps":4000}}])");
  LumenfallJob slow(w.http, w.lumenfall(), w.lumenfall_account, w.options(1500ms));
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(slow, lumenfall_request("trickle"), w.out("slow.mp4")));
  EXPECT_LT(since(start), 4s) << "the deadline did not bound the trickle";
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("slow.mp4"));
  EXPECT_GT(o.bytes, 0u);
  // At 60000 bytes/s it arrives well within the deadline, and the idle timeout never fires.
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"fault":{"trickle_bps":60000}}])");
  reel::JobOptions options = w.options(10s);
  options.timeouts.body_idle = 500ms;
  LumenfallJob fast(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto ok = w.run(generate(fast, lumenfall_request("trickle ok"), w.out("ok.mp4")));
  expect_ending(ok, OutcomeKind::succeeded, std::nullopt, w.out("ok.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("ok.mp4")), expected_video());
}

// ---- cleanup -------------------------------------------------------------------------------------

TEST(SimFaults, VeniceRevokeAndCompleteResetsAreRetried) {
  World w(fast_options());
  w.sim.rules(R"([
    {"match":{"endpoint":"venice.download.delete"},"times":1,"fault":{"reset_at":0}},
    {"match":{"endpoint":"venice.complete"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto o = w.run(generate(job, venice_request("cleanup faults"), w.out("c.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("c.mp4"));
  const auto c = w.sim.counters();
  EXPECT_TRUE(c.jobs.at(0).cleaned);
  EXPECT_EQ(c.faults_injected, 2);
  ASSERT_TRUE(o.handle.download_url);
  EXPECT_EQ(w.sim.call("GET", *o.handle.download_url, "", "").head.status, 410);  // revoked
}

TEST(SimFaults, VeniceCompleteResetAfterItWasDoneStillLeavesTheFileSafe) {
  World w(fast_options());
  // The provider completes the job, then the connection is reset: the retry finds no job.
  w.sim.rules(R"([{"match":{"endpoint":"venice.complete"},"times":1,"fault":{"reset_at":0}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("complete reset"), w.out("c.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("c.mp4"));
  EXPECT_EQ(reel_test::read_file(w.out("c.mp4")), expected_video());
  const auto c = w.sim.counters();
  EXPECT_TRUE(c.jobs.at(0).cleaned);
  EXPECT_EQ(count_status(c, "venice.complete", 0, 999), 2);  // retried once
}

TEST(SimFaults, LumenfallDeleteResetAndStallAreRetried) {
  World w(fast_options());
  w.sim.rules(R"([
    {"match":{"endpoint":"lumenfall.delete"},"times":1,"fault":{"reset_at":0}},
    {"match":{"endpoint":"lumenfall.delete"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}
  ])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto o = w.run(generate(job, lumenfall_request("delete faults"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_TRUE(o.cleaned_up);  // a 404 on the retried DELETE means the copy is gone
  EXPECT_TRUE(w.sim.counters().jobs.at(0).cleaned);
}

TEST(SimFaults, CleanupFailingForeverDoesNotUndoTheVideo) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"venice.complete"},"fault":{"status":500}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("cleanup fails"), w.out("f.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("f.mp4"));
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_EQ(o.error.code, Errc::provider_error) << o.error.message();
  EXPECT_EQ(reel_test::read_file(w.out("f.mp4")), expected_video());
  const auto c = w.sim.counters();
  EXPECT_FALSE(c.jobs.at(0).cleaned);
  EXPECT_EQ(count(c, "venice.complete 500"), 5);  // the retry policy's 5 attempts, no more
}

TEST(SimFaults, CleanupStallAgainstTheDeadlineLeavesTheVideoSafe) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.delete"},"fault":{"stall_ms":10000,"stall_at":0}}])");
  reel::JobOptions options = w.options(1500ms);
  options.timeouts.response_headers = 30s;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, lumenfall_request("cleanup vs deadline"), w.out("c.mp4")));
  EXPECT_LT(since(start), 4s) << "the deadline did not bound the stalled cleanup";
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("c.mp4"));
  EXPECT_EQ(o.error.code, Errc::deadline_exceeded) << o.error.message();  // reported, not undoing the video
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_EQ(reel_test::read_file(w.out("c.mp4")), expected_video());
}

// ---- storms --------------------------------------------------------------------------------------

// The account's guard pauses it for 30 s; a request the pause puts past the deadline is refused
// at once with `deadline`.
TEST(SimFaults, Venice5xxStormStopsAtTheAbuseGuardThenResumes) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"venice.retrieve"},"fault":{"status":500}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options(3s));
  const auto o = w.run(generate(job, venice_request("5xx storm"), w.out("s.mp4")));
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("s.mp4"));
  auto c = w.sim.counters();
  // The client's guard (10 failures in 30 s) pauses the account before Venice's 20-in-30-s block.
  EXPECT_LE(count(c, "venice.retrieve 500"), 10);
  EXPECT_EQ(count_status(c, "venice.retrieve", 429, 429), 0);
  // Once the storm is over, the job resumes from its handle (another process: a fresh account).
  w.sim.rules("[]");
  reel::job::Account later(reel::steady_clock(), World::venice_limits());
  VeniceJob resumed(w.http, w.venice(), later, o.handle, w.options());
  const auto again = w.run(finish(resumed, w.out("s.mp4")));
  expect_ending(again, OutcomeKind::succeeded, std::nullopt, w.out("s.mp4"));
  c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_TRUE(c.jobs.at(0).cleaned);
}

// A paused account never keeps a job past its deadline.
TEST(SimFaults, TheDeadlineBoundsTheAbuseGuardPause) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"venice.retrieve"},"fault":{"status":500}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options(2s));
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, venice_request("guard vs deadline"), w.out("g.mp4")));
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("g.mp4"));
  EXPECT_LT(since(start), 6s) << "the guard's pause outlived the job's deadline";
}

TEST(SimFaults, Venice429StormWithoutHintsStaysUnderTheKeyBlock) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"venice.retrieve"},"fault":{"status":429}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options(3s));
  const auto o = w.run(generate(job, venice_request("429 storm"), w.out("s.mp4")));
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("s.mp4"));
  const auto c = w.sim.counters();
  EXPECT_LE(count(c, "venice.retrieve 429"), 10);
  EXPECT_EQ(c.jobs_created, 1);
}

TEST(SimFaults, LumenfallPoll503And429StormShorterThanTheGuardSucceeds) {
  World w(fast_options());
  w.sim.rules(R"([
    {"match":{"endpoint":"lumenfall.retrieve"},"times":5,"fault":{"status":503}},
    {"match":{"endpoint":"lumenfall.retrieve"},"times":2,"fault":{"status":429,"retry_after":"1"}}
  ])");
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("short storm"), w.out("s.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("s.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "lumenfall.retrieve 503"), 5);
  EXPECT_EQ(count(c, "lumenfall.retrieve 429"), 2);
}

// ---- links ---------------------------------------------------------------------------------------

TEST(SimFaults, VeniceExpiredDownloadLinkIsLinkExpired) {
  reel_sim::Options so;
  so.config.job = reel_sim::JobSpec{};
  so.config.job.duration_ms = 1500;  // the link (1 s) expires before the video is ready
  so.config.download_ttl_s = 1;
  World w(std::move(so));
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("expired link"), w.out("e.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::link_expired, w.out("e.mp4"));
  ASSERT_TRUE(o.handle.download_url);
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_EQ(w.sim.counters().media_requests_with_authorization, 0);
}

TEST(SimFaults, VeniceRevokedDownloadLinkIsLinkExpired) {
  World w(fast_options());
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  ASSERT_TRUE(w.run(submit(job, venice_request("revoked link"))));
  ASSERT_TRUE(job.handle().download_url);
  // Someone else (or an earlier run) revokes the one-time link.
  EXPECT_EQ(w.sim.call("DELETE", *job.handle().download_url, "", "").head.status, 204);
  const auto o = w.run(finish(job, w.out("r.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::link_expired, w.out("r.mp4"));
  EXPECT_FALSE(o.cleaned_up);
}

asio::awaitable<bool> wait_ready(LumenfallJob& job) {
  auto status = co_await job.wait();
  co_return status && status->phase == reel::job::Phase::ready;
}
asio::awaitable<reel::Result<std::filesystem::path, reel::job::JobError>> download(LumenfallJob& job,
                                                                                 std::filesystem::path out) {
  co_return co_await job.download(out);
}

TEST(SimFaults, LumenfallOutputExpiredBeforeTheDownloadIsLinkExpired) {
  reel_sim::Options so = fast_options();
  so.config.download_ttl_s = 1;
  World w(std::move(so));
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  ASSERT_TRUE(w.run(submit(job, lumenfall_request("expired output"))));
  ASSERT_TRUE(w.run(wait_ready(job)));
  std::this_thread::sleep_for(2100ms);  // the output URL's 1 s lifetime passes
  const auto got = w.run(download(job, w.out("x.mp4")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::link_expired) << got.error().message();
  EXPECT_FALSE(std::filesystem::exists(w.out("x.mp4")));
  EXPECT_FALSE(job.handle().job_id.empty());
}

TEST(SimFaults, LumenfallJobDeletedElsewhereWhilePollingIsJobNotFound) {
  reel_sim::Options so;
  so.config.job = reel_sim::JobSpec{};
  so.config.job.duration_ms = 60'000;
  World w(std::move(so));
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  ASSERT_TRUE(w.run(submit(job, lumenfall_request("deleted elsewhere"))));
  EXPECT_EQ(w.sim.call("DELETE", w.sim.sim->lumenfall_url() + "/videos/" + job.handle().job_id).head.status, 200);
  const auto o = w.run(finish(job, w.out("g.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::job_not_found, w.out("g.mp4"));
}

}  // namespace
}  // namespace reel_faults
