// JobRunner over jobs of both providers in virtual time: every job ends exactly once with its
// outcome, the steps in flight stay bounded, waiting jobs are queue entries (not sleeping
// coroutines), deadlines and cancellation end jobs with their handles.
#include "job_fixture.hpp"
#include "routing_client.hpp"

#include <reel/job/runner.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_test::JobWorld;
using reel_test::quick_options;
using reel_test::RoutingClient;

using VeniceJob = reel::VideoJob<reel::Venice, RoutingClient>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, RoutingClient>;

struct Runner {
  explicit Runner(std::size_t max_in_flight) : runner(world.clock, reel::RunnerOptions{max_in_flight}) {
    http.clock = &world.clock;
    venice_request.model = "m";
    venice_request.prompt = "p";
    venice_request.duration = "5s";
    lumenfall_request.model = "sora-2";
    lumenfall_request.prompt = "p";
  }

  /// Adds `venice` + `lumenfall` jobs, alternating; outcome i goes to outcomes[i].
  void add(int venice, int lumenfall) {
    for (int i = 0; venice + lumenfall > 0; ++i) {
      const std::size_t index = outcomes.size();
      outcomes.emplace_back();
      ends.push_back(0);
      auto done = [this, index](reel::job::Outcome o) {
        outcomes[index] = std::move(o);
        ++ends[index];
      };
      const auto out = world.dir / ("job-" + std::to_string(index) + ".mp4");
      if ((i % 2 == 0 && venice > 0) || lumenfall == 0) {
        --venice;
        venice_jobs.push_back(std::make_unique<VeniceJob>(
            http, reel::Venice{"vk", "https://api.venice.example/api/v1"}, world.account, options_));
        runner.add(*venice_jobs.back(), venice_request, out, done);
      } else {
        --lumenfall;
        lumenfall_jobs.push_back(std::make_unique<LumenfallJob>(
            http, reel::Lumenfall{"lk", "https://api.lumenfall.example/openai/v1"}, world.account, options_));
        runner.add(*lumenfall_jobs.back(), lumenfall_request, out, done);
      }
    }
  }

  JobWorld world;
  RoutingClient http{world.io.get_executor()};
  reel::JobRunner runner;
  reel::venice::QueueRequest venice_request;
  reel::lumenfall::CreateRequest lumenfall_request;
  std::vector<std::unique_ptr<VeniceJob>> venice_jobs;
  std::vector<std::unique_ptr<LumenfallJob>> lumenfall_jobs;
  std::vector<reel::job::Outcome> outcomes;
  std::vector<int> ends;
  reel::JobOptions options_ = quick_options();  ///< for the jobs added next
};

asio::awaitable<int> drive(reel::JobRunner& runner) {
  co_await runner.run();
  co_return 0;
}

TEST(Runner, BothProvidersEndOnceEachWithBoundedStepsInFlight) {
  Runner r(3);
  r.add(5, 5);
  r.world.run(drive(r.runner));
  ASSERT_EQ(r.outcomes.size(), 10u);
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const auto& o = r.outcomes[i];
    EXPECT_EQ(r.ends[i], 1) << i;
    EXPECT_EQ(o.kind, OutcomeKind::succeeded) << i << ": " << o.error.message();
    EXPECT_TRUE(o.handle.submitted());
    EXPECT_TRUE(o.cleaned_up);
    EXPECT_EQ(o.file, r.world.dir / ("job-" + std::to_string(i) + ".mp4"));
    EXPECT_EQ(r.world.read(o.file), o.handle.provider == "venice" ? "venice-video" : "lumenfall-video");
  }
  EXPECT_EQ(r.http.created, 10);
  EXPECT_EQ(r.http.max_concurrent, 3);
  EXPECT_EQ(r.runner.waiting(), 0u);
  EXPECT_EQ(r.runner.in_flight(), 0u);
}

TEST(Runner, WaitingJobsAreQueueEntriesNotSleepingCoroutines) {
  Runner r(4);
  r.options_.poll = reel::policy::FixedInterval{60s};
  r.options_.poll_bounds = {1s, 120s};
  r.add(100, 100);
  // Look while every job waits for its first poll: 200 submits at 4 in flight and 1 s each
  // take 50 s of virtual time; the first polls are due 60 s after each submit.
  std::size_t waiting = 0;
  std::size_t sleepers = 0;
  auto look = [&]() -> asio::awaitable<void> {
    co_await r.world.clock.sleep_for(55s);
    waiting = r.runner.waiting();
    sleepers = r.world.clock.sleepers();
  };
  asio::co_spawn(r.world.io, look(), asio::detached);
  r.world.run(drive(r.runner));
  EXPECT_EQ(waiting, 200u);
  // In flight: none (every job waits); the runner's own sleep, and nothing else.
  EXPECT_LE(sleepers, 1u);
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) EXPECT_EQ(r.outcomes[i].kind, OutcomeKind::succeeded) << i;
  EXPECT_EQ(r.http.created, 200);
  EXPECT_LE(r.http.max_concurrent, 4);
}

TEST(Runner, DeadlineEndsWaitingJobsWithTheirHandles) {
  Runner r(8);
  r.options_.poll = reel::policy::FixedInterval{30s};
  r.options_.poll_bounds = {1s, 60s};
  // The deadline falls before any first poll.
  const auto deadline = r.world.clock.now() + 10s;
  r.options_.deadline = deadline;
  r.add(2, 2);
  r.world.run(drive(r.runner));
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    EXPECT_EQ(r.ends[i], 1) << i;
    EXPECT_EQ(r.outcomes[i].kind, OutcomeKind::deadline) << i << ": " << r.outcomes[i].error.message();
    EXPECT_TRUE(r.outcomes[i].handle.submitted()) << i;
  }
  EXPECT_EQ(r.http.created, 4);
  EXPECT_EQ(r.http.sent, 4);  // no status request was due before the deadline
  EXPECT_EQ(r.world.clock.now(), deadline);
}

TEST(Runner, CancellingTheRunEndsEveryJobAsCancelledWithItsHandle) {
  Runner r(2);
  r.add(3, 3);
  r.world.run_and_cancel(drive(r.runner), 3s);
  int with_ids = 0;
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    EXPECT_EQ(r.ends[i], 1) << i;
    EXPECT_EQ(r.outcomes[i].kind, OutcomeKind::cancelled) << i << ": " << r.outcomes[i].error.message();
    with_ids += r.outcomes[i].handle.submitted() ? 1 : 0;
  }
  EXPECT_GT(r.http.created, 0);
  EXPECT_EQ(with_ids, r.http.created);
  EXPECT_EQ(r.runner.waiting(), 0u);
}

TEST(Runner, JobsAddedWhileRunningRunToo) {
  Runner r(2);
  r.add(1, 0);
  bool added = false;
  r.outcomes.reserve(8);
  auto first_done = [&]() -> asio::awaitable<void> {
    co_await r.world.clock.sleep_for(2500ms);
    r.add(0, 1);
    added = true;
  };
  asio::co_spawn(r.world.io, first_done(), asio::detached);
  r.world.run(drive(r.runner));
  ASSERT_TRUE(added);
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].kind, OutcomeKind::succeeded);
  EXPECT_EQ(r.outcomes[1].kind, OutcomeKind::succeeded);
  EXPECT_EQ(r.http.created, 2);
}

TEST(Runner, NoJobs) {
  Runner r(4);
  r.world.run(drive(r.runner));
  EXPECT_EQ(r.runner.waiting(), 0u);
}

}  // namespace
