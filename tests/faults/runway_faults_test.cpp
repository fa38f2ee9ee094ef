// SPDX-License-Identifier: BSL-1.0
// reel::Runway jobs through the simulator's faults (docs/faults.md, the Runway rows): 5xx and 429
// storms on the create and on the task polls, a create that may have reached Runway is ambiguous
// and never resent (Runway has no idempotency key), resets and stalls (per-step timeouts and the
// deadline), a fresh task's 404 read as "not visible yet", THROTTLED tasks, expired outputs,
// FAILED and CANCELLED tasks as typed errors, a cancel mid-run, and the key never sent to the
// media origin or to an output URL on a foreign origin.
#include "runway_world.hpp"

namespace reel_faults {
namespace {

/// Simulator options whose tasks run for a minute (long enough to cancel or to throttle).
reel_sim::Options long_options() {
  reel_sim::Options o;
  o.config.job.duration_ms = 60'000;
  return o;
}

// ---- create ----------------------------------------------------------------------------------

TEST(RunwayFaults, CreateResetMidAnswerIsAmbiguousAndNeverResent) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.create"},"times":1,"fault":{"reset_at":40}}])");
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, runway_request("reset create"), w.out("a.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "runway.create", "reset create", w.out("a.mp4"));
  EXPECT_EQ(o.handle.model, "gen4.5");
}

TEST(RunwayFaults, CreateStallPastTheResponseTimeoutIsAmbiguousAndNeverResent) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.create"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  RunwayJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, runway_request("stalled create"), w.out("s.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "runway.create", "stalled create", w.out("s.mp4"));
}

// The task IS created, then a gateway answers 502: Runway may run it, so it is not sent again.
TEST(RunwayFaults, Create502AfterTheTaskWasCreatedIsAmbiguousAndNeverResent) {
  reel_sim::Options so = fast_options();
  so.config.drift.create_error_status = 502;
  RunwayWorld w(std::move(so));
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, runway_request("gateway 502"), w.out("g.mp4")));
  expect_ambiguous_once(o, w.sim.counters(), "runway.create", "gateway 502", w.out("g.mp4"));
  EXPECT_EQ(o.error.provider.status, 502);
  EXPECT_NE(o.error.message().find("may exist"), std::string::npos) << o.error.message();
}

// A 5xx storm on the create: the first 503 already ends the job (it may have been received);
// the storm's later answers are never asked for.
TEST(RunwayFaults, Create5xxStormEndsAtTheFirstAnswerWithoutARetry) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.create"},"times":3,"fault":{"status":503,"message":"overloaded"}}])");
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, runway_request("create 503s"), w.out("n.mp4")));
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("n.mp4"), false);
  EXPECT_EQ(o.error.provider.status, 503);
  EXPECT_NE(o.error.provider.message.find("overloaded"), std::string::npos) << o.error.provider.message;
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "runway.create 503"), 1);
  EXPECT_EQ(count_status(c, "runway.create", 0, 999), 1);
  EXPECT_EQ(c.jobs_created, 0);
}

// A 429 was not received as a create: it is sent again after the pause, into one task.
TEST(RunwayFaults, Create429StormIsRetriedIntoOneTask) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.create"},"times":3,"fault":{"status":429,"retry_after":"1"}}])");
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, runway_request("create 429s"), w.out("q.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("q.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "runway.create 429"), 3);
  EXPECT_EQ(count(c, "runway.create 200"), 1);
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("create 429s"), 1);
}

// ---- polls -----------------------------------------------------------------------------------

TEST(RunwayFaults, PollStormOf5xxResetsTruncationStallAnd429sIsOvercome) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.status"},"times":2,"fault":{"status":500}},
                  {"match":{"endpoint":"runway.status"},"times":1,"fault":{"status":503}},
                  {"match":{"endpoint":"runway.status"},"times":1,"fault":{"reset_at":20}},
                  {"match":{"endpoint":"runway.status"},"times":1,"fault":{"truncate_at":15}},
                  {"match":{"endpoint":"runway.status"},"times":1,"fault":{"stall_ms":3000,"stall_at":0}},
                  {"match":{"endpoint":"runway.status"},"times":2,"fault":{"status":429,"retry_after":"1"}}])");
  reel::JobOptions options = w.options();
  options.timeouts.response_headers = 400ms;
  options.timeouts.body_idle = 400ms;
  options.max_failed_polls = 12;
  RunwayJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, runway_request("poll storm"), w.out("p.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("p.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video()) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.faults_injected, 8);
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "runway.status 500"), 2);
  EXPECT_EQ(count(c, "runway.status 503"), 1);
  EXPECT_EQ(count(c, "runway.status 429"), 2);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

