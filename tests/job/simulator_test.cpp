// SPDX-License-Identifier: BSL-1.0
// VideoJob against the provider simulator over real loopback sockets, in real time (short jobs):
// the whole lifecycle of both providers and the failures the issue lists, checked against the
// simulator's counters.
#include "run_support.hpp"

#include <reel/http/client.hpp>
#include <reel/engine/batch.hpp>
#include <reel/engine/runner.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/session/any_session.hpp>
#include <reel/providers/fal.hpp>
#include <reel/providers/google_veo.hpp>
#include <reel/providers/luma.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/openai_videos.hpp>
#include <reel/providers/replicate.hpp>
#include <reel/providers/runway.hpp>
#include <reel/providers/venice.hpp>

#include <simulator/sim_test_support.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using reel::job::OutcomeKind;
using reel_sim::test::SimFixture;
using reel_test::read_file;
using reel_test::store_into;

using VeniceJob = reel::VideoJob<reel::Venice, reel::http::Client>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, reel::http::Client>;

/// A simulator, a client on this thread's io_context, an account per provider, a directory.
struct World {
  explicit World(reel_sim::Options options = fast()) : sim(std::move(options)) {
    dir = std::filesystem::temp_directory_path() / ("reel-job-sim-" + std::to_string(::getpid()) + "-" + std::to_string(n()++));
    std::filesystem::create_directories(dir);
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  /// Jobs finish at their second status request.
  static reel_sim::Options fast() {
    reel_sim::Options o;
    o.config.job = reel_sim::JobSpec{};
    o.config.job.polls = 2;
    return o;
  }
  static int& n() {
    static int i = 0;
    return i;
  }

  reel::JobOptions options() {
    reel::JobOptions o;
    o.poll = reel::policy::FixedInterval{50ms};
    o.poll_bounds = {10ms, 1s};
    o.retry = reel::policy::RetryPolicy{5, 50ms, 2.0, 400ms, 0.0};
    o.deadline = reel::steady_clock().now() + 60s;
    return o;
  }
  /// Venice's documented limits, with a short pause after a 429 that gives no hint.
  static reel::job::AccountLimits venice_limits() {
    reel::job::AccountLimits l = reel::Venice::default_limits();
    for (auto& [name, limit] : l.limits) limit.pause_after_429 = 300ms;
    return l;
  }
  reel::Venice venice() { return reel::Venice{"test-key", sim.sim->venice_url()}; }
  reel::Lumenfall lumenfall() { return reel::Lumenfall{"test-key", sim.sim->lumenfall_url()}; }

  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), store_into(out));
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  template <class T>
  T run_and_cancel(asio::awaitable<T> task, std::chrono::milliseconds after) {
    std::optional<T> out;
    asio::cancellation_signal signal;
    asio::co_spawn(io, std::move(task), asio::bind_cancellation_slot(signal.slot(), store_into(out)));
    asio::steady_timer timer(io, after);
    timer.async_wait([&signal](std::error_code) { signal.emit(asio::cancellation_type::terminal); });
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  std::string read(const std::filesystem::path& p) { return read_file(p); }

  SimFixture sim;
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  reel::job::Account venice_account{reel::steady_clock(), venice_limits()};
  reel::job::Account lumenfall_account{reel::steady_clock(), reel::job::AccountLimits::none()};
  std::filesystem::path dir;
};

reel::venice::QueueRequest venice_request(std::string prompt = "A gondola at sunset",
                                          std::string model = "wan-2.5-preview-text-to-video") {
  reel::venice::QueueRequest r;
  r.duration = model == "grok-imagine-text-to-video-private" ? "6s" : "5s";
  r.model = std::move(model);
  r.prompt = std::move(prompt);
  r.aspect_ratio = "16:9";
  return r;
}
reel::lumenfall::CreateRequest lumenfall_request(std::string prompt = "A capybara in a hot spring") {
  reel::lumenfall::CreateRequest r;
  r.model = "sora-2";
  r.prompt = std::move(prompt);
  r.seconds = "4";
  return r;
}

