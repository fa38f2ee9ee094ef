// SPDX-License-Identifier: BSL-1.0
// A custom polling policy: any type with `next_delay(const reel::policy::PollState&)` is a
// reel::policy::PollPolicy. This one polls slowly while the provider's progress is low and
// closely once the job is nearly done, and says what it chose. The job still keeps every choice
// within JobOptions::poll_bounds and never polls sooner than the server asks.
//
//   LUMENFALL_API_KEY=... example_custom_poll_policy [output.mp4]
//
// LUMENFALL_BASE_URL overrides the API (the tests use the simulator). Exit status 0 when the
// video was written.
#include <reel/http/client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/policy/poll.hpp>
#include <reel/providers/lumenfall.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

namespace {

using namespace std::chrono_literals;

/// Slow until the job is `close_at` percent done, then fast.
struct ProgressStep {
  reel::policy::Duration slow = 4s;
  reel::policy::Duration fast = 1s;
  int close_at = 60;

  reel::policy::Duration next_delay(const reel::policy::PollState& s) const {
    const bool close = s.percent && *s.percent >= close_at;
    const reel::policy::Duration d = s.polls == 0 || close ? fast : slow;
    std::printf("poll %d: progress %d%%, next in %lld ms\n", s.polls + 1, s.percent.value_or(0),
                static_cast<long long>(d.count()));
    return d;
  }
};
static_assert(reel::policy::PollPolicy<ProgressStep>);

asio::awaitable<int> make_video(reel::http::Client& http, std::filesystem::path output) {
  reel::Lumenfall lumenfall;
  lumenfall.api_key = std::getenv("LUMENFALL_API_KEY") ? std::getenv("LUMENFALL_API_KEY") : "";
  if (const char* url = std::getenv("LUMENFALL_BASE_URL")) lumenfall.base_url = url;
  reel::job::Account account;

  reel::JobOptions options;
  options.poll = ProgressStep{};
  options.poll_bounds.floor = 500ms;
  options.deadline = reel::steady_clock().now() + std::chrono::minutes(15);
  reel::VideoJob<reel::Lumenfall, reel::http::Client> job(http, lumenfall, account, options);

  reel::lumenfall::CreateRequest request;
  request.model = "sora-2";
  request.prompt = "Steam rising from a cup of coffee by a window";
  request.seconds = "4";
  const reel::job::Outcome outcome = co_await job.generate(request, output);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(),
                 outcome.error.message().c_str());
    co_return 1;
  }
  std::printf("wrote %s after %d polls\n", outcome.file.c_str(), outcome.polls);
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path output = argc > 1 ? argv[1] : "polled.mp4";
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  int status = 1;
  asio::co_spawn(io, make_video(http, output), [&status](std::exception_ptr e, int s) { status = e ? 1 : s; });
  io.run();
  return status;
}
