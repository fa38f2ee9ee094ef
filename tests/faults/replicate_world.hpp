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

/// reel::Replicate on the simulator's /replicate; `prefer_wait` 0: every create answers at once.
inline reel::Replicate make_provider(For<reel::Replicate>, reel_sim::test::SimFixture& sim, std::string key) {
  reel::Replicate r{std::move(key), sim.sim->base_url() + "/replicate"};
  r.prefer_wait = 0;
  return r;
}

/// A World with a Replicate account (Replicate's documented limits).
struct ReplicateWorld : ProviderWorld<reel::Replicate> {
  using ProviderWorld::ProviderWorld;
  /// `provider(key)` with a `Prefer: wait` of `prefer_wait` seconds.
  reel::Replicate replicate(std::string key = "test-key", int prefer_wait = 0) {
    reel::Replicate r = provider(std::move(key));
    r.prefer_wait = prefer_wait;
    return r;
  }
};
using ReplicateJob = ReplicateWorld::Job;

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

}  // namespace reel_faults
