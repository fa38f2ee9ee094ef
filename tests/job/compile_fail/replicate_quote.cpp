// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Replicate has no price quote (ctest job_replicate_quote_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/replicate.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Replicate, reel::testing::ScriptedClient>& job) {
  const reel::Replicate::Request request{.model = "google/veo-3"};
  auto r = co_await job.quote(request);
  (void)r;
}
