// SPDX-License-Identifier: BSL-1.0
// The simulator's Runway API (/runway/v1): its wire format through reel's HTTP client (the create
// answer, the task through PENDING/RUNNING/SUCCEEDED, FAILED with failure codes, DELETE as cancel
// and as delete, the X-Runway-Version check, `{"error"}` bodies, the output on the media origin
// without the key), then whole reel::Runway jobs against it: VideoJob submit, poll, download, cancel.
#include "sim_test_support.hpp"

#include <faults/runway_world.hpp>

#include <reel/providers/runway.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;

const std::string gen45 = R"({"model":"gen4.5","promptText":"A heron over a lake","ratio":"1280:720","duration":5})";

reel::http::Fields versioned() {
  reel::http::Fields h;
  h.set("X-Runway-Version", "2024-11-06");
  return h;
}
reel::http::Response create(SimFixture& f, const std::string& body = gen45, std::string endpoint = "text_to_video",
                            std::string key = "test-key") {
  return f.call("POST", f.sim->runway_url() + "/v1/" + endpoint, body, std::move(key), versioned());
}
reel::http::Response task(SimFixture& f, const std::string& id, std::string method = "GET") {
  return f.call(std::move(method), f.sim->runway_url() + "/v1/tasks/" + id, "", "test-key", versioned());
}
std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}
// The task answer as reel::Runway reads it.
reel::job::Status status_of(const reel::http::Response& r) {
  reel::json::Value v;
  EXPECT_FALSE(reel::json::read(r.body, v)) << r.body;
  auto s = reel::Runway::status_of(v, r.head.status);
  EXPECT_TRUE(s.has_value()) << r.body;
  return s ? *s : reel::job::Status{};
}

TEST(Runway, CreateAnswersAnIdThenTheTaskRunsWithProgressAndSucceedsWithAnOutputUrl) {
  SimFixture f(polls_options(3));
  const auto r = create(f);
  ASSERT_EQ(r.head.status, 200) << r.body;
  const std::string id = text_at(r.body, {"id"});
  ASSERT_FALSE(id.empty()) << r.body;

  const auto running = task(f, id);
  ASSERT_EQ(running.head.status, 200) << running.body;
  EXPECT_EQ(text_at(running.body, {"id"}), id);
  EXPECT_EQ(text_at(running.body, {"status"}), "RUNNING");
  EXPECT_NE(text_at(running.body, {"createdAt"}).find('T'), std::string::npos) << running.body;
  const reel::job::Status s = status_of(running);
  EXPECT_EQ(s.phase, reel::job::Phase::running);
  EXPECT_EQ(s.percent, 33);

  EXPECT_EQ(text_at(task(f, id).body, {"status"}), "RUNNING");
  const auto done = task(f, id);
  EXPECT_EQ(text_at(done.body, {"status"}), "SUCCEEDED") << done.body;
  const reel::job::Status ready = status_of(done);
  ASSERT_EQ(ready.phase, reel::job::Phase::ready);
  ASSERT_TRUE(ready.download_url.has_value());
  EXPECT_EQ(*ready.download_url, f.sim->media_url() + "/runway/" + id + "/output.mp4");  // another origin

  const auto video = f.call("GET", *ready.download_url, "", "");
  ASSERT_EQ(video.head.status, 200);
  EXPECT_TRUE(video.body == std::string(reel_sim::sample_mp4())) << "not the served video";
  const auto c = f.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs.at(0).polls, 3);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(count(c, "runway.create 200"), 1);
  EXPECT_EQ(count(c, "runway.status 200"), 3);
  EXPECT_EQ(count(c, "runway.media 200"), 1);
}

TEST(Runway, ImageToVideoNeedsAPromptImageAndTurboTakesOnlyThatEndpoint) {
  SimFixture f(polls_options(1));
  const std::string turbo = R"({"model":"gen4_turbo","promptImage":"https://example.com/a.png","ratio":"960:960"})";
  const auto ok = create(f, turbo, "image_to_video");
  ASSERT_EQ(ok.head.status, 200) << ok.body;
  EXPECT_EQ(text_at(task(f, text_at(ok.body, {"id"})).body, {"status"}), "SUCCEEDED");
  EXPECT_EQ(create(f, R"({"model":"gen4_turbo","promptText":"x","ratio":"960:960"})", "text_to_video").head.status, 400);
  const auto no_image = create(f, R"({"model":"gen4.5","promptText":"x","ratio":"960:960"})", "image_to_video");
  EXPECT_EQ(no_image.head.status, 400);
  EXPECT_NE(text_at(no_image.body, {"error"}).find("promptImage"), std::string::npos) << no_image.body;
  EXPECT_EQ(f.counters().jobs_created, 1);
}

