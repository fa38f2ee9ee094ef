// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Google Veo (Gemini API) has no price quote (ctest job_google_veo_quote_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/google_veo.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::GoogleVeo, reel::testing::ScriptedClient>& job) {
  const reel::GoogleVeo::Request request{.model = "veo-3.1-generate-001"};
  auto r = co_await job.quote(request);
  (void)r;
}
