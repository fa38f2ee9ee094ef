// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::job::Account`: what every job on one provider account (one API key) shares: the
/// clock, the client-side rate limiter, and what was learned about models (Venice's estimate is
/// a property of the model, so later jobs know it before their first poll).
#pragma once

#include <reel/config.hpp>
#include <reel/job/limits.hpp>
#include <reel/policy/rate_limiter.hpp>
#include <reel/time/clock.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace reel::job {

/// Shared by the jobs of one provider account; use from one thread (their executor).
class Account {
public:
  explicit Account(Clock& clock = steady_clock(), AccountLimits limits = AccountLimits::none())
      : clock_(clock), limiter_(clock, std::move(limits.limits), limits.guard) {}
  Account(const Account&) = delete;
  Account& operator=(const Account&) = delete;

  Clock& clock() noexcept { return clock_; }
  policy::RateLimiter& limiter() noexcept { return limiter_; }

  /// The run-time estimate last reported for `model`, if any.
  std::optional<std::chrono::milliseconds> estimate(std::string_view model) const {
    const auto it = estimates_.find(model);
    if (it == estimates_.end()) return std::nullopt;
    return it->second;
  }
  /// Remembers the provider's estimate for `model`.
  void learn_estimate(std::string_view model, std::chrono::milliseconds estimate) {
    estimates_.insert_or_assign(std::string(model), estimate);
  }

private:
  Clock& clock_;
  policy::RateLimiter limiter_;
  std::map<std::string, std::chrono::milliseconds, std::less<>> estimates_;
};

}  // namespace reel::job
