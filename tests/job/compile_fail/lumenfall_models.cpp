// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Lumenfall has no model discovery (ctest job_missing_discovery_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/lumenfall.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Lumenfall, reel::testing::ScriptedClient>& job) {
  auto r = co_await job.models();
  (void)r;
}
