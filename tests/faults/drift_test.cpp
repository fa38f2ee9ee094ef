// SPDX-License-Identifier: BSL-1.0
// VideoJob against the simulator's drift mode (Config::drift): answers the providers' documents
// allow or leave open but the simulator's defaults never send. Each case is a row of the table
// in docs/errors.md ("Edge answers"): it ends in the outcome written there, with the paid job's
// handle kept, never bought twice, and the provider's copy kept unless the saved file is the video.
#include "fault_world.hpp"

#include <algorithm>

namespace reel_faults {
namespace {

constexpr const char* venice_inline_model = "wan-2.5-preview-text-to-video";

World drift_world(const std::function<void(reel_sim::Drift&)>& shape, std::int64_t polls = 2) {
  reel_sim::Options so;
  so.config.job = reel_sim::JobSpec{};
  so.config.job.polls = polls;
  shape(so.config.drift);
  return World(std::move(so));
}

bool has_warning(const reel::job::Outcome& o, std::string_view word) {
  return std::any_of(o.warnings.begin(), o.warnings.end(),
                     [&](const std::string& w) { return w.find(word) != std::string::npos; });
}

// ---- after the provider accepted the job, nothing is "refused" -----------------------------------

TEST(Drift, AKeyRotatedAfterTheSubmitLeavesTheJobResumable) {
  World w(fast_options());
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  ASSERT_TRUE(w.run(submit(job, venice_request("rotated key"))));
  w.sim.rules(R"([{"match":{"endpoint":"venice.retrieve"},"fault":{"status":401}}])");
  const auto o = w.run(finish(job, w.out("k.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::unauthorized, w.out("k.mp4"));
  EXPECT_FALSE(o.cleaned_up);
  // The key is fixed: the same handle finishes the job, never buying it again.
  w.sim.rules("[]");
  VeniceJob resumed(w.http, w.venice(), w.venice_account, o.handle, w.options());
  const auto again = w.run(finish(resumed, w.out("k.mp4")));
  expect_ending(again, OutcomeKind::succeeded, std::nullopt, w.out("k.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(Drift, ABalanceThatRanOutDuringTheDownloadIsAnErrorNotARefusal) {
  World w(fast_options());
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"fault":{"status":402}}])");
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("balance ran out"), w.out("b.mp4")));
  EXPECT_EQ(o.kind, OutcomeKind::error) << "not refused: the job was accepted; " << o.error.message();
  EXPECT_EQ(o.error.code, Errc::insufficient_balance) << o.error.message();
  EXPECT_FALSE(o.handle.job_id.empty());
  EXPECT_FALSE(std::filesystem::exists(w.out("b.mp4")));
  EXPECT_EQ(w.sim.counters().jobs_deleted, 0) << "the provider's copy is kept";
}

// ---- statuses ------------------------------------------------------------------------------------

TEST(Drift, UnknownAndRecasedVeniceStatusesNeverEndTheWait) {
  World w = drift_world([](reel_sim::Drift& d) {
    d.status_case = "lower";
    d.extra_statuses = {"preprocessing", "QUEUED", "finalizing"};
  });
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("drifting statuses", venice_inline_model), w.out("v.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("v.mp4"));
  EXPECT_TRUE(has_warning(o, "preprocessing")) << "an unknown status is reported once";
  EXPECT_TRUE(has_warning(o, "finalizing"));
  EXPECT_GE(o.polls, 5);
}

TEST(Drift, UnknownAndRecasedLumenfallStatusesAndSucceededNeverEndTheWait) {
  World w = drift_world([](reel_sim::Drift& d) {
    d.status_case = "upper";
    d.extra_statuses = {"Preprocessing", "finalizing"};
    d.completed_status = "succeeded";
  });
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("drifting lumenfall statuses"), w.out("l.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("l.mp4"));
  EXPECT_EQ(o.bytes, expected_video().size());
  EXPECT_TRUE(has_warning(o, "Preprocessing")) << (o.warnings.empty() ? "no warnings" : o.warnings[0]);
}

TEST(Drift, OnlyUnknownStatusesEndResumableAtTheDeadlineNeverFailed) {
  World w = drift_world([](reel_sim::Drift& d) {
    d.extra_statuses.assign(400, "warming_up");
  });
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options(1500ms));
  const auto o = w.run(generate(job, venice_request("never known", venice_inline_model), w.out("u.mp4")));
  expect_ending(o, OutcomeKind::deadline, Errc::deadline_exceeded, w.out("u.mp4"));
  EXPECT_TRUE(has_warning(o, "warming_up"));
}

TEST(Drift, ACancelledSpellingIsACancelledOutcome) {
  World w = drift_world([](reel_sim::Drift& d) { d.cancelled_status = "canceled"; }, 1000);
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  ASSERT_TRUE(w.run(submit(job, lumenfall_request("cancelled elsewhere"))));
  // Someone cancels it in the dashboard; the job object stays, with the other spelling.
  EXPECT_EQ(w.sim.call("DELETE", w.sim.sim->lumenfall_url() + "/videos/" + job.handle().job_id).head.status, 200);
  const auto o = w.run(finish(job, w.out("c.mp4")));
  expect_ending(o, OutcomeKind::cancelled, Errc::cancelled_at_provider, w.out("c.mp4"));
}

// ---- fields reel does not need -------------------------------------------------------------------

TEST(Drift, FractionalNumbersNullsAndMissingOptionalFieldsNeverBreakAPoll) {
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    World w = drift_world([variant](reel_sim::Drift& d) {
      d.fractional_numbers = variant == 0;
      d.nulls = variant == 1;
      d.omit_optional = variant == 2;
    });
    LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
    const auto o = w.run(generate(job, lumenfall_request("odd fields"), w.out("f.mp4")));
    expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("f.mp4"));
    EXPECT_TRUE(o.cleaned_up);
  }
}

TEST(Drift, AModelWithMissingOrMalformedConstraintsIsValidatedOnWhatItHas) {
  World w = drift_world([](reel_sim::Drift& d) {
    d.models_missing_keys = {"aspect_ratios", "resolutions"};
    d.models_malformed = {"wan-2.5-preview-image-to-video"};
  });
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  auto ok = venice_request("validated", venice_inline_model);
  ok.resolution = "720p";
  const auto fine = w.run([&]() -> asio::awaitable<reel::Result<void, reel::job::JobError>> {
    co_return co_await job.validate(ok);
  }());
  EXPECT_TRUE(fine) << (fine ? "" : fine.error().message());
  auto bad = ok;
  bad.duration = "45s";
  const auto refused = w.run([&]() -> asio::awaitable<reel::Result<void, reel::job::JobError>> {
    co_return co_await job.validate(bad);
  }());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_request) << refused.error().message();
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
}

