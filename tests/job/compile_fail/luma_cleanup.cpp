// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Luma has no cleanup (its DELETE is the cancel; ctest job_luma_cleanup_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/luma.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Luma, reel::testing::ScriptedClient>& job) {
  auto r = co_await job.cleanup();
  (void)r;
}
