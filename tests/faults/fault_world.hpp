// SPDX-License-Identifier: BSL-1.0
// Shared by the fault-injection tests: an in-process simulator on loopback, a reel client on this
// thread's io_context, one account per provider, a scratch directory, short timeouts, and the
// checks every faulted job must pass (handle kept, no partial file under the final name).
#pragma once

#include <job/run_support.hpp>
#include <simulator/sim_test_support.hpp>

#include <reel/http/client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/venice.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include <unistd.h>

namespace reel_faults {

using namespace std::chrono_literals;
using reel::job::Errc;
using reel::job::OutcomeKind;
using VeniceJob = reel::VideoJob<reel::Venice, reel::http::Client>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, reel::http::Client>;

/// The Venice model whose video is fetched from a one-time download link on the media origin
/// (every phase: queue, retrieve, download, revoke, complete).
inline constexpr const char* venice_private_model = "grok-imagine-text-to-video-private";

/// Simulator options whose jobs finish at their second status request.
inline reel_sim::Options fast_options() {
  reel_sim::Options o;
  o.config.job = reel_sim::JobSpec{};
  o.config.job.polls = 2;
  return o;
}

/// A scratch directory removed at the end.
struct ScratchDir {
  ScratchDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("reel-faults-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path path;
};

/// A simulator (stopped by the destructor), a client, accounts and a directory.
struct World {
  explicit World(reel_sim::Options options = fast_options()) : sim(std::move(options)) {}

  /// Short polls, short retries, short per-step timeouts, a 20 s deadline.
  reel::JobOptions options(std::chrono::milliseconds deadline = 20s) {
    reel::JobOptions o;
    o.poll = reel::policy::FixedInterval{50ms};
    o.poll_bounds = {10ms, 1s};
    o.retry = reel::policy::RetryPolicy{5, 50ms, 2.0, 400ms, 0.0};
    o.timeouts.connect = 2s;
    o.timeouts.response_headers = 2s;
    o.timeouts.body_idle = 2s;
    o.deadline = reel::steady_clock().now() + deadline;
    return o;
  }
  /// Venice's documented limits and guard, with a short pause after a 429 that gives no hint.
  static reel::job::AccountLimits venice_limits() {
    reel::job::AccountLimits l = reel::Venice::default_limits();
    for (auto& [name, limit] : l.limits) limit.pause_after_429 = 300ms;
    return l;
  }
  reel::Venice venice(std::string key = "test-key") { return reel::Venice{std::move(key), sim.sim->venice_url()}; }
  reel::Lumenfall lumenfall(std::string key = "test-key") {
    return reel::Lumenfall{std::move(key), sim.sim->lumenfall_url()};
  }

  /// Runs `task` on this thread's io_context to its end.
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(task), reel_test::store_into(out));
    io.restart();
    io.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  std::filesystem::path out(const std::string& name) const { return dir.path / name; }

