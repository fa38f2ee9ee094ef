// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::JobOptions`: how a `VideoJob` behaves (deadline, poll policy, retries, timeouts,
/// cleanup, callbacks, budgets).
#pragma once

#include <reel/config.hpp>
#include <reel/http/message.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/progress.hpp>
#include <reel/policy/poll.hpp>
#include <reel/policy/retry.hpp>
#include <reel/time/clock.hpp>

#include <chrono>
#include <functional>
#include <optional>

namespace reel {

/// How a job behaves; every member has a sensible default.
struct JobOptions {
  /// The whole job ends by then (on the account's clock); none: no deadline.
  std::optional<Clock::time_point> deadline;
  policy::AnyPollPolicy poll = policy::EtaAware{};
  policy::PollBounds poll_bounds{};
  policy::RetryPolicy retry{};
  http::Timeouts timeouts{};
  /// Delete the provider's copy once the file is safe (Venice `/video/complete` and revoking
  /// the download link; Lumenfall `DELETE /videos/{id}`).
  bool cleanup = true;
  /// Called with progress (on the job's executor).
  std::function<void(const job::JobProgress&)> on_progress;
  /// Called once the provider accepted the job, with its handle (persist it here).
  std::function<void(const job::JobHandle&)> on_submitted;
  /// Consecutive failed polls (transport errors, 429, 5xx, unreadable answers) tolerated before
  /// `wait` gives up (the job stays resumable). A 503 "at capacity" does not count: the job waits.
  int max_failed_polls = 20;
  /// GETs of a one-time download link allowed in all (counted in the handle across `download`
  /// calls, processes and resumes): a few, never until the link dies.
  int max_link_fetches = 3;
  /// How long the cleanup may take once the video is safe (within the deadline).
  policy::Duration cleanup_timeout{std::chrono::seconds(30)};
  /// How long a job may report only statuses reel does not know (read as running) before the
  /// wait ends, resumable; the deadline, when earlier, ends it first.
  policy::Duration unknown_status_limit{std::chrono::hours(2)};
  /// Called with the handle whenever it changes after the submit (e.g. a one-time link fetch
  /// was counted), before the request that changed it is sent: persist it here.
  std::function<void(const job::JobHandle&)> on_handle_changed;
  /// `generate` first checks the request against the model's constraints (providers with model
  /// discovery; one more request), so an invalid request never reaches the billable create.
  bool validate_before_submit = false;
};

}  // namespace reel
