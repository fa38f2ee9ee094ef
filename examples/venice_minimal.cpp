// SPDX-License-Identifier: BSL-1.0
// Minimal Venice: one text-to-video job from submit to a verified MP4 on disk.
//
//   VENICE_API_KEY=... example_venice_minimal [output.mp4]
//
// VENICE_BASE_URL overrides the API (default https://api.venice.ai/api/v1); the tests point it
// at the provider simulator. Exit status 0 when the video was written.
#include <reel/http/client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/venice.hpp>

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

asio::awaitable<int> make_video(reel::http::Client& http, std::filesystem::path output) {
  reel::Venice venice;
  venice.api_key = std::getenv("VENICE_API_KEY") ? std::getenv("VENICE_API_KEY") : "";
  if (const char* url = std::getenv("VENICE_BASE_URL")) venice.base_url = url;

  // Venice's documented rate limits, shared by every job on this account.
  reel::job::Account account(reel::steady_clock(), reel::Venice::default_limits());
  reel::JobOptions options;
  options.deadline = reel::steady_clock().now() + std::chrono::minutes(15);
  reel::VideoJob<reel::Venice, reel::http::Client> job(http, venice, account, options);

  reel::job::VideoRequest request;
  request.model = "wan-2.5-preview-text-to-video";
  request.prompt = "A gondola gliding through Venice canals at sunset";
  request.duration_seconds = 5;
  request.aspect_ratio = "16:9";
  // A named local, not a temporary, in the co_await expression (GCC 12).
  const reel::job::Outcome outcome = co_await job.generate(request, output);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(),
                 outcome.error.message().c_str());
    co_return 1;
  }
  std::printf("wrote %s (%llu bytes, %d polls)\n", outcome.file.c_str(),
              static_cast<unsigned long long>(outcome.bytes), outcome.polls);
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path output = argc > 1 ? argv[1] : "venice.mp4";
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  int status = 1;
  asio::co_spawn(io, make_video(http, output), [&status](std::exception_ptr e, int s) { status = e ? 1 : s; });
  io.run();
  return status;
}
