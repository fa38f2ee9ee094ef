// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::job::AccountLimits`: the client-side rate limits and abuse guard of one provider
/// account. Each provider says what its own are (`P::default_limits()`).
#pragma once

#include <reel/config.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/rate_limiter.hpp>

#include <chrono>
#include <map>

namespace reel::job {

/// Rate limits and abuse guard of an account.
struct AccountLimits {
  /// The limit of each bucket; buckets without one are never delayed.
  std::map<policy::Bucket, policy::RateLimit> limits;
  policy::FailureGuard guard{10, std::chrono::seconds(30)};

  /// No client-side limit (the server's 429s and hints still pause requests).
  static AccountLimits none() { return {}; }
};

}  // namespace reel::job
