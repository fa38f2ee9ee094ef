// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Luma has no price quote (ctest job_luma_quote_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/luma.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Luma, reel::testing::ScriptedClient>& job, const reel::Luma::Request& r) {
  auto q = co_await job.quote(r);
  (void)q;
}
