// SPDX-License-Identifier: BSL-1.0
/// @file
/// Retries of idempotent calls: which answers are worth another try (429, 5xx, transport errors)
/// and how long to wait (capped exponential backoff with jitter, never shorter than the server's
/// hint). A call that may have created a paid job is never retried here: that decision belongs
/// to the job, which knows whether the provider deduplicates.
#pragma once

#include <reel/config.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>

namespace reel::policy {

/// How often and how patiently to retry an idempotent call.
struct RetryPolicy {
  int max_attempts = 6;           ///< attempts in all, the first included
  Duration initial{1000};         ///< wait before the second attempt
  double multiplier = 2.0;        ///< growth per attempt
  Duration max_delay{30000};      ///< cap of the computed wait (a longer server hint still wins, up to `max_server_wait`)
  double jitter = 0.2;            ///< each wait spread by ±this share
  Jitter random{};                ///< self-seeded by default: copies draw their own waits (see `Jitter`)

  /// Whether an HTTP status is worth retrying: 408, 425, 429, 500, 502, 503, 504.
  static bool retryable_status(int status) {
    return status == 408 || status == 425 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
  }

  /// The wait before attempt `attempt` (2 for the first retry), or nullopt when attempts are spent.
  std::optional<Duration> delay(int attempt, std::optional<Duration> hint = std::nullopt) {
    if (attempt > max_attempts || attempt < 2) return std::nullopt;
    const double grown = static_cast<double>(initial.count()) * std::pow(multiplier, attempt - 2);
    // `!(grown < max_delay)` also catches NaN and infinity, whose conversion would be undefined.
    Duration d = !(grown < static_cast<double>(max_delay.count())) ? max_delay : Duration(static_cast<std::int64_t>(grown));
    d = random.spread(d, jitter);
    if (hint && *hint > d) d = std::max(d, std::min(*hint, max_server_wait));
    return d;
  }
};

}  // namespace reel::policy