asio::awaitable<reel::job::Outcome> go(VeniceJob& job, reel::venice::QueueRequest r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}
asio::awaitable<reel::job::Outcome> go(LumenfallJob& job, reel::lumenfall::CreateRequest r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}

std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}

TEST(JobOnSimulator, VeniceInlineMp4) {
  World w;
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto outcome = w.run(go(job, venice_request(), w.dir / "v.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_EQ(w.read(outcome.file), std::string(reel_sim::sample_mp4()));
  EXPECT_TRUE(outcome.cleaned_up);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  ASSERT_EQ(c.jobs.size(), 1u);
  EXPECT_EQ(c.jobs[0].polls, 2);
  EXPECT_TRUE(c.jobs[0].cleaned);
  EXPECT_EQ(c.requests_after_cleanup, 0);
  EXPECT_EQ(count(c, "venice.complete 200"), 1);
}

TEST(JobOnSimulator, VenicePrivateLinkFetchedOnceThenRevoked) {
  World w;
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto outcome = w.run(go(job, venice_request("A fox", "grok-imagine-text-to-video-private"), w.dir / "p.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_EQ(w.read(outcome.file), std::string(reel_sim::sample_mp4()));
  ASSERT_TRUE(outcome.handle.download_url.has_value());
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs.at(0).download_fetches, 1);
  EXPECT_EQ(count(c, "venice.download.delete 204"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  // The link is revoked.
  EXPECT_EQ(w.sim.call("GET", *outcome.handle.download_url, "", "").head.status, 410);
}

TEST(JobOnSimulator, Venice503ThenSuccessAnd429WithAndWithoutHeaders) {
  World w;
  w.sim.rules(R"([
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"status":503}},
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"status":429,"retry_after":"1"}},
    {"match":{"endpoint":"venice.retrieve"},"times":1,"fault":{"status":429}},
    {"match":{"endpoint":"venice.queue"},"times":1,"fault":{"status":429}}
  ])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = w.run(go(job, venice_request(), w.dir / "r.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);  // the 429 on queue was not a second job
  EXPECT_EQ(count(c, "venice.queue 429"), 1);
  EXPECT_EQ(count(c, "venice.retrieve 503"), 1);
  EXPECT_EQ(count(c, "venice.retrieve 429"), 2);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);  // the Retry-After was honoured
}

// A status poll carries no Range (it is not a download): the next poll brings the whole video.
TEST(JobOnSimulator, VeniceResetDuringTheInlineVideoIsFetchedWholeByTheNextPoll) {
  reel_sim::Options o = World::fast();
  o.config.job.output_bytes = 2'000'000;
  World w(std::move(o));
  w.sim.rules(R"([{"match":{"endpoint":"venice.retrieve"},"skip":1,"times":1,"fault":{"reset_at":700000}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto outcome = w.run(go(job, venice_request(), w.dir / "big.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_EQ(std::filesystem::file_size(outcome.file), 2'000'000u);
  const auto media = reel_sim::mp4_of_size(2'000'000);
  std::string expected(2'000'000, '\0');
  media.fill(0, std::span<char>(expected.data(), expected.size()));
  EXPECT_EQ(w.read(outcome.file), expected);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  EXPECT_EQ(count(c, "venice.retrieve 206"), 0);  // no Range on a status poll
}

TEST(JobOnSimulator, LumenfallResetDuringTheDownloadResumes) {
  reel_sim::Options o = World::fast();
  o.config.job.output_bytes = 3'000'000;
  World w(std::move(o));
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"times":1,"fault":{"reset_at":1000000}}])");
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto outcome = w.run(go(job, lumenfall_request(), w.dir / "l.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_EQ(std::filesystem::file_size(outcome.file), 3'000'000u);
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "lumenfall.media 206"), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
  EXPECT_TRUE(c.jobs.at(0).cleaned);
  EXPECT_EQ(c.requests_after_cleanup, 0);
}

