// SPDX-License-Identifier: BSL-1.0
// reel::Replicate on the fault tests' World (fault_world.hpp): a Replicate account, the traits
// pointed at the simulator's /replicate, a create request and `generate`. Used by the fault suite
// and by the simulator's Replicate lifecycle test.
#pragma once

#include "fault_world.hpp"

#include <reel/providers/replicate.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace reel_faults {

using ReplicateJob = reel::VideoJob<reel::Replicate, reel::http::Client>;

/// A World with a Replicate account (Replicate's documented limits).
struct ReplicateWorld : World {
  using World::World;
  /// reel::Replicate on the simulator; `prefer_wait` 0: every create answers at once.
  reel::Replicate replicate(std::string key = "test-key", int prefer_wait = 0) {
    reel::Replicate r{std::move(key), sim.sim->base_url() + "/replicate"};
    r.prefer_wait = prefer_wait;
    return r;
  }
  reel::job::Account account{reel::steady_clock(), reel::Replicate::default_limits()};
};

/// A create of `model` with `prompt` and a 4 s duration.
inline reel::replicate::CreateRequest replicate_request(std::string prompt, std::string model = "google/veo-3-fast") {
  reel::replicate::CreateRequest r;
  r.model = std::move(model);
  reel::json::Object input;
  input.emplace_back("prompt", std::move(prompt));
  input.emplace_back("duration", reel::json::Value(std::int64_t{4}));
  r.input = std::move(input);
  return r;
}

inline asio::awaitable<reel::job::Outcome> generate(ReplicateJob& job, reel::replicate::CreateRequest r,
                                                    std::filesystem::path out) {
  co_return co_await job.generate(r, out);
}

}  // namespace reel_faults
