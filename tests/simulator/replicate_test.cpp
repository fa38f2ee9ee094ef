// SPDX-License-Identifier: BSL-1.0
// The simulator's Replicate API (/replicate/v1): its wire format through reel's HTTP client
// (creates on the three endpoints, Prefer: wait, Cancel-After, the prediction object through
// every status, cancel, stream, output shapes, data_removed, problem errors, 429 retry_after),
// then whole reel::Replicate jobs against it: VideoJob, Session, cancel, deadline, JobRunner.
#include "sim_test_support.hpp"

#include <faults/replicate_world.hpp>

#include <reel/engine/runner.hpp>
#include <reel/session/session.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::parse;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;

const std::string veo = R"({"input":{"prompt":"A heron over a lake","duration":4,"resolution":"720p"}})";

std::string models_url(SimFixture& f, const std::string& model) {
  return f.sim->replicate_url() + "/models/" + model + "/predictions";
}
reel::http::Response create(SimFixture& f, const std::string& body = veo, std::string key = "test-key",
                            reel::http::Fields extra = {}) {
  return f.call("POST", models_url(f, "google/veo-3-fast"), body, std::move(key), std::move(extra));
}
reel::http::Response get(SimFixture& f, const std::string& id, std::string key = "test-key") {
  return f.call("GET", f.sim->replicate_url() + "/predictions/" + id, "", std::move(key));
}
reel::http::Fields header(std::string name, std::string value) {
  reel::http::Fields h;
  h.set(name, value);
  return h;
}
std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}

TEST(Replicate, CreateAnswers201ThenTheStatusMovesToSucceededWithProgressInLogs) {
  SimFixture f(polls_options(3));
  const auto r = create(f);
  ASSERT_EQ(r.head.status, 201) << r.body;
  const auto p = parse<reel::replicate::Prediction>(r.body);
  const std::string id = p.id;
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(p.status, "starting");
  EXPECT_EQ(p.model, "google/veo-3-fast");
  EXPECT_EQ(p.version, "hidden");  // an official model
  EXPECT_EQ(text_at(r.body, {"input", "prompt"}), "A heron over a lake");
  EXPECT_EQ(text_at(r.body, {"output"}), "null");
  EXPECT_EQ(text_at(r.body, {"error"}), "null");
  EXPECT_EQ(text_at(r.body, {"data_removed"}), "false");
  EXPECT_EQ(text_at(r.body, {"source"}), "api");
  EXPECT_NE(text_at(r.body, {"created_at"}).find('T'), std::string::npos);
  ASSERT_TRUE(p.urls.has_value());
  EXPECT_EQ(p.urls->get, f.sim->replicate_url() + "/predictions/" + id);
  EXPECT_EQ(p.urls->cancel, f.sim->replicate_url() + "/predictions/" + id + "/cancel");
  EXPECT_EQ(p.urls->stream, f.sim->media_url() + "/replicate/stream/" + id);  // another origin, no key
  EXPECT_TRUE(p.urls->web.has_value());

  const auto running = parse<reel::replicate::Prediction>(get(f, id).body);
  EXPECT_EQ(running.status, "processing");
  ASSERT_TRUE(running.logs.has_value());
  EXPECT_NE(running.logs->find("33%|"), std::string::npos) << *running.logs;
  EXPECT_EQ(reel::Replicate::percent_of(*running.logs), 33);
  EXPECT_EQ(get(f, id).head.status, 200);

  const auto last = get(f, id);
  const auto done = parse<reel::replicate::Prediction>(last.body);
  EXPECT_EQ(done.status, "succeeded");
  EXPECT_EQ(reel::Replicate::percent_of(done.logs.value_or("")), 100);
  ASSERT_TRUE(done.metrics && done.metrics->predict_time);
  EXPECT_TRUE(done.completed_at.has_value());
  EXPECT_TRUE(done.started_at.has_value());
  const std::string url = text_at(last.body, {"output"});
  EXPECT_EQ(url.rfind(f.sim->media_url() + "/replicate/", 0), 0u) << url;

  // The output file needs no key (another origin).
  const auto video = f.call("GET", url, "", "");
  ASSERT_EQ(video.head.status, 200);
  EXPECT_EQ(video.head.headers.find("Content-Type"), "video/mp4");
  EXPECT_TRUE(video.body == std::string(reel_sim::sample_mp4())) << "not the served video";

  const auto c = f.counters();
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(count(c, "replicate.create 201"), 1);
  EXPECT_EQ(count(c, "replicate.status 200"), 3);
  EXPECT_EQ(count(c, "replicate.media 200"), 1);
  EXPECT_EQ(c.jobs_created_by_prompt.at("A heron over a lake"), 1);
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(c.jobs[0].provider, "replicate");
  EXPECT_EQ(c.jobs[0].polls, 3);
}

