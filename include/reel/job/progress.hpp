// SPDX-License-Identifier: BSL-1.0
/// @file
/// How a job is going (`JobProgress`), provider-neutral, for progress displays.
#pragma once

#include <reel/config.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reel::job {

/// Where a job is, for progress displays.
enum class Stage { submitting, queued, running, downloading, cleaning_up, done };

constexpr std::string_view to_string(Stage s) noexcept {
  switch (s) {
    case Stage::submitting: return "submitting";
    case Stage::queued: return "queued";
    case Stage::running: return "running";
    case Stage::downloading: return "downloading";
    case Stage::cleaning_up: return "cleaning up";
    case Stage::done: return "done";
  }
  return "unknown";
}

/// A progress report.
struct JobProgress {
  Stage stage = Stage::submitting;
  std::optional<int> percent;                   ///< provider's progress, or derived from the estimate
  std::optional<std::chrono::milliseconds> eta;  ///< time left, when an estimate is known
  std::optional<int> queue_position;            ///< requests ahead of this one, when the provider says (fal)
  std::uint64_t bytes = 0;                      ///< video bytes received so far
  std::optional<std::uint64_t> total_bytes;     ///< announced video size
  int polls = 0;
  std::string warning;  ///< non-empty once per new warning (see `Outcome::warnings`)
};

}  // namespace reel::job

namespace reel {
using job::JobProgress;  ///< `reel::job::JobProgress`, also as `reel::JobProgress`
}  // namespace reel
