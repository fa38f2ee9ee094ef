// SPDX-License-Identifier: BSL-1.0
// JobRunner over jobs of both providers in virtual time: every job ends exactly once with its
// outcome, the steps in flight stay bounded, waiting jobs are queue entries (not sleeping
// coroutines), deadlines and cancellation end jobs with their handles.
#include "job_fixture.hpp"
#include "routing_client.hpp"

#include <reel/engine/runner.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>

#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_test::JobWorld;
using reel_test::quick_options;
using reel_test::RoutingClient;

using VeniceJob = reel::VideoJob<reel::Venice, RoutingClient>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, RoutingClient>;
// A job may be in flight: it is neither copied nor moved (runners hold references to it).
static_assert(!std::is_move_constructible_v<VeniceJob> && !std::is_copy_constructible_v<VeniceJob>);
static_assert(!std::is_move_assignable_v<LumenfallJob> && !std::is_copy_assignable_v<LumenfallJob>);

template <class World>
struct BasicRunner {
  explicit BasicRunner(std::size_t max_in_flight, reel::job::AccountLimits limits = reel::job::AccountLimits::none())
      : world(std::move(limits)), runner(world.clock, reel::RunnerOptions{max_in_flight}) {
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
      ended_at.emplace_back();
      auto done = [this, index](reel::job::Outcome o) {
        outcomes[index] = std::move(o);
        ended_at[index] = world.clock.now();
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

  World world;
  RoutingClient http{world.io.get_executor()};
  reel::JobRunner runner;
  reel::venice::QueueRequest venice_request;
  reel::lumenfall::CreateRequest lumenfall_request;
  std::vector<std::unique_ptr<VeniceJob>> venice_jobs;
  std::vector<std::unique_ptr<LumenfallJob>> lumenfall_jobs;
  std::vector<reel::job::Outcome> outcomes;
  std::vector<int> ends;
  std::vector<reel::Clock::time_point> ended_at;
  reel::JobOptions options_ = quick_options();  ///< for the jobs added next
};

// Every runner test runs on virtual time, and on virtual time that moves on at every reading
// of the clock (as real time does: code that reads the clock twice for one decision fails there).
template <class World>
class RunnerTest : public ::testing::Test {
protected:
  using Runner = BasicRunner<World>;
};
using Worlds = ::testing::Types<reel_test::JobWorld, reel_test::TickingJobWorld>;
class WorldNames {
public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, reel_test::JobWorld> ? "VirtualClock" : "TickingClock";
  }
};
TYPED_TEST_SUITE(RunnerTest, Worlds, WorldNames);

// Within a few milliseconds of `expected` (a ticking clock moves on at every reading).
template <class T>
void expect_about(T actual, T expected) {
  EXPECT_LT(actual > expected ? actual - expected : expected - actual, std::chrono::milliseconds(5));
}

asio::awaitable<int> drive(reel::JobRunner& runner) {
  co_await runner.run();
  co_return 0;
}

TYPED_TEST(RunnerTest, BothProvidersEndOnceEachWithBoundedStepsInFlight) {
  typename TestFixture::Runner r(3);
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

TYPED_TEST(RunnerTest, WaitingJobsAreQueueEntriesNotSleepingCoroutines) {
  typename TestFixture::Runner r(4);
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

TYPED_TEST(RunnerTest, DeadlineEndsWaitingJobsWithTheirHandles) {
  typename TestFixture::Runner r(8);
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
  expect_about(r.world.clock.now(), deadline);
}

TYPED_TEST(RunnerTest, CancellingTheRunEndsEveryJobAsCancelledWithItsHandle) {
  typename TestFixture::Runner r(2);
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

TYPED_TEST(RunnerTest, JobsAddedWhileRunningRunToo) {
  typename TestFixture::Runner r(2);
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

// Creates wait for their account's slot in the runner's queue, not in a place of
// max_in_flight: the first jobs are polled and finished while the later creates wait.
TYPED_TEST(RunnerTest, AJobWaitingForACreateSlotHoldsNoPlace) {
  reel::job::AccountLimits limits;
  limits.limits[reel::policy::Bucket::create] = reel::policy::RateLimit{3, std::chrono::minutes(1), 1s, 5s};
  typename TestFixture::Runner r(2, limits);
  const auto start = r.world.clock.now();
  r.add(9, 0);
  r.world.run(drive(r.runner));
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    EXPECT_EQ(r.outcomes[i].kind, OutcomeKind::succeeded) << i << ": " << r.outcomes[i].error.message();
  }
  EXPECT_EQ(r.http.created, 9);
  // Three creates a minute: the last ones are sent after two minutes ...
  EXPECT_GE(r.ended_at[8] - start, std::chrono::minutes(2));
  // ... while the first jobs were polled and done within seconds.
  EXPECT_LT(r.ended_at[0] - start, 30s);
  EXPECT_LT(r.ended_at[3] - start, std::chrono::minutes(1) + 30s);
}

// 150 Venice jobs on one key at its documented limits (40 creates and 120 polls a minute), more
// creates than places in flight: every job completes, none is refused for its place in a queue,
// the first ones are polled while later creates wait, and the batch ends in about the time the
// limits allow (four create windows: about 183 s, then the last job's polls).
TYPED_TEST(RunnerTest, AHundredAndFiftyJobsAtTheLimitsAllCompleteInTheTimeTheLimitsAllow) {
  typename TestFixture::Runner r(64, reel::Venice::default_limits());
  const auto start = r.world.clock.now();
  r.options_.deadline = start + std::chrono::minutes(7);
  r.add(150, 0);
  r.world.run(drive(r.runner));
  auto last = start;
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    EXPECT_EQ(r.outcomes[i].kind, OutcomeKind::succeeded) << i << ": " << r.outcomes[i].error.message();
    last = std::max(last, r.ended_at[i]);
  }
  EXPECT_EQ(r.http.created, 150);
  EXPECT_LT(r.ended_at[0] - start, 30s) << "the first job was polled while later creates waited";
  EXPECT_LT(r.ended_at[60] - start, std::chrono::minutes(1) + 40s);
  EXPECT_GE(last - start, 180s);
  EXPECT_LT(last - start, 210s) << std::chrono::duration_cast<std::chrono::seconds>(last - start).count() << " s";
}

// Jobs submitted together: once one job's poll brought the model's run-time estimate, another
// that planned its first poll without it plans it again with it (instead of spending a poll to
// learn it); the runner asks before each first poll.
TYPED_TEST(RunnerTest, AJobPlansItsFirstPollAgainOnceTheAccountLearnedTheEstimate) {
  typename TestFixture::Runner r(4);
  r.http.venice_run_time = std::chrono::milliseconds(60000);
  r.options_.poll = reel::policy::EtaAware{};
  VeniceJob a(r.http, reel::Venice{"vk", "https://api.venice.example/api/v1"}, r.world.account, r.options_);
  VeniceJob b(r.http, reel::Venice{"vk", "https://api.venice.example/api/v1"}, r.world.account, r.options_);
  auto submit_both = [&]() -> asio::awaitable<int> {
    auto ha = co_await a.submit(r.venice_request);
    auto hb = co_await b.submit(r.venice_request);
    co_return ha && hb ? 0 : 1;
  };
  ASSERT_EQ(r.world.run(submit_both()), 0);
  using Steps = reel::detail::SchedulerAccess;  // the steps JobRunner drives
  Steps::start_wait(a, r.world.dir / "a.mp4");
  Steps::start_wait(b, r.world.dir / "b.mp4");
  const auto planned = Steps::next_poll_at(b);
  EXPECT_FALSE(Steps::replan_first_poll(b)) << "nothing learned yet";
  auto poll_a = [&]() -> asio::awaitable<int> {
    auto next = co_await Steps::poll_once(a);
    co_return next ? 0 : 1;
  };
  ASSERT_EQ(r.world.run(poll_a()), 0);
  const auto replanned = Steps::replan_first_poll(b);
  ASSERT_TRUE(replanned);
  EXPECT_GT(*replanned - planned, 30s) << "a 60 s job is first polled near its end, not after 3 s";
  EXPECT_FALSE(Steps::replan_first_poll(b)) << "once";
  // What a scheduler short of polls ranks it by: its video is expected 60 s after its submit.
  ASSERT_TRUE(Steps::expected_ready_at(b));
  EXPECT_GT(*Steps::expected_ready_at(b) - planned, 50s);
  EXPECT_LT(*Steps::expected_ready_at(b) - planned, 60s);
}

// A create whose account has no slot before the job's deadline is known at once: the job ends
// `deadline` without being sent (no money spent), instead of waiting for a slot that is too late.
TYPED_TEST(RunnerTest, ACreateThatCannotBeSentBeforeItsDeadlineIsNeverSent) {
  reel::job::AccountLimits limits;
  limits.limits[reel::policy::Bucket::create] = reel::policy::RateLimit{2, std::chrono::minutes(1), 1s, 5s};
  typename TestFixture::Runner r(8, limits);
  const auto start = r.world.clock.now();
  r.options_.deadline = start + 30s;
  r.add(5, 0);
  r.world.run(drive(r.runner));
  int done = 0, unsent = 0;
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const auto& o = r.outcomes[i];
    if (o.kind == OutcomeKind::succeeded) {
      ++done;
    } else {
      ++unsent;
      EXPECT_EQ(o.kind, OutcomeKind::deadline) << i;
      EXPECT_FALSE(o.handle.submitted()) << i;
      EXPECT_NE(o.error.message().find("nothing was spent"), std::string::npos) << o.error.message();
      EXPECT_LT(r.ended_at[i] - start, 5s) << "known at once, not at the deadline";
    }
  }
  EXPECT_EQ(done, 2);
  EXPECT_EQ(unsent, 3);
  EXPECT_EQ(r.http.created, 2);
}

// 1,000 Venice jobs on one key at its documented limits: all complete, within 1.1 times the
// bound the limits allow (25 create windows of 61 s, then the last job's two polls 5 s apart).
TYPED_TEST(RunnerTest, AThousandJobsAtTheLimitsCompleteWithinATenthOfTheBound) {
  typename TestFixture::Runner r(64, reel::Venice::default_limits());
  const auto start = r.world.clock.now();
  r.add(1000, 0);
  r.world.run(drive(r.runner));
  auto last = start;
  int ok = 0;
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    ok += r.outcomes[i].kind == OutcomeKind::succeeded ? 1 : 0;
    last = std::max(last, r.ended_at[i]);
  }
  EXPECT_EQ(ok, 1000);
  EXPECT_EQ(r.http.created, 1000);
  const auto bound = 24 * 61s + 10s;
  EXPECT_GE(last - start, 24 * 61s);
  EXPECT_LT(last - start, bound * 11 / 10) << std::chrono::duration_cast<std::chrono::seconds>(last - start).count() << " s";
}

TYPED_TEST(RunnerTest, NoJobs) {
  typename TestFixture::Runner r(4);
  r.world.run(drive(r.runner));
  EXPECT_EQ(r.runner.waiting(), 0u);
}

}  // namespace
