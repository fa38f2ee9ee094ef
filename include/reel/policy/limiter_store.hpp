// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::policy::LimiterStore`: where a `RateLimiter` keeps the part of its state that other
/// limiters of the same account (in other processes, or on other machines) share: each bucket's
/// granted and reserved send times and its pause, and the recent failures the abuse guard
/// counts. Without a store a limiter keeps it in memory. `reel::store::LimiterFile` shares it
/// between the processes of one machine; a database can share it between machines.
///
/// | expression | meaning |
/// |---|---|
/// | `s.load(state)` | locks the shared state (waiting for other holders) and reads it into `state`; empty when there is none yet |
/// | `s.save(state)` | writes `state` and unlocks |
/// | `s.unlock()` | unlocks without writing |
///
/// Times are nanoseconds on the limiter's clock; limiters that share a store must use clocks
/// with one time base (`reel::SteadyClock` is CLOCK_MONOTONIC: the same for every process of a
/// machine).
#pragma once

#include <reel/config.hpp>
#include <reel/policy/bucket.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <system_error>

namespace reel::policy {

/// The shared part of a limiter's state.
struct LimiterState {
  /// One bucket's shared state.
  struct BucketState {
    std::deque<std::int64_t> grants;  ///< granted and reserved send times, sorted
    std::int64_t paused_until = 0;
  };
  std::map<Bucket, BucketState> buckets;
  std::deque<std::int64_t> failures;  ///< times of recent failed requests, sorted
};

/// Shared storage for limiter state (see the file comment).
class LimiterStore {
public:
  virtual ~LimiterStore() = default;
  /// Locks and reads the shared state into `state`.
  virtual std::error_code load(LimiterState& state) = 0;
  /// Writes `state` and unlocks.
  virtual std::error_code save(const LimiterState& state) = 0;
  /// Unlocks without writing.
  virtual void unlock() noexcept = 0;
};

}  // namespace reel::policy
