// SPDX-License-Identifier: BSL-1.0
// reel::Session, reel::AnySession and reel::connect against the provider simulator over real
// loopback sockets: the short way in makes the same jobs (counted by the simulator), refuses
// what it must before anything is sent, shares one budget per key, journals when asked, and
// completes through any completion token.
#include <reel/http/client.hpp>
#include <reel/session/any_session.hpp>
#include <reel/session/session.hpp>

#include <simulator/sim_test_support.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using reel::job::Errc;
using reel::job::OutcomeKind;

/// A simulator (jobs done at their second poll), a client, a temporary directory.
struct World {
  /// Jobs done at their `polls`-th status request, or after `duration` when given.
  explicit World(std::int64_t polls = 2, std::optional<std::int64_t> duration_ms = std::nullopt) : sim(spec(polls, duration_ms)) {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() / ("reel-session-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(dir);
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static reel_sim::Options spec(std::int64_t polls, std::optional<std::int64_t> duration_ms) {
    reel_sim::Options o;
    o.config.job = reel_sim::JobSpec{};
    if (duration_ms) {
      o.config.job.duration_ms = *duration_ms;
    } else {
      o.config.job.polls = polls;
    }
    return o;
  }
  /// Session options with quick polls, so the tests take a second, not a minute.
  static reel::SessionOptions options() {
    reel::SessionOptions o;
    o.job.poll = reel::policy::FixedInterval{50ms};
    o.job.poll_bounds = {10ms, 1s};
    o.timeout = 60s;
    return o;
  }
  reel::Venice venice(std::string key = "test-key") { return reel::Venice{std::move(key), sim.sim->venice_url()}; }
  reel::Lumenfall lumenfall(std::string key = "test-key") { return reel::Lumenfall{std::move(key), sim.sim->lumenfall_url()}; }

  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), [&out](std::exception_ptr e, T v) {
      EXPECT_FALSE(e);
      out = std::move(v);
    });
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }
  /// Runs the io_context until the future is ready.
  template <class T>
  T wait(std::future<T>& f) {
    io.restart();
    io.run();
    return f.get();
  }

  static bool is_mp4(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    char head[8] = {};
    in.read(head, 8);
    return in.gcount() == 8 && std::string(head + 4, 4) == "ftyp";
  }

  reel_sim::test::SimFixture sim;
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  std::filesystem::path dir;
};

reel::VideoRequest venice_request() {
  return reel::VideoRequest{.model = "wan-2.5-preview-text-to-video", .prompt = "A gondola at sunset",
                            .duration_seconds = 5, .aspect_ratio = "16:9"};
}
reel::VideoRequest lumenfall_request() {
  return reel::VideoRequest{.model = "sora-2", .prompt = "A capybara in a hot spring", .duration_seconds = 4};
}
// A request each provider's simulated models take.
reel::VideoRequest request_for(std::string_view provider) {
  if (provider == "venice") return venice_request();
  if (provider == "fal") {
    return reel::VideoRequest{.model = "fal-ai/kling-video/v2.1/master/text-to-video", .prompt = "A fox in snow", .duration_seconds = 5};
  }
  if (provider == "replicate") return reel::VideoRequest{.model = "google/veo-3-fast", .prompt = "A kite over dunes", .duration_seconds = 4};
  if (provider == "runway") return reel::VideoRequest{.model = "gen4.5", .prompt = "A heron at dawn", .duration_seconds = 5};
  if (provider == "luma") return reel::VideoRequest{.model = "ray-2", .prompt = "A lantern on a lake", .duration_seconds = 5};
  if (provider == "google-veo") {
    return reel::VideoRequest{.model = "veo-3.1-generate-001", .prompt = "A tram in the rain", .duration_seconds = 8};
  }
  return lumenfall_request();
}

