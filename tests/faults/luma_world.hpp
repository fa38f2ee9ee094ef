// SPDX-License-Identifier: BSL-1.0
// reel::Luma on the fault tests' World (fault_world.hpp): `make_provider` for
// ProviderWorld<reel::Luma> (the traits pointed at the simulator's /luma) and a create request.
// Used by the fault suite and by the simulator's Luma lifecycle test.
#pragma once

#include "fault_world.hpp"

#include <reel/providers/luma.hpp>

#include <string>
#include <utility>

namespace reel_faults {

/// reel::Luma on the simulator's /luma.
inline reel::Luma make_provider(For<reel::Luma>, reel_sim::test::SimFixture& sim, std::string key) {
  reel::Luma l;
  l.api_key = std::move(key);
  l.base_url = sim.sim->luma_url();
  return l;
}

using LumaWorld = ProviderWorld<reel::Luma>;
using LumaJob = LumaWorld::Job;

/// A ray-2 generation of `prompt`, 5 s, 16:9.
inline reel::luma::CreateRequest luma_request(std::string prompt) {
  reel::luma::CreateRequest r;
  r.model = "ray-2";
  r.prompt = std::move(prompt);
  r.duration = "5s";
  r.aspect_ratio = "16:9";
  return r;
}

}  // namespace reel_faults
