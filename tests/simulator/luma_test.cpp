// SPDX-License-Identifier: BSL-1.0
// The simulator's Luma Dream Machine API (/luma): its wire format checked with raw HTTP (create,
// state through queued/dreaming/completed, failed with failure_reason, DELETE, media without the
// key, error shapes, faults), then whole reel::Luma jobs against it with VideoJob (submit, poll,
// download equal to the served video, cancel).
#include "sim_test_support.hpp"

#include <faults/luma_world.hpp>

#include <job/run_support.hpp>

#include <reel/engine/video_job.hpp>
#include <reel/http/client.hpp>
#include <reel/providers/luma.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_sim::Options;
using reel_sim::test::SimFixture;
using reel_sim::test::polls_options;
using reel_sim::test::text_at;

const std::string create_body = R"({"model":"ray-2","prompt":"A capybara in a hot spring","duration":"5s","aspect_ratio":"16:9"})";

std::string generations(SimFixture& f) { return f.sim->luma_url() + "/dream-machine/v1/generations"; }

std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}

std::string created_id(SimFixture& f, const std::string& body = create_body) {
  const auto r = f.call("POST", generations(f) + "/video", body);
  EXPECT_EQ(r.head.status, 201) << r.body;
  return text_at(r.body, {"id"});
}

TEST(Luma, CreateAnswersAQueuedGeneration) {
  SimFixture f(polls_options(2));
  const auto r = f.call("POST", generations(f) + "/video", create_body);
  ASSERT_EQ(r.head.status, 201) << r.body;
  EXPECT_EQ(text_at(r.body, {"state"}), "queued");
  EXPECT_EQ(text_at(r.body, {"generation_type"}), "video");
  EXPECT_EQ(text_at(r.body, {"model"}), "ray-2");
  EXPECT_EQ(text_at(r.body, {"request", "prompt"}), "A capybara in a hot spring");
  EXPECT_EQ(text_at(r.body, {"request", "duration"}), "5s");
  EXPECT_EQ(text_at(r.body, {"assets"}), "<absent>");
  EXPECT_TRUE(reel::Luma::is_id(text_at(r.body, {"id"})));
  EXPECT_EQ(count(f.counters(), "luma.create 201"), 1);
}

