// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: fal has no price quote (ctest job_fal_quote_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/fal.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Fal, reel::testing::ScriptedClient>& job, const reel::Fal::Request& r) {
  auto q = co_await job.quote(r);
  (void)q;
}