TEST(JobOnSimulator, DeadlineDuringPollsKeepsTheHandle) {
  reel_sim::Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  reel::JobOptions options = w.options();
  options.deadline = reel::steady_clock().now() + 600ms;
  VeniceJob job(w.http, w.venice(), w.venice_account, options);
  const auto outcome = w.run(go(job, venice_request(), w.dir / "d.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::deadline);
  EXPECT_FALSE(outcome.handle.job_id.empty());
  EXPECT_GE(outcome.polls, 2);
  EXPECT_FALSE(std::filesystem::exists(w.dir / "d.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(JobOnSimulator, CancellationDuringTheWait) {
  reel_sim::Options o;
  o.config.job.duration_ms = 60'000;
  World w(std::move(o));
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto outcome = w.run_and_cancel(go(job, lumenfall_request(), w.dir / "c.mp4"), 300ms);
  EXPECT_EQ(outcome.kind, OutcomeKind::cancelled);
  EXPECT_EQ(outcome.handle.job_id.rfind("video_", 0), 0u);
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(JobOnSimulator, ContentPolicyAndFailedStatus) {
  World w;
  VeniceJob rejected(w.http, w.venice(), w.venice_account, w.options());
  const auto a = w.run(go(rejected, venice_request("a [reject] scene"), w.dir / "a.mp4"));
  EXPECT_EQ(a.kind, OutcomeKind::failed);
  EXPECT_EQ(a.error.code, reel::job::Errc::content_policy);
  EXPECT_EQ(a.error.provider.more().credits_refunded, true);
  VeniceJob blocked(w.http, w.venice(), w.venice_account, w.options());
  const auto b = w.run(go(blocked, venice_request("a [blocked] scene"), w.dir / "b.mp4"));
  EXPECT_EQ(b.kind, OutcomeKind::refused);
  EXPECT_EQ(b.error.code, reel::job::Errc::content_policy);
  LumenfallJob failed(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto c = w.run(go(failed, lumenfall_request("please [fail]"), w.dir / "c.mp4"));
  EXPECT_EQ(c.kind, OutcomeKind::failed);
  EXPECT_EQ(c.error.code, reel::job::Errc::failed_at_provider);
  EXPECT_EQ(c.error.provider.code, "GENERATION_FAILED");
  const auto counters = w.sim.counters();
  EXPECT_EQ(counters.jobs_created, 2);  // the blocked prompt created nothing
  EXPECT_EQ(count(counters, "venice.complete 200"), 0);  // nothing to clean up without a video
}

TEST(JobOnSimulator, EveryDownloadCutShortStillCompletesByRanges) {
  World w;
  // Each answer breaks off after 5000 bytes; each retry continues where the file ends.
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"fault":{"truncate_at":5000}}])");
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto outcome = w.run(go(job, lumenfall_request(), w.dir / "pieces.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  EXPECT_EQ(w.read(outcome.file), std::string(reel_sim::sample_mp4()));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "lumenfall.media 200"), 1);
  EXPECT_EQ(count(c, "lumenfall.media 206"), 3);  // 15464 bytes in 5000-byte pieces
}

TEST(JobOnSimulator, CleanupNeverBeforeTheFileIsComplete) {
  World w;
  // Every download of the output breaks off before any byte: no file, so no cleanup.
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.media"},"fault":{"truncate_at":0}}])");
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto outcome = w.run(go(job, lumenfall_request(), w.dir / "t.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::error);
  EXPECT_FALSE(std::filesystem::exists(w.dir / "t.mp4"));
  const auto c = w.sim.counters();
  EXPECT_EQ(count(c, "lumenfall.delete 200"), 0);
  EXPECT_FALSE(c.jobs.at(0).cleaned);
  EXPECT_FALSE(outcome.cleaned_up);
}

TEST(JobOnSimulator, LumenfallCreateRetriedAfterAResetIsOneJob) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"lumenfall.create"},"times":1,"fault":{"reset_at":0}}])");
  LumenfallJob job(w.http, w.lumenfall(), w.lumenfall_account, w.options());
  const auto outcome = w.run(go(job, lumenfall_request("exactly once"), w.dir / "once.mp4"));
  ASSERT_EQ(outcome.kind, OutcomeKind::succeeded) << outcome.error.message();
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);
  ASSERT_TRUE(outcome.handle.idempotency_key.has_value());
  EXPECT_EQ(c.create_requests_by_idempotency_key.at(*outcome.handle.idempotency_key), 2);
}