TEST(Replicate, VersionAndDeploymentCreates) {
  SimFixture f(polls_options(1));
  const std::string input = R"("input":{"prompt":"p"})";
  auto by_version = [&](const std::string& version) {
    return f.call("POST", f.sim->replicate_url() + "/predictions", R"({"version":")" + version + R"(",)" + input + "}");
  };
  const std::string vid = reel_sim::replicate::version_of("minimax/hailuo-02");
  ASSERT_EQ(vid.size(), 64u);
  EXPECT_TRUE(reel::Replicate::is_version_id(vid));
  const auto a = by_version("minimax/hailuo-02");
  ASSERT_EQ(a.head.status, 201) << a.body;
  EXPECT_EQ(text_at(a.body, {"model"}), "minimax/hailuo-02");
  const auto b = by_version("minimax/hailuo-02:" + vid);
  ASSERT_EQ(b.head.status, 201) << b.body;
  EXPECT_EQ(text_at(b.body, {"version"}), vid);
  const auto c = by_version(vid);
  ASSERT_EQ(c.head.status, 201) << c.body;
  EXPECT_EQ(text_at(c.body, {"model"}), "minimax/hailuo-02");
  EXPECT_EQ(by_version("minimax/hailuo-02:" + std::string(64, 'a')).head.status, 422);
  EXPECT_EQ(by_version(std::string(64, 'b')).head.status, 422);
  EXPECT_EQ(f.call("POST", f.sim->replicate_url() + "/predictions", "{" + input + "}").head.status, 422);

  const auto d = f.call("POST", f.sim->replicate_url() + "/deployments/minimax/hailuo-02/predictions", "{" + input + "}");
  ASSERT_EQ(d.head.status, 201) << d.body;
  EXPECT_EQ(text_at(d.body, {"deployment"}), "minimax/hailuo-02");
  EXPECT_EQ(text_at(d.body, {"version"}), vid);
  const auto unknown = f.call("POST", models_url(f, "acme/nothing"), "{" + input + "}");
  EXPECT_EQ(unknown.head.status, 404);
  EXPECT_EQ(text_at(unknown.body, {"status"}), "404");
  EXPECT_EQ(f.counters().jobs_created, 4);
}

