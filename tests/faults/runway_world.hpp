// SPDX-License-Identifier: BSL-1.0
// reel::Runway on the fault tests' World (fault_world.hpp): `make_provider` for
// ProviderWorld<reel::Runway> (the traits pointed at the simulator's /runway) and a create request.
// Used by the fault suite and by the simulator's Runway lifecycle test.
#pragma once

#include "fault_world.hpp"

#include <reel/providers/runway.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace reel_faults {

/// reel::Runway on the simulator's /runway.
inline reel::Runway make_provider(For<reel::Runway>, reel_sim::test::SimFixture& sim, std::string key) {
  return reel::Runway{std::move(key), sim.sim->runway_url()};
}

using RunwayWorld = ProviderWorld<reel::Runway>;
using RunwayJob = RunwayWorld::Job;

/// A gen4.5 text-to-video task of `prompt`, 1280:720, 5 s.
inline reel::runway::CreateRequest runway_request(std::string prompt) {
  reel::runway::CreateRequest r;
  reel::json::Object body;
  body.emplace_back("model", "gen4.5");
  body.emplace_back("promptText", std::move(prompt));
  body.emplace_back("ratio", "1280:720");
  body.emplace_back("duration", reel::json::Value(std::int64_t{5}));
  r.body = std::move(body);
  return r;
}

}  // namespace reel_faults
