// SPDX-License-Identifier: BSL-1.0
// The provider chosen by name at run time, as from configuration:
//   example_provider_by_name venice|lumenfall [output.mp4]
// The key and API come from the provider's variables (VENICE_API_KEY, LUMENFALL_API_KEY, ...).
#include <reel/reel.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  const char* provider = argc > 1 ? argv[1] : "venice";
  asio::io_context io;
  reel::http::Client http(io.get_executor());
  auto session = reel::connect_from_env(http, provider);
  if (!session) {
    std::fprintf(stderr, "%s\n", session.error().message().c_str());
    return 2;
  }
  reel::VideoRequest request{.model = argc > 3 ? argv[3] : "wan-2.5-preview-text-to-video",
                             .prompt = "A lighthouse in a storm", .aspect_ratio = "16:9"};
  auto done = session->async_generate(request, argc > 2 ? argv[2] : "video.mp4");
  io.run();
  const reel::Outcome outcome = done.get();
  for (const std::string& warning : outcome.warnings) std::printf("warning: %s\n", warning.c_str());
  std::printf("%s via %s: %s\n", std::string(reel::job::to_string(outcome.kind)).c_str(), std::string(session->provider()).c_str(),
              outcome.ok() ? outcome.file.c_str() : outcome.error.message().c_str());
  return outcome.ok() ? 0 : 1;
}