TEST(Session, GeneratesAVideoWithTheDefaultToken) {
  World w;
  reel::Session venice(w.io, w.venice(), World::options());
  auto done = venice.async_generate(venice_request(), w.dir / "a.mp4");
  const reel::Outcome o = w.wait(done);
  ASSERT_TRUE(o.ok()) << o.error.message();
  EXPECT_EQ(o.file, w.dir / "a.mp4");
  EXPECT_TRUE(World::is_mp4(o.file));
  EXPECT_TRUE(o.cleaned_up);
  EXPECT_EQ(o.handle.provider, "venice");
  EXPECT_EQ(o.handle.base_url, w.sim.sim->venice_url());
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(Session, OwnsItsClientOrUsesTheCallers) {
  World w;
  reel::Session<reel::Lumenfall> owning(w.io.get_executor(), w.lumenfall(), World::options());
  reel::Session borrowing(w.http, w.lumenfall(), World::options());
  EXPECT_EQ(&borrowing.http(), &w.http);
  EXPECT_NE(static_cast<void*>(&owning.http()), static_cast<void*>(&w.http));
  const reel::VideoRequest request = lumenfall_request();
  const reel::Outcome a = w.run(owning.generate(request, w.dir / "a.mp4"));
  const reel::Outcome b = w.run(borrowing.generate(request, w.dir / "b.mp4"));
  EXPECT_TRUE(a.ok()) << a.error.message();
  EXPECT_TRUE(b.ok()) << b.error.message();
  EXPECT_EQ(w.sim.counters().jobs_created, 2);
}

TEST(Session, CallbackAndAwaitableTokens) {
  World w;
  reel::Session venice(w.http, w.venice(), World::options());
  std::optional<reel::Outcome> by_callback;
  venice.async_generate(venice_request(), w.dir / "cb.mp4", [&](reel::Outcome o) { by_callback = std::move(o); });
  std::optional<reel::Outcome> by_awaitable;
  asio::co_spawn(
      w.io,
      [&]() -> asio::awaitable<void> {
        by_awaitable = co_await venice.async_generate(venice_request(), w.dir / "aw.mp4", asio::use_awaitable);
      },
      asio::detached);
  w.io.run();
  ASSERT_TRUE(by_callback && by_awaitable);
  EXPECT_TRUE(by_callback->ok()) << by_callback->error.message();
  EXPECT_TRUE(by_awaitable->ok()) << by_awaitable->error.message();
  EXPECT_EQ(w.sim.counters().jobs_created, 2);
}

TEST(Session, TheTokensCancellationSlotCancelsAndKeepsTheHandle) {
  World w(1000);  // never ready while the test runs
  reel::Session venice(w.http, w.venice(), World::options());
  asio::cancellation_signal cancel;
  std::optional<reel::Outcome> out;
  venice.async_generate(venice_request(), w.dir / "c.mp4",
                        asio::bind_cancellation_slot(cancel.slot(), [&](reel::Outcome o) { out = std::move(o); }));
  asio::steady_timer timer(w.io, 300ms);
  timer.async_wait([&](std::error_code) { cancel.emit(asio::cancellation_type::terminal); });
  w.io.run();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->kind, OutcomeKind::cancelled) << out->error.message();
  EXPECT_TRUE(out->handle.submitted());
  EXPECT_FALSE(std::filesystem::exists(w.dir / "c.mp4"));
}

