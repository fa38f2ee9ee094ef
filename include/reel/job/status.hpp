// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::job::Status`: one status answer of a provider, read onto a neutral `Phase`.
#pragma once

#include <reel/config.hpp>
#include <reel/job/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace reel::job {

/// Durations a provider reports.
using Duration = std::chrono::milliseconds;

/// Where a job is, provider-neutral.
enum class Phase {
  queued,   ///< accepted, not running yet
  running,  ///< being generated
  ready,    ///< the video can be downloaded (or was in the status answer itself)
  failed,   ///< the provider gave up; `Status::error` says why
};

/// One status answer.
struct Status {
  Phase phase = Phase::queued;
  std::optional<Duration> estimate;          ///< provider's estimate of the whole run
  std::optional<Duration> elapsed;           ///< provider's running time so far
  std::optional<int> percent;                ///< provider's progress 0..100
  std::optional<int> queue_position;         ///< requests ahead of this one (fal `queue_position`)
  std::optional<std::string> download_url;   ///< where to GET the video, when it is not inline
  std::optional<std::uint64_t> size_bytes;   ///< announced size of the video
  std::optional<std::int64_t> expires_at;    ///< Unix seconds
  std::optional<double> cost;                ///< final cost (USD)
  std::optional<double> cost_estimate;       ///< estimated cost while running (USD)
  bool video_inline = false;                 ///< the answer's body was the video (already in the sink)
  /// The provider's status word when reel does not know it (read as `running`), e.g. "finalizing".
  std::optional<std::string> unknown_status;
  JobError error;                            ///< for `failed`
};

}  // namespace reel::job