TEST(JobOnSimulator, VeniceCreateResetIsAmbiguousAndNotRepeated) {
  World w;
  w.sim.rules(R"([{"match":{"endpoint":"venice.queue"},"times":1,"fault":{"reset_at":0}}])");
  VeniceJob job(w.http, w.venice(), w.venice_account, w.options());
  const auto outcome = w.run(go(job, venice_request("maybe once"), w.dir / "m.mp4"));
  EXPECT_EQ(outcome.kind, OutcomeKind::ambiguous);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 1);  // the provider did create it: the client must not create another
  EXPECT_EQ(c.jobs_created_by_prompt.at("maybe once"), 1);
}

// The server vanishes (listeners and connections closed) while 40 jobs share two pooled
// connections, many of their requests queued for a slot. Every failure feeds the account's abuse
// guard (10 in 30 s), which then holds every request back: the jobs stop hammering a dead server
// and end by their failed-poll limit or, at the latest, at their deadline (no request is sent
// past it), each with its handle. Nothing hangs.
TEST(JobOnSimulator, ServerVanishingUnderQueuedRequestsEndsEveryJob) {
  reel_sim::Options o = World::fast();
  o.config.job.polls = 1'000'000;  // never done
  World w(std::move(o));
  reel::http::ClientOptions client_options;
  client_options.max_connections_per_origin = 2;
  reel::http::Client http(w.io.get_executor(), client_options);
  reel::JobRunner runner(reel::steady_clock(), reel::RunnerOptions{40});
  const auto request = lumenfall_request("vanishing");
  std::vector<std::unique_ptr<LumenfallJob>> jobs;
  std::vector<reel::job::Outcome> outcomes(40);
  int ended = 0;
  const auto deadline = reel::steady_clock().now() + 15s;
  for (std::size_t i = 0; i < 40; ++i) {
    reel::JobOptions options = w.options();
    options.poll = reel::policy::FixedInterval{20ms};
    options.poll_bounds = {10ms, 1s};
    options.max_failed_polls = 3;
    options.deadline = deadline;
    jobs.push_back(std::make_unique<LumenfallJob>(http, w.lumenfall(), w.lumenfall_account, options));
    runner.add(*jobs.back(), request, w.dir / ("job-" + std::to_string(i) + ".mp4"), [&, i](reel::job::Outcome out) {
      outcomes[i] = std::move(out);
      ++ended;
    });
  }
  // Once every job was submitted and polls are under way, the server goes away.
  asio::steady_timer vanish(w.io);
  std::function<void()> check = [&] {
    vanish.expires_after(50ms);
    vanish.async_wait([&](std::error_code) {
      if (w.sim.counters().jobs_created < 40 || jobs[39]->polls() < 3) return check();
      w.sim.sim.close();
    });
  };
  check();
  w.run([&]() -> asio::awaitable<int> {
    co_await runner.run();
    co_return 0;
  }());
  EXPECT_LE(reel::steady_clock().now(), deadline + 2s);  // ended by the deadline (with slack for a loaded machine)
  EXPECT_EQ(ended, 40);
  int by_failures = 0;
  for (const auto& out : outcomes) {
    EXPECT_TRUE(out.kind == OutcomeKind::error || out.kind == OutcomeKind::deadline) << out.error.message();
    if (out.kind == OutcomeKind::error) {
      ++by_failures;
      EXPECT_NE(out.error.code.category(), reel::job::job_category()) << out.error.message();  // a transport error
    }
    EXPECT_TRUE(out.handle.submitted());
  }
  // The guard let about 10 failures through per 30 s, plus those already on their way; once it
  // holds requests back beyond the deadline, the jobs end at once (deadline) instead of waiting.
  (void)by_failures;
  EXPECT_LE(w.lumenfall_account.limiter().recent_failures(), 10u + 40u);
}

