// SPDX-License-Identifier: BSL-1.0
// Minimal Venice: one text-to-video job from submit to a verified MP4 on disk, with a callback
// as the completion token.
//
//   VENICE_API_KEY=... example_venice_minimal [output.mp4]
//
// VENICE_BASE_URL overrides the API (default https://api.venice.ai/api/v1); the tests point it
// at the provider simulator. Exit status 0 when the video was written.
#include <reel/reel.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  const std::filesystem::path output = argc > 1 ? argv[1] : "venice.mp4";
  reel::SessionOptions options;
  options.timeout = std::chrono::minutes(15);  // the whole job, polls and download included
  asio::io_context io;
  reel::Session venice(io, reel::Venice::from_env(), options);
  const reel::VideoRequest request{.model = "wan-2.5-preview-text-to-video",
                                   .prompt = "A gondola gliding through Venice canals at sunset",
                                   .duration_seconds = 5, .aspect_ratio = "16:9"};
  int status = 1;
  venice.async_generate(request, output, [&status](const reel::Outcome& outcome) {
    if (!outcome.ok()) {
      std::fprintf(stderr, "%s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(),
                   outcome.error.message().c_str());
      return;
    }
    std::printf("wrote %s (%llu bytes, %d polls)\n", outcome.file.c_str(),
                static_cast<unsigned long long>(outcome.bytes), outcome.polls);
    status = 0;
  });
  io.run();
  return status;
}