  reel_sim::test::SimFixture sim;
  asio::io_context io;
  reel::http::Client http{io.get_executor()};
  reel::job::Account venice_account{reel::steady_clock(), venice_limits()};
  reel::job::Account lumenfall_account{reel::steady_clock(), reel::job::AccountLimits::none()};
  ScratchDir dir;
};

/// The tag of the `make_provider` overloads (found by argument-dependent lookup): each provider's
/// fault test defines `P make_provider(For<P>, reel_sim::test::SimFixture&, std::string key)`.
template <class Provider>
struct For {};

/// A World with one provider: an account with its documented limits and `provider(key)`, the
/// traits pointed at the simulator by that provider's `make_provider`.
template <class Provider>
struct ProviderWorld : World {
  using Job = reel::VideoJob<Provider, reel::http::Client>;
  using World::World;
  Provider provider(std::string key = "test-key") { return make_provider(For<Provider>{}, sim, std::move(key)); }
  reel::job::Account account{reel::steady_clock(), Provider::default_limits()};
};

inline reel::venice::QueueRequest venice_request(std::string prompt, std::string model = venice_private_model) {
  reel::venice::QueueRequest r;
  r.duration = model == venice_private_model ? "6s" : "5s";
  r.model = std::move(model);
  r.prompt = std::move(prompt);
  r.aspect_ratio = "16:9";
  return r;
}
inline reel::lumenfall::CreateRequest lumenfall_request(std::string prompt) {
  reel::lumenfall::CreateRequest r;
  r.model = "sora-2";
  r.prompt = std::move(prompt);
  r.seconds = "4";
  return r;
}

/// `job.generate(r, out)` as a task for World::run.
template <class Job, class Request>
asio::awaitable<reel::job::Outcome> generate(Job& job, Request r, std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}
template <class Job>
asio::awaitable<reel::job::Outcome> finish(Job& job, std::filesystem::path out) {
  co_return co_await job.finish(out);
}
template <class Job, class Request>
asio::awaitable<bool> submit(Job& job, Request r) {
  auto submitted = co_await job.submit(r);
  co_return static_cast<bool>(submitted);
}

/// A request counter of the simulator ("<endpoint> <status>").
inline std::int64_t count(const reel_sim::Counters& c, const std::string& key) {
  const auto it = c.requests.find(key);
  return it == c.requests.end() ? 0 : it->second;
}
/// Requests of `endpoint` answered with any status in [from, to].
inline std::int64_t count_status(const reel_sim::Counters& c, const std::string& endpoint, int from, int to) {
  std::int64_t n = 0;
  for (const auto& [key, value] : c.requests) {
    if (key.rfind(endpoint + " ", 0) != 0) continue;
    const int status = std::stoi(key.substr(endpoint.size() + 1));
    if (status >= from && status <= to) n += value;
  }
  return n;
}

/// What every faulted job must show: the documented ending, the handle once submitted, and no
/// partial file under the final name (a success has the whole file there).
inline void expect_ending(const reel::job::Outcome& o, OutcomeKind kind, std::optional<std::error_code> code,
                          const std::filesystem::path& out, bool submitted = true) {
  EXPECT_EQ(reel::job::to_string(o.kind), reel::job::to_string(kind)) << o.error.message();
  if (code) {
    EXPECT_EQ(o.error.code, *code) << o.error.code.message() << " / " << o.error.message();
  }
  if (submitted) {
    EXPECT_FALSE(o.handle.job_id.empty()) << "the handle was lost";
  }
  if (kind == OutcomeKind::succeeded) {
    EXPECT_EQ(o.file, out);
    EXPECT_TRUE(std::filesystem::exists(out));
  } else {
    EXPECT_FALSE(std::filesystem::exists(out)) << "a partial file under the final name";
  }
}

/// A create that may have reached the provider (no idempotency key): `ambiguous_submit` without a
/// handle, the job made once by the simulator and the create sent once, never repeated.
inline void expect_ambiguous_once(const reel::job::Outcome& o, const reel_sim::Counters& c,
                                  const std::string& create_endpoint, const std::string& prompt,
                                  const std::filesystem::path& out) {
  expect_ending(o, OutcomeKind::ambiguous, Errc::ambiguous_submit, out, false);
  const auto made = c.jobs_created_by_prompt.find(prompt);
  EXPECT_EQ(made == c.jobs_created_by_prompt.end() ? 0 : made->second, 1) << prompt;
  EXPECT_EQ(count_status(c, create_endpoint, 0, 999), 1) << create_endpoint << " was not sent exactly once";
}

/// `job.submit(r)`, then `job.cancel()`: whether both succeeded.
template <class Job, class Request>
asio::awaitable<bool> submit_then_cancel(Job& job, Request r) {
  auto handle = co_await job.submit(r);
  if (!handle) co_return false;
  auto done = co_await job.cancel();
  co_return done.has_value();
}

/// `text` as the inside of a JSON string (quotes and backslashes escaped).
inline std::string json_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

/// A `Provider` job with a key the simulator does not know: `refused` (`unauthorized`), the key
/// in no error, nothing created, the create (`create_endpoint`) answered 401 once.
template <class Provider, class Request>
void expect_wrong_key_refused(Request r, const std::string& create_endpoint) {
  reel_sim::Options so = fast_options();
  so.config.api_keys = {"the-right-key"};
  ProviderWorld<Provider> w(std::move(so));
  typename ProviderWorld<Provider>::Job job(w.http, w.provider("a-wrong-key"), w.account, w.options());
  const auto o = w.run(generate(job, std::move(r), w.out("k.mp4")));
  expect_ending(o, OutcomeKind::refused, Errc::unauthorized, w.out("k.mp4"), false);
  EXPECT_EQ(o.error.message().find("a-wrong-key"), std::string::npos) << "the key is in the error";
  const auto c = w.sim.counters();
  EXPECT_EQ(c.jobs_created, 0);
  EXPECT_EQ(count(c, create_endpoint + " 401"), 1);
}

/// A `Provider` job whose output expired before the download (`download_ttl_s` 0): `error`
/// (`link_expired`), no file, the media origin answered `media_answer` (e.g. "luma.media 410")
/// to requests without the key.
template <class Provider, class Request>
void expect_expired_output_is_link_expired(Request r, const std::string& media_answer) {
  reel_sim::Options so = fast_options();
  so.config.download_ttl_s = 0;
  ProviderWorld<Provider> w(std::move(so));
  typename ProviderWorld<Provider>::Job job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, std::move(r), w.out("e.mp4")));
  expect_ending(o, OutcomeKind::error, Errc::link_expired, w.out("e.mp4"));
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, media_answer), 1);
  EXPECT_EQ(c.media_requests_with_authorization, 0);
}

/// A `Provider` job whose every status answer (`status_endpoint`) is `finished_body(url)`: a
/// finished job with its output at `url`, a path on a foreign origin the simulator does not know.
/// The URL is fetched without the key (the key goes only to the provider's API), no file is kept.
template <class Provider, class Request, class Body>
void expect_foreign_output_gets_no_key(Request r, const std::string& status_endpoint, Body finished_body) {
  ProviderWorld<Provider> w;
  const std::string foreign = w.sim.sim->media_url() + "/steal/output.mp4";
  const std::string body = finished_body(foreign);
  w.sim.rules(R"([{"match":{"endpoint":")" + status_endpoint + R"("},"fault":{"body":")" + json_escaped(body) + R"("}}])");
  typename ProviderWorld<Provider>::Job job(w.http, w.provider(), w.account, w.options());
  const auto o = w.run(generate(job, std::move(r), w.out("x.mp4")));
  EXPECT_NE(o.kind, OutcomeKind::succeeded);
  EXPECT_FALSE(std::filesystem::exists(w.out("x.mp4")));
  EXPECT_FALSE(o.handle.job_id.empty());
  const auto c = w.sim.counters();
  EXPECT_GE(count(c, "media.other 404"), 1);          // the foreign URL was asked ...
  EXPECT_EQ(c.media_requests_with_authorization, 0);  // ... without the key
}

/// The sample MP4 as served for `bytes` (the simulator's default size when 0).
inline std::string expected_video(std::uint64_t bytes = 0) {
  if (bytes == 0) return std::string(reel_sim::sample_mp4());
  const auto media = reel_sim::mp4_of_size(bytes);
  std::string s(bytes, '\0');
  media.fill(0, std::span<char>(s.data(), s.size()));
  return s;
}

/// Milliseconds since `start`.
inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace reel_faults
