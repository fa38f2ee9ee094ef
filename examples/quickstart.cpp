// SPDX-License-Identifier: BSL-1.0
// The README's first program: one Venice video, key and API from VENICE_API_KEY (VENICE_BASE_URL).
#include <reel/reel.hpp>

#include <cstdio>

int main() {
  asio::io_context io;
  reel::Session venice(io, reel::Venice::from_env());
  reel::VideoRequest request{.model = "wan-2.5-preview-text-to-video", .prompt = "A gondola at sunset",
                             .duration_seconds = 5, .aspect_ratio = "16:9"};
  auto done = venice.async_generate(request, "gondola.mp4");
  io.run();
  const reel::Outcome outcome = done.get();
  std::printf("%s\n", outcome.ok() ? "wrote gondola.mp4" : outcome.error.message().c_str());
  return outcome.ok() ? 0 : 1;
}
