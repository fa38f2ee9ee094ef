// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::policy::MemoryLimiterStore`: a `LimiterStore` in memory that the limiters of one
/// process share, on any threads (a mutex), so several `Account` objects on one key stay inside
/// its limits together.
#pragma once

#include <reel/config.hpp>
#include <reel/policy/limiter_store.hpp>

#include <mutex>
#include <system_error>

namespace reel::policy {

/// Limiter state shared in memory (see the file comment). `load` locks until `save` or
/// `unlock`, on the same thread (a limiter never waits in between).
class MemoryLimiterStore final : public LimiterStore {
public:
  std::error_code load(LimiterState& state) override {
    mutex_.lock();
    state = state_;
    return {};
  }
  std::error_code save(const LimiterState& state) override {
    state_ = state;
    mutex_.unlock();
    return {};
  }
  void unlock() noexcept override { mutex_.unlock(); }

private:
  std::mutex mutex_;
  LimiterState state_;
};

}  // namespace reel::policy