TEST(JobOnSimulator, HundredConcurrentJobsWithinVeniceLimits) {
  reel_sim::Options o = World::fast();
  World w(std::move(o));
  std::vector<reel::AnyJob> jobs;
  for (int i = 0; i < 100; ++i) {
    const auto out = w.dir / ("job-" + std::to_string(i) + ".mp4");
    reel::JobOptions options = w.options();
    options.deadline = reel::steady_clock().now() + 200s;
    options.poll = reel::policy::FixedInterval{1s};
    if (i % 2 == 0) {
      jobs.emplace_back(std::make_unique<VeniceJob>(w.http, w.venice(), w.venice_account, options),
                        venice_request("venice " + std::to_string(i)), out);
    } else {
      jobs.emplace_back(std::make_unique<LumenfallJob>(w.http, w.lumenfall(), w.lumenfall_account, options),
                        lumenfall_request("lumenfall " + std::to_string(i)), out);
    }
  }
  const auto outcomes = w.run([&]() -> asio::awaitable<std::vector<reel::job::Outcome>> {
    co_return co_await reel::run_batch(jobs, 100);
  }());
  int ok = 0;
  for (const auto& outcome : outcomes) {
    if (outcome.ok()) ++ok;
    else ADD_FAILURE() << outcome.handle.provider << " " << outcome.error.message();
  }
  EXPECT_EQ(ok, 100);
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 100);
  for (const auto& [prompt, n] : c.jobs_created_by_prompt) EXPECT_EQ(n, 1) << prompt;
  std::int64_t too_many = 0;
  for (const auto& [key, n] : c.requests) {
    if (key.ends_with(" 429")) too_many += n;
  }
  EXPECT_EQ(too_many, 0);
  EXPECT_EQ(c.requests_after_cleanup, 0);
}


/// One provider's share of a shared runner: its traits, its account, and the jobs and native
/// requests the runner refers to (they live here until it ends).
template <class P>
struct Fleet {
  using Job = reel::VideoJob<P, reel::http::Client>;
  Fleet(P p, const reel::VideoRequest& neutral, int n, reel::job::AccountLimits limits = P::default_limits())
      : provider(std::move(p)), account(reel::steady_clock(), std::move(limits)) {
    for (int i = 0; i < n; ++i) {
      reel::VideoRequest r = neutral;
      r.prompt = std::string(P::name) + " " + std::to_string(i);
      requests.push_back(P::native(r));
    }
  }
  /// Adds the `i`th job to `runner`.
  template <class Done>
  void add(reel::JobRunner& runner, reel::http::Client& http, const reel::JobOptions& options,
           const std::filesystem::path& dir, std::size_t i, Done done) {
    jobs.push_back(std::make_unique<Job>(http, provider, account, options));
    runner.add(*jobs.back(), requests[i], dir / (std::string(P::name) + "-" + std::to_string(i) + ".mp4"), done);
  }
  P provider;
  reel::job::Account account;
  std::vector<typename P::Request> requests;
  std::vector<std::unique_ptr<Job>> jobs;
};

