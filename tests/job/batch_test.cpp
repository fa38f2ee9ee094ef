// SPDX-License-Identifier: BSL-1.0
// run_batch over jobs of both providers in virtual time, with an in-memory HttpClient that
// answers by URL (the order of concurrent requests is not scripted): bounded concurrency,
// outcomes in order, cancellation of the whole batch.
#include "job_fixture.hpp"
#include "routing_client.hpp"

#include <reel/engine/batch.hpp>

#include <string>

namespace {

using namespace std::chrono_literals;
using reel_test::JobWorld;
using reel_test::quick_options;
using reel_test::RoutingClient;


struct Batch {
  JobWorld world;
  RoutingClient http{world.io.get_executor()};
  int active = 0;
  int max_active = 0;
  std::vector<reel::AnyJob> jobs;

  Batch() { http.clock = &world.clock; }

  reel::JobOptions options() {
    reel::JobOptions o = quick_options();
    o.on_progress = [this](const reel::job::JobProgress& p) {
      if (p.stage == reel::job::Stage::submitting) max_active = std::max(max_active, ++active);
      if (p.stage == reel::job::Stage::done) --active;
    };
    return o;
  }

  void add(int venice, int lumenfall) {
    const int total = venice + lumenfall;
    for (int i = 0; i < total; ++i) {
      const auto out = world.dir / ("job-" + std::to_string(jobs.size()) + ".mp4");
      if ((i % 2 == 0 && venice > 0) || lumenfall == 0) {
        --venice;
        reel::venice::QueueRequest r;
        r.model = "m";
        r.prompt = "p";
        r.duration = "5s";
        jobs.emplace_back(std::make_unique<reel::VideoJob<reel::Venice, RoutingClient>>(
                              http, reel::Venice{"vk", "https://api.venice.example/api/v1"}, world.account, options()),
                          r, out);
      } else {
        --lumenfall;
        reel::lumenfall::CreateRequest r;
        r.model = "sora-2";
        r.prompt = "p";
        jobs.emplace_back(std::make_unique<reel::VideoJob<reel::Lumenfall, RoutingClient>>(
                              http, reel::Lumenfall{"lk", "https://api.lumenfall.example/openai/v1"}, world.account, options()),
                          r, out);
      }
    }
  }
};

asio::awaitable<std::vector<reel::job::Outcome>> run(std::vector<reel::AnyJob>& jobs, std::size_t n) {
  co_return co_await reel::run_batch(jobs, n);
}

TEST(Batch, BothProvidersSideBySideWithBoundedConcurrency) {
  Batch b;
  b.add(4, 4);
  const auto outcomes = b.world.run(run(b.jobs, 3));
  ASSERT_EQ(outcomes.size(), 8u);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_EQ(outcomes[i].kind, reel::job::OutcomeKind::succeeded) << i << ": " << outcomes[i].error.message();
    EXPECT_EQ(outcomes[i].handle.provider, b.jobs[i].provider());
    EXPECT_EQ(outcomes[i].file, b.world.dir / ("job-" + std::to_string(i) + ".mp4"));
    EXPECT_EQ(b.world.read(outcomes[i].file), b.jobs[i].provider() == "venice" ? "venice-video" : "lumenfall-video");
  }
  EXPECT_EQ(b.max_active, 3);
  EXPECT_EQ(b.http.created, 8);
}

TEST(Batch, CancellingTheBatchCancelsRunningJobsAndSkipsTheRest) {
  Batch b;
  b.add(3, 3);
  const auto outcomes = b.world.run_and_cancel(run(b.jobs, 2), 3s);
  ASSERT_EQ(outcomes.size(), 6u);
  int cancelled = 0;
  for (const auto& o : outcomes) {
    EXPECT_NE(o.kind, reel::job::OutcomeKind::succeeded);
    if (o.kind == reel::job::OutcomeKind::cancelled) ++cancelled;
  }
  EXPECT_EQ(cancelled, 6);
  EXPECT_LE(b.http.created, 2);
  // The running jobs were submitted: their handles came back.
  int with_ids = 0;
  for (const auto& o : outcomes) with_ids += o.handle.submitted() ? 1 : 0;
  EXPECT_EQ(with_ids, b.http.created);
}

TEST(Batch, EmptyBatch) {
  Batch b;
  const auto outcomes = b.world.run(run(b.jobs, 4));
  EXPECT_TRUE(outcomes.empty());
}

}  // namespace