TEST(Drift, AnEmptyConstraintListMeansUnsupportedAndIsRefusedBeforePaying) {
  reel_sim::Options so = fast_options();
  for (auto& m : so.config.models) {
    if (m.id == venice_inline_model) m.resolutions.clear();
  }
  World w(std::move(so));
  reel::JobOptions options = w.options();
  options.validate_before_submit = true;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  auto r = venice_request("no resolutions", venice_inline_model);
  r.resolution = "720p";
  const auto o = w.run(generate(job, r, w.out("e.mp4")));
  expect_ending(o, OutcomeKind::refused, Errc::invalid_request, w.out("e.mp4"), false);
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
}

// ---- media links ---------------------------------------------------------------------------------

TEST(Drift, AMediaUrlAnswering403404Or410IsAnExpiredLink) {
  for (const int status : {403, 404, 410}) {
    SCOPED_TRACE(status);
    World w = drift_world([status](reel_sim::Drift& d) { d.media_status = status; });
    VeniceJob venice(w.http, w.venice(), w.venice_account, w.options());
    const auto v = w.run(generate(venice, venice_request("bucket says no"), w.out("v.mp4")));
    expect_ending(v, OutcomeKind::error, Errc::link_expired, w.out("v.mp4"));
    EXPECT_NE(v.error.message().find("link"), std::string::npos) << v.error.message();
    LumenfallJob lumenfall(w.http, w.lumenfall(), w.lumenfall_account, w.options());
    const auto l = w.run(generate(lumenfall, lumenfall_request("bucket says no"), w.out("l.mp4")));
    expect_ending(l, OutcomeKind::error, Errc::link_expired, w.out("l.mp4"));
    const auto c = w.sim.counters();
    EXPECT_EQ(c.media_requests_with_authorization, 0);
    EXPECT_EQ(c.jobs_deleted, 0);
    EXPECT_EQ(count_status(c, "venice.download", status, status), 1) << "an expired link is not fetched again";
  }
}