TEST(Replicate, PreferWaitHoldsTheAnswerUntilThePredictionEnds) {
  Options o;
  o.config.job.duration_ms = 200;
  SimFixture f(std::move(o));
  const auto r = create(f, veo, "test-key", header("Prefer", "wait=10"));
  ASSERT_EQ(r.head.status, 201) << r.body;
  EXPECT_EQ(text_at(r.body, {"status"}), "succeeded");
  EXPECT_EQ(text_at(r.body, {"output"}).rfind(f.sim->media_url(), 0), 0u) << r.body;
  // A longer job: the answer comes back unfinished, still 201.
  f.rules(R"([{"match":{"prompt_contains":"long"},"job":{"duration_ms":60000}}])");
  const auto slow = create(f, R"({"input":{"prompt":"a long one"}})", "test-key", header("Prefer", "wait=1"));
  ASSERT_EQ(slow.head.status, 201) << slow.body;
  EXPECT_EQ(text_at(slow.body, {"status"}), "starting");  // the spec: a wait that runs out answers "starting"
  EXPECT_EQ(text_at(slow.body, {"output"}), "null");
  // The header's pattern: wait or wait=1..60.
  EXPECT_EQ(create(f, veo, "test-key", header("Prefer", "wait=61")).head.status, 400);
  EXPECT_EQ(create(f, veo, "test-key", header("Prefer", "wait=0")).head.status, 400);
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(Replicate, CancelAfterCancelsARunningPredictionAndAbortsOneNeverStarted) {
  Options o;
  o.config.job.duration_ms = 60'000;
  for (auto& m : o.config.models) {
    if (m.id == "google/veo-3-fast") m.capacity = 1;
  }
  SimFixture f(std::move(o));
  const auto running = create(f, R"({"input":{"prompt":"first"}})", "test-key", header("Cancel-After", "5s"));
  ASSERT_EQ(running.head.status, 201) << running.body;
  EXPECT_NE(text_at(running.body, {"deadline"}), "<absent>");
  // The second waits for the capacity; its deadline passes first (the answer is held until then).
  reel::http::Fields h = header("Cancel-After", "5");
  h.set("Prefer", "wait=30");
  const auto waiting = create(f, R"({"input":{"prompt":"second"}})", "test-key", h);
  ASSERT_EQ(waiting.head.status, 201) << waiting.body;
  EXPECT_EQ(text_at(waiting.body, {"status"}), "aborted");
  EXPECT_EQ(text_at(waiting.body, {"output"}), "null");
  const auto first = get(f, text_at(running.body, {"id"}));
  EXPECT_EQ(text_at(first.body, {"status"}), "canceled");
  EXPECT_EQ(f.counters().jobs_cancelled, 2);
  // Cancel-After is a duration of at least 5 s.
  EXPECT_EQ(create(f, veo, "test-key", header("Cancel-After", "4s")).head.status, 400);
  EXPECT_EQ(create(f, veo, "test-key", header("Cancel-After", "soon")).head.status, 400);
  EXPECT_EQ(create(f, veo, "test-key", header("Cancel-After", "1h30m45s")).head.status, 201);
}

TEST(Replicate, CancelEndsARunningPredictionAndLeavesAFinishedOne) {
  Options o;
  o.config.job.duration_ms = 60'000;
  SimFixture f(std::move(o));
  const std::string id = text_at(create(f).body, {"id"});
  const auto c = f.call("POST", f.sim->replicate_url() + "/predictions/" + id + "/cancel");
  ASSERT_EQ(c.head.status, 200) << c.body;
  EXPECT_EQ(text_at(c.body, {"status"}), "canceled");
  EXPECT_EQ(text_at(get(f, id).body, {"status"}), "canceled");
  EXPECT_EQ(f.counters().jobs_cancelled, 1);
  EXPECT_EQ(f.call("GET", f.sim->replicate_url() + "/predictions/" + id + "/cancel").head.status, 405);

  SimFixture g(polls_options(1));
  const std::string done = text_at(create(g).body, {"id"});
  EXPECT_EQ(text_at(get(g, done).body, {"status"}), "succeeded");
  const auto late = g.call("POST", g.sim->replicate_url() + "/predictions/" + done + "/cancel");
  EXPECT_EQ(late.head.status, 200);
  EXPECT_EQ(text_at(late.body, {"status"}), "succeeded");
  EXPECT_EQ(g.counters().jobs_cancelled, 0);
}

TEST(Replicate, OutputAsListOrObjectAndRemovedAfterItsLifetime) {
  SimFixture f(polls_options(1));
  const auto list = get(f, text_at(create(f, R"({"input":{"prompt":"as a [list]"}})").body, {"id"}));
  const auto pl = parse<reel::replicate::Prediction>(list.body);
  ASSERT_TRUE(pl.output && pl.output->if_array()) << list.body;
  const auto url = reel::Replicate::video_url(*pl.output);
  ASSERT_TRUE(url.has_value());
  EXPECT_TRUE(f.call("GET", *url, "", "").body == std::string(reel_sim::sample_mp4())) << "not the served video";
  const auto object = get(f, text_at(create(f, R"({"input":{"prompt":"as an [object]"}})").body, {"id"}));
  EXPECT_EQ(text_at(object.body, {"output", "video"}).rfind(f.sim->media_url(), 0), 0u) << object.body;

  Options o = polls_options(1);
  o.config.download_ttl_s = 0;
  SimFixture expired(std::move(o));
  const std::string id = text_at(create(expired).body, {"id"});
  const auto gone = get(expired, id);
  EXPECT_EQ(text_at(gone.body, {"status"}), "succeeded");
  EXPECT_EQ(text_at(gone.body, {"data_removed"}), "true");
  EXPECT_EQ(text_at(gone.body, {"output"}), "null");
  EXPECT_EQ(expired.call("GET", expired.sim->media_url() + "/replicate/" + id + "/output.mp4", "", "").head.status, 404);
}

TEST(Replicate, FailedPredictionsCarryTheirErrorString) {
  SimFixture f(polls_options(1));
  const auto failed = get(f, text_at(create(f, R"({"input":{"prompt":"please [fail]"}})").body, {"id"}));
  EXPECT_EQ(text_at(failed.body, {"status"}), "failed");
  EXPECT_EQ(text_at(failed.body, {"error"}), "The video could not be generated.");
  EXPECT_EQ(text_at(failed.body, {"output"}), "null");
  const auto flagged = get(f, text_at(create(f, R"({"input":{"prompt":"a [blocked] scene"}})").body, {"id"}));
  EXPECT_EQ(text_at(flagged.body, {"status"}), "failed");
  EXPECT_NE(text_at(flagged.body, {"error"}).find("flagged as sensitive"), std::string::npos) << flagged.body;
  f.rules(R"([{"match":{"prompt_contains":"stop"},"job":{"outcome":"canceled"}}])");
  const auto canceled = get(f, text_at(create(f, R"({"input":{"prompt":"stop"}})").body, {"id"}));
  EXPECT_EQ(text_at(canceled.body, {"status"}), "canceled");
}

TEST(Replicate, ErrorsAreProblemJson) {
  Options o;
  o.config.api_keys = {"test-key", "other-key"};
  o.config.balance_usd = 1.0;
  SimFixture f(std::move(o));
  auto expect_problem = [](const reel::http::Response& r, int status) {
    EXPECT_EQ(r.head.status, status) << r.body;
    EXPECT_EQ(text_at(r.body, {"status"}), std::to_string(status)) << r.body;
    EXPECT_NE(text_at(r.body, {"title"}), "<absent>") << r.body;
    EXPECT_NE(text_at(r.body, {"detail"}), "<absent>") << r.body;
  };
  expect_problem(create(f, veo, ""), 401);
  expect_problem(create(f, veo, "wrong-key"), 401);
  EXPECT_EQ(text_at(create(f, veo, "wrong-key").body, {"title"}), "Unauthenticated");
  expect_problem(get(f, "nope"), 404);
  expect_problem(create(f, R"({"input":{}})"), 422);
  expect_problem(create(f, R"({"input":{"prompt":"p","duration":5}})"), 422);
  expect_problem(create(f, R"({"input":{"prompt":"p","resolution":"4k"}})"), 422);
  expect_problem(create(f, R"({"prompt":"p"})"), 422);
  expect_problem(create(f, R"({"input":)"), 400);
  expect_problem(f.call("GET", models_url(f, "google/veo-3-fast")), 405);
  EXPECT_EQ(create(f).head.status, 201);  // 4 s × 0.15 of 1.00
  expect_problem(create(f), 402);
  f.rules(R"([{"match":{"endpoint":"replicate.create"},"fault":{"status":503}}])");
  expect_problem(create(f), 503);
  EXPECT_EQ(f.counters().jobs_created, 1);
  // Another key's prediction is not found.
  const std::string id = f.counters().jobs.at(0).id;
  EXPECT_EQ(get(f, id).head.status, 200);
  expect_problem(get(f, id, "other-key"), 404);
}

TEST(Replicate, TooManyCreatesAre429WithRetryAfterInTheBody) {
  Options o;
  o.config.rate_limits["replicate.create"] = 2;
  SimFixture f(std::move(o));
  EXPECT_EQ(create(f).head.status, 201);
  EXPECT_EQ(create(f).head.status, 201);
  const auto r = create(f);
  ASSERT_EQ(r.head.status, 429) << r.body;
  const std::string retry = text_at(r.body, {"retry_after"});
  EXPECT_GE(std::atoi(retry.c_str()), 1) << r.body;
  EXPECT_NE(text_at(r.body, {"detail"}).find("resets in ~"), std::string::npos);
  reel::policy::ServerHints hints;
  reel::Replicate::hints_of(r, hints);
  EXPECT_TRUE(hints.retry_after.has_value());
  // Other calls have their own window.
  EXPECT_EQ(get(f, f.counters().jobs.at(0).id).head.status, 200);
  EXPECT_EQ(f.counters().jobs_created, 2);
}

TEST(Replicate, StreamUrlSendsTheOutputAsServerSentEvents) {
  SimFixture f(polls_options(1));
  const auto created = create(f);
  const std::string id = text_at(created.body, {"id"});
  EXPECT_EQ(text_at(get(f, id).body, {"status"}), "succeeded");
  const auto s = f.call("GET", text_at(created.body, {"urls", "stream"}), "", "");
  ASSERT_EQ(s.head.status, 200) << s.body;
  EXPECT_EQ(s.head.headers.find("Content-Type"), "text/event-stream");
  EXPECT_NE(s.body.find("event: output\n"), std::string::npos) << s.body;
  EXPECT_NE(s.body.find(f.sim->media_url() + "/replicate/" + id + "/output.mp4"), std::string::npos) << s.body;
  EXPECT_NE(s.body.find("event: done\n"), std::string::npos) << s.body;
}

// ---- whole reel::Replicate jobs -------------------------------------------------------------

using reel_faults::ReplicateJob;
using reel_faults::ReplicateWorld;

/// The faults' World (fault_world.hpp) with its Replicate account; jobs finish at their
/// second status request unless `options` say otherwise.
struct World : ReplicateWorld {
  explicit World(Options options = polls_options(2)) : ReplicateWorld(std::move(options)) {}
  reel::Replicate provider(int prefer_wait = 0) { return replicate("test-key", prefer_wait); }
};

reel::replicate::CreateRequest request(std::string prompt = "A heron over a lake") {
  return reel_faults::replicate_request(std::move(prompt));
}
asio::awaitable<reel::job::Outcome> go(ReplicateJob& job, reel::replicate::CreateRequest r, std::filesystem::path out) {
  return reel_faults::generate(job, std::move(r), std::move(out));
}

TEST(ReplicateJobOnSimulator, SubmitPollProgressDownload) {
  World w(polls_options(4));
  reel::JobOptions options = w.options();
  std::vector<int> percents;
  options.on_progress = [&percents](const reel::job::JobProgress& p) {
    if (p.percent) percents.push_back(*p.percent);
  };
  ReplicateJob job(w.http, w.provider(), w.account, options);
  const auto outcome = w.run(go(job, request(), w.out("r.mp4")));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(reel_test::read_file(outcome.file) == std::string(reel_sim::sample_mp4())) << "not the served video";
  EXPECT_EQ(outcome.handle.provider, "replicate");
  ASSERT_TRUE(outcome.handle.status_url.has_value());
  EXPECT_EQ(*outcome.handle.status_url, w.sim.sim->replicate_url() + "/predictions/" + outcome.handle.job_id);
  bool midway = false;
  for (int p : percents) midway = midway || (p > 0 && p < 100);
  EXPECT_TRUE(midway) << "no progress between 0 and 100 was reported";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs.at(0).polls, 4);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(count(c, "replicate.media 200"), 1);
}