// The SDK's Gen4_5 create params: duration 2..10 and promptText required on both endpoints;
// text_to_video takes 1280:720 and 720:1280 only, image_to_video every listed ratio.
TEST(Runway, Gen45TakesTwoToTenSecondsAndItsRatiosPerEndpoint) {
  SimFixture f(polls_options(1));
  EXPECT_EQ(create(f, R"({"model":"gen4.5","promptText":"x","ratio":"720:1280","duration":7})").head.status, 200);
  EXPECT_EQ(create(f, R"({"model":"gen4.5","promptText":"x","ratio":"1280:720","duration":2})").head.status, 200);
  const std::string square = R"({"model":"gen4.5","promptText":"x","promptImage":"https://example.com/a.png","ratio":"960:960","duration":5})";
  EXPECT_EQ(create(f, square, "image_to_video").head.status, 200);
  const auto no_text = create(f, R"({"model":"gen4.5","promptImage":"https://example.com/a.png","ratio":"960:960","duration":5})",
                              "image_to_video");
  EXPECT_EQ(no_text.head.status, 400);
  EXPECT_NE(text_at(no_text.body, {"error"}).find("promptText"), std::string::npos) << no_text.body;
  const auto no_duration = create(f, R"({"model":"gen4.5","promptText":"x","promptImage":"https://example.com/a.png","ratio":"960:960"})",
                                  "image_to_video");
  EXPECT_EQ(no_duration.head.status, 400);
  EXPECT_NE(text_at(no_duration.body, {"error"}).find("duration"), std::string::npos) << no_duration.body;
  EXPECT_EQ(f.counters().jobs_created, 3);
}

TEST(Runway, ErrorsCarryAnErrorStringAndCreateNothing) {
  SimFixture f;
  struct Case {
    std::string body;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {R"({"promptText":"x","ratio":"1280:720"})", "model"},
      {R"({"model":"gen9","promptText":"x","ratio":"1280:720"})", "gen9"},
      {R"({"model":"gen4.5","ratio":"1280:720"})", "promptText"},
      {R"({"model":"gen4.5","promptText":"x"})", "ratio"},
      {R"({"model":"gen4.5","promptText":"x","ratio":"16:9"})", "ratio"},
      {R"({"model":"gen4.5","promptText":"x","ratio":"1280:720","duration":11})", "duration"},
      {R"({"model":"gen4.5","promptText":"x","ratio":"1280:720"})", "duration is required"},
      {R"({"model":"gen4.5","promptText":"x","ratio":"960:960","duration":5})", "1280:720, 720:1280"},
      {R"({"model":"gen4.5","promptText":"x","ratio":"1280:720","duration":"5"})", "duration"},
      {R"([1,2])", "object"},
      {R"({"model":)", "JSON"},
  };
  for (const Case& c : cases) {
    const auto r = create(f, c.body);
    EXPECT_EQ(r.head.status, 400) << c.body << " -> " << r.body;
    EXPECT_NE(text_at(r.body, {"error"}).find(c.mentions), std::string::npos) << c.body << " -> " << r.body;
  }
  // The version header is required on every keyed call.
  const auto unversioned = f.call("POST", f.sim->runway_url() + "/v1/text_to_video", gen45);
  EXPECT_EQ(unversioned.head.status, 400);
  EXPECT_NE(text_at(unversioned.body, {"error"}).find("X-Runway-Version"), std::string::npos) << unversioned.body;
  reel::http::Fields old;
  old.set("X-Runway-Version", "2023-01-01");
  EXPECT_EQ(f.call("POST", f.sim->runway_url() + "/v1/text_to_video", gen45, "test-key", old).head.status, 400);
  EXPECT_EQ(create(f, gen45, "text_to_video", "").head.status, 401);
  EXPECT_EQ(task(f, "no-such-task").head.status, 404);
  EXPECT_EQ(f.call("GET", f.sim->runway_url() + "/v1/text_to_video", "", "test-key", versioned()).head.status, 405);
  EXPECT_EQ(f.call("GET", f.sim->runway_url() + "/v1/organization", "", "test-key", versioned()).head.status, 404);
  EXPECT_EQ(f.counters().jobs_created, 0);
}