// One JobRunner, all eight registered providers, 25 jobs each (200), all at once: every job succeeds, each
// prompt is created once, and no provider answers 429 (Venice and Replicate have documented
// limits, which the accounts pace; the others document none the simulator enforces).
TEST(JobOnSimulator, TwoHundredJobsOverEightProvidersOnOneRunner) {
  World w;
  constexpr int per_provider = 25;
  const auto& sim = *w.sim.sim;
  const auto base = [&](std::string_view name) { return sim.url_for(name); };
  reel::Replicate replicate{"test-key", base("replicate")};
  replicate.prefer_wait = 1;  // sync mode, held at most a second
  Fleet<reel::Venice> venice({"test-key", base("venice")},
                             {.model = "wan-2.5-preview-text-to-video", .duration_seconds = 5, .aspect_ratio = "16:9"},
                             per_provider);
  Fleet<reel::Lumenfall> lumenfall({"test-key", base("lumenfall")}, {.model = "sora-2", .duration_seconds = 4}, per_provider);
  Fleet<reel::Fal> fal({"test-key", base("fal")}, {.model = "fal-ai/kling-video/v2.1/master/text-to-video", .duration_seconds = 5},
                       per_provider);
  Fleet<reel::Replicate> replicates(replicate, {.model = "google/veo-3-fast", .duration_seconds = 4, .resolution = "720p"},
                                    per_provider);
  Fleet<reel::OpenAiVideos> openai({"test-key", base("openai")}, {.model = "sora-2", .duration_seconds = 4}, per_provider);
  Fleet<reel::Runway> runway({"test-key", base("runway")}, {.model = "gen4.5", .duration_seconds = 5}, per_provider);
  Fleet<reel::Luma> luma({"test-key", base("luma")}, {.model = "ray-2", .duration_seconds = 5}, per_provider);
  // Google's per-project quotas vary by tier; the default limits are a cautious 2 creates a minute,
  // which would stretch 25 jobs over 12 minutes. The simulator enforces none for the Gemini API.
  Fleet<reel::GoogleVeo> veo({"test-key", base("google-veo")}, {.model = "veo-3.1-generate-001", .duration_seconds = 8},
                             per_provider, reel::job::AccountLimits::none());
  constexpr int providers = 8;
  static_assert(providers == std::size(reel::Providers::names), "a fleet for every registered provider");

  reel::JobOptions options = w.options();
  options.deadline = reel::steady_clock().now() + 300s;
  options.poll = reel::policy::FixedInterval{1s};
  std::vector<reel::job::Outcome> outcomes;
  outcomes.reserve(providers * per_provider);
  auto done = [&outcomes](reel::job::Outcome o) { outcomes.push_back(std::move(o)); };
  reel::JobRunner runner(reel::steady_clock());
  for (std::size_t i = 0; i < per_provider; ++i) {
    venice.add(runner, w.http, options, w.dir, i, done);
    lumenfall.add(runner, w.http, options, w.dir, i, done);
    fal.add(runner, w.http, options, w.dir, i, done);
    replicates.add(runner, w.http, options, w.dir, i, done);
    openai.add(runner, w.http, options, w.dir, i, done);
    runway.add(runner, w.http, options, w.dir, i, done);
    luma.add(runner, w.http, options, w.dir, i, done);
    veo.add(runner, w.http, options, w.dir, i, done);
  }
  w.run([&]() -> asio::awaitable<int> {
    co_await runner.run();
    co_return 0;
  }());
  ASSERT_EQ(outcomes.size(), std::size_t{providers * per_provider});
  std::map<std::string, int> ok;
  for (const auto& outcome : outcomes) {
    if (outcome.ok()) {
      ++ok[outcome.handle.provider];
      EXPECT_EQ(read_file(outcome.file), std::string(reel_sim::sample_mp4())) << outcome.handle.provider;
    } else {
      ADD_FAILURE() << outcome.handle.provider << " " << outcome.error.message();
    }
  }
  for (const std::string_view p : reel::Providers::names) EXPECT_EQ(ok[std::string(p)], per_provider) << p;
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, providers * per_provider);
  EXPECT_EQ(c.jobs_created_by_prompt.size(), std::size_t{providers * per_provider});
  for (const auto& [prompt, n] : c.jobs_created_by_prompt) EXPECT_EQ(n, 1) << prompt;  // no duplicate creates
  std::int64_t too_many = 0;
  for (const auto& [key, n] : c.requests) {
    if (key.ends_with(" 429")) too_many += n;
  }
  EXPECT_EQ(too_many, 0);
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // Veo's keyed download is on the API origin
  std::cout << "[ measured ] " << outcomes.size() << " jobs over " << providers << " providers: "
            << c.jobs_created << " creates, " << too_many << " answers of 429\n";
}

}  // namespace