TEST(ReplicateJobOnSimulator, SyncModeCreateAnswersFinished) {
  Options o;
  o.config.job.duration_ms = 100;
  World w(std::move(o));
  ReplicateJob job(w.http, w.provider(5), w.account, w.options());
  const auto outcome = w.run(go(job, request("in sync mode"), w.out("s.mp4")));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(reel_test::read_file(outcome.file) == std::string(reel_sim::sample_mp4())) << "not the served video";
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(ReplicateJobOnSimulator, SessionWithTheNeutralRequest) {
  World w;
  reel::SessionOptions options;
  options.job = w.options();
  reel::Session<reel::Replicate> session(w.io, w.provider(), options);
  reel::job::VideoRequest r;
  r.model = "minimax/hailuo-02";
  r.prompt = "A lighthouse in fog";
  r.duration_seconds = 6;
  const auto outcome = w.run([&]() -> asio::awaitable<reel::job::Outcome> {
    co_return co_await session.generate(r, w.out("n.mp4"));
  }());
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(reel_test::read_file(outcome.file) == std::string(reel_sim::sample_mp4())) << "not the served video";
  const auto c = w.sim.counters();
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(c.jobs[0].model, "minimax/hailuo-02");
  EXPECT_EQ(c.jobs[0].prompt, "A lighthouse in fog");
}

// DISABLED: an engine bug, not the simulator's. VideoJob::generate(const VideoRequest&) converts
// the request with P::native and calls generate(native), so the warnings P::warnings_of gives
// (here: hailuo-02 has no aspect_ratio input) never reach Outcome::warnings; only
// VideoJob::submit(const VideoRequest&) records them. Enable once generate warns as submit does.
TEST(ReplicateJobOnSimulator, NeutralRequestWarningsReachTheOutcome) {
  World w;
  reel::SessionOptions options;
  options.job = w.options();
  reel::Session<reel::Replicate> session(w.io, w.provider(), options);
  reel::job::VideoRequest r;
  r.model = "minimax/hailuo-02";
  r.prompt = "A lighthouse in fog";
  r.aspect_ratio = "16:9";
  ASSERT_EQ(reel::Replicate::warnings_of(r).size(), 1u);
  const auto outcome = w.run([&]() -> asio::awaitable<reel::job::Outcome> {
    co_return co_await session.generate(r, w.out("w.mp4"));
  }());
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_EQ(outcome.warnings.size(), 1u);
}

TEST(ReplicateJobOnSimulator, CancelEndsThePredictionAtTheProvider) {
  Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  ReplicateJob job(w.http, w.provider(), w.account, w.options());
  const auto cancelled = w.run([&]() -> asio::awaitable<bool> {
    const reel::replicate::CreateRequest r = request("to be cancelled");
    auto handle = co_await job.submit(r);
    if (!handle) co_return false;
    auto done = co_await job.cancel();
    co_return done.has_value();
  }());
  EXPECT_TRUE(cancelled);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count(c, "replicate.cancel 200"), 1);
  const auto state = w.sim.call("GET", w.sim.sim->replicate_url() + "/predictions/" + job.handle().job_id);
  EXPECT_EQ(text_at(state.body, {"status"}), "canceled");
}

