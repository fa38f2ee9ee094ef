// SPDX-License-Identifier: BSL-1.0
// Must NOT compile: Venice has no cancel operation, and calling one is a compile error with a
// clear message at the call site (ctest job_missing_operation_is_a_compile_error).
#include <reel/testing/scripted_client.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/providers/venice.hpp>

asio::awaitable<void> f(reel::VideoJob<reel::Venice, reel::testing::ScriptedClient>& job) {
  auto r = co_await job.cancel();
  (void)r;
}