TEST(Luma, StateGoesQueuedDreamingCompletedAndTheVideoNeedsNoKey) {
  SimFixture f(polls_options(2));
  const std::string id = created_id(f);
  std::vector<std::string> states;
  std::string video;
  for (int i = 0; i < 4 && video.empty(); ++i) {
    const auto s = f.call("GET", generations(f) + "/" + id);
    ASSERT_EQ(s.head.status, 200) << s.body;
    states.push_back(text_at(s.body, {"state"}));
    if (states.back() == "completed") video = text_at(s.body, {"assets", "video"});
  }
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.front(), "dreaming");
  EXPECT_EQ(states.back(), "completed");
  ASSERT_EQ(video.rfind(f.sim->media_url() + "/luma/files/", 0), 0U) << video;
  const auto m = f.call("GET", video, "", "");
  ASSERT_EQ(m.head.status, 200);
  EXPECT_TRUE(m.body == reel_sim::sample_mp4());
  const auto c = f.counters();
  EXPECT_EQ(count(c, "luma.media 200"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(f.call("GET", f.sim->media_url() + "/luma/files/unknown/video.mp4", "", "").head.status, 404);
}

TEST(Luma, FailedGenerationSaysWhy) {
  SimFixture f(polls_options(1));
  const std::string id = created_id(f, R"({"model":"ray-flash-2","prompt":"[fail] a storm"})");
  const auto s = f.call("GET", generations(f) + "/" + id);
  ASSERT_EQ(s.head.status, 200) << s.body;
  EXPECT_EQ(text_at(s.body, {"state"}), "failed");
  EXPECT_NE(text_at(s.body, {"failure_reason"}), "<absent>");
  EXPECT_EQ(text_at(s.body, {"assets"}), "<absent>");
}

TEST(Luma, DeleteStopsAndRemovesTheGeneration) {
  Options o;
  o.config.job.duration_ms = 60'000;
  SimFixture f(std::move(o));
  const std::string id = created_id(f);
  const auto d = f.call("DELETE", generations(f) + "/" + id);
  EXPECT_EQ(d.head.status, 204) << d.body;
  EXPECT_TRUE(d.body.empty());
  EXPECT_EQ(f.call("GET", generations(f) + "/" + id).head.status, 404);
  EXPECT_EQ(f.call("DELETE", generations(f) + "/" + id).head.status, 404);
  const auto c = f.counters();
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_TRUE(c.jobs.at(0).cancelled);
  EXPECT_EQ(count(c, "luma.cancel 204"), 1);
}

// lumaai's generations.list (simulator_luma_sdk): the key's generations, newest first, paged by
// limit and offset; deleted ones and other keys' are left out.
TEST(Luma, ListPagesTheKeysGenerationsNewestFirst) {
  SimFixture f(polls_options(1));
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(created_id(f));
  const auto other = f.call("POST", generations(f) + "/video", create_body, "other-key");
  ASSERT_EQ(other.head.status, 201) << other.body;

  const auto all = f.call("GET", generations(f));
  ASSERT_EQ(all.head.status, 200) << all.body;
  const auto list = reel_sim::test::parse<reel_sim::luma::GenerationList>(all.body);
  ASSERT_EQ(list.generations.size(), 3u) << all.body;
  EXPECT_EQ(list.generations[0].id, ids[2]);
  EXPECT_EQ(list.generations[2].id, ids[0]);
  EXPECT_EQ(list.generations[0].state, "dreaming");  // not yet polled: running
  EXPECT_EQ(list.count, 3);
  EXPECT_FALSE(list.has_more);
  EXPECT_EQ(list.limit, 10);
  EXPECT_EQ(list.offset, 0);

  const auto page = reel_sim::test::parse<reel_sim::luma::GenerationList>(f.call("GET", generations(f) + "?limit=1&offset=1").body);
  ASSERT_EQ(page.generations.size(), 1u);
  EXPECT_EQ(page.generations[0].id, ids[1]);
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.count, 1);

  EXPECT_EQ(f.call("DELETE", generations(f) + "/" + ids[2]).head.status, 204);
  const auto after = reel_sim::test::parse<reel_sim::luma::GenerationList>(f.call("GET", generations(f) + "?limit=2").body);
  ASSERT_EQ(after.generations.size(), 2u);
  EXPECT_EQ(after.generations[0].id, ids[1]);
  EXPECT_FALSE(after.has_more);

  for (const std::string query : {"?limit=0", "?limit=101", "?limit=x", "?offset=-1"}) {
    const auto bad = f.call("GET", generations(f) + query);
    EXPECT_EQ(bad.head.status, 422) << query << " -> " << bad.body;
    EXPECT_NE(text_at(bad.body, {"detail"}).find("query."), std::string::npos) << bad.body;
  }
  EXPECT_EQ(f.call("GET", generations(f), "", "").head.status, 401);
  EXPECT_EQ(count(f.counters(), "luma.list 200"), 3);
}

TEST(Luma, BadRequestsGetTypedDetailErrors) {
  SimFixture f;
  const std::string url = generations(f) + "/video";
  const auto no_key = f.call("POST", url, create_body, "");
  EXPECT_EQ(no_key.head.status, 401);
  EXPECT_NE(text_at(no_key.body, {"detail"}), "<absent>");
  EXPECT_EQ(f.call("POST", url, "{not json").head.status, 400);
  EXPECT_EQ(f.call("POST", url, R"({"model":"ray-2"})").head.status, 422);
  EXPECT_EQ(f.call("POST", url, R"({"model":"ray-9","prompt":"x"})").head.status, 422);
  const auto bad_duration = f.call("POST", url, R"({"model":"ray-2","prompt":"x","duration":"7s"})");
  EXPECT_EQ(bad_duration.head.status, 422);
  EXPECT_NE(text_at(bad_duration.body, {"detail"}).find("duration"), std::string::npos) << bad_duration.body;
  EXPECT_EQ(f.call("POST", url, R"({"model":"ray-2","prompt":"[blocked] x"})").head.status, 400);
  EXPECT_EQ(f.call("GET", url).head.status, 405);
  EXPECT_EQ(f.call("GET", generations(f) + "/nope").head.status, 404);
  EXPECT_EQ(f.call("GET", f.sim->luma_url() + "/dream-machine/v1/other").head.status, 404);
  EXPECT_EQ(f.counters().jobs_created, 0);
}