TEST(Drift, AOneTimeLinkIsFetchedAFewTimesInAllNeverUntilItDies) {
  World w = drift_world([](reel_sim::Drift& d) { d.media_status = 503; });
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto first = w.run(generate(job, venice_request("flaky link"), w.out("o.mp4")));
  EXPECT_EQ(first.kind, OutcomeKind::error) << first.error.message();
  ASSERT_TRUE(first.handle.download_url);
  // A later process resumes from the saved handle: the budget is counted in it.
  VeniceJob resumed(w.http, w.venice(), w.venice_account, first.handle, w.options());
  const auto again = w.run(finish(resumed, w.out("o.mp4")));
  EXPECT_EQ(again.error.code, Errc::link_budget_spent) << again.error.message();
  EXPECT_FALSE(again.handle.job_id.empty());
  const auto c = w.sim.counters();
  EXPECT_EQ(count_status(c, "venice.download", 0, 999), 3) << "default max_link_fetches";
  EXPECT_EQ(c.jobs_deleted, 0);
}

TEST(Drift, A429OnTheLinkGetsOnePacedRetryAtMost) {
  World w = drift_world([](reel_sim::Drift& d) { d.media_status = 429; });
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("link 429"), w.out("r.mp4")));
  EXPECT_EQ(o.kind, OutcomeKind::error) << o.error.message();
  EXPECT_FALSE(o.handle.job_id.empty());
  EXPECT_EQ(count_status(w.sim.counters(), "lumenfall.media", 429, 429), 2);
}

// ---- quotes --------------------------------------------------------------------------------------

TEST(Drift, AQuoteThatCreatesAJobIsReportedWithItsIdAndCancelled) {
  World w = drift_world([](reel_sim::Drift& d) { d.dry_run_creates = true; }, 1000);
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto request = lumenfall_request("quote only");
  const auto q = w.run([&]() -> asio::awaitable<reel::Result<double, reel::job::JobError>> {
    co_return co_await job.quote(request);
  }());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, Errc::quote_created_job) << q.error().message();
  const auto c = w.sim.counters();
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(q.error().provider.code, c.jobs[0].id) << "the created job's id is reported";
  EXPECT_NE(q.error().message().find(c.jobs[0].id), std::string::npos);
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count_status(c, "lumenfall.create", 0, 999), 1) << "a quote is never repeated";
}

// ---- creates that may have created a job --------------------------------------------------------

TEST(Drift, AVeniceGateway5xxAfterTheCreateIsAmbiguousAndNeverRepeated) {
  for (const int status : {500, 502, 504, 524}) {
    SCOPED_TRACE(status);
    World w = drift_world([status](reel_sim::Drift& d) { d.create_error_status = status; });
    VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
    const auto o = w.run(generate(job, venice_request("gateway"), w.out("g.mp4")));
    expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, w.out("g.mp4"), false);
    const auto c = w.sim.counters();
    EXPECT_EQ(c.jobs_created, 1);
    EXPECT_EQ(count_status(c, "venice.queue", 0, 999), 1);
  }
}

