// SPDX-License-Identifier: BSL-1.0
/// @file
/// The provider-neutral vocabulary of a video job: the common request, the job handle (a small
/// serialisable value from which any process can resume the job), and a status as read from the
/// provider.
#pragma once

#include <reel/config.hpp>
#include <reel/job/error.hpp>
#include <reel/json/meta.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace reel::job {

using Duration = std::chrono::milliseconds;

/// What most providers understand; each provider maps it onto its own request type, whose
/// provider-specific fields stay reachable.
struct VideoRequest {
  std::string model;
  std::string prompt;
  std::optional<int> duration_seconds;        ///< e.g. 5 (Venice "5s", Lumenfall "5")
  std::optional<std::string> resolution;      ///< Venice "720p"; Lumenfall a size such as "1280x720"
  std::optional<std::string> aspect_ratio;    ///< e.g. "16:9"
  std::optional<std::string> negative_prompt;
  std::optional<std::string> image;           ///< image-to-video input: an http(s) URL or a data URL
  std::optional<std::string> audio;           ///< audio input: an http(s) URL or a data URL
};

/// Everything needed to find a submitted job again, in any process. Contains no API key; the
/// one-time `download_url` is a bearer secret of its own: store the handle as you would the file.
struct JobHandle {
  std::string provider;                        ///< "venice", "lumenfall"
  std::string base_url;                        ///< the API the job was submitted to
  std::string model;
  std::string job_id;                          ///< Venice queue_id, Lumenfall video id (empty before submit)
  std::optional<std::string> download_url;     ///< Venice private models' one-time link (from queue)
  std::optional<std::string> idempotency_key;  ///< Lumenfall: minted once per logical job
  std::int64_t created_at = 0;                 ///< Unix seconds, when the job was first submitted
  std::optional<std::int64_t> completed_at;    ///< Unix seconds, when it was seen ready
  std::optional<std::int64_t> expires_at;      ///< Unix seconds, when the output expires
  int link_fetches = 0;                        ///< GETs of the one-time `download_url` sent so far

  /// Whether the provider has accepted the job (there is an id to poll).
  bool submitted() const noexcept { return !job_id.empty(); }
};

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

template <>
struct reel::json::Meta<reel::job::JobHandle> {
  static constexpr bool keep_defaults = true;
};
