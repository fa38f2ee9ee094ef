// SPDX-License-Identifier: BSL-1.0
// Minimal Lumenfall: one text-to-video job from submit to a verified MP4 on disk, with its
// progress printed as it goes, inside a coroutine.
//
//   LUMENFALL_API_KEY=... example_lumenfall_minimal [output.mp4]
//
// LUMENFALL_BASE_URL overrides the API (default https://api.lumenfall.ai/openai/v1); the tests
// point it at the provider simulator. Exit status 0 when the video was written.
#include <reel/reel.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

namespace {

asio::awaitable<int> make_video(reel::Session<reel::Lumenfall>& lumenfall, std::filesystem::path output) {
  // Lumenfall's own request type: every field of its API is reachable.
  reel::lumenfall::CreateRequest request;
  request.model = "sora-2";
  request.prompt = "A paper boat drifting down a rainy street, close-up";
  request.seconds = "4";
  request.size = "1280x720";
  // A named local, not a temporary, in the co_await expression (GCC 12).
  const reel::Outcome outcome = co_await lumenfall.generate(request, output);
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(),
                 outcome.error.message().c_str());
    co_return 1;
  }
  std::printf("wrote %s (%llu bytes, %d polls, cost $%.2f)\n", outcome.file.c_str(),
              static_cast<unsigned long long>(outcome.bytes), outcome.polls, outcome.cost.value_or(0.0));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path output = argc > 1 ? argv[1] : "lumenfall.mp4";
  reel::SessionOptions options;
  options.job.on_progress = [last = std::string()](const reel::JobProgress& p) mutable {
    std::string line = std::string(reel::job::to_string(p.stage));
    if (p.percent) line += " " + std::to_string(*p.percent) + "%";
    if (line != last) std::printf("%s\n", line.c_str());  // each change once
    last = line;
  };
  asio::io_context io;
  reel::Session lumenfall(io, reel::Lumenfall::from_env(), options);
  int status = 1;
  asio::co_spawn(io, make_video(lumenfall, output), [&status](std::exception_ptr e, int s) { status = e ? 1 : s; });
  io.run();
  return status;
}