// @runwayml/sdk 4.20 (simulator_runway_sdk) shows these: the create answer and unfinished tasks carry
// `estimatedCost`, ended tasks `cost` (credits, US$0.01 each); gen4.5 takes durations 2..10 and, on
// text_to_video, only the two 720p ratios.
TEST(Runway, CostsAreInCreditsAndGen45TakesTheSdksRatiosAndDurations) {
  SimFixture f(polls_options(2));
  const auto r = create(f, R"({"model":"gen4.5","promptText":"A heron","ratio":"720:1280","duration":2})");
  ASSERT_EQ(r.head.status, 200) << r.body;
  EXPECT_EQ(text_at(r.body, {"estimatedCost", "credits"}), "24") << r.body;  // 2 s at 12 credits
  const std::string id = text_at(r.body, {"id"});
  const auto running = task(f, id);
  EXPECT_EQ(text_at(running.body, {"status"}), "RUNNING") << running.body;
  EXPECT_EQ(text_at(running.body, {"estimatedCost", "credits"}), "24") << running.body;
  EXPECT_EQ(running.body.find("\"cost\""), std::string::npos) << running.body;
  const auto done = task(f, id);
  EXPECT_EQ(text_at(done.body, {"status"}), "SUCCEEDED") << done.body;
  EXPECT_EQ(text_at(done.body, {"cost", "credits"}), "24") << done.body;
  EXPECT_EQ(done.body.find("estimatedCost"), std::string::npos) << done.body;

  const auto square = create(f, R"({"model":"gen4.5","promptText":"x","promptImage":"https://example.com/a.png","ratio":"960:960","duration":10})",
                             "image_to_video");
  ASSERT_EQ(square.head.status, 200) << square.body;
  EXPECT_EQ(text_at(square.body, {"estimatedCost", "credits"}), "120") << square.body;
  const auto wide = create(f, R"({"model":"gen4.5","promptText":"x","ratio":"960:960","duration":5})");
  EXPECT_EQ(wide.head.status, 400) << wide.body;
  EXPECT_NE(text_at(wide.body, {"error"}).find("1280:720, 720:1280"), std::string::npos) << wide.body;

  const std::string failing = text_at(create(f, R"({"model":"gen4.5","promptText":"it will [fail]","ratio":"1280:720","duration":5})").body, {"id"});
  task(f, failing);
  const auto failed = task(f, failing);
  EXPECT_EQ(text_at(failed.body, {"status"}), "FAILED") << failed.body;
  EXPECT_EQ(text_at(failed.body, {"cost", "credits"}), "0") << failed.body;
  EXPECT_EQ(f.counters().jobs_created, 3);
}

TEST(Runway, FailedTasksCarryFailureAndFailureCode) {
  SimFixture f(polls_options(1));
  const std::string id = text_at(create(f, R"({"model":"gen4.5","promptText":"it will [fail]","ratio":"1280:720","duration":5})").body, {"id"});
  const auto failed = task(f, id);
  EXPECT_EQ(text_at(failed.body, {"status"}), "FAILED") << failed.body;
  EXPECT_FALSE(text_at(failed.body, {"failure"}).empty());
  const reel::job::Status s = status_of(failed);
  EXPECT_EQ(s.error.code, make_error_code(reel::job::Errc::failed_at_provider));

  const std::string blocked = text_at(create(f, R"({"model":"gen4.5","promptText":"a [blocked] one","ratio":"1280:720","duration":5})").body, {"id"});
  const auto refused = task(f, blocked);
  EXPECT_EQ(text_at(refused.body, {"failureCode"}), "SAFETY.INPUT.TEXT") << refused.body;
  EXPECT_EQ(status_of(refused).error.code, make_error_code(reel::job::Errc::content_policy));
}

TEST(Runway, DeleteCancelsARunningTaskAndDeletesAnEndedOne) {
  Options o;
  o.config.job.duration_ms = 60'000;
  SimFixture f(std::move(o));
  const std::string id = text_at(create(f).body, {"id"});
  const auto c = task(f, id, "DELETE");
  EXPECT_EQ(c.head.status, 204) << c.body;
  EXPECT_TRUE(c.body.empty());
  EXPECT_EQ(text_at(task(f, id).body, {"status"}), "CANCELLED");
  EXPECT_EQ(status_of(task(f, id)).error.code, make_error_code(reel::job::Errc::cancelled_at_provider));
  EXPECT_EQ(f.counters().jobs_cancelled, 1);

  SimFixture g(polls_options(1));
  const std::string done = text_at(create(g).body, {"id"});
  EXPECT_EQ(text_at(task(g, done).body, {"status"}), "SUCCEEDED");
  EXPECT_EQ(task(g, done, "DELETE").head.status, 204);
  EXPECT_EQ(task(g, done).head.status, 404);  // a deleted task cannot be fetched again
  EXPECT_EQ(g.call("GET", g.sim->media_url() + "/runway/" + done + "/output.mp4", "", "").head.status, 404);
  const auto counters = g.counters();
  EXPECT_EQ(counters.jobs_cancelled, 0);
  EXPECT_EQ(counters.jobs_deleted, 1);
}