TEST(RunwayFaults, PollStallAgainstTheDeadlineEndsWithTheHandle) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.status"},"fault":{"stall_ms":10000,"stall_at":0}}])");
  reel::JobOptions options = w.options(1500ms);
  options.timeouts.response_headers = 30s;
  RunwayJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, runway_request("poll vs deadline"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("d.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

// Runway makes a new task readable a moment after its create: those 404s are polled through.
TEST(RunwayFaults, AFreshTasks404sAreRetriedAndTheTaskIsNotLost) {
  RunwayWorld w;
  w.sim.rules(R"([{"match":{"endpoint":"runway.status"},"times":3,"fault":{"status":404,"message":"Task not found"}}])");
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, runway_request("fresh task"), w.out("f.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("f.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "runway.status 404"), 3);
  EXPECT_EQ(count(c, "runway.status 200"), 2);
  EXPECT_EQ(c.jobs_created, 1);
}

// Past the grace a 404 is a task that is gone: job_not_found, the handle kept for the record.
TEST(RunwayFaults, A404LongAfterTheCreateIsJobNotFound) {
  RunwayWorld w;
  reel::job::JobHandle h;
  h.provider = "runway";
  h.base_url = w.sim.sim->runway_url();
  h.job_id = "00000000-0000-4000-8000-000000000000";
  h.model = "gen4.5";
  h.created_at = reel::providers::unix_seconds(std::chrono::system_clock::now()) - 3600;
  RunwayJob job(w.http, w.provider(), w.account, h, w.options());
  const auto o = w.run(finish(job, w.out("g.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::job_not_found, w.out("g.mp4"));
  EXPECT_EQ(o.handle.job_id, h.job_id);
  EXPECT_EQ(count(w.sim.counters(), "runway.status 404"), 1);
}

// Over a model's concurrency a task waits as THROTTLED (queued) and runs once the slot frees.
TEST(RunwayFaults, AThrottledTaskWaitsQueuedAndRunsWhenTheSlotFrees) {
  reel_sim::Options so = fast_options();
  for (auto& m : so.config.models) {
    if (m.provider == "runway") m.capacity = 1;
  }
  RunwayWorld w(std::move(so));
  RunwayJob first(w.http, w.provider(), w.account, w.options());
  ASSERT_TRUE(w.run(submit(first, runway_request("holds the slot"))));
  RunwayJob second(w.http, w.provider(), w.account, w.options());
  ASSERT_TRUE(w.run(submit(second, runway_request("waits for it"))));
  reel::http::Fields versioned;
  versioned.set("X-Runway-Version", reel::runway::api_version);
  const auto waiting =
      w.sim.call("GET", w.sim.sim->runway_url() + "/v1/tasks/" + second.handle().job_id, "", "test-key", versioned);
  EXPECT_NE(waiting.body.find("\"THROTTLED\""), std::string::npos) << waiting.body;
  // The first task runs to its end; then the second gets the slot and ends too.
  const auto a = w.run(finish(first, w.out("1.mp4")));
  expect_ending(a, OutcomeKind::succeeded, std::nullopt, w.out("1.mp4"));
  const auto b = w.run(finish(second, w.out("2.mp4")));
  expect_ending(b, OutcomeKind::succeeded, std::nullopt, w.out("2.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 2);
}

// ---- failed and cancelled tasks --------------------------------------------------------------

TEST(RunwayFaults, FailedRefusedAndCancelledTasksAreTypedErrors) {
  RunwayWorld w;
  // A task cancelled elsewhere (another client's DELETE) reads CANCELLED.
  w.sim.rules(R"([{"match":{"prompt_contains":"[fail]"},"job":{"outcome":"fail","fail_message":"An unexpected error occurred"}},
                  {"match":{"endpoint":"runway.status","prompt_contains":"[elsewhere]"},
                   "fault":{"body":"{\"id\":\"t-1\",\"createdAt\":\"2026-01-01T00:00:00.000Z\",\"status\":\"CANCELLED\"}"}}])");
  const auto failed = [&] {
    RunwayJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, runway_request("it will [fail]"), w.out("f.mp4")));
  }();
  expect_ending(failed, OutcomeKind::failed, Errc::failed_at_provider, w.out("f.mp4"));
  EXPECT_FALSE(failed.error.provider.message.empty());
  EXPECT_EQ(failed.error.provider.code, "INTERNAL.BAD_OUTPUT.CODE01");
  const auto refused = [&] {
    RunwayJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, runway_request("a [blocked] scene"), w.out("b.mp4")));
  }();
  expect_ending(refused, OutcomeKind::failed, Errc::content_policy, w.out("b.mp4"));
  EXPECT_EQ(refused.error.provider.code, "SAFETY.INPUT.TEXT");
  const auto cancelled = [&] {
    RunwayJob job(w.http, w.provider(), w.account, w.options());
    return w.run(generate(job, runway_request("cancelled [elsewhere]"), w.out("c.mp4")));
  }();
  expect_ending(cancelled, OutcomeKind::cancelled, Errc::cancelled_at_provider, w.out("c.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 3);
}

// A cancel mid-run stops the task; a 503 on the first DELETE is retried (a DELETE may be repeated).
TEST(RunwayFaults, CancelMidRunStopsTheTaskThroughA503) {
  RunwayWorld w(long_options());
  w.sim.rules(R"([{"match":{"endpoint":"runway.cancel"},"times":1,"fault":{"status":503}}])");
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  EXPECT_TRUE(w.run(submit_then_cancel(job, runway_request("cancel me"))));
  EXPECT_FALSE(job.handle().job_id.empty());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count(c, "runway.cancel 503"), 1);
  EXPECT_EQ(count(c, "runway.cancel 204"), 1);
  // Polled now, the task says CANCELLED: the job ends cancelled, with no file.
  const auto o = w.run(finish(job, w.out("c.mp4")));
  expect_ending(o, OutcomeKind::cancelled, Errc::cancelled_at_provider, w.out("c.mp4"));
}

// ---- download --------------------------------------------------------------------------------

TEST(RunwayFaults, DownloadResetAndStallResumeByRangeWithoutTheKey) {
  reel_sim::Options so = fast_options();
  so.config.job.output_bytes = 3'000'000;
  RunwayWorld w(std::move(so));
  w.sim.rules(R"([{"match":{"endpoint":"runway.media"},"times":1,"fault":{"reset_at":1000000}},
                  {"match":{"endpoint":"runway.media"},"times":1,"fault":{"stall_ms":3000,"stall_at":200000}}])");
  reel::JobOptions options = w.options();
  options.timeouts.body_idle = 400ms;
  RunwayJob job(w.http, w.provider(), w.account, options);
  const auto o = w.run(generate(job, runway_request("download faults"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_TRUE(reel_test::read_file(o.file) == expected_video(3'000'000)) << "not the served video";
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "runway.media 206"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // the key never went to the media origin
}

TEST(RunwayFaults, AnExpiredOutputIsLinkExpired) {
  expect_expired_output_is_link_expired<reel::Runway>(runway_request("expired output"), "runway.media 404");
}

// An output URL on a foreign origin is fetched without the key: the key goes only to Runway's API.
TEST(RunwayFaults, AForeignOriginOutputUrlGetsNoKey) {
  expect_foreign_output_gets_no_key<reel::Runway>(runway_request("foreign output"), "runway.status", [](const std::string& url) {
    return R"({"id":"t-1","createdAt":"2026-01-01T00:00:00.000Z","status":"SUCCEEDED","output":[")" + url + R"("]})";
  });
}

TEST(RunwayFaults, WrongKeyIsUnauthorizedAndNothingIsCreated) {
  expect_wrong_key_refused<reel::Runway>(runway_request("wrong key"), "runway.create");
}

}  // namespace
}  // namespace reel_faults