TEST(Session, NoKeyIsRefusedBeforeAnythingIsSent) {
  World w;
  reel::Session venice(w.http, w.venice(""), World::options());
  const reel::VideoRequest request = venice_request();
  const reel::Outcome o = w.run(venice.generate(request, w.dir / "k.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::refused);
  EXPECT_EQ(o.error.code, Errc::missing_api_key);
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
  EXPECT_TRUE(w.sim.counters().requests.empty());
}

TEST(Session, TheTimeoutIsEachCallsDeadline) {
  World w(1000);
  reel::SessionOptions options = World::options();
  options.timeout = 400ms;
  reel::Session venice(w.http, w.venice(), options);
  const reel::VideoRequest request = venice_request();
  const reel::Outcome o = w.run(venice.generate(request, w.dir / "d.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::deadline) << o.error.message();
  EXPECT_TRUE(o.handle.submitted());
}

TEST(Session, ResumeChecksTheHandlesProviderAndApi) {
  World w;
  reel::Session venice(w.http, w.venice(), World::options());
  reel::JobHandle lumenfall_job;
  lumenfall_job.provider = "lumenfall";
  lumenfall_job.base_url = w.sim.sim->lumenfall_url();
  lumenfall_job.job_id = "video_1";
  const reel::Outcome a = w.run(venice.resume(lumenfall_job, w.dir / "r.mp4"));
  EXPECT_EQ(a.kind, OutcomeKind::refused);
  EXPECT_EQ(a.error.code, Errc::wrong_account);
  EXPECT_EQ(a.handle.job_id, "video_1");  // the handle is never lost

  reel::JobHandle elsewhere = lumenfall_job;
  elsewhere.provider = "venice";
  elsewhere.base_url = "https://api.venice.ai/api/v1";
  EXPECT_EQ(w.run(venice.resume(elsewhere, w.dir / "r.mp4")).error.code, Errc::wrong_account);
  EXPECT_FALSE(venice.adopt(elsewhere));
  EXPECT_TRUE(w.sim.counters().requests.empty());
}

TEST(Session, ResumeFinishesASubmittedJobWithoutASecondCreate) {
  World w;
  reel::Session venice(w.http, w.venice(), World::options());
  auto job = venice.make_job();
  const reel::venice::QueueRequest native = reel::Venice::native(venice_request());
  auto submitted = w.run(job.submit(native));
  ASSERT_TRUE(submitted) << submitted.error().message();
  const reel::Outcome o = w.run(venice.resume(*submitted, w.dir / "r.mp4"));
  EXPECT_TRUE(o.ok()) << o.error.message();
  EXPECT_TRUE(World::is_mp4(w.dir / "r.mp4"));
  EXPECT_EQ(w.sim.counters().jobs_created, 1);
}

TEST(Session, SessionsOnOneKeyShareOneBudget) {
  World w;
  reel::Session a(w.http, w.venice("shared-key"));
  reel::Session b(w.http, w.venice("shared-key"));
  reel::Session other(w.http, w.venice("another-key"));
  EXPECT_EQ(a.account_tag(), b.account_tag());
  EXPECT_NE(a.account_tag(), other.account_tag());
  EXPECT_EQ(a.account_tag().find("shared-key"), std::string::npos);
  // Venice allows 40 creates a minute (+1 margin): what one session takes, the other lacks.
  int granted = 0;
  while (!a.account().limiter().try_acquire(reel::Venice::create_bucket)) ++granted;
  EXPECT_GE(granted, 40);
  EXPECT_LE(granted, 41);
  EXPECT_TRUE(b.account().limiter().try_acquire(reel::Venice::create_bucket));
  EXPECT_FALSE(other.account().limiter().try_acquire(reel::Venice::create_bucket));
}

TEST(Session, TheProvidersOwnLimits) {
  World w;
  reel::Session venice(w.http, w.venice("limits-v"));
  reel::Session lumenfall(w.http, w.lumenfall("limits-l"));
  // Venice: 40 creates a minute; Lumenfall documents none, so nothing is held back.
  int venice_granted = 0;
  while (!venice.account().limiter().try_acquire(reel::Venice::create_bucket) && venice_granted < 1000) ++venice_granted;
  int lumenfall_granted = 0;
  while (!lumenfall.account().limiter().try_acquire(reel::Lumenfall::create_bucket) && lumenfall_granted < 1000) ++lumenfall_granted;
  EXPECT_LE(venice_granted, 41);
  EXPECT_EQ(lumenfall_granted, 1000);
}

TEST(Session, TheJournalKeepsAnInterruptedJobForTheNextSession) {
  World w(0, 2000);  // each job runs for 2 s
  const std::filesystem::path journal = w.dir / "state" / "journal";
  std::filesystem::create_directories(journal.parent_path());
  reel::SessionOptions options = World::options();
  options.journal = journal;
  {
    options.timeout = 300ms;  // the first process "dies" at its deadline, the job unfinished
    reel::Session venice(w.http, w.venice(), options);
    const reel::VideoRequest request = venice_request();
    const reel::Outcome o = w.run(venice.generate(request, w.dir / "j.mp4"));
    EXPECT_EQ(o.kind, OutcomeKind::deadline) << o.error.message();
    ASSERT_EQ(venice.unfinished().size(), 1u);
  }
  EXPECT_TRUE(std::filesystem::exists(reel::store::limits_path(journal, reel::store::account_tag("venice", w.sim.sim->venice_url(), "test-key"))));
  options.timeout = 60s;
  reel::Session venice(w.http, w.venice(), options);
  const std::vector<reel::store::JobRecord> left = venice.unfinished();
  ASSERT_EQ(left.size(), 1u);
  const std::vector<reel::Outcome> resumed = w.run(venice.resume_unfinished());
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_TRUE(resumed[0].ok()) << resumed[0].error.message();
  EXPECT_TRUE(World::is_mp4(w.dir / "j.mp4"));
  EXPECT_TRUE(venice.unfinished().empty());
  EXPECT_EQ(w.sim.counters().jobs_created, 1);  // resumed, never submitted again
  // A Lumenfall session on the same journal sees none of Venice's jobs.
  reel::Session lumenfall(w.http, w.lumenfall(), options);
  EXPECT_TRUE(lumenfall.unfinished().empty());
}

TEST(Session, AJournalThatCannotOpenEndsCallsWithItsError) {
  World w;
  reel::SessionOptions options = World::options();
  options.journal = w.dir / "no-such-dir" / "journal";
  reel::Session venice(w.http, w.venice(), options);
  const reel::VideoRequest request = venice_request();
  const reel::Outcome o = w.run(venice.generate(request, w.dir / "x.mp4"));
  EXPECT_EQ(o.kind, OutcomeKind::error);
  EXPECT_NE(o.error.message().find("could not be opened"), std::string::npos) << o.error.message();
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
}

TEST(Session, QuotesBeforeAnythingIsSubmitted) {
  World w;
  reel::Session venice(w.http, w.venice(), World::options());
  const reel::VideoRequest request = venice_request();
  const auto price = w.run(venice.quote(request));
  ASSERT_TRUE(price) << price.error().message();
  EXPECT_GT(*price, 0.0);
  EXPECT_EQ(w.sim.counters().jobs_created, 0);
}

TEST(Connect, ChoosesTheProviderByName) {
  World w;
  for (const std::string_view name : reel::Providers::names) {
    reel::ConnectOptions options;
    options.base_url = w.sim.sim->url_for(name);
    ASSERT_FALSE(options.base_url.empty()) << name << " is not simulated";
    options.session = World::options();
    auto session = reel::connect(w.http, name, "test-key", options);
    ASSERT_TRUE(session) << session.error().message();
    EXPECT_EQ(session->provider(), name);
    EXPECT_EQ(session->base_url(), options.base_url);
    const reel::VideoRequest request = request_for(name);
    const reel::Outcome o = w.run(session->generate(request, w.dir / (std::string(name) + ".mp4")));
    EXPECT_TRUE(o.ok()) << name << ": " << o.error.message();
    EXPECT_EQ(o.handle.provider, name);
  }
  EXPECT_EQ(w.sim.counters().jobs_created, static_cast<std::int64_t>(std::size(reel::Providers::names)));
}

TEST(Connect, AnUnknownNameIsATypedError) {
  World w;
  auto session = reel::connect(w.http, "pika", "k");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code, Errc::unknown_provider);
  EXPECT_NE(session.error().message().find("venice, lumenfall"), std::string::npos);
  EXPECT_EQ(session.error().message().find("\"k\""), std::string::npos);
}

TEST(Connect, FromTheEnvironment) {
  World w;
  ::setenv("LUMENFALL_API_KEY", "env-key", 1);
  ::setenv("LUMENFALL_BASE_URL", w.sim.sim->lumenfall_url().c_str(), 1);
  auto session = reel::connect_from_env(w.http, "lumenfall");
  ::unsetenv("LUMENFALL_API_KEY");
  ::unsetenv("LUMENFALL_BASE_URL");
  ASSERT_TRUE(session) << session.error().message();
  EXPECT_EQ(session->base_url(), w.sim.sim->lumenfall_url());
  ASSERT_NE(session->get<reel::Lumenfall>(), nullptr);
  EXPECT_EQ(session->get<reel::Venice>(), nullptr);
  EXPECT_EQ(session->get<reel::Lumenfall>()->provider().api_key, "env-key");
  const std::string visited = session->visit([](auto& s) { return std::string(s.provider().name); });
  EXPECT_EQ(visited, "lumenfall");
}

TEST(Connect, AnySessionQuotesWhereTheProviderCanAndWarns) {
  World w;
  reel::ConnectOptions options;
  options.base_url = w.sim.sim->lumenfall_url();
  auto lumenfall = reel::connect(w.http, "lumenfall", "test-key", options);
  ASSERT_TRUE(lumenfall);
  reel::VideoRequest odd = lumenfall_request();
  odd.resolution = "1280x720";
  odd.aspect_ratio = "9:16";  // contradicts the size
  EXPECT_FALSE(lumenfall->warnings_of(odd).empty());
  const auto price = w.run(lumenfall->quote(lumenfall_request()));
  ASSERT_TRUE(price) << price.error().message();
  EXPECT_GT(*price, 0.0);
}

TEST(Provider, FromEnvReadsTheDocumentedVariables) {
  ::setenv("VENICE_API_KEY", "v-key", 1);
  ::unsetenv("VENICE_BASE_URL");
  const reel::Venice defaults = reel::Venice::from_env();
  EXPECT_EQ(defaults.api_key, "v-key");
  EXPECT_EQ(defaults.base_url, "https://api.venice.ai/api/v1");
  ::setenv("VENICE_BASE_URL", "http://127.0.0.1:9/api/v1", 1);
  EXPECT_EQ(reel::Venice::from_env().base_url, "http://127.0.0.1:9/api/v1");
  ::unsetenv("VENICE_API_KEY");
  ::unsetenv("VENICE_BASE_URL");
  EXPECT_TRUE(reel::Venice::from_env().api_key.empty());
  EXPECT_EQ(reel::Lumenfall::from_env().base_url, "https://api.lumenfall.ai/openai/v1");
}

}  // namespace