TEST(ReplicateJobOnSimulator, DeadlineKeepsTheHandleAndSendsCancelAfter) {
  Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  reel::JobOptions options = w.options();
  options.deadline = reel::steady_clock().now() + 500ms;
  ReplicateJob job(w.http, w.provider(), w.account, options);
  const auto outcome = w.run(go(job, request(), w.out("d.mp4")));
  EXPECT_EQ(outcome.kind, OutcomeKind::deadline) << outcome.error.message();
  ASSERT_FALSE(outcome.handle.job_id.empty());
  EXPECT_FALSE(std::filesystem::exists(w.out("d.mp4")));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
  // The create carried Cancel-After: Replicate stops the prediction by itself.
  const auto state = w.sim.call("GET", w.sim.sim->replicate_url() + "/predictions/" + outcome.handle.job_id);
  EXPECT_NE(text_at(state.body, {"deadline"}), "<absent>") << state.body;
}

TEST(ReplicateJobOnSimulator, SeveralJobsThroughTheRunner) {
  World w;
  reel::JobRunner runner(reel::steady_clock(), reel::RunnerOptions{3});
  std::vector<std::unique_ptr<ReplicateJob>> jobs;
  std::vector<reel::job::Outcome> outcomes(6);
  std::vector<reel::replicate::CreateRequest> requests;  // the runner keeps references: they must live on
  for (std::size_t i = 0; i < outcomes.size(); ++i) requests.push_back(request("runner " + std::to_string(i)));
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    jobs.push_back(std::make_unique<ReplicateJob>(w.http, w.provider(), w.account, w.options()));
    runner.add(*jobs.back(), requests[i], w.out("job-" + std::to_string(i) + ".mp4"),
               [&outcomes, i](reel::job::Outcome out) { outcomes[i] = std::move(out); });
  }
  w.run([&]() -> asio::awaitable<int> {
    co_await runner.run();
    co_return 0;
  }());
  for (const auto& out : outcomes) {
    EXPECT_EQ(out.kind, OutcomeKind::succeeded) << out.error.message();
    EXPECT_TRUE(reel_test::read_file(out.file) == std::string(reel_sim::sample_mp4())) << "not the served video";
  }
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 6);
  for (const auto& [prompt, n] : c.jobs_created_by_prompt) EXPECT_EQ(n, 1) << prompt;
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

}  // namespace