TEST(Drift, ALumenfallGateway5xxAfterTheCreateIsRetriedUnderTheSameKeyAsOneJob) {
  World w = drift_world([](reel_sim::Drift& d) {
    d.create_error_status = 502;
    d.create_error_times = 2;
  });
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("gateway"), w.out("g.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("g.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(Drift, AnUnreadableVeniceCreateAnswerSalvagesTheQueueId) {
  World w = drift_world([](reel_sim::Drift& d) { d.create_truncated_body = true; });
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("cut create", venice_inline_model), w.out("t.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("t.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(o.handle.job_id, c.jobs[0].id);
}

// ---- Venice retrieve errors ----------------------------------------------------------------------

TEST(Drift, VeniceInferenceFailed500EndsAsFailedAfterAFewConfirmations) {
  reel_sim::Options so = fast_options();
  so.config.job.outcome = "fail";
  so.config.drift.inference_failed_500 = true;
  World w(std::move(so));
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("inference fails", venice_inline_model), w.out("i.mp4")));
  expect_ending(o, OutcomeKind::failed, std::nullopt, w.out("i.mp4"));
  EXPECT_LE(count_status(w.sim.counters(), "venice.retrieve", 500, 500), 3);
}

TEST(Drift, ALongAtCapacityWaitKeepsWaiting) {
  World w = drift_world([](reel_sim::Drift& d) { d.capacity_503_polls = 8; });
  reel::JobOptions options = w.options();
  options.poll_bounds = {10ms, 40ms};
  options.max_failed_polls = 3;  // "at capacity" answers are not failures
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto o = w.run(generate(job, venice_request("at capacity", venice_inline_model), w.out("a.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("a.mp4"));
  EXPECT_EQ(count_status(w.sim.counters(), "venice.retrieve", 503, 503), 8);
}

// ---- verification before destruction -------------------------------------------------------------

TEST(Drift, AnHtmlOrJson200IsNotAVideoAndTheProviderCopyIsKept) {
  for (const char* body : {"html", "json"}) {
    SCOPED_TRACE(body);
    World w = drift_world([body](reel_sim::Drift& d) { d.media_body = body; });
    VeniceJob venice(w.http, w.venice(), w.venice_account, w.options());
    const auto v = w.run(generate(venice, venice_request("not a video"), w.out("v.mp4")));
    expect_ending(v, OutcomeKind::error, Errc::not_a_video, w.out("v.mp4"));
    LumenfallJob lumenfall(w.http, w.lumenfall(), w.lumenfall_account, w.options());
    const auto l = w.run(generate(lumenfall, lumenfall_request("not a video"), w.out("l.mp4")));
    expect_ending(l, OutcomeKind::error, Errc::not_a_video, w.out("l.mp4"));
    const auto c = w.sim.counters();
    EXPECT_EQ(c.jobs_deleted, 0);
    EXPECT_EQ(c.links_revoked, 0);
  }
}

TEST(Drift, ASizeAnnouncementThatDisagreesKeepsTheFileAndTheProviderCopy) {
  World w = drift_world([](reel_sim::Drift& d) { d.announce_size_delta = 100; });
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto o = w.run(generate(job, lumenfall_request("size disagrees"), w.out("s.mp4")));
  EXPECT_EQ(o.kind, OutcomeKind::error);
  EXPECT_EQ(o.error.code, Errc::size_mismatch) << o.error.message();
  EXPECT_EQ(o.bytes, expected_video().size()) << "what was received is reported";
  EXPECT_TRUE(std::filesystem::exists(o.file)) << "the complete body is kept for the caller to judge";
  const auto c = w.sim.counters();
  EXPECT_EQ(count_status(c, "lumenfall.media", 200, 200), 1) << "not downloaded again";
  EXPECT_EQ(c.jobs_deleted, 0);
}

// ---- cleanup answers -----------------------------------------------------------------------------

TEST(Drift, ALinkDeleteRefusalIsAWarningAndTheCompleteStillRuns) {
  World w = drift_world([](reel_sim::Drift& d) { d.link_delete_status = 403; });
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto o = w.run(generate(job, venice_request("link delete 403"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_EQ(o.bytes, expected_video().size());
  EXPECT_TRUE(has_warning(o, "403"));
  EXPECT_EQ(w.sim.counters().jobs_deleted, 1) << "/video/complete still ran";
}

TEST(Drift, ALumenfallDelete4xxOfASavedVideoIsSettled) {
  // (A 404 there means the copy is gone already: cleaned up.)
  for (const int status : {400, 403, 409}) {
    SCOPED_TRACE(status);
    World w = drift_world([status](reel_sim::Drift& d) { d.cleanup_status = status; });
    LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
    const auto o = w.run(generate(job, lumenfall_request("delete refused"), w.out("d.mp4")));
    expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
    EXPECT_FALSE(o.cleaned_up);
    EXPECT_TRUE(o.cleanup_settled);
    EXPECT_EQ(count_status(w.sim.counters(), "lumenfall.delete", status, status), 1);
  }
}

TEST(Drift, AFailingCleanupNeverKeepsTheCallerWaitingLong) {
  World w = drift_world([](reel_sim::Drift& d) { d.cleanup_status = 500; });
  reel::JobOptions options = w.options();
  options.retry = reel::policy::RetryPolicy{50, 200ms, 1.0, 200ms, 0.0};
  options.cleanup_timeout = 1s;
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, options);
  const auto start = std::chrono::steady_clock::now();
  const auto o = w.run(generate(job, lumenfall_request("delete 500"), w.out("d.mp4")));
  expect_ending(o, OutcomeKind::succeeded, std::nullopt, w.out("d.mp4"));
  EXPECT_FALSE(o.cleaned_up);
  EXPECT_LT(since(start), 8s) << "fifty 200 ms retries would be 10 s; the cleanup bound is 1 s";
}

}  // namespace
}  // namespace reel_faults
