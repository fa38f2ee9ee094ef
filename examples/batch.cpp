// SPDX-License-Identifier: BSL-1.0
// A batch across providers: five videos from Venice and Lumenfall on one thread, at most two
// running at a time (reel::run_batch), each with its own outcome and handle.
//
//   VENICE_API_KEY=... LUMENFALL_API_KEY=... example_batch [output-directory]
//
// VENICE_BASE_URL / LUMENFALL_BASE_URL override the APIs (the tests use the simulator).
// Exit status 0 when every video was written.
#include <reel/http/client.hpp>
#include <reel/engine/batch.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/venice.hpp>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

using VeniceJob = reel::VideoJob<reel::Venice, reel::http::Client>;
using LumenfallJob = reel::VideoJob<reel::Lumenfall, reel::http::Client>;

std::string env(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

asio::awaitable<int> run(reel::http::Client& http, std::filesystem::path dir) {
  const reel::Venice venice{env("VENICE_API_KEY"), env("VENICE_BASE_URL", "https://api.venice.ai/api/v1")};
  const reel::Lumenfall lumenfall{env("LUMENFALL_API_KEY"), env("LUMENFALL_BASE_URL", "https://api.lumenfall.ai/openai/v1")};
  // One account per provider: its jobs share its rate limits.
  reel::job::Account venice_account(reel::steady_clock(), reel::Venice::default_limits());
  reel::job::Account lumenfall_account;

  const std::vector<std::string> prompts = {"A lighthouse at dusk", "Waves on black sand", "A fox in fresh snow",
                                            "Lanterns over a river", "A hummingbird in slow motion"};
  std::vector<reel::AnyJob> jobs;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    reel::job::VideoRequest request;
    request.prompt = prompts[i];
    request.duration_seconds = i % 2 == 0 ? 5 : 4;
    request.aspect_ratio = "16:9";
    const std::filesystem::path output = dir / ("video-" + std::to_string(i + 1) + ".mp4");
    if (i % 2 == 0) {
      request.model = "wan-2.5-preview-text-to-video";
      auto job = std::make_unique<VeniceJob>(http, venice, venice_account);
      jobs.emplace_back(std::move(job), reel::Venice::native(request), output);
    } else {
      request.model = "sora-2";
      auto job = std::make_unique<LumenfallJob>(http, lumenfall, lumenfall_account);
      jobs.emplace_back(std::move(job), reel::Lumenfall::native(request), output);
    }
  }

  const std::vector<reel::job::Outcome> outcomes = co_await reel::run_batch(jobs, 2);
  int failures = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const reel::job::Outcome& o = outcomes[i];
    std::printf("%-10s %-12s %s\n", std::string(jobs[i].provider()).c_str(),
                std::string(reel::job::to_string(o.kind)).c_str(),
                o.ok() ? o.file.c_str() : o.error.message().c_str());
    if (!o.ok()) ++failures;
  }
  co_return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : "batch";
  std::filesystem::create_directories(dir);
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  int status = 1;
  asio::co_spawn(io, run(http, dir), [&status](std::exception_ptr e, int s) { status = e ? 1 : s; });
  io.run();
  return status;
}