TEST(Runway, OverAModelsCapacityATaskWaitsAsThrottled) {
  Options o;
  o.config.job.duration_ms = 60'000;
  for (auto& m : o.config.models) {
    if (m.provider == "runway") m.capacity = 1;
  }
  SimFixture f(std::move(o));
  const std::string first = text_at(create(f).body, {"id"});
  const std::string second = text_at(create(f).body, {"id"});
  EXPECT_EQ(text_at(task(f, first).body, {"status"}), "RUNNING");
  const auto waiting = task(f, second);
  EXPECT_EQ(text_at(waiting.body, {"status"}), "THROTTLED") << waiting.body;
  EXPECT_EQ(status_of(waiting).phase, reel::job::Phase::queued);
  EXPECT_EQ(task(f, first, "DELETE").head.status, 204);
  EXPECT_EQ(text_at(task(f, second).body, {"status"}), "RUNNING");  // the slot freed
}

TEST(Runway, FaultRulesApplyToRunwayEndpoints) {
  SimFixture f(polls_options(1));
  f.rules(R"([{"match":{"endpoint":"runway.status"},"times":1,"fault":{"status":503,"message":"overloaded"}}])");
  const std::string id = text_at(create(f).body, {"id"});
  const auto shed = task(f, id);
  EXPECT_EQ(shed.head.status, 503);
  EXPECT_EQ(text_at(shed.body, {"error"}), "overloaded");
  EXPECT_EQ(text_at(task(f, id).body, {"status"}), "SUCCEEDED");
  EXPECT_EQ(f.counters().faults_injected, 1);
}

// ---- whole reel::Runway jobs ----------------------------------------------------------------

using reel_faults::RunwayJob;

/// The faults' World (fault_world.hpp) with its Runway account; tasks finish at their second
/// poll unless `options` say otherwise.
struct World : reel_faults::RunwayWorld {
  explicit World(Options options = polls_options(2)) : reel_faults::RunwayWorld(std::move(options)) {}
};

reel::runway::CreateRequest request(std::string prompt = "A heron over a lake") {
  return reel_faults::runway_request(std::move(prompt));
}
asio::awaitable<reel::job::Outcome> go(RunwayJob& job, reel::runway::CreateRequest r, std::filesystem::path out) {
  return reel_faults::generate(job, std::move(r), std::move(out));
}

TEST(RunwayJobOnSimulator, SubmitPollProgressDownload) {
  World w(polls_options(4));
  reel::JobOptions options = w.options();
  std::vector<int> percents;
  options.on_progress = [&percents](const reel::job::JobProgress& p) {
    if (p.percent) percents.push_back(*p.percent);
  };
  RunwayJob job(w.http, w.provider(), w.account, options);
  const auto outcome = w.run(go(job, request(), w.out("r.mp4")));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_TRUE(reel_test::read_file(outcome.file) == std::string(reel_sim::sample_mp4())) << "not the served video";
  EXPECT_EQ(outcome.handle.provider, "runway");
  EXPECT_FALSE(outcome.handle.job_id.empty());
  bool midway = false;
  for (int p : percents) midway = midway || (p > 0 && p < 100);
  EXPECT_TRUE(midway) << "no progress between 0 and 100 was reported";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs.at(0).polls, 4);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(count(c, "runway.media 200"), 1);
  EXPECT_EQ(c.requests_after_cleanup, 0);
}

TEST(RunwayJobOnSimulator, CancelEndsTheTaskAtTheProvider) {
  Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  RunwayJob job(w.http, w.provider(), w.account, w.options());
  const auto cancelled = w.run([&]() -> asio::awaitable<bool> {
    const reel::runway::CreateRequest r = request("to be cancelled");
    auto handle = co_await job.submit(r);
    if (!handle) co_return false;
    auto done = co_await job.cancel();
    co_return done.has_value();
  }());
  EXPECT_TRUE(cancelled);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count(c, "runway.cancel 204"), 1);
  const auto state = w.sim.call("GET", w.sim.sim->runway_url() + "/v1/tasks/" + job.handle().job_id, "", "test-key", versioned());
  EXPECT_EQ(text_at(state.body, {"status"}), "CANCELLED");
}

}  // namespace
