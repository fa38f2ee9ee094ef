// SPDX-License-Identifier: BSL-1.0
// reel::OpenAiVideos on the fault tests' World (fault_world.hpp): an account, the traits pointed
// at the simulator's OpenAI-compatible mode (/oai/v1), a create request and `generate`. Used by
// the fault suite and by the simulator's OpenAI-mode test.
#pragma once

#include "fault_world.hpp"

#include <reel/providers/openai_videos.hpp>

#include <filesystem>
#include <string>
#include <utility>

namespace reel_faults {

using OpenAiJob = reel::VideoJob<reel::OpenAiVideos, reel::http::Client>;

/// A World with an OpenAI-compatible account (no known limits).
struct OpenAiWorld : World {
  using World::World;
  /// reel::OpenAiVideos on the simulator's /oai/v1, `Authorization: Bearer <key>`.
  reel::OpenAiVideos openai(std::string key = "test-key") {
    reel::OpenAiVideos o;
    o.api_key = std::move(key);
    o.base_url = sim.sim->openai_url();
    return o;
  }
  reel::job::Account account{reel::steady_clock(), reel::OpenAiVideos::default_limits()};
};

/// A create of `model` with `prompt` and 4 seconds at 1280x720.
inline reel::openai_videos::CreateRequest openai_request(std::string prompt, std::string model = "sora-2") {
  reel::openai_videos::CreateRequest r;
  r.model = std::move(model);
  r.prompt = std::move(prompt);
  r.seconds = "4";
  r.size = "1280x720";
  return r;
}

inline asio::awaitable<reel::job::Outcome> generate(OpenAiJob& job, reel::openai_videos::CreateRequest r,
                                                    std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}

}  // namespace reel_faults