TEST(Luma, FaultRulesApplyToItsEndpoints) {
  SimFixture f(polls_options(1));
  f.rules(R"([{"match":{"endpoint":"luma.status"},"times":1,"fault":{"status":503}}])");
  const std::string id = created_id(f);
  const auto first = f.call("GET", generations(f) + "/" + id);
  EXPECT_EQ(first.head.status, 503);
  EXPECT_NE(text_at(first.body, {"detail"}), "<absent>");
  EXPECT_EQ(f.call("GET", generations(f) + "/" + id).head.status, 200);
  EXPECT_EQ(count(f.counters(), "luma.status 503"), 1);
}

// ---- whole reel::Luma jobs ------------------------------------------------------------------

using reel_faults::LumaJob;

/// The faults' World (fault_world.hpp) with its Luma account; generations finish at their
/// second poll unless `options` say otherwise.
struct World : reel_faults::LumaWorld {
  explicit World(Options options = polls_options(2)) : reel_faults::LumaWorld(std::move(options)) {}
};

reel::luma::CreateRequest luma_request(std::string prompt = "A capybara in a hot spring") {
  return reel_faults::luma_request(std::move(prompt));
}

asio::awaitable<reel::job::Outcome> go(LumaJob& job, reel::luma::CreateRequest r, std::filesystem::path out) {
  return reel_faults::generate(job, std::move(r), std::move(out));
}

TEST(LumaJob, GenerateSubmitsPollsAndDownloadsTheServedVideoWithoutTheKey) {
  World w(polls_options(3));
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(go(job, luma_request(), w.out("l.mp4")));
  ASSERT_EQ(o.kind, OutcomeKind::succeeded) << o.error.message();
  EXPECT_TRUE(reel_test::read_file(o.file) == reel_sim::sample_mp4());
  EXPECT_EQ(o.bytes, reel_sim::sample_mp4().size());
  EXPECT_EQ(o.polls, 3);
  EXPECT_EQ(o.handle.provider, "luma");
  EXPECT_FALSE(o.handle.job_id.empty());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "luma.create 201"), 1);
  EXPECT_EQ(count(c, "luma.status 200"), 3);
  EXPECT_EQ(count(c, "luma.media 200"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_EQ(c.jobs.at(0).download_fetches, 1);
}

TEST(LumaJob, FailedGenerationIsAFailedOutcomeWithTheReason) {
  World w(polls_options(1));
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(go(job, luma_request("[fail] a storm"), w.out("f.mp4")));
  EXPECT_EQ(o.kind, OutcomeKind::failed);
  EXPECT_FALSE(o.handle.job_id.empty());
  EXPECT_FALSE(std::filesystem::exists(w.out("f.mp4")));
}

TEST(LumaJob, AGatewayErrorAfterTheCreateIsAmbiguousAndNotResent) {
  Options o = polls_options(1);
  o.config.drift.create_error_status = 502;
  World w(std::move(o));
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const auto out = w.run(go(job, luma_request(), w.out("a.mp4")));
  EXPECT_EQ(out.kind, OutcomeKind::ambiguous);
  EXPECT_TRUE(out.handle.job_id.empty());
  EXPECT_EQ(out.error.code, reel::job::Errc::ambiguous_submit);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "luma.create 502"), 1);
  EXPECT_EQ(count(c, "luma.create 201"), 0);
  EXPECT_FALSE(std::filesystem::exists(w.out("a.mp4")));
}

TEST(LumaJob, CancelDeletesTheGenerationAtLuma) {
  Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  LumaJob job(w.http, w.provider(), w.account, w.options());
  const bool cancelled = w.run([&]() -> asio::awaitable<bool> {
    const reel::luma::CreateRequest request = luma_request("to be cancelled");
    auto submitted = co_await job.submit(request);
    if (!submitted) co_return false;
    auto done = co_await job.cancel();
    co_return static_cast<bool>(done);
  }());
  EXPECT_TRUE(cancelled);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_cancelled, 1);
  EXPECT_EQ(count(c, "luma.cancel 204"), 1);
  EXPECT_TRUE(c.jobs.at(0).cancelled);
}

}  // namespace
