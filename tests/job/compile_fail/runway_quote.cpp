// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Runway has no price quote (ctest job_runway_quote_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/runway.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Runway, reel::testing::ScriptedClient>& job, const reel::Runway::Request& r) {
  auto q = co_await job.quote(r);
  (void)q;
}
