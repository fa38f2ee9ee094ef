// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::job::VideoRequest`: the provider-neutral request every provider maps onto its own.
#pragma once

#include <reel/config.hpp>

#include <optional>
#include <string>

namespace reel::job {

/// What most providers understand; each provider maps it onto its own request type, whose
/// provider-specific fields stay reachable. Designated initializers name only what they set:
/// `reel::VideoRequest{.model = "...", .prompt = "..."}`.
struct VideoRequest {
  std::string model{};
  std::string prompt{};
  std::optional<int> duration_seconds{};        ///< e.g. 5 (Venice "5s", Lumenfall "5")
  std::optional<std::string> resolution{};      ///< Venice "720p"; Lumenfall a size such as "1280x720"
  std::optional<std::string> aspect_ratio{};    ///< e.g. "16:9"
  std::optional<std::string> negative_prompt{};
  std::optional<std::string> image{};           ///< image-to-video input: an http(s) URL or a data URL
  std::optional<std::string> audio{};           ///< audio input: an http(s) URL or a data URL
};

}  // namespace reel::job

namespace reel {
using job::VideoRequest;  ///< `reel::job::VideoRequest`, also as `reel::VideoRequest`
}  // namespace reel
