// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: the Gemini API has no cancel for Veo operations (the SDK's operations module
// only gets them) (ctest job_google_veo_cancel_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/google_veo.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::GoogleVeo, reel::testing::ScriptedClient>& job) {
  auto r = co_await job.cancel();
  (void)r;
}
