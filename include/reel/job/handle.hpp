// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::job::JobHandle`: a small serialisable value from which any process can resume a job.
#pragma once

#include <reel/config.hpp>
#include <reel/json/meta.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace reel::job {

/// Everything needed to find a submitted job again, in any process. Contains no API key; the
/// one-time `download_url` is a bearer secret of its own: store the handle as you would the file.
struct JobHandle {
  std::string provider;                        ///< the provider's `name` ("venice", "lumenfall")
  std::string base_url;                        ///< the API the job was submitted to
  std::string model;
  std::string job_id;                          ///< Venice queue_id, Lumenfall video id (empty before submit)
  std::optional<std::string> download_url;     ///< Venice private models' one-time link (from queue)
  std::optional<std::string> idempotency_key;  ///< Lumenfall: minted once per logical job
  std::optional<std::string> status_url;       ///< a provider's own status URL for the job, polled as returned
  std::optional<std::string> result_url;       ///< a provider's own URL of the finished output
  std::optional<std::string> cancel_url;       ///< a provider's own cancel URL for the job
  std::int64_t created_at = 0;                 ///< Unix seconds, when the job was first submitted
  std::optional<std::int64_t> completed_at;    ///< Unix seconds, when it was seen ready
  std::optional<std::int64_t> expires_at;      ///< Unix seconds, when the output expires
  int link_fetches = 0;                        ///< GETs of the one-time `download_url` sent so far

  /// Whether the provider has accepted the job (there is an id to poll).
  bool submitted() const noexcept { return !job_id.empty(); }
};

}  // namespace reel::job

namespace reel {
using job::JobHandle;  ///< `reel::job::JobHandle`, also as `reel::JobHandle`
}  // namespace reel

template <>
struct reel::json::Meta<reel::job::JobHandle> {
  static constexpr bool keep_defaults = true;
};
