// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: OpenAiVideos gives no price quotes (ctest job_openai_videos_quote_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/openai_videos.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::OpenAiVideos, reel::testing::ScriptedClient>& job,
                        const reel::OpenAiVideos::Request& request) {
  auto r = co_await job.quote(request);
  (void)r;
}
